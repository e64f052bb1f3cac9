"""The voice stage: a technique span inside a quote's content is the speaker's, the rest the
author's; hand-built spans for the rule, the real pipeline on the example article."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import spinscope
from spinscope.document import QUOTE, TECHNIQUE, Document, Span
from spinscope.errors import UsageError
from spinscope.pipeline.stage import Pipeline
from spinscope.quotes.stage import QuoteStage
from spinscope.techniques.stage import TechniqueOptions
from spinscope.techniques.voice import VoiceStage

#          0         1         2         3         4         5         6
#          0123456789012345678901234567890123456789012345678901234567890123
TEXT = 'Critics are vile. "The plan is a disgrace," he said, "and a lie."'
SPLIT_QUOTE = {
    "kind": "direct",
    "fragments": [{"start": 18, "end": 43, "text": TEXT[18:43]}, {"start": 53, "end": 65, "text": TEXT[53:65]}],
    "cue": {"start": 47, "end": 51, "text": "said"},
    "speaker": {"start": 44, "end": 46, "text": "he"},
    "speaker_name": "Tom Reed",
    "speaker_resolution": "pronoun",
}


def _voiced(spans: list[Span], detector: str = "baseline") -> Document:
    doc = Document(id="v", text=TEXT).with_spans(QUOTE, [Span(18, 65, "direct", attributes=SPLIT_QUOTE, id="q1")])
    return VoiceStage(TechniqueOptions(detector=detector))(doc.with_spans(TECHNIQUE, spans))


@pytest.mark.parametrize(
    "start, end, voice",
    [
        (12, 16, "author"),  # "vile": before the quote
        (33, 42, "quoted"),  # "disgrace": inside the first fragment
        (44, 51, "author"),  # "he said": the cue between the fragments is the author's
        (39, 47, "quoted"),  # four of eight characters in the fragment: at least half counts
        (38, 47, "quoted"),
        (41, 50, "author"),  # two of nine characters in the fragment
        (60, 63, "quoted"),  # "lie": the second fragment
    ],
)
def test_techniques_voice_is_quoted_when_half_the_span_lies_in_a_quotes_fragments(start: int, end: int, voice: str) -> None:
    (span,) = _voiced([Span(start, end, "Loaded_Language", 0.9)]).spans[TECHNIQUE]
    assert span.attributes["voice"] == voice
    if voice == "quoted":
        assert span.attributes["quote"] == {"id": "q1", "speaker_name": "Tom Reed", "speaker": SPLIT_QUOTE["speaker"]}
    else:
        assert "quote" not in span.attributes


@pytest.mark.parametrize("detector, counted", [("baseline", 3), ("transformer", 2)])
def test_techniques_voice_summary_counts_only_the_spans_a_reader_is_shown(detector: str, counted: int) -> None:
    spans = [Span(12, 16, "Name_Calling,Labeling", 0.9), Span(33, 42, "Loaded_Language", 0.8), Span(60, 63, "Loaded_Language", 0.1)]
    summary = VoiceStage(TechniqueOptions(detector=detector)).summarise(_voiced(spans, detector))
    assert summary["author"] + summary["quoted"] == counted  # the transformer shows 0.34 and up; the baseline everything
    assert summary["author"] == 1
    assert summary["by_technique"]["Name_Calling,Labeling"] == {"author": 1, "quoted": 0}
    assert summary["by_speaker"] == [{"name": "Tom Reed", "spans": counted - 1}]


def test_techniques_voice_the_pipeline_accepts_its_amendment_and_keeps_every_span(example_article: Path) -> None:
    stages = ("sentence", "quote", "source", "technique", "voice")
    doc = spinscope.read(example_article)
    without = spinscope.analyze(doc, detector="baseline", stages=("sentence", "quote", "technique"))
    analysis = spinscope.analyze(doc, detector="baseline", stages=stages)
    spans = analysis.document.spans[TECHNIQUE]
    assert [(s.start, s.end, s.label) for s in spans] == [(s.start, s.end, s.label) for s in without.document.spans[TECHNIQUE]]
    text = analysis.document.text
    quoted = [s for s in spans if s.attributes["voice"] == "quoted"]
    assert quoted, "the example article's Colville quote holds loaded language"
    for span in quoted:
        said: dict[str, Any] = span.attributes["quote"]
        assert said["speaker_name"] == "Rupert Colville"
        assert text[said["speaker"]["start"] : said["speaker"]["end"]] == said["speaker"]["text"] == "he"
        quote = next(q for q in analysis.document.spans[QUOTE] if q.id == said["id"])
        assert quote.start <= span.start and span.end <= quote.end
    summary = analysis.summary["voice"]
    assert summary["author"] + summary["quoted"] == len(spans)  # the baseline's spans are all shown
    assert summary["by_speaker"] == [{"name": "Rupert Colville", "spans": len(quoted)}]


def test_techniques_voice_needs_the_quote_stage_before_it() -> None:
    with pytest.raises(UsageError, match="quote"):
        Pipeline([VoiceStage(TechniqueOptions(detector="baseline"))])
    assert Pipeline([QuoteStage()]).names == ("quote",)


def test_techniques_voice_evidence_after_it_keeps_the_voice(example_article: Path) -> None:
    stages = ("sentence", "quote", "technique", "voice", "evidence")
    analysis = spinscope.analyze(spinscope.read(example_article), detector="baseline", stages=stages)
    spans = analysis.document.spans[TECHNIQUE]
    assert all(s.attributes["voice"] in ("author", "quoted") for s in spans)
    assert any("evidence" in s.attributes for s in spans)

"""Occlusion evidence: the words whose removal lowers a span's technique probability, measured
on the shipped models, with offsets that point at the words."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from spinscope.document import Document, Span
from spinscope.nlp.segment import sentence_spans
from spinscope.techniques.baseline import BaselineDetector
from spinscope.techniques.ensemble import EnsembleDetector
from spinscope.techniques.evidence import EVIDENCE_REACH, EVIDENCE_TOKENS, MAX_PIECES, Sentences, pieces
from spinscope.techniques.features import ArticleView
from tests.paths import DEMO

# The span's probability of its label in a whole text (no window): what the evidence must match.
Measure = Callable[[str, Document, Span], float]


def _transformer(detector: EnsembleDetector) -> Measure:
    def measure(text: str, doc: Document, span: Span) -> float:
        model = detector.model
        view = ArticleView.build(text, doc.content_end, sentence_spans(doc))
        p = model.technique_probs(text[: doc.content_end], [(span.start, span.end)], view, EVIDENCE_TOKENS)
        return float(p[0, model.minilm.labels.index(span.label)])

    return measure


def _baseline(detector: BaselineDetector) -> Measure:
    def measure(text: str, doc: Document, span: Span) -> float:
        model = detector.model
        p = model.technique_probs(ArticleView.build(text, doc.content_end, sentence_spans(doc)), [(span.start, span.end)])
        return float(p[0, model.labels.index(span.label)])

    return measure


@pytest.fixture(scope="module", params=["transformer", "baseline"])
def detected(request: pytest.FixtureRequest) -> tuple[Document, list[Span], Measure]:
    doc = Document(id="demo", text=DEMO.read_text(encoding="utf-8"))
    assert len(doc.text) <= EVIDENCE_REACH, "the demo fits one window, so the window's figures are the whole text's"
    if request.param == "transformer":
        ensemble = EnsembleDetector(threads=2)
        return doc, ensemble.explain(doc, ensemble.detect(doc)), _transformer(ensemble)
    baseline = BaselineDetector()
    return doc, baseline.explain(doc, baseline.detect(doc)), _baseline(baseline)


def test_evidence_removing_the_top_word_lowers_the_probability_by_the_stored_drop(detected: tuple[Document, list[Span], Measure]) -> None:
    doc, spans, measure = detected
    with_evidence = [s for s in spans if s.attributes["evidence"]]
    assert len(with_evidence) >= len(spans) // 2, "most spans have a word that moved the model"
    for span in with_evidence:
        top = span.attributes["evidence"][0]
        assert span.start <= top["start"] < top["end"] <= span.end
        assert doc.text[top["start"] : top["end"]] == top["text"] and top["text"].strip() == top["text"]
        blanked = doc.text[: top["start"]] + " " * (top["end"] - top["start"]) + doc.text[top["end"] :]
        drop = measure(doc.text, doc, span) - measure(blanked, doc, span)
        assert drop > 0
        assert drop == pytest.approx(top["drop"], abs=2e-4), (span.label, top)


def test_evidence_is_strongest_first_and_at_most_three(detected: tuple[Document, list[Span], Measure]) -> None:
    _, spans, _ = detected
    for span in spans:
        drops = [e["drop"] for e in span.attributes["evidence"]]
        assert len(drops) <= 3 and drops == sorted(drops, reverse=True) and all(d > 0 for d in drops)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a shameless, corrupt land-grab!", ["shameless", "corrupt", "land-grab"]),
        ("Nobody believes her anymore.", ["Nobody", "believes", "her", "anymore"]),
        ("our town, our bridge, our future", ["our", "town", "our", "bridge", "our", "future"]),
        ("and the", []),
    ],
)
def test_evidence_pieces_are_the_words_of_the_span(text: str, expected: list[str]) -> None:
    assert [text[a:b] for a, b in pieces(text, 0, len(text))] == expected


def test_evidence_pieces_of_a_long_span_are_at_most_max_pieces_runs_of_words() -> None:
    text = "x " + " ".join(f"w{i}" for i in range(30)) + " y"
    found = pieces(text, 2, len(text) - 2)
    assert len(found) <= MAX_PIECES
    assert " ".join(text[a:b] for a, b in found) == text[2:-2], "the runs cover every word once, in order"


@pytest.mark.parametrize("at", [100, 5_000, 9_900])
def test_evidence_window_holds_whole_sentences_near_the_span(at: int) -> None:
    sentence = "This is one sentence of the article. "
    text = sentence * (10_000 // len(sentence) + 1)
    sents = [(i, i + len(sentence) - 1) for i in range(0, len(text) - len(sentence) + 1, len(sentence))]
    start = sents[at // len(sentence)][0]
    window = Sentences.of(sents).window(text, len(text), start, start + 7)
    assert window.text[window.start : window.end] == "This is"
    assert len(window.text) <= 2 * EVIDENCE_REACH + len(sentence)
    assert all(window.text[s:e] == sentence.strip() for s, e in window.sents)
    assert (start - window.offset, start + 7 - window.offset) == (window.start, window.end)
    if at == 100:
        assert window.offset == 0, "near the start, the window reaches the text's edge"


def test_evidence_blanked_keeps_every_offset() -> None:
    sents = [(0, 20)]
    window = Sentences.of(sents).window("Shameless liars lie.", 20, 0, 15)
    blanked = window.blanked(0, 9)
    assert blanked.text == " " * 9 + " liars lie." and len(blanked.text) == len(window.text)
    assert np.all([blanked.start == 0, blanked.end == 15])


@pytest.mark.parametrize("name", ["transformer", "baseline"])
def test_evidence_offsets_point_at_words_in_a_text_longer_than_a_window(example_article: Path, name: str) -> None:
    doc = Document(id="aleppo", text=example_article.read_text(encoding="utf-8"))
    assert len(doc.text) > 2 * EVIDENCE_REACH, "spans here are measured in windows, not the whole text"
    detector = EnsembleDetector(threads=2) if name == "transformer" else BaselineDetector()
    items = [(span, e) for span in detector.explain(doc, detector.detect(doc)) for e in span.attributes["evidence"]]
    assert items
    for span, e in items:
        assert span.start <= e["start"] < e["end"] <= span.end and doc.text[e["start"] : e["end"]] == e["text"]
        assert 0 < e["drop"] <= 1

"""The voice stage: whose words each technique span is in, the author's or a quoted speaker's.

A neutral wire story that quotes angry voters is full of loaded language, none of it the
author's. A technique span is ``quoted`` when at least half of its characters lie inside a
quote's content: the quote's ``fragments`` where it was split around its cue (the cue and the
speaker between them are the author's words), else the whole quote span. Everything else is the
author's. A quoted span names its quote and speaker, so a reader sees who uses the technique
without a join.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from typing import Any

from spinscope.document import QUOTE, TECHNIQUE, VOICE, Component, Document, Span
from spinscope.techniques.confidence import is_shown, reader_threshold
from spinscope.techniques.registry import detector_card
from spinscope.techniques.stage import TechniqueOptions

# The share of a span's characters that must lie inside a quote's content for it to be quoted.
QUOTED_SHARE = 0.5
AUTHOR = "author"
QUOTED = "quoted"


def content_ranges(quote: Span) -> list[tuple[int, int]]:
    """The characters a quote's speaker says: its fragments, else the whole span."""
    fragments = quote.attributes.get("fragments")
    if fragments:
        return [(int(f["start"]), int(f["end"])) for f in fragments]
    return [(quote.start, quote.end)]


def quote_of(span: Span, quotes: tuple[Span, ...]) -> Span | None:
    """The quote holding at least QUOTED_SHARE of ``span``'s characters (the one holding most), or None."""
    best, best_inside = None, 0
    for quote in quotes:
        if quote.start >= span.end or quote.end <= span.start:
            continue
        inside = sum(max(0, min(e, span.end) - max(s, span.start)) for s, e in content_ranges(quote))
        if inside > best_inside:
            best, best_inside = quote, inside
    return best if best_inside >= QUOTED_SHARE * (span.end - span.start) else None


def voiced(span: Span, quotes: tuple[Span, ...]) -> Span:
    """``span`` with ``voice`` and, when quoted, ``quote``: {id, speaker_name, speaker}."""
    quote = quote_of(span, quotes)
    if quote is None:
        return replace(span, attributes={**span.attributes, VOICE: AUTHOR})
    said = {"id": quote.id, "speaker_name": quote.attributes.get("speaker_name"), "speaker": quote.attributes.get("speaker")}
    return replace(span, attributes={**span.attributes, VOICE: QUOTED, QUOTE: said})


class VoiceStage:
    """Amends ``spans["technique"]``: every span gets ``voice`` ("author" or "quoted"); a quoted
    one also gets ``quote``. Its summary counts only the spans a reader is shown by default
    (`confidence.is_shown` at the detector's `reader_threshold`), as the report shows them."""

    name = VOICE
    reads: tuple[str, ...] = (QUOTE,)
    writes: tuple[str, ...] = ()
    amends: tuple[str, ...] = (TECHNIQUE,)

    def __init__(self, options: TechniqueOptions = TechniqueOptions()) -> None:
        self.floor = reader_threshold(detector_card(options.detector))

    def __call__(self, doc: Document) -> Document:
        quotes = doc.spans.get(QUOTE, ())
        return doc.with_spans(TECHNIQUE, [voiced(s, quotes) for s in doc.spans.get(TECHNIQUE, ())])

    def info(self) -> Component:
        return Component(stage=self.name, name="quote-overlap", version="1")

    def summarise(self, doc: Document) -> dict[str, Any]:
        shown = [s for s in doc.spans.get(TECHNIQUE, ()) if is_shown(s.score, self.floor)]
        voices = Counter(str(s.attributes.get(VOICE)) for s in shown)
        by_technique: dict[str, dict[str, int]] = {}
        for span in shown:
            counts = by_technique.setdefault(span.label, {AUTHOR: 0, QUOTED: 0})
            counts[str(span.attributes.get(VOICE))] += 1
        quoted = [s.attributes[QUOTE] for s in shown if s.attributes.get(VOICE) == QUOTED]
        speakers = Counter(str(q["speaker_name"]) for q in quoted if q.get("speaker_name"))
        return {
            AUTHOR: voices.get(AUTHOR, 0),
            QUOTED: voices.get(QUOTED, 0),
            "by_technique": dict(sorted(by_technique.items())),
            "by_speaker": [{"name": name, "spans": n} for name, n in speakers.most_common()],
        }

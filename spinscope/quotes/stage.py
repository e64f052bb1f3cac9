"""The quote stage: direct, mixed and indirect quotes with speaker and cue, as ``spans["quote"]``."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from typing import Any

from spinscope.document import BOILERPLATE, QUOTE, Component, Document
from spinscope.quotes.found import Found


def find_quotes(doc: Document) -> list[Found]:
    """Every quote in the analysable text, in text order (spaCy parses it first)."""
    from spinscope.nlp.spacy_doc import parse
    from spinscope.quotes.direct import direct_quotes
    from spinscope.quotes.indirect import indirect_quotes
    from spinscope.quotes.marks import quoted_runs
    from spinscope.quotes.speakers import follow_speakers

    parsed = parse(doc)
    runs = quoted_runs(parsed.text)
    added, kept = indirect_quotes(parsed, direct_quotes(parsed, runs), runs)
    quotes = sorted(kept + added, key=lambda q: (q.start, q.end))
    spoken = sorted((i for i, q in enumerate(quotes) if q.speaker is not None), key=lambda i: quotes[i].speaker.start)  # type: ignore[union-attr]
    followed = follow_speakers([quotes[i].speaker for i in spoken], parsed.text)  # type: ignore[misc]
    for i, who in zip(spoken, followed):
        quotes[i] = replace(quotes[i], speaker=who)
    return quotes


class QuoteStage:
    """Writes ``spans["quote"]``: one span per quote, ids ``q1``, ``q2``... in text order; each
    span's attributes hold its kind, cue, speaker mention, resolved name and title."""

    name = QUOTE
    reads: tuple[str, ...] = (BOILERPLATE,)
    writes: tuple[str, ...] = (QUOTE,)
    amends: tuple[str, ...] = ()

    def __call__(self, doc: Document) -> Document:
        spans = [q.span(doc.text, f"q{i}") for i, q in enumerate(find_quotes(doc), 1)]
        return doc.with_spans(QUOTE, spans)

    def info(self) -> Component:
        from spinscope.nlp.spacy_doc import component

        return component(self.name)

    def summarise(self, doc: Document) -> dict[str, Any]:
        quotes = doc.spans.get(QUOTE, ())
        kinds = Counter(str(q.attributes.get("kind")) for q in quotes)
        names = Counter(str(q.attributes["speaker_name"]) for q in quotes if q.attributes.get("speaker_name"))
        return {
            "quotes": len(quotes),
            "by_kind": {k: kinds.get(k, 0) for k in ("direct", "mixed", "indirect")},
            "with_speaker": sum(1 for q in quotes if q.attributes.get("speaker") is not None),
            "speakers": [{"name": n, "quotes": c} for n, c in names.most_common(10)],
        }

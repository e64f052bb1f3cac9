"""The source stage: what an article leans on, as ``spans["source"]``, tied to its quotes."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from typing import Any

from spinscope.document import BOILERPLATE, QUOTE, SOURCE, Component, Document, Relation, Span, SpanRef
from spinscope.sources.group import Source
from spinscope.sources.lexicon import KINDS

STATEMENT = "statement"


def find_sources(doc: Document) -> list[Source]:
    """The distinct sources of ``doc``'s analysable text, in the order of their first mention:
    its quotes' speakers and the attributions without a quote (on spaCy's parse, which the quote
    stage has made already: `spacy_doc.parse` gives the same Doc back)."""
    from spinscope.nlp.spacy_doc import parse
    from spinscope.quotes.marks import quoted_runs
    from spinscope.sources.group import grouped
    from spinscope.sources.mentions import other_mentions, quote_mentions

    parsed = parse(doc)
    text = doc.text[: doc.content_end]
    quotes = doc.spans.get(QUOTE, ())
    spoken = quote_mentions(parsed, text, quotes)
    taken = {i for m in spoken for i in range(m.start, m.end)}
    others = [m for m in other_mentions(parsed, text, quoted_runs(text)) if not any(i in taken for i in range(m.start, m.end))]
    order = {q.id: i for i, q in enumerate(quotes) if q.id is not None}
    return grouped(spoken + others, order)


def _span(text: str, source: Source, ident: str) -> Span:
    attributes = {
        "name": source.name,
        "named": source.named,
        "mentions": [{"start": s, "end": e, "text": text[s:e]} for s, e in source.mentions],
        "statements": list(source.statements),
    }
    return Span(source.start, source.end, source.kind, attributes=attributes, id=ident)


class SourceStage:
    """Writes ``spans["source"]`` (ids ``s1``, ``s2``... in text order, label = kind) and a
    ``statement`` relation from each source to each quote attributed to it; adds ``source``
    ({id, name, kind, named} or null) to every quote."""

    name = SOURCE
    reads: tuple[str, ...] = (BOILERPLATE,)
    writes: tuple[str, ...] = (SOURCE,)
    amends: tuple[str, ...] = (QUOTE,)

    def __call__(self, doc: Document) -> Document:
        sources = [_span(doc.text, s, f"s{i}") for i, s in enumerate(find_sources(doc), 1)]
        said_by = {q: s for s in sources for q in s.attributes["statements"]}
        quotes = [
            replace(q, attributes={**q.attributes, SOURCE: _reference(said_by.get(q.id or ""))})
            for q in doc.spans.get(QUOTE, ())
        ]
        relations = [Relation(STATEMENT, SpanRef(SOURCE, str(s.id)), SpanRef(QUOTE, q)) for s in sources for q in s.attributes["statements"]]
        return doc.with_spans(SOURCE, sources).with_spans(QUOTE, quotes).with_relations(relations)

    def info(self) -> Component:
        from spinscope.nlp.spacy_doc import component

        return component(self.name)

    def summarise(self, doc: Document) -> dict[str, Any]:
        sources = doc.spans.get(SOURCE, ())
        kinds = Counter(s.label for s in sources)
        named = [s for s in sources if s.attributes.get("named")]
        said_named = sum(len(s.attributes.get("statements", ())) for s in named)
        said = sum(len(s.attributes.get("statements", ())) for s in sources)
        return {
            "sources": len(sources),
            "named": len(named),
            "anonymous": len(sources) - len(named),
            "by_kind": {k: kinds.get(k, 0) for k in KINDS},
            "statements": {"named": said_named, "anonymous": said - said_named},
        }


def _reference(source: Span | None) -> dict[str, Any] | None:
    """What a quote carries of its source, so that it reads without a join."""
    if source is None:
        return None
    return {"id": source.id, "name": source.attributes["name"], "kind": source.label, "named": source.attributes["named"]}

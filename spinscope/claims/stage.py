"""The claim stage: check-worthy sentences, scored, ranked, explained and tied to their source.

Every sentence of the analysable text is scored by the check-worthiness model
(`spinscope.claims.model`); those at or above the threshold chosen on validation become spans of
group ``claim`` (ids ``c1``, ``c2``... in text order, label ``claim``, score = probability), with
their ``rank`` in the article, ``reasons`` a reader understands (figures, dates, names,
attribution: `spinscope.claims.cues`), and the ``quote`` and ``source`` they rest on
(`spinscope.claims.attribution`; the source stage adds ``source`` to each quote). Shapes:
docs/who-says-what.md.
"""

from __future__ import annotations

from typing import Any

from spinscope.claims.attribution import quotes_of
from spinscope.claims.cues import find_cues, reasons
from spinscope.document import CLAIM, QUOTE, SENTENCE, SOURCE, Component, Document, Relation, Span, SpanRef
from spinscope.nlp.segment import sentence_spans, trimmed

TOP = 5  # claims listed in the summary


def _source_of(quote: Span | None) -> dict[str, Any] | None:
    source = None if quote is None else quote.attributes.get("source")
    return dict(source) if isinstance(source, dict) else None


def _attributed_to(quote: Span | None, source: dict[str, Any] | None) -> str | None:
    if source is not None and source.get("name"):
        return str(source["name"])
    name = None if quote is None else quote.attributes.get("speaker_name")
    return str(name) if name else None


class ClaimStage:
    """Writes ``spans["claim"]`` and the relations ``source``: claim -> source."""

    name = CLAIM
    reads: tuple[str, ...] = (SENTENCE, QUOTE, SOURCE)
    writes: tuple[str, ...] = (CLAIM,)
    amends: tuple[str, ...] = ()

    def __call__(self, doc: Document) -> Document:
        from spinscope.claims.model import shipped_model

        model = shipped_model()
        end = doc.content_end
        spans = [t for s, e in sentence_spans(doc) if s < end and (t := trimmed(doc.text, s, min(e, end)))]
        texts = [doc.text[s:e] for s, e in spans]
        scores = model.scores(texts)
        kept = [i for i, p in enumerate(scores) if p >= model.threshold]
        quotes = quotes_of([spans[i] for i in kept], doc.spans.get(QUOTE, ()))
        ranks = {i: r for r, i in enumerate(sorted(kept, key=lambda i: (-scores[i], spans[i][0])), 1)}
        sources = {s.id for s in doc.spans.get(SOURCE, ()) if s.id is not None}
        claims: list[Span] = []
        relations: list[Relation] = []
        for n, (i, quote) in enumerate(zip(kept, quotes), 1):
            source = _source_of(quote)
            ident = f"c{n}"
            attributes = {
                "rank": ranks[i],
                "reasons": reasons(find_cues(texts[i]), _attributed_to(quote, source)),
                "source": source,
                "quote": None if quote is None else quote.id,
            }
            claims.append(Span(spans[i][0], spans[i][1], CLAIM, score=round(float(scores[i]), 4), attributes=attributes, id=ident))
            if source is not None and source.get("id") in sources:
                relations.append(Relation("source", SpanRef(CLAIM, ident), SpanRef(SOURCE, str(source["id"]))))
        return doc.with_spans(CLAIM, claims).with_relations(relations)

    def info(self) -> Component:
        from spinscope.claims.model import FORMAT, shipped_model

        model = shipped_model()
        return Component(stage=self.name, name=FORMAT, version=model.version, model_sha256=model.sha256)

    def summarise(self, doc: Document) -> dict[str, Any]:
        claims = doc.spans.get(CLAIM, ())
        sourced = sum(1 for c in claims if c.attributes.get("source") is not None)
        top = sorted(claims, key=lambda c: int(c.attributes["rank"]))[:TOP]
        return {
            "claims": len(claims),
            "sourced": sourced,
            "unsourced": len(claims) - sourced,
            "top": [{"id": c.id, "text": c.text(doc), "score": c.score} for c in top],
        }

"""The store's repeated claims: ``spinscope.repeats.group_claims`` over its claim records, each
distinct wording embedded once.

Wire copy and syndication repeat a claim word for word across outlets; a vector depends on its
text alone (``nlp.embed``), so embedding each distinct text once gives the same groups as embedding
every record, for the cost of the distinct ones.
"""

from __future__ import annotations

from collections.abc import Sequence

from spinscope.repeats import ClaimGroup, ClaimRecord, group_claims


def repeated_claims(records: Sequence[ClaimRecord]) -> tuple[ClaimGroup, ...]:
    from spinscope.nlp.embed import embed

    texts = list(dict.fromkeys(r.text for r in records))
    row = {text: i for i, text in enumerate(texts)}
    vectors = embed(texts)
    return group_claims(records, vectors[[row[r.text] for r in records]] if records else vectors)

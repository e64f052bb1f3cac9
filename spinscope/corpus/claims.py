"""The store's repeated claims: ``spinscope.repeats.group_claims`` over its claim records, and one
claim's timeline across the store.

Wire copy and syndication repeat a claim word for word across outlets; a vector depends on its
text alone (``nlp.embed``), so embedding each distinct text once gives the same groups as embedding
every record, for the cost of the distinct ones. ``vectors_of`` is where the vectors come from:
``Store.claim_vectors`` keeps them in the store, so that each wording is embedded once per store.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from spinscope.repeats import ClaimGroup, ClaimRecord, group_claims
from spinscope.repeats.features import features
from spinscope.repeats.groups import THRESHOLD, timeline_group
from spinscope.repeats.matching import CLAIMS, pair_score

if TYPE_CHECKING:
    from spinscope.store import Store

VectorsOf = Callable[[Sequence[str]], np.ndarray]

MAX_CLAIMS = 2_000  # the newest claims grouped at once: grouping compares each with every earlier one
MAX_CANDIDATES = 200  # stored claims compared with one claim: those sharing the most words with it


class Claims(NamedTuple):
    """What a claims view shows: the groups, how many stored claims were compared, and whether
    more were left out."""

    groups: tuple[ClaimGroup, ...]
    compared: int
    truncated: bool


def _embed(texts: Sequence[str]) -> np.ndarray:
    from spinscope.nlp.embed import embed

    return embed(texts)


def _distinct_vectors(texts: Sequence[str], vectors_of: VectorsOf | None) -> tuple[dict[str, int], np.ndarray]:
    distinct = list(dict.fromkeys(texts))
    return {text: i for i, text in enumerate(distinct)}, (vectors_of or _embed)(distinct)


def repeated_claims(records: Sequence[ClaimRecord], vectors_of: VectorsOf | None = None) -> tuple[ClaimGroup, ...]:
    row, vectors = _distinct_vectors([r.text for r in records], vectors_of)
    return group_claims(records, vectors[[row[r.text] for r in records]] if records else vectors)


def timeline_of(text: str, candidates: Sequence[ClaimRecord], vectors_of: VectorsOf | None = None) -> ClaimGroup | None:
    """The ``candidates`` that state what ``text`` states (``pair_score`` with it at the grouping
    threshold, as a repeat joins a group), each document's closest one, as one timeline: first
    appearance, outlets, dates and how the wording drifted from the first telling. None when none
    does. One telling a document: a headline and a sentence of one article that both state the
    claim are one telling, not two."""
    if not candidates:
        return None
    row, vectors = _distinct_vectors([text, *(r.text for r in candidates)], vectors_of)
    asked, found = vectors[row[text]], features(text)
    best: dict[str, tuple[float, ClaimRecord]] = {}
    for r in candidates:
        score = pair_score(float(vectors[row[r.text]] @ asked), features(r.text), found, CLAIMS)
        if score >= THRESHOLD and score > best.get(r.document_id, (-1.0, r))[0]:
            best[r.document_id] = (score, r)
    matches = [r for _, r in best.values()]
    if not matches:
        return None
    return timeline_group(matches, vectors[[row[r.text] for r in matches]])


def claim_groups(
    store: Store, outlets: tuple[str, ...], claim: str | None, timeout: float = 5.0, max_claims: int = MAX_CLAIMS, max_candidates: int = MAX_CANDIDATES
) -> Claims:
    """One claim's timeline when ``claim`` is given (the ``max_candidates`` stored claims sharing
    the most words with it, compared), else the repeats among the newest ``max_claims`` claims;
    vectors kept in the store; each read stopped after ``timeout`` seconds (QueryTimeoutError)."""
    if claim is not None and claim.strip():
        candidates = store.claim_candidates(claim, outlets, max_candidates, timeout)
        group = timeline_of(claim, candidates, store.claim_vectors)
        return Claims((group,) if group is not None else (), len(candidates), len(candidates) == max_candidates)
    records, truncated = store.claim_records(outlets, max_claims, timeout)
    return Claims(repeated_claims(records, store.claim_vectors), len(records), truncated)

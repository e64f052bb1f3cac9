"""Repeated claims across a corpus: which claims state the same thing (``matching``), grouped
with a timeline each (``groups``), over vectors computed once and cached (``vectors``).

Pure functions over plain records, so that a store or a page can call them; nothing here reads
or writes a store.
"""

from spinscope.repeats.groups import ClaimGroup, ClaimRecord, OutletAppearance, TimelineEntry, group_claims
from spinscope.repeats.matching import CLAIMS, RETRIEVAL, Collection, Hit, Weights, collection, pair_score, retrieve, similarity
from spinscope.repeats.vectors import cached_embed

__all__ = [
    "CLAIMS", "RETRIEVAL", "ClaimGroup", "ClaimRecord", "Collection", "Hit", "OutletAppearance", "TimelineEntry", "Weights",
    "cached_embed", "collection", "group_claims", "pair_score", "retrieve", "similarity",
]

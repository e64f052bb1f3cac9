"""Repeated claims across a corpus: which claims state the same thing (``matching``), grouped
with a timeline each (``groups``), over vectors computed once and cached (``vectors``).

Pure functions over plain records, so that a store or a page can call them; nothing here reads
or writes a store.
"""

from spinscope.repeats.groups import ClaimGroup, ClaimRecord, OutletAppearance, TimelineEntry, group_claims
from spinscope.repeats.matching import CLAIMS, RETRIEVAL, Hit, Weights, collection, pair_score, retrieve, similarity

__all__ = [
    "ClaimGroup", "ClaimRecord", "Hit", "OutletAppearance", "TimelineEntry", "Weights", "CLAIMS", "RETRIEVAL",
    "collection", "group_claims", "pair_score", "retrieve", "similarity",
]

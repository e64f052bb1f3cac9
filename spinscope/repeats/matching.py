"""Do two claims state the same thing? A score from the sentence vectors' cosine, the agreement
of the numbers they state and the names they mention, and (for retrieval over a collection) BM25.

The cosine carries the meaning; figures decide between claims on one topic ("300,000 fled" is
not "30,000 fled": a disagreeing figure lowers the score; a shared one may raise it, though its
weight is 0 in both sets below, as it added nothing on train), and shared names lift a paraphrase
whose wording drifted. Two weight sets: ``CLAIMS`` for two claims of articles (grouping), and
``RETRIEVAL``, tuned on CheckThat! 2020 Task 2 train (``benchmarks/claim_matching.py``), for a
post against a collection. Every function is pure over vectors and texts, so a corpus store can
cache the vectors and call these.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from spinscope.errors import UsageError
from spinscope.nlp.embed import Encoder, embed
from spinscope.repeats.bm25 import BM25Index, bm25_index, bm25_scores
from spinscope.repeats.features import ClaimFeatures, features


@dataclass(frozen=True, slots=True)
class Weights:
    """What each agreement adds to the cosine (see ``pair_score`` and ``retrieve``)."""

    numbers: float = 0.0  # x the share of the figures that agree
    conflict: float = 0.3  # x the share that disagree
    names: float = 0.1  # x the share of the names that agree
    bm25: float = 0.0  # x BM25 / the query's best BM25 (retrieval only)


# Two claims from articles: another figure means another claim ("30,000 fled" is not "300,000
# fled"), and names count less (every claim of a corpus about Aleppo names Aleppo).
CLAIMS = Weights()
# A post against a collection of checked claims, chosen on CheckThat! 2020 Task 2 train
# (``benchmarks/claim_matching.py --tune``): a post's figures are often incidental (a time, a
# count of shares), so a disagreeing one costs little, and its names (hashtags, handles) help.
RETRIEVAL = Weights(numbers=0.0, conflict=0.05, names=0.2, bm25=0.2)


@dataclass(frozen=True, slots=True)
class Collection:
    """Texts to search, with their unit vectors (one row each, in order) and their features."""

    vectors: np.ndarray
    features: tuple[ClaimFeatures, ...]
    index: BM25Index


@dataclass(frozen=True, slots=True)
class Hit:
    index: int
    score: float


def number_agreement(a: frozenset[str], b: frozenset[str]) -> float | None:
    """The share of the smaller set of figures that the other states too (1: every figure
    agrees, 0: none does); None when either states no figure (nothing to compare)."""
    if not a or not b:
        return None
    return len(a & b) / min(len(a), len(b))


def numbers_term(a: frozenset[str], b: frozenset[str], weights: Weights) -> float:
    """What the figures add: agreeing ones raise the score, disagreeing ones lower it ("30,000
    fled in 2016" against "300,000 fled in 2016": half agree, half disagree)."""
    share = number_agreement(a, b)
    return 0.0 if share is None else weights.numbers * share - weights.conflict * (1.0 - share)


def name_agreement(a: frozenset[str], b: frozenset[str]) -> float:
    """The share of the smaller set of names that the other mentions too; 0 when either has none
    (different names are no evidence of a different claim: "the US" and "Washington")."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def pair_score(cosine: float, a: ClaimFeatures, b: ClaimFeatures, weights: Weights = CLAIMS) -> float:
    """The score of two texts whose vectors have this cosine (BM25 needs a collection: not here)."""
    return cosine + numbers_term(a.numbers, b.numbers, weights) + weights.names * name_agreement(a.names, b.names)


def similarity(a: str, b: str, weights: Weights = CLAIMS, model: Encoder | None = None) -> float:
    """``pair_score`` of two texts, embedding both (for a few pairs; a corpus embeds once)."""
    va, vb = embed([a, b], model)
    return pair_score(float(va @ vb), features(a), features(b), weights)


def collection(texts: Sequence[str], vectors: np.ndarray) -> Collection:
    if len(texts) != len(vectors):
        raise UsageError(f"{len(texts)} texts but {len(vectors)} vectors: give one vector per text, in order")
    found = tuple(features(t) for t in texts)
    return Collection(vectors, found, bm25_index([f.words for f in found]))


def retrieve(
    queries: Sequence[str],
    query_vectors: np.ndarray,
    searched: Collection,
    k: int = 10,
    weights: Weights = RETRIEVAL,
    candidates: int = 100,
) -> list[tuple[Hit, ...]]:
    """For each query, the ``k`` best texts of the collection, best first (ties by index).

    Every text gets cosine + ``weights.bm25`` x BM25 (divided by the query's best BM25, so 0 to 1);
    the ``candidates`` best of those (at least ``k``) then get the number and name agreements,
    which would cost a set comparison per text over the whole collection.
    """
    candidates = max(candidates, k)
    if not len(searched.features):
        return [() for _ in queries]
    cosines = query_vectors @ searched.vectors.T
    results = []
    for i, text in enumerate(queries):
        query = features(text)
        scores = cosines[i].astype(np.float64)
        if weights.bm25:
            lexical = bm25_scores(searched.index, query.words)
            top = float(lexical.max())
            if top > 0:
                scores = scores + weights.bm25 * lexical / top
        shortlist = _best(scores, candidates)
        final = [
            (float(scores[j]) + numbers_term(query.numbers, searched.features[j].numbers, weights)
             + weights.names * name_agreement(query.names, searched.features[j].names), int(j))
            for j in shortlist
        ]
        final.sort(key=lambda pair: (-pair[0], pair[1]))
        results.append(tuple(Hit(j, s) for s, j in final[:k]))
    return results


def _best(scores: np.ndarray, n: int) -> np.ndarray:
    """Indices of the ``n`` highest scores (any order)."""
    if n >= len(scores):
        return np.arange(len(scores))
    return np.argpartition(-scores, n)[:n]

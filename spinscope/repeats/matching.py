"""Do two claims state the same thing? A score from the sentence vectors' cosine, the agreement
of the numbers they state and the names they mention, and (for retrieval over a collection) BM25.

The cosine carries the meaning; numbers decide between claims on one topic ("300,000 fled" is not
"30,000 fled": disagreeing figures lower the score, shared ones raise it), and shared names lift a
paraphrase whose wording drifted. Weights were chosen on the CheckThat! 2020 Task 2 train split
(``benchmarks/claim_matching.py``); every function is pure over vectors and texts, so a corpus
store can cache the vectors and call these.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from spinscope.nlp.embed import Encoder, embed
from spinscope.repeats.bm25 import BM25Index, bm25_index, bm25_scores
from spinscope.repeats.features import ClaimFeatures, features


@dataclass(frozen=True, slots=True)
class Weights:
    """What each agreement adds to the cosine (see ``pair_score`` and ``retrieve``)."""

    numbers: float = 0.1
    names: float = 0.1
    bm25: float = 0.2


DEFAULT = Weights()


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


def number_agreement(a: frozenset[str], b: frozenset[str]) -> float:
    """0 when either states no number; -1 when both do and share none; else the share of the
    smaller set that the other states too (1: every figure agrees)."""
    if not a or not b:
        return 0.0
    shared = len(a & b)
    return shared / min(len(a), len(b)) if shared else -1.0


def name_agreement(a: frozenset[str], b: frozenset[str]) -> float:
    """The share of the smaller set of names that the other mentions too; 0 when either has none
    (different names are no evidence of a different claim: "the US" and "Washington")."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def pair_score(cosine: float, a: ClaimFeatures, b: ClaimFeatures, weights: Weights = DEFAULT) -> float:
    """The score of two texts whose vectors have this cosine (BM25 needs a collection: not here)."""
    return cosine + weights.numbers * number_agreement(a.numbers, b.numbers) + weights.names * name_agreement(a.names, b.names)


def similarity(a: str, b: str, weights: Weights = DEFAULT, model: Encoder | None = None) -> float:
    """``pair_score`` of two texts, embedding both (for a few pairs; a corpus embeds once)."""
    va, vb = embed([a, b], model)
    return pair_score(float(va @ vb), features(a), features(b), weights)


def collection(texts: Sequence[str], vectors: np.ndarray) -> Collection:
    if len(texts) != len(vectors):
        raise ValueError(f"{len(texts)} texts but {len(vectors)} vectors")
    found = tuple(features(t) for t in texts)
    return Collection(vectors, found, bm25_index([f.words for f in found]))


def retrieve(
    queries: Sequence[str],
    query_vectors: np.ndarray,
    searched: Collection,
    k: int = 10,
    weights: Weights = DEFAULT,
    candidates: int = 100,
) -> list[tuple[Hit, ...]]:
    """For each query, the ``k`` best texts of the collection, best first (ties by index).

    Every text gets cosine + ``weights.bm25`` x BM25 (divided by the query's best BM25, so 0 to 1);
    the ``candidates`` best of those then get the number and name agreements, which would cost a
    set comparison per text over the whole collection.
    """
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
            (float(scores[j]) + weights.numbers * number_agreement(query.numbers, searched.features[j].numbers)
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

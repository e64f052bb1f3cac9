"""Ranking figures as trec_eval computes them (the CheckThat! scorer calls trectools' TrecEval).

AP@k sums the precision at each rank (1 to k) that holds a relevant item and divides by the
number of relevant items (all of them, not only those within k); MAP@k is its mean over every
query with gold items (a query with no ranking scores 0). MRR takes the first relevant item's
rank within the ranking given; recall@k is the mean share of each query's gold items in its top k.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence


def average_precision(ranking: Sequence[str], relevant: frozenset[str], k: int) -> float:
    found = 0
    total = 0.0
    for rank, item in enumerate(ranking[:k], start=1):
        if item in relevant:
            found += 1
            total += found / rank
    return total / len(relevant) if relevant else 0.0


def reciprocal_rank(ranking: Sequence[str], relevant: frozenset[str]) -> float:
    return next((1.0 / rank for rank, item in enumerate(ranking, start=1) if item in relevant), 0.0)


def recall(ranking: Sequence[str], relevant: frozenset[str], k: int) -> float:
    return len(relevant & set(ranking[:k])) / len(relevant) if relevant else 0.0


def ranking_scores(rankings: Mapping[str, Sequence[str]], gold: Mapping[str, frozenset[str]], depths: Sequence[int] = (1, 3, 5, 10)) -> dict[str, float]:
    """``map@k`` and ``recall@k`` for each depth, and ``mrr``, over the queries of ``gold``."""
    if not gold:
        return {}
    n = len(gold)
    scores = {}
    for k in depths:
        scores[f"map@{k}"] = sum(average_precision(rankings.get(q, ()), g, k) for q, g in gold.items()) / n
    for k in depths:
        scores[f"recall@{k}"] = sum(recall(rankings.get(q, ()), g, k) for q, g in gold.items()) / n
    scores["mrr"] = sum(reciprocal_rank(rankings.get(q, ()), g) for q, g in gold.items()) / n
    return scores

"""Technique rates per 1,000 words and their 95% intervals, for outlets and their periods.

A rate is technique spans per 1,000 words of analysed text, a group's spans over its words (long
articles weigh more, as they give more room to persuade). Its 95% interval is the union of two
intervals, so it is wide wherever either is:

- a normal interval from the spread between documents (the ratio estimator's standard error,
  `ratio_intervals`): documents differ far more than a Poisson count assumes (one opinion piece
  can carry half of an outlet's spans). It needs only sums over each group's documents, so every
  outlet and every month of 10,000 documents take milliseconds, where a bootstrap (what the first
  version did) took seconds, and it agrees with that bootstrap to about 1%;
- the exact Poisson (Garwood) interval on the span count, the words taken as fixed: it keeps an
  interval honest where the documents show no spread, with one document or no span at all.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

CONFIDENCE = 0.95
Z95 = 1.959963984540054  # the normal quantile of CONFIDENCE, two-sided
EXACT_UP_TO = 50  # span counts whose Poisson interval is solved exactly (each a few hundred sums)


@dataclass(frozen=True, slots=True)
class Rate:
    """``spans`` of a technique in ``words`` words: ``per_1000`` with its 95% interval [low, high]."""

    label: str
    spans: int
    words: int
    per_1000: float
    low: float
    high: float


def _poisson_cdf(k: int, mean: float) -> float:
    """P(X <= k) for X ~ Poisson(mean), summed in log space."""
    if mean <= 0:
        return 1.0
    return min(1.0, sum(math.exp(-mean + i * math.log(mean) - math.lgamma(i + 1)) for i in range(k + 1)))


def _solve(k: int, target: float) -> float:
    """The mean at which P(X <= k) falls to ``target`` (it falls as the mean grows), by bisection."""
    low, high = 0.0, k + 10 * math.sqrt(k + 1) + 10
    for _ in range(60):  # the bracket shrinks below 1e-15 of its width
        middle = (low + high) / 2
        low, high = (middle, high) if _poisson_cdf(k, middle) > target else (low, middle)
    return (low + high) / 2


def poisson_interval(spans: int, words: int) -> tuple[float, float]:
    """The 95% Poisson interval of ``spans`` in ``words`` words, per 1,000 words: exact (Garwood)
    up to ``EXACT_UP_TO`` spans, Byar's approximation above (within 0.3% of it from 10 spans)."""
    if words <= 0:
        return 0.0, 0.0
    low, high = _count_interval(spans)
    return 1000 * low / words, 1000 * high / words


@lru_cache(maxsize=1024)
def _count_interval(k: int) -> tuple[float, float]:
    """The 95% interval of the mean of a Poisson count ``k`` (the same for every exposure)."""
    if k <= EXACT_UP_TO:
        return 0.0 if k == 0 else _solve(k - 1, 1 - (1 - CONFIDENCE) / 2), _solve(k, (1 - CONFIDENCE) / 2)
    return k * (1 - 1 / (9 * k) - Z95 / (3 * math.sqrt(k))) ** 3, (k + 1) * (1 - 1 / (9 * (k + 1)) + Z95 / (3 * math.sqrt(k + 1))) ** 3


def zero_rate(label: str, words: int) -> Rate:
    """No span of ``label`` in ``words`` words: 0, with its Poisson upper bound."""
    return Rate(label, 0, words, 0.0, 0.0, round(poisson_interval(0, words)[1], 4))


def ratio_intervals(spans: np.ndarray, spans_sq: np.ndarray, cross: np.ndarray, words: np.ndarray, words_sq: np.ndarray,
                    documents: np.ndarray) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """95% intervals per 1,000 words of the rates ``spans / words`` of groups of documents, from
    each group's sums over its documents: ``spans`` Σy, ``spans_sq`` Σy², ``cross`` Σxy (x: the
    document's words), ``words`` Σx, ``words_sq`` Σx² and its number of ``documents`` (these three
    of shape (groups, 1), the others (groups, labels)).

    The standard error is the ratio estimator's (the delta method), sqrt(n / (n - 1) · Σ(y - R·x)²) / Σx:
    the spread between documents, which a bootstrap over them estimates by resampling (and agrees
    with: tests/test_corpus_profiles.py), computed from sums that SQL-sized arrays give in
    microseconds. A group of one document shows no spread; the Poisson interval covers it."""
    total = np.where(words > 0, words, 1.0)
    rate = spans / total
    residual = np.maximum(spans_sq - 2 * rate * cross + rate**2 * words_sq, 0.0)
    factor = np.divide(documents, documents - 1, out=np.zeros(documents.shape), where=documents > 1)
    error = np.sqrt(factor * residual) / total
    return 1000 * np.maximum(rate - Z95 * error, 0.0), 1000 * (rate + Z95 * error)


def rate_of(label: str, spans: int, words: int, low: float, high: float) -> Rate:
    """A rate with the union of its interval from the spread between documents and the Poisson one."""
    per_1000 = 1000 * spans / words if words else 0.0
    p_low, p_high = poisson_interval(spans, words)
    return Rate(label, spans, words, round(per_1000, 4), round(min(low, p_low, per_1000), 4), round(max(high, p_high, per_1000), 4))

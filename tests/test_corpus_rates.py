"""Rates per 1,000 words and their intervals (spinscope.corpus.rates), against exact values and a bootstrap."""

from __future__ import annotations

import numpy as np
import pytest

from spinscope.corpus.rates import poisson_interval, ratio_intervals


@pytest.mark.parametrize(("spans", "low", "high"), [(0, 0.0, 3.6889), (1, 0.0253, 5.5716), (10, 4.7954, 18.3904), (1000, 938.97, 1063.95)])
def test_rates_poisson_interval_matches_garwood(spans: int, low: float, high: float) -> None:
    """Exact values: chi2.ppf(0.025, 2k) / 2 and chi2.ppf(0.975, 2k + 2) / 2, per 1,000 of 1,000 words."""
    got = poisson_interval(spans, 1000)
    assert got == pytest.approx((low, high), abs=0.01)


def spread(counts: np.ndarray, words: np.ndarray) -> tuple[float, float]:
    """``ratio_intervals`` of one group of documents with one label."""
    y, x = counts.astype(float)[:, None], words.astype(float)[:, None]
    sums = [np.array([[v]]) for v in (x.sum(), (x * x).sum(), float(len(x)))]
    low, high = ratio_intervals(y.sum(0)[None], (y * y).sum(0)[None], (y * x).sum(0)[None], *sums)
    return float(low[0, 0]), float(high[0, 0])


def test_rates_interval_widens_with_documents_that_differ() -> None:
    """Ten documents of 100 words: all alike give no spread, one carrying every span a wide one."""
    words = np.full(10, 100.0)
    assert spread(np.full(10, 2.0), words) == pytest.approx((20.0, 20.0))
    low, high = spread(np.array([20.0] + [0.0] * 9), words)
    assert low == 0.0 and high >= 40.0


def test_rates_interval_agrees_with_a_bootstrap_over_documents() -> None:
    """The delta-method interval against the percentile bootstrap it replaced (5,000 resamples) on
    300 documents of lumpy counts and lengths: both ends within 3% of the rate."""
    rng = np.random.default_rng(5)
    words = rng.integers(150, 2500, size=300).astype(float)
    counts = rng.poisson(words / 1000 * rng.gamma(0.6, 6.0, size=300)).astype(float)
    draws = rng.integers(0, 300, size=(5000, 300))
    rates = 1000 * counts[draws].sum(axis=1) / words[draws].sum(axis=1)
    boot = np.percentile(rates, [2.5, 97.5])
    rate = 1000 * counts.sum() / words.sum()
    low, high = spread(counts, words)
    assert abs(low - boot[0]) < 0.03 * rate and abs(high - boot[1]) < 0.03 * rate, (low, high, boot, rate)
    assert high - low > 2 * (poisson_interval(int(counts.sum()), int(words.sum()))[1] - rate), "lumpy documents: wider than Poisson"

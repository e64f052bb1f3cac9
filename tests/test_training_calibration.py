"""The calibration measures: reliability bins, their error, and the out-of-fold Platt fit."""

from __future__ import annotations

import math

import numpy as np
import pytest

from spinscope.training.calibration import ece, halves, platt_out_of_fold, reliability, span_features


def test_calibration_reliability_bins_count_mean_score_and_hit_rate() -> None:
    p = np.array([0.05, 0.15, 0.12, 0.95, 1.0])
    y = np.array([0, 1, 0, 1, 1])
    bins = reliability(p, y)
    assert len(bins) == 10
    assert bins[0] == (1, pytest.approx(0.05), 0.0)
    assert bins[1] == (2, pytest.approx(0.135), 0.5)
    assert bins[9] == (2, pytest.approx(0.975), 1.0), "a score of 1 falls in the last bin"
    assert bins[5][0] == 0 and math.isnan(bins[5][1]) and math.isnan(bins[5][2])


def test_calibration_error_is_the_count_weighted_gap_of_the_bins() -> None:
    p = np.array([0.05, 0.15, 0.12, 0.95, 1.0])
    y = np.array([0, 1, 0, 1, 1])
    assert ece(p, y) == pytest.approx((1 * 0.05 + 2 * abs(0.135 - 0.5) + 2 * abs(0.975 - 1.0)) / 5)
    assert ece(np.zeros(0), np.zeros(0)) == 0.0


def test_calibration_halves_keep_each_article_in_one_fold() -> None:
    assert halves(["a", "b", "c"], ["c", "a", "b", "a"]).tolist() == [0, 0, 1, 0]


def test_calibration_out_of_fold_fit_never_sees_the_rows_it_scores() -> None:
    """The folds disagree (confident spans hit in fold 1 and miss in fold 0), so each row gets
    the other fold's answer, never its own."""
    X = np.array([span_features(q, 0.5) for q in [0.1, 0.9] * 20])
    confident = X[:, 0] > 0
    fold = np.array([0] * 20 + [1] * 20)
    y = np.where(fold == 1, confident, ~confident).astype(int)
    oof = platt_out_of_fold(X, y, fold)
    assert ((oof > 0.5) != y.astype(bool)).all()

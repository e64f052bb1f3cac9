from __future__ import annotations

import pytest

from spinscope.techniques.confidence import DISPLAY_THRESHOLD, STRONG_SCORE, is_calibrated, level, lowest_threshold
from spinscope.techniques.registry import detector_card


def test_lowest_threshold_keeps_the_most_spans_that_reach_the_precision() -> None:
    scores = [0.9, 0.8, 0.7, 0.6, 0.5, 0.4]
    hits = [1, 0, 1, 0, 0, 0]
    assert lowest_threshold(scores, hits, 0.5) == 0.6, "4 spans at 0.6 and above, 2 of them hits"
    assert lowest_threshold(scores, hits, 1.0) == 0.9
    assert lowest_threshold(scores, [0] * 6, 0.1) is None


def test_lowest_threshold_never_splits_equal_scores() -> None:
    """A threshold keeps every span of its score: precision is judged over all of them."""
    assert lowest_threshold([0.9, 0.5, 0.5], [1, 0, 0], 0.5) == 0.9
    assert lowest_threshold([0.9, 0.5, 0.5], [1, 1, 0], 0.5) == 0.5


@pytest.mark.parametrize(("score", "word"), [(None, "unscored"), (STRONG_SCORE, "strong"), (DISPLAY_THRESHOLD, "moderate"), (DISPLAY_THRESHOLD - 0.01, "weak")])
def test_level_names_a_score(score: float | None, word: str) -> None:
    assert level(score) == word


def test_only_the_transformer_card_records_a_calibrated_score() -> None:
    assert is_calibrated(detector_card("transformer")) and not is_calibrated(detector_card("baseline"))
    assert not is_calibrated({}) and detector_card("no-such-detector") == {}

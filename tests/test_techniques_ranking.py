"""From technique probabilities to a span's labels: the one or two a detected span is given."""

from __future__ import annotations

import numpy as np
import pytest

from spinscope.techniques.ranking import detected_labels


@pytest.mark.parametrize(
    ("p", "second_min", "expected"),
    [
        ([0.1, 0.6, 0.3], 0.25, [1, 2]),  # the runner-up reaches the threshold: both, best first
        ([0.1, 0.6, 0.3], 0.3, [1, 2]),  # reaching it exactly is enough
        ([0.1, 0.6, 0.3], 0.35, [1]),  # below it: the top one alone
        ([0.5, 0.5, 0.0], 0.4, [0, 1]),  # a tie keeps the first as the top, as argmax does
        ([0.1, 0.6, 0.3], 1.01, [1]),  # over 1: never a second
        ([1.0], 0.0, [0]),  # one technique only
    ],
)
def test_ranking_detected_labels_add_a_likely_runner_up(p: list[float], second_min: float, expected: list[int]) -> None:
    assert detected_labels(np.array(p), second_min) == expected

"""The decoding search both trainers share."""

from __future__ import annotations

import pytest

from spinscope.techniques.transformer.decoding import WordDecodeParams
from spinscope.training.search import coordinate_search


@pytest.mark.parametrize("rounds", [1, 4])
def test_search_moves_one_setting_at_a_time_to_the_best(rounds: int) -> None:
    seen: list[WordDecodeParams] = []

    def score(p: WordDecodeParams) -> float:
        seen.append(p)
        return -abs(p.threshold - 0.3) - abs(p.max_gap - 2)

    grids = {"threshold": [0.2, 0.3, 0.4], "max_gap": [0, 2, 5]}
    best, f1 = coordinate_search(score, WordDecodeParams(), grids, rounds)
    assert (best.threshold, best.max_gap) == (0.3, 2) and f1 == pytest.approx(0.0)
    assert best.min_chars == WordDecodeParams().min_chars, "settings off the grids stay as they started"
    assert len(seen) == 1 + 6 * min(rounds, 2), "a round that changes nothing ends the search"


@pytest.mark.parametrize("start", [WordDecodeParams(threshold=0.3)])
def test_search_keeps_the_start_on_ties(start: WordDecodeParams) -> None:
    best, _ = coordinate_search(lambda p: 1.0, start, {"threshold": [0.2, 0.4]}, 4)
    assert best == start

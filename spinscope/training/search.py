"""The coordinate search both trainers choose their decoding settings with."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any, TypeVar

from spinscope.techniques.baseline import TokenDecodeParams
from spinscope.techniques.transformer.decoding import WordDecodeParams
from spinscope.training.common import log

P = TypeVar("P", TokenDecodeParams, WordDecodeParams)


def coordinate_search(score: Callable[[P], float], start: P, grids: Mapping[str, Sequence[float]], rounds: int) -> tuple[P, float]:
    """Settings that maximise ``score``: one setting at a time over its grid, the others held,
    a change kept only when it scores higher; repeated for up to ``rounds`` rounds, stopping
    early once a round changes nothing. Returns the settings and their score."""
    params, best = start, score(start)
    for round_ in range(rounds):
        before = params
        for key, values in grids.items():
            for value in values:
                change: dict[str, Any] = {key: value}
                cand = replace(params, **change)
                f1 = score(cand)
                if f1 > best + 1e-9:
                    best, params = f1, cand
        log(f"decoding round {round_ + 1}: SI F1 {best:.4f} with {params.to_dict()}")
        if params == before:
            break
    return params, best

from __future__ import annotations

import zlib

import numpy as np
import pytest

from spinscope.techniques.explain import describe, reasons


@pytest.mark.parametrize(
    ("name", "phrase"),
    [("u=traitors", 'the word "traitors"'), ("u=the", None), ("bi=so|called", '"so called"'), ("rep=2", "the phrase recurs in the article (2x)"), ("rep=0", None), ("!", "an exclamation mark"), ("bias", None), ("ntok=3", None)],
)
def test_explain_describe_feature_names(name: str, phrase: str | None) -> None:
    assert describe(name) == phrase


def test_explain_reasons_rank_by_pull_towards_the_label() -> None:
    bits = 8
    weights = np.zeros((1 << bits, 3), dtype=np.float32)

    def put(name: str, row: list[float]) -> None:
        weights[zlib.crc32(name.encode()) & ((1 << bits) - 1)] = row

    put("u=traitors", [3.0, 0.0, 0.0])
    put("!", [1.0, 0.0, 0.0])
    put("u=nation", [0.0, 2.0, 0.0])
    why = reasons(["u=traitors", "!", "u=nation", "bias"], weights, 0, bits)
    assert why.split("; ")[:2] == ['the word "traitors"', "an exclamation mark"]
    assert "nation" not in why

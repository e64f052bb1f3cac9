"""Character spans onto token ranges: each alignment mode, and what happens between tokens."""

from __future__ import annotations

import random

import pytest

from spinscope.nlp.align import char_span
from spinscope.nlp.segment import tokens

TEXT = "Make America great-again, now!"
TOKS = tokens(TEXT)  # Make America great - again , now !
STARTS, ENDS = [s for s, _ in TOKS], [e for _, e in TOKS]


def _words(span: tuple[int, int] | None) -> list[str] | None:
    return None if span is None else [TEXT[s:e] for s, e in TOKS[span[0] : span[1]]]


@pytest.mark.parametrize(
    ("needle", "expected"),
    [("America great", ["America", "great"]), ("Make", ["Make"]), ("merica great", None), ("America grea", None), ("America ", None)],
)
def test_align_strict_needs_token_edges(needle: str, expected: list[str] | None) -> None:
    start = TEXT.index(needle)
    assert _words(char_span(STARTS, ENDS, start, start + len(needle), "strict")) == expected


@pytest.mark.parametrize(
    ("needle", "expected"),
    [("America great", ["America", "great"]), ("merica great-again", ["great", "-", "again"]), ("e America g", ["America"]), ("ric", [])],
)
def test_align_contract_keeps_whole_tokens_inside(needle: str, expected: list[str]) -> None:
    start = TEXT.index(needle)
    assert _words(char_span(STARTS, ENDS, start, start + len(needle), "contract")) == expected


@pytest.mark.parametrize(
    ("needle", "expected"),
    [("America great", ["America", "great"]), ("merica grea", ["America", "great"]), ("ric", ["America"]), ("e A", ["Make", "America"])],
)
def test_align_expand_takes_every_touched_token(needle: str, expected: list[str]) -> None:
    start = TEXT.index(needle)
    assert _words(char_span(STARTS, ENDS, start, start + len(needle), "expand")) == expected


@pytest.mark.parametrize("mode", ["contract", "expand"])
def test_align_between_tokens_is_an_empty_range_where_the_span_sits(mode: str) -> None:
    gap = TEXT.index(" America")
    assert char_span(STARTS, ENDS, gap, gap + 1, mode) == (1, 1)  # type: ignore[call-overload]
    assert char_span(STARTS, ENDS, len(TEXT) + 5, len(TEXT) + 9, mode) == (len(TOKS), len(TOKS))  # type: ignore[call-overload]


@pytest.mark.parametrize("seed", [0, 1])
def test_align_expand_equals_the_overlap_definition(seed: int) -> None:
    """expand == every token sharing a character with the span, on random spans."""
    rng = random.Random(seed)
    for _ in range(500):
        s = rng.randrange(len(TEXT))
        e = rng.randrange(s + 1, len(TEXT) + 1)
        overlapping = [i for i, (ts, te) in enumerate(TOKS) if ts < e and te > s]
        a, b = char_span(STARTS, ENDS, s, e, "expand")
        assert list(range(a, b)) == overlapping


@pytest.mark.parametrize("mode", ["loose"])
def test_align_unknown_mode_is_an_error(mode: str) -> None:
    with pytest.raises(ValueError, match="unknown alignment mode"):
        char_span(STARTS, ENDS, 0, 4, mode)  # type: ignore[arg-type]

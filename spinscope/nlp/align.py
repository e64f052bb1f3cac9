"""Character spans onto token ranges: the one alignment every tokenisation goes through.

Why one function: the baseline's regex tokens, the transformer's word pieces and words, and the
training targets all turn character offsets into token indices, and each did it its own way
(bisecting, cumulative sums, ``searchsorted``). Naming the policy makes a mismatch between
training and inference visible. The modes follow spaCy's ``Doc.char_span(alignment_mode=...)``:

* ``"strict"``: the span must start on a token start and end on a token end, else ``None``;
* ``"contract"``: the tokens wholly inside the span;
* ``"expand"``: every token the span overlaps (touches at least one character of).

Unlike spaCy, ``contract`` and ``expand`` never return ``None``: where no token qualifies they
return an empty range ``(a, a)`` at the index where such a token would sit, because callers
read the tokens around it (a span's neighbours, its sentence).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from typing import Literal, overload

AlignmentMode = Literal["strict", "contract", "expand"]


@overload
def char_span(starts: Sequence[int], ends: Sequence[int], start: int, end: int, mode: Literal["contract", "expand"]) -> tuple[int, int]: ...


@overload
def char_span(starts: Sequence[int], ends: Sequence[int], start: int, end: int, mode: AlignmentMode = "strict") -> tuple[int, int] | None: ...


def char_span(starts: Sequence[int], ends: Sequence[int], start: int, end: int, mode: AlignmentMode = "strict") -> tuple[int, int] | None:
    """Token indices ``[a, b)`` for the characters ``[start, end)``.

    ``starts``/``ends``: each token's character offsets, in text order, tokens not overlapping
    (so both sequences are sorted). See the module docstring for the modes.
    """
    if mode == "expand":
        a = bisect_right(ends, start)  # the first token ending after the span starts
        return a, max(a, bisect_left(starts, end))  # up to the first token starting at or after its end
    if mode == "contract":
        a = bisect_left(starts, start)  # the first token starting inside the span
        return a, max(a, bisect_right(ends, end))  # up to the last token ending inside it
    if mode == "strict":
        a, b = bisect_left(starts, start), bisect_right(ends, end)
        if a < b and starts[a] == start and ends[b - 1] == end:
            return a, b
        return None
    raise ValueError(f"unknown alignment mode {mode!r}; choose strict, contract or expand")

"""Renderers: each takes a serialised Analysis (a plain dict) and never re-runs the analysis."""

from __future__ import annotations

from bisect import bisect_right
from typing import Any

from spinscope.nlp.segment import sentences


def technique_component(data: dict[str, Any]) -> dict[str, Any]:
    """What found the technique spans (name, version, model hash), as the analysis records it; {} if none did."""
    return next((dict(c) for c in data.get("components", ()) if c.get("stage") == "technique"), {})


def technique_detector(data: dict[str, Any]) -> str:
    """The name of what found the technique spans, as the analysis records it."""
    return str(technique_component(data).get("name", "?"))


def sentence_bounds(data: dict[str, Any]) -> list[tuple[int, int]]:
    """The analysis's own sentences; an analysis without the sentence stage is segmented here."""
    group = data["spans"].get("sentence")
    if group is not None:
        return [(s["start"], s["end"]) for s in group]
    return sentences(data["document"]["text"])


def sentence_around(bounds: list[tuple[int, int]], start: int, end: int) -> tuple[int, int]:
    """From the start of the sentence a span starts in to the end of the one it ends in (the span
    itself where it lies outside every sentence, as in trailing boilerplate)."""
    first = bisect_right([s for s, _ in bounds], start) - 1
    lo = bounds[first][0] if first >= 0 and bounds[first][1] > start else start
    hi = next((e for _, e in bounds[max(first, 0):] if e >= end), end)
    return lo, hi

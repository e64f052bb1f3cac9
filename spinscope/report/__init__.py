"""Renderers: each takes a serialised Analysis (a plain dict) and never re-runs the analysis."""

from __future__ import annotations

from typing import Any


def technique_detector(data: dict[str, Any]) -> str:
    """The name of what found the technique spans, as the analysis records it."""
    return next((str(c["name"]) for c in data.get("components", ()) if c.get("stage") == "technique"), "?")

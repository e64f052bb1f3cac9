"""Shared fixtures: where the PTC data and the example article live, skipping cleanly without them."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(__import__("os").environ.get("SPINSCOPE_SHARED", REPO.parent / "shared"))
PTC = SHARED / "data" / "ptc"
EXAMPLE = SHARED / "examples" / "aleppo-2016-12.txt"
DEMO = REPO / "examples" / "demo-article.txt"


@pytest.fixture(scope="session")
def ptc() -> Path:
    if not (PTC / "train" / "labels-tc.tsv").is_file():
        pytest.skip(f"PTC data not found at {PTC} (set SPINSCOPE_SHARED to the folder holding data/ptc)")
    return PTC


@pytest.fixture(scope="session")
def example_article() -> Path:
    if not EXAMPLE.is_file():
        pytest.skip(f"example article not found at {EXAMPLE} (set SPINSCOPE_SHARED to the shared folder)")
    return EXAMPLE

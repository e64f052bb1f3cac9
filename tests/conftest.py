"""Shared fixtures: where the PTC data and the example article live, skipping cleanly without them."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.paths import EXAMPLE, PTC


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

"""Model quality is a gate: each shipped detector keeps its validation F1 floors (models/floors.json)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from spinscope.eval.evaluate import evaluate
from tests.paths import REPO

FLOORS = json.loads((REPO / "models" / "floors.json").read_text())


@pytest.mark.parametrize("detector", sorted(FLOORS["floors"]))
def test_quality_gate_detector_keeps_its_floors(ptc: Path, detector: str) -> None:
    result = evaluate(detector, ptc / "train")
    if result["data_sha256"] != FLOORS["data_sha256"]:
        pytest.skip("the PTC data differs from the data the floors were measured on")
    for task, floor in FLOORS["floors"][detector].items():
        assert result[task]["f1"] >= floor - FLOORS["tolerance"], f"{detector} {task} F1 {result[task]['f1']:.4f} fell below {floor}"

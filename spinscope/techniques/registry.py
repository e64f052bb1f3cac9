"""Detectors by name, each loaded once and only when first asked for.

A later model registers here the same way the baseline does; the CLI's ``--detector`` choices
come from this table.
"""

from __future__ import annotations

from functools import cache
from importlib import import_module

from spinscope.errors import UnsupportedInputError
from spinscope.techniques.base import Detector

DETECTORS: dict[str, str] = {
    "baseline": "spinscope.techniques.baseline:BaselineDetector",
    "transformer": "spinscope.techniques.ensemble:EnsembleDetector",
}
# the transformer (MiniLM mixed with the baseline) beats the baseline on the validation split
# (SI, TC and FLC F1: models/minilm/card.json)
DEFAULT_DETECTOR = "transformer"


@cache
def get_detector(name: str = DEFAULT_DETECTOR) -> Detector:
    try:
        target = DETECTORS[name]
    except KeyError:
        raise UnsupportedInputError(f"unknown detector {name!r}; choose one of: {', '.join(sorted(DETECTORS))}") from None
    module, _, attr = target.partition(":")
    detector: Detector = getattr(import_module(module), attr)()
    return detector

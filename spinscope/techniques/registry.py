"""Detectors by name, each loaded once and only when first asked for.

A later model registers here the same way the baseline does; the CLI's ``--detector`` (or
``--model``) choices come from this table. "accurate" is the transformer's ensemble on
MPNet-base (models/mpnet: about 112 MB, about 4x slower than MiniLM).
"""

from __future__ import annotations

from functools import cache
from importlib import import_module
from typing import Any

from spinscope.errors import ModelError, UsageError
from spinscope.techniques.base import Detector
from spinscope.techniques.model_files import INSTALL_HINTS, model_component, models_root, read_card, verified_files

DETECTORS: dict[str, str] = {
    "baseline": "spinscope.techniques.baseline:BaselineDetector",
    "transformer": "spinscope.techniques.ensemble:EnsembleDetector",
    "accurate": "spinscope.techniques.ensemble:accurate_detector",
}
# the model folders each detector loads, checked by check_detector without loading them
MODEL_FOLDERS: dict[str, tuple[str, ...]] = {"baseline": ("baseline",), "transformer": ("minilm", "baseline"), "accurate": ("mpnet", "baseline")}
# the transformer (MiniLM mixed with the baseline) beats the baseline on the validation split
# (SI, TC and FLC F1: models/minilm/card.json)
DEFAULT_DETECTOR = "transformer"


def _target(name: str) -> str:
    try:
        return DETECTORS[name]
    except KeyError:
        raise UsageError(f"unknown detector {name!r}; choose one of: {', '.join(sorted(DETECTORS))}") from None


def check_detector(name: str) -> None:
    """Fail as loading would (unknown name, missing or altered model file) without loading: a
    process that hands its documents to children need not hold the models itself."""
    _target(name)
    for folder in MODEL_FOLDERS[name]:
        directory = models_root() / folder
        if folder in INSTALL_HINTS and not directory.is_dir():  # a model folder missing (mpnet under another SPINSCOPE_MODELS): say how to get it
            raise ModelError(f"the {name} detector's model is not installed: no {directory}; {INSTALL_HINTS[folder]}")
        verified_files(directory)


def detector_card(name: str) -> dict[str, Any]:
    """The card of the model a detector is named after (its first model folder), read without
    loading the model, so a report can quote its measured figures; {} for an unknown detector or
    where no models are installed (a stored analysis still renders)."""
    folders = MODEL_FOLDERS.get(name)
    if not folders:
        return {}
    try:
        return read_card(models_root() / folders[0])
    except ModelError:
        return {}


@cache
def installed_sha256(name: str) -> str | None:
    """The ``model_sha256`` an analysis made by the installed ``name`` records (as its
    ``component()`` computes it), without loading the model; None where it is not installed.
    A report trusts a model card's figures and calibration only for analyses with this hash."""
    folders = MODEL_FOLDERS.get(name)
    if not folders:
        return None
    try:
        hashes = [verified_files(models_root() / folder) for folder in folders]
    except ModelError:
        return None
    digest = model_component(name, {}, *hashes)["model_sha256"]
    return str(digest) if digest is not None else None


@cache
def get_detector(name: str = DEFAULT_DETECTOR) -> Detector:
    target = _target(name)
    module, _, attr = target.partition(":")
    detector: Detector = getattr(import_module(module), attr)()
    return detector

"""Analyses written by an older spinscope, read in today's shape.

A store keeps analyses for years; its readers (the report, the API, the corpus) should know one
shape only. Schema 1.0 had one flat summary and a ``detector`` block (with the model's absolute
path and its validation metrics); 2.0 has a summary per stage, ``components``, ``options`` and
``relations``. The upgrade keeps every span and figure and drops only the path and the metrics.
"""

from __future__ import annotations

from typing import Any

from spinscope.document import SCHEMA_VERSION

_SENTENCE_FIGURES = ("sentences", "words", "boilerplate_chars", "english_share", "language_warning")


def upgrade(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` in the current schema; error records and current analyses come back as they are."""
    if data.get("schema_version") != "1.0" or "document" not in data:
        return data
    flat = dict(data.get("summary") or {})
    detector = dict(data.get("detector") or {})
    out = {k: v for k, v in data.items() if k not in ("summary", "detector")}
    out["schema_version"] = SCHEMA_VERSION
    out["relations"] = []
    out["summary"] = {
        "sentence": {k: flat[k] for k in _SENTENCE_FIGURES if k in flat},
        "technique": {k: v for k, v in flat.items() if k not in _SENTENCE_FIGURES},
    }
    out["components"] = [
        {"stage": "sentence", "name": "regex-sentences", "version": str(data.get("spinscope_version", "")), "model_sha256": None},
        {"stage": "technique", "name": str(detector.get("name", "")), "version": str(detector.get("version")), "model_sha256": None},
    ]
    out["options"] = {"stages": ["sentence", "technique"]}
    return out

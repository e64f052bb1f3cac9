"""Where shipped model folders live, what their cards say and which bytes they hold, for every detector."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any


def models_root() -> Path:
    """Where shipped models live: ``$SPINSCOPE_MODELS`` or ``<repository>/models``."""
    env = os.environ.get("SPINSCOPE_MODELS")
    if env:
        return Path(env)
    import spinscope

    return Path(spinscope.__file__).resolve().parent.parent / "models"


def read_card(directory: Path) -> dict[str, Any]:
    """A model folder's card.json, or {} when it is missing or unreadable: the card only informs
    ``info()``, so a broken card must not stop a working model."""
    try:
        card = json.loads((directory / "card.json").read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return {}
    return card if isinstance(card, dict) else {}


_digests: dict[tuple[tuple[str, int, int], ...], str] = {}


def files_sha256(paths: tuple[Path, ...]) -> str:
    """sha256 of the files' bytes read one after the other (for one file, what ``sha256sum``
    prints): how ``component()`` names a detector's model files. Kept per (path, mtime, size),
    as a model file is tens of MB and rarely changes while a process runs."""
    key = tuple((str(path), st.st_mtime_ns, st.st_size) for path in paths for st in (path.stat(),))
    if key not in _digests:
        h = hashlib.sha256()
        for path in paths:
            with path.open("rb") as f:
                for chunk in iter(lambda: f.read(1 << 20), b""):
                    h.update(chunk)
        _digests[key] = h.hexdigest()
    return _digests[key]


def model_info(name: str, config: dict[str, Any], directory: Path, **settings: Any) -> dict[str, Any]:
    """A detector's ``info()``: its name, its model's version, the run-time ``settings`` the
    trainer chose, and the validation figures of the model's card."""
    return {"name": name, "version": config.get("version"), **settings, "metrics": read_card(directory).get("metrics", {})}


def model_component(name: str, config: dict[str, Any], files: tuple[Path, ...]) -> dict[str, Any]:
    """A detector's ``component()``: exactly its name, its model's version and `files_sha256` of
    the model files it runs."""
    return {"name": name, "version": config.get("version"), "model_sha256": files_sha256(files)}

"""Where shipped model folders live and what their cards say, for every detector."""

from __future__ import annotations

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

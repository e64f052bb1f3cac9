"""Where tests find the shared data; SPINSCOPE_SHARED points elsewhere when ../shared is not beside the repo."""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

def _shared() -> Path:
    """SPINSCOPE_SHARED if set, else a `shared` folder beside the checkout, else the workplace's."""
    if "SPINSCOPE_SHARED" in os.environ:
        return Path(os.environ["SPINSCOPE_SHARED"])
    for candidate in (REPO.parent / "shared", Path("/work/shared")):
        if candidate.is_dir():
            return candidate
    return REPO.parent / "shared"

SHARED = _shared()
PTC = SHARED / "data" / "ptc"
EXAMPLE = SHARED / "examples" / "aleppo-2016-12.txt"
DEMO = REPO / "examples" / "demo-article.txt"

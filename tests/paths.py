"""Where tests find the shared data; SPINSCOPE_SHARED points elsewhere when ../shared is not beside the repo."""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("SPINSCOPE_SHARED", REPO.parent / "shared"))
PTC = SHARED / "data" / "ptc"
EXAMPLE = SHARED / "examples" / "aleppo-2016-12.txt"
DEMO = REPO / "examples" / "demo-article.txt"

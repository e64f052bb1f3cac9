"""JSON output: one object for one document, JSON Lines (one object a line) for a batch."""

from __future__ import annotations

import json
from typing import Any

from spinscope.document import Analysis, Failure


def record(item: Analysis | Failure) -> dict[str, Any]:
    return item.to_dict()


def dumps(item: Analysis | Failure, indent: int | None = 2) -> str:
    return json.dumps(record(item), ensure_ascii=False, indent=indent)

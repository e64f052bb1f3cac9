"""One built-in example of each technique, so that the technique guide and the report can show a
real case on a fresh install, before the user has stored any of their own.

The examples are gold spans of the PTC training data (``examples.json``), picked and checked by
``scripts/pick_examples.py``; the article id is kept so a reader can find the span in its
article. The file is read on first use, not at import.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

EXAMPLES_FILE = Path(__file__).with_name("examples.json")


@dataclass(frozen=True, slots=True)
class Example:
    """A passage showing a technique, and the PTC training article it comes from."""

    text: str
    article_id: str

    @property
    def source(self) -> str:
        """Where the example comes from, in the reader's words."""
        return f"PTC training article {self.article_id}"


@cache
def _examples() -> dict[str, Example]:
    raw = json.loads(EXAMPLES_FILE.read_text(encoding="utf-8"))
    return {label: Example(text=str(item["text"]), article_id=str(item["article_id"])) for label, item in raw.items()}


def builtin_example(label: str) -> Example | None:
    """The shipped example of the technique ``label``; None for a label outside the corpus's 14."""
    return _examples().get(label)

"""Saved analyses: one SQLite file, versioned schema, one writer (see db.py and schema.py).

Its errors (StoreError, StoreFullError, QueryTimeoutError) live in spinscope.errors with the others.
"""

from __future__ import annotations

from pathlib import Path

from spinscope.errors import QueryTimeoutError, StoreError, StoreFullError
from spinscope.store.db import Store
from spinscope.store.records import AnalysisRow, Example, Page, RequestKey, StoreOptions
from spinscope.store.query import CorpusQuery, CorpusRow, QueryResult

__all__ = [
    "AnalysisRow", "CorpusQuery", "CorpusRow", "Example", "Page", "QueryResult", "QueryTimeoutError", "RequestKey", "Store", "StoreOptions",
    "StoreError", "StoreFullError", "default_db_path",
]  # fmt: skip


def default_db_path() -> Path:
    """``spinscope.db`` in the user's data folder (e.g. ~/.local/share/spinscope on Linux)."""
    import platformdirs

    return Path(platformdirs.user_data_dir("spinscope")) / "spinscope.db"

"""A store as spinscope wrote it at schema version 2 (before the corpus tables), for migration tests.

The first two migrations are applied as shipped, then each analysis is written with version 2's
own save statements, frozen here: today's save writes version 3's tables, which a version-2 file lacks.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from spinscope.report import technique_detector
from spinscope.store import schema


def write_v2_store(path: Path, analyses: list[dict[str, Any]], created: str = "2025-01-01T00:00:00+00:00") -> list[int]:
    """A version-2 store at ``path`` holding ``analyses``; returns their ids."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("BEGIN IMMEDIATE")
        for steps in schema.MIGRATIONS[:2]:
            for step in steps:
                assert isinstance(step, str)
                conn.execute(step)
        conn.execute("PRAGMA user_version = 2")
        ids = []
        for analysis in analyses:
            doc = analysis["document"]
            spans = analysis.get("spans", {}).get("technique", [])
            cursor = conn.execute(
                "INSERT INTO analyses (created, document_id, title, url, outlet, source, detector, span_count, analysis_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (created, doc["id"], doc.get("title"), doc.get("url"), doc.get("outlet"), doc.get("source"),
                 technique_detector(analysis), len(spans), json.dumps(analysis, ensure_ascii=False)),
            )  # fmt: skip
            assert cursor.lastrowid is not None
            ids.append(cursor.lastrowid)
            conn.executemany(
                "INSERT OR IGNORE INTO technique_spans (analysis_id, start_char, end_char, label, score, text) VALUES (?, ?, ?, ?, ?, ?)",
                [(cursor.lastrowid, s["start"], s["end"], s["label"], s.get("score"), doc["text"][s["start"] : s["end"]]) for s in spans],
            )
        conn.execute("COMMIT")
    finally:
        conn.close()
    return ids

"""The store's schema, as numbered migrations; the only place that knows its tables.

The database's ``PRAGMA user_version`` is the number of migrations applied. Opening a store applies
the missing ones in order, each in its own ``BEGIN IMMEDIATE`` transaction together with the bump
of ``user_version``, so a crash mid-migration leaves the previous version intact. A corpus store
will grow out of this one: add a step at the end, never edit one that has shipped.
"""

from __future__ import annotations

import sqlite3

# MIGRATIONS[i] takes the schema from version i to version i + 1. Statements run one by one (not
# executescript, which would commit the open transaction first).
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """CREATE TABLE analyses (
            id INTEGER PRIMARY KEY,
            created TEXT NOT NULL,              -- ISO 8601, UTC, seconds
            document_id TEXT NOT NULL,
            title TEXT,
            url TEXT,
            outlet TEXT,
            source TEXT,
            detector TEXT NOT NULL,
            span_count INTEGER NOT NULL,
            analysis_json TEXT NOT NULL         -- Analysis.to_dict(), the one truth for this row
        )""",
        # A copy of each technique span, so the technique guide can find examples without parsing JSON.
        """CREATE TABLE technique_spans (
            analysis_id INTEGER NOT NULL REFERENCES analyses (id) ON DELETE CASCADE,
            start_char INTEGER NOT NULL,
            end_char INTEGER NOT NULL,
            label TEXT NOT NULL,
            score REAL,
            text TEXT NOT NULL,
            PRIMARY KEY (analysis_id, start_char, end_char, label)
        ) WITHOUT ROWID""",
        "CREATE INDEX technique_spans_by_label ON technique_spans (label, score DESC)",
    ),
    (
        # POST /api/analyze's Idempotency-Key: a retry with the same key and request gets the analysis
        # stored the first time; the same key with another request is refused.
        """CREATE TABLE idempotency_keys (
            key TEXT PRIMARY KEY,
            request_sha256 TEXT NOT NULL,
            analysis_id INTEGER NOT NULL REFERENCES analyses (id) ON DELETE CASCADE,
            created TEXT NOT NULL               -- ISO 8601, UTC, seconds
        ) WITHOUT ROWID""",
    ),
)

LATEST = len(MIGRATIONS)


def schema_version(conn: sqlite3.Connection) -> int:
    version: int = conn.execute("PRAGMA user_version").fetchone()[0]
    return version


def migrate(conn: sqlite3.Connection) -> int:
    """Apply every missing migration; returns the version reached. `conn` must be in autocommit
    mode (``isolation_level=None``) so that the transactions here are the only ones."""
    while True:
        conn.execute("BEGIN IMMEDIATE")
        try:
            # Read inside the write lock: another process may have migrated since we last looked.
            version = schema_version(conn)
            if version >= LATEST:
                conn.execute("COMMIT")
                return version
            for statement in MIGRATIONS[version]:
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {version + 1}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

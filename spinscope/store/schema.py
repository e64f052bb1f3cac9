"""The store's schema, as numbered migrations; the only place that knows its tables.

The database's ``PRAGMA user_version`` is the number of migrations applied. Opening a store applies
the missing ones in order, each in its own ``BEGIN IMMEDIATE`` transaction together with the bump
of ``user_version``, so a crash mid-migration leaves the previous version intact. Add a step at
the end, never edit one that has shipped.

Version 3 is the corpus store: documents known by their text's hash, analyses pointing at them and
at the pipeline (components, options) that made them, one spans table for every group, relations,
and a full-text index over the documents' text and their quotes' and claims' text. Version 4 keeps
each analysis's word count beside it, for the outlets' rates. Version 5 keeps each document's
latest analysis counted for the outlet pages (`profile_tables`) and the claims' sentence vectors.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable

from spinscope.schema.upgrade import upgrade
from spinscope.store.profile_tables import index_latest
from spinscope.store.rows import SEARCHED_GROUPS, link_analysis

Step = str | Callable[[sqlite3.Connection], None]

_TOKENIZE = "tokenize = 'porter unicode61 remove_diacritics 2'"  # "attacks" finds "attack", "Zürich" finds "Zurich"
_SEARCHED = ", ".join(f"'{g}'" for g in SEARCHED_GROUPS)


def _link_stored_analyses(conn: sqlite3.Connection) -> None:
    """Version 3's rows for every analysis stored before it. A row whose JSON cannot be read (edited
    by hand) keeps no document rather than leave the whole store unopenable. It writes through
    today's `link_analysis`: a later migration that changes these tables must give this step a
    frozen copy of it."""
    for (analysis_id,) in conn.execute("SELECT id FROM analyses ORDER BY id").fetchall():
        (payload,) = conn.execute("SELECT analysis_json FROM analyses WHERE id = ?", (analysis_id,)).fetchone()
        try:
            analysis = upgrade(dict(json.loads(payload)))
            link_analysis(conn, analysis_id, analysis)
        except (ValueError, TypeError, KeyError):
            continue


def _index_stored_analyses(conn: sqlite3.Connection) -> None:
    """Version 5's profile rows for each document's latest analysis stored before it; as in
    version 3, a row whose JSON cannot be read is left out rather than block the migration."""
    latest = "SELECT max(id), document FROM analyses WHERE document IS NOT NULL GROUP BY document ORDER BY 1"
    for analysis_id, document_id in conn.execute(latest).fetchall():
        (payload,) = conn.execute("SELECT analysis_json FROM analyses WHERE id = ?", (analysis_id,)).fetchone()
        try:
            index_latest(conn, analysis_id, document_id, upgrade(dict(json.loads(payload))))
        except (ValueError, TypeError, KeyError):
            continue


# MIGRATIONS[i] takes the schema from version i to version i + 1. Statements run one by one (not
# executescript, which would commit the open transaction first); a callable step runs Python on
# the same transaction.
MIGRATIONS: tuple[tuple[Step, ...], ...] = (
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
    (
        """CREATE TABLE documents (
            id INTEGER PRIMARY KEY,
            url TEXT,
            outlet TEXT,
            title TEXT,
            published TEXT,                     -- as given
            published_date TEXT,                -- YYYY-MM-DD read from published; NULL when it cannot be read
            language TEXT,
            text TEXT NOT NULL,
            text_sha256 TEXT NOT NULL UNIQUE    -- the same text is one document, whoever sent it
        )""",
        "CREATE INDEX documents_by_outlet ON documents (outlet, published_date)",
        "CREATE INDEX documents_by_date ON documents (published_date)",
        "CREATE INDEX documents_by_url ON documents (url) WHERE url IS NOT NULL",
        """CREATE TABLE components (
            id INTEGER PRIMARY KEY,
            stage TEXT NOT NULL,
            name TEXT NOT NULL,
            version TEXT NOT NULL,
            model_sha256 TEXT
        )""",
        "CREATE UNIQUE INDEX components_identity ON components (stage, name, version, ifnull(model_sha256, ''))",
        """CREATE TABLE pipelines (
            id INTEGER PRIMARY KEY,
            sha256 TEXT NOT NULL UNIQUE,        -- of its components and options (rows.pipeline_sha256)
            options TEXT NOT NULL               -- JSON: the stages and each stage's options
        )""",
        """CREATE TABLE pipeline_components (
            pipeline_id INTEGER NOT NULL REFERENCES pipelines (id),
            position INTEGER NOT NULL,
            component_id INTEGER NOT NULL REFERENCES components (id),
            PRIMARY KEY (pipeline_id, position)
        ) WITHOUT ROWID""",
        "ALTER TABLE analyses ADD COLUMN document INTEGER REFERENCES documents (id)",
        "ALTER TABLE analyses ADD COLUMN pipeline INTEGER REFERENCES pipelines (id)",
        "CREATE INDEX analyses_by_document ON analyses (document, pipeline)",
        # every span of every group, as analysis_json has it, with its text
        """CREATE TABLE spans (
            id INTEGER PRIMARY KEY,
            analysis_id INTEGER NOT NULL REFERENCES analyses (id) ON DELETE CASCADE,
            span_group TEXT NOT NULL,
            span_id TEXT,                       -- q1, a2 ...: what relations point at
            label TEXT NOT NULL,
            start_char INTEGER NOT NULL,
            end_char INTEGER NOT NULL,
            score REAL,
            text TEXT NOT NULL,
            attributes TEXT NOT NULL            -- JSON
        )""",
        "CREATE INDEX spans_by_analysis ON spans (analysis_id, span_group, label)",
        "CREATE INDEX spans_by_label ON spans (span_group, label, score DESC)",
        """CREATE TABLE relations (
            analysis_id INTEGER NOT NULL REFERENCES analyses (id) ON DELETE CASCADE,
            label TEXT NOT NULL,
            head_group TEXT NOT NULL,
            head_id TEXT NOT NULL,
            tail_group TEXT NOT NULL,
            tail_id TEXT NOT NULL
        )""",
        "CREATE INDEX relations_by_analysis ON relations (analysis_id)",
        # inputs of `spinscope corpus add` that could not be read or analysed; a later success removes its row
        """CREATE TABLE failures (
            source TEXT PRIMARY KEY,
            error_type TEXT NOT NULL,
            message TEXT NOT NULL,
            created TEXT NOT NULL               -- ISO 8601, UTC, seconds
        ) WITHOUT ROWID""",
        # Full-text indexes over the text kept in documents and spans (external content: not a second copy),
        # kept in step by triggers.
        f"CREATE VIRTUAL TABLE documents_fts USING fts5 (text, content = 'documents', content_rowid = 'id', {_TOKENIZE})",
        "CREATE TRIGGER documents_fts_insert AFTER INSERT ON documents BEGIN INSERT INTO documents_fts (rowid, text) VALUES (new.id, new.text); END",
        """CREATE TRIGGER documents_fts_delete AFTER DELETE ON documents BEGIN
            INSERT INTO documents_fts (documents_fts, rowid, text) VALUES ('delete', old.id, old.text); END""",
        """CREATE TRIGGER documents_fts_update AFTER UPDATE OF text ON documents BEGIN
            INSERT INTO documents_fts (documents_fts, rowid, text) VALUES ('delete', old.id, old.text);
            INSERT INTO documents_fts (rowid, text) VALUES (new.id, new.text); END""",
        f"CREATE VIRTUAL TABLE spans_fts USING fts5 (text, content = 'spans', content_rowid = 'id', {_TOKENIZE})",
        f"""CREATE TRIGGER spans_fts_insert AFTER INSERT ON spans WHEN new.span_group IN ({_SEARCHED}) BEGIN
            INSERT INTO spans_fts (rowid, text) VALUES (new.id, new.text); END""",
        f"""CREATE TRIGGER spans_fts_delete AFTER DELETE ON spans WHEN old.span_group IN ({_SEARCHED}) BEGIN
            INSERT INTO spans_fts (spans_fts, rowid, text) VALUES ('delete', old.id, old.text); END""",
        _link_stored_analyses,
        # its rows are in spans now (group 'technique')
        "DROP TABLE technique_spans",
    ),
    (
        # words of analysed text (summary.sentence.words), the denominator of every rate per 1,000
        # words: read from analysis_json, it cost parsing every analysis (1.4 s at 10,000 documents)
        "ALTER TABLE analyses ADD COLUMN words INTEGER",
        # a row whose JSON was edited into garbage keeps no count rather than block the migration
        "UPDATE analyses SET words = json_extract(analysis_json, '$.summary.sentence.words') WHERE json_valid(analysis_json)",
    ),
    (
        # each document's latest analysis, counted (profile_tables.py); outlet and date copied into
        # every table so that one outlet's rows come from an index alone
        """CREATE TABLE profile_documents (
            analysis_id INTEGER PRIMARY KEY REFERENCES analyses (id) ON DELETE CASCADE,
            document INTEGER NOT NULL UNIQUE REFERENCES documents (id),
            outlet TEXT,
            published_date TEXT,
            words INTEGER NOT NULL,
            voice INTEGER NOT NULL,             -- 1: the voice stage ran (0: voices not measured)
            source INTEGER NOT NULL,            -- 1: the source stage ran
            actor INTEGER NOT NULL              -- 1: the actor stage ran
        )""",
        "CREATE INDEX profile_documents_by_outlet ON profile_documents (outlet, published_date)",
        """CREATE TABLE profile_techniques (
            analysis_id INTEGER NOT NULL REFERENCES profile_documents (analysis_id) ON DELETE CASCADE,
            outlet TEXT,
            label TEXT NOT NULL,
            voice TEXT,                         -- author, quoted, or NULL where the voice stage did not run
            spans INTEGER NOT NULL
        )""",
        "CREATE INDEX profile_techniques_by_outlet ON profile_techniques (outlet, analysis_id)",
        """CREATE TABLE profile_sources (
            analysis_id INTEGER NOT NULL REFERENCES profile_documents (analysis_id) ON DELETE CASCADE,
            outlet TEXT,
            named INTEGER NOT NULL,
            sources INTEGER NOT NULL
        )""",
        "CREATE INDEX profile_sources_by_outlet ON profile_sources (outlet, analysis_id)",
        """CREATE TABLE profile_actors (
            analysis_id INTEGER NOT NULL REFERENCES profile_documents (analysis_id) ON DELETE CASCADE,
            outlet TEXT,
            name TEXT NOT NULL,
            name_key TEXT NOT NULL,             -- the name in any case and spacing (profile_tables.fold): one actor
            role TEXT NOT NULL,
            fine_roles TEXT NOT NULL,           -- JSON list of strings
            labels TEXT NOT NULL                -- JSON list of strings
        )""",
        "CREATE INDEX profile_actors_by_outlet ON profile_actors (outlet, analysis_id)",
        "CREATE INDEX profile_actors_by_name ON profile_actors (name_key, outlet)",
        # in how many of each outlet's documents each actor is named: the outlets page ranks actors
        # from this (tens of thousands of rows) rather than from every actor row (300,000 at 10,000 documents)
        """CREATE TABLE profile_actor_outlets (
            name_key TEXT NOT NULL,
            outlet TEXT,
            documents INTEGER NOT NULL
        )""",
        "CREATE INDEX profile_actor_outlets_by_name ON profile_actor_outlets (name_key, outlet)",
        _index_stored_analyses,
        # a claim's sentence vector, by its text and the encoder that made it (float16, little-endian):
        # embedding is most of a repeated-claims view, and a text's vector never changes
        """CREATE TABLE claim_vectors (
            text_sha256 TEXT NOT NULL,
            encoder_sha256 TEXT NOT NULL,
            vector BLOB NOT NULL,
            PRIMARY KEY (text_sha256, encoder_sha256)
        )""",
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
            for step in MIGRATIONS[version]:
                if isinstance(step, str):
                    conn.execute(step)
                else:
                    step(conn)
            conn.execute(f"PRAGMA user_version = {version + 1}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

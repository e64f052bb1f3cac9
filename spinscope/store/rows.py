"""An analysis (``Analysis.to_dict()``) written as the corpus tables' rows, on an open transaction.

``analysis_json`` stays the one truth for an analysis; the rows written here (its document, its
pipeline and components, every span of every group, its relations) are copies laid out for
queries, written in the same transaction as the analysis, so they never disagree with it.
Both ``Store.save`` and the schema's version-3 migration (which fills them for the analyses
stored before it) go through `link_analysis`; a stored analysis (`insert_analysis`) also becomes
its document's profile rows (profile_tables.py).
"""

from __future__ import annotations

import email.utils
import hashlib
import json
import sqlite3
from datetime import date, datetime
from typing import Any

from spinscope.report import technique_detector
from spinscope.store.profile_tables import index_latest

# The analyses table's listing columns (AnalysisRow), in order.
ANALYSIS_COLUMNS = "id, created, document_id, title, url, outlet, source, detector, span_count"

# Span groups whose text goes into the full-text index beside the documents' text.
SEARCHED_GROUPS = ("quote", "claim")

# Ways news metadata spells a date besides ISO 8601 and RFC 2822 (RSS): month names, never a
# numeric day/month order, which would be a guess (01/03/2019).
_DATE_FORMATS = ("%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%d %b %Y", "%B %d %Y", "%b %d %Y", "%Y/%m/%d", "%Y.%m.%d")


def text_sha256(text: str) -> str:
    """The content hash a document is known by: re-adding the same text finds it."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def pipeline_sha256(components: list[dict[str, Any]], options: dict[str, Any]) -> str:
    """What made an analysis (its components and options), hashed: an analysis of the same text by
    the same pipeline is not added twice; another pipeline's is a second analysis of the document."""
    return hashlib.sha256(json.dumps({"components": components, "options": options}, sort_keys=True).encode()).hexdigest()


def published_date(published: str | None) -> str | None:
    """``published`` as an ISO date (YYYY-MM-DD), the date as written (no time-zone shift), or
    None when it cannot be read without guessing."""
    if not published or not published.strip():
        return None
    value = published.strip()
    try:
        return datetime.fromisoformat(value).date().isoformat()
    except ValueError:
        pass
    try:
        return email.utils.parsedate_to_datetime(value).date().isoformat()
    except (TypeError, ValueError, IndexError):
        pass
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(value, fmt).date().isoformat()
        except ValueError:
            continue
    return None


def parse_date(value: str, what: str) -> date:
    """A date a user gave (``--since 2019-03-01``); ValueError names the option."""
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"{what}: {value!r} is not a date; give it as YYYY-MM-DD") from None


def _id_of(conn: sqlite3.Connection, select: str, args: tuple[Any, ...], insert: str, insert_args: tuple[Any, ...]) -> int:
    row = conn.execute(select, args).fetchone()
    if row is not None:
        found: int = row[0]
        return found
    new = conn.execute(insert, insert_args).lastrowid
    assert new is not None
    return new


def document_row(conn: sqlite3.Connection, doc: dict[str, Any]) -> int:
    """The id of the document with this text, inserted when new; metadata it lacked (an outlet,
    a date) is filled in from ``doc``, metadata it has is never overwritten."""
    text = str(doc["text"])
    published = doc.get("published")
    values = (doc.get("url"), doc.get("outlet"), doc.get("title"), published, published_date(published), doc.get("language"), text, text_sha256(text))
    row = conn.execute(
        """INSERT INTO documents (url, outlet, title, published, published_date, language, text, text_sha256)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (text_sha256) DO UPDATE SET
               url = coalesce(url, excluded.url), outlet = coalesce(outlet, excluded.outlet), title = coalesce(title, excluded.title),
               published = coalesce(published, excluded.published), published_date = coalesce(published_date, excluded.published_date),
               language = coalesce(language, excluded.language)
           RETURNING id""",
        values,
    ).fetchone()
    document_id: int = row[0]
    return document_id


def pipeline_row(conn: sqlite3.Connection, components: list[dict[str, Any]], options: dict[str, Any]) -> int:
    """The id of this pipeline (components in order, options), inserted with its components when new."""
    sha = pipeline_sha256(components, options)
    row = conn.execute("SELECT id FROM pipelines WHERE sha256 = ?", (sha,)).fetchone()
    if row is not None:
        found: int = row[0]
        return found
    pipeline_id = conn.execute("INSERT INTO pipelines (sha256, options) VALUES (?, ?)", (sha, json.dumps(options, sort_keys=True))).lastrowid
    assert pipeline_id is not None
    for position, c in enumerate(components):
        key = (str(c.get("stage")), str(c.get("name")), str(c.get("version")), c.get("model_sha256"))
        component_id = _id_of(
            conn,
            "SELECT id FROM components WHERE stage = ? AND name = ? AND version = ? AND ifnull(model_sha256, '') = ifnull(?, '')",
            key,
            "INSERT INTO components (stage, name, version, model_sha256) VALUES (?, ?, ?, ?)",
            key,
        )
        conn.execute("INSERT INTO pipeline_components (pipeline_id, position, component_id) VALUES (?, ?, ?)", (pipeline_id, position, component_id))
    return pipeline_id


def link_analysis(conn: sqlite3.Connection, analysis_id: int, analysis: dict[str, Any]) -> int:
    """Write the rows of stored analysis ``analysis_id``: its document, pipeline, spans and
    relations; returns the document's id."""
    doc = analysis["document"]
    text = str(doc["text"])
    document_id = document_row(conn, doc)
    pipeline_id = pipeline_row(conn, list(analysis.get("components") or []), dict(analysis.get("options") or {}))
    conn.execute("UPDATE analyses SET document = ?, pipeline = ? WHERE id = ?", (document_id, pipeline_id, analysis_id))
    conn.executemany(
        "INSERT INTO spans (analysis_id, span_group, span_id, label, start_char, end_char, score, text, attributes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (analysis_id, group, s.get("id"), str(s["label"]), int(s["start"]), int(s["end"]), s.get("score"), text[int(s["start"]) : int(s["end"])],
             json.dumps(s.get("attributes") or {}, ensure_ascii=False, sort_keys=True))
            for group, spans in sorted((analysis.get("spans") or {}).items()) for s in spans
        ],
    )  # fmt: skip
    conn.executemany(
        "INSERT INTO relations (analysis_id, label, head_group, head_id, tail_group, tail_id) VALUES (?, ?, ?, ?, ?, ?)",
        [(analysis_id, r["label"], r["head"]["group"], r["head"]["id"], r["tail"]["group"], r["tail"]["id"]) for r in analysis.get("relations") or ()],
    )
    return document_id


def insert_analysis(conn: sqlite3.Connection, analysis: dict[str, Any], created: str) -> int:
    """One analysis row and its corpus rows, on the open transaction; returns its id."""
    doc = analysis["document"]
    words = (analysis.get("summary") or {}).get("sentence", {}).get("words")
    cursor = conn.execute(
        f"INSERT INTO analyses ({ANALYSIS_COLUMNS.removeprefix('id, ')}, analysis_json, words) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (created, doc["id"], doc.get("title"), doc.get("url"), doc.get("outlet"), doc.get("source"),
         technique_detector(analysis), len(analysis.get("spans", {}).get("technique", [])), json.dumps(analysis, ensure_ascii=False),
         words if isinstance(words, int) else None),
    )  # fmt: skip
    analysis_id = cursor.lastrowid
    assert analysis_id is not None
    index_latest(conn, analysis_id, link_analysis(conn, analysis_id, analysis), analysis)
    return analysis_id


def analysed(conn: sqlite3.Connection, text_sha: str, pipeline_sha: str) -> bool:
    row = conn.execute(
        "SELECT 1 FROM documents d JOIN analyses a ON a.document = d.id JOIN pipelines p ON p.id = a.pipeline WHERE d.text_sha256 = ? AND p.sha256 = ? LIMIT 1",
        (text_sha, pipeline_sha),
    ).fetchone()
    return row is not None

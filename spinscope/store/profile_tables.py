"""Each document's latest analysis, counted as the outlet pages read it (schema version 5).

Outlet profiles, trends and actor framing read every document of a corpus. Reading them from the
spans table meant finding each document's latest analysis and parsing the JSON attributes of
every technique, source and actor span on every page view: 1.1 s for the technique counts alone
at 10,000 documents. These tables hold the same facts already counted, one set of rows per
document (its latest analysis: the one with the highest id), with the outlet and date copied
beside them so that one outlet's rows are read by an index alone. They are written in the same
transaction as the analysis (`index_latest`), so they never disagree with it, and a newer
analysis of a document replaces its rows.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from dataclasses import dataclass
from typing import Any

# the stages whose absence means "not measured" rather than "none found"
MEASURED_STAGES = ("voice", "source", "actor")


@dataclass(frozen=True, slots=True)
class LatestCounts:
    """What the profile tables hold for one analysis: which stages ran, technique spans per
    (label, voice), sources per named flag, and each actor as (name, main role, fine roles, labels)."""

    stages: frozenset[str]
    techniques: tuple[tuple[str, str | None, int], ...]
    sources: tuple[tuple[bool, int], ...]
    actors: tuple[tuple[str, str, tuple[str, ...], tuple[str, ...]], ...]


def strings(values: Any, key: str | None = None) -> tuple[str, ...]:
    """The strings of a JSON list (or of ``key`` in each of its objects); anything else is skipped,
    so a hand-edited analysis cannot stop a store from opening."""
    if not isinstance(values, list):
        return ()
    items = [v.get(key) if key is not None and isinstance(v, dict) else v for v in values]
    return tuple(str(v) for v in items if isinstance(v, str) and v.strip())


def _attributes(span: dict[str, Any]) -> dict[str, Any]:
    attributes = span.get("attributes")
    return attributes if isinstance(attributes, dict) else {}


def latest_counts(analysis: dict[str, Any]) -> LatestCounts:
    """The profile tables' facts of one analysis (``Analysis.to_dict()``), counted."""
    spans = analysis.get("spans") or {}
    voices = Counter((str(s["label"]), _voice(_attributes(s).get("voice"))) for s in spans.get("technique") or ())
    named = Counter(bool(_attributes(s).get("named")) for s in spans.get("source") or ())
    actors = []
    for s in spans.get("actor") or ():
        data = _attributes(s)
        role = data["role"] if isinstance(data.get("role"), dict) else {}
        name = data.get("name")
        actors.append((str(name) if name else "?", str(s["label"]), strings(role.get("fine"), "role"), strings(data.get("labels"), "text")))
    return LatestCounts(
        stages=frozenset(str(c.get("stage")) for c in analysis.get("components") or () if isinstance(c, dict)),
        techniques=tuple((label, voice, n) for (label, voice), n in sorted(voices.items(), key=lambda kv: (kv[0][0], kv[0][1] or ""))),
        sources=tuple(sorted(named.items())),
        actors=tuple(actors),
    )


def fold(name: str) -> str:
    """A name in any case and spacing: "eastbrook  Council" is "Eastbrook council"."""
    return " ".join(name.split()).casefold()


def _voice(value: Any) -> str | None:
    return None if value is None else str(value)


def _count_actors(conn: sqlite3.Connection, outlet: str | None, keys: set[str], step: int) -> None:
    """Add ``step`` (1 or -1) documents to each actor of ``keys`` in ``outlet``; a count that
    reaches zero goes."""
    for key in sorted(keys):
        updated = conn.execute("UPDATE profile_actor_outlets SET documents = documents + ? WHERE name_key = ? AND outlet IS ?", (step, key, outlet))
        if updated.rowcount == 0 and step > 0:
            conn.execute("INSERT INTO profile_actor_outlets (name_key, outlet, documents) VALUES (?, ?, ?)", (key, outlet, step))
    conn.execute("DELETE FROM profile_actor_outlets WHERE documents <= 0")


def index_latest(conn: sqlite3.Connection, analysis_id: int, document_id: int, analysis: dict[str, Any]) -> None:
    """Make ``analysis_id`` the profile rows of ``document_id``, on the open transaction: the rows
    of its earlier analysis go. Called for each analysis as it is stored, which is always the
    document's newest."""
    earlier = conn.execute("SELECT outlet, analysis_id FROM profile_documents WHERE document = ?", (document_id,)).fetchone()
    if earlier is not None:
        keys = {key for (key,) in conn.execute("SELECT DISTINCT name_key FROM profile_actors WHERE analysis_id = ?", (earlier[1],))}
        _count_actors(conn, earlier[0], keys, -1)
    for table in ("profile_techniques", "profile_sources", "profile_actors", "profile_documents"):
        conn.execute(f"DELETE FROM {table} WHERE analysis_id IN (SELECT analysis_id FROM profile_documents WHERE document = ?)", (document_id,))
    outlet, published_date = conn.execute("SELECT outlet, published_date FROM documents WHERE id = ?", (document_id,)).fetchone()
    (words,) = conn.execute("SELECT coalesce(words, 0) FROM analyses WHERE id = ?", (analysis_id,)).fetchone()
    counts = latest_counts(analysis)
    conn.execute(
        "INSERT INTO profile_documents (analysis_id, document, outlet, published_date, words, voice, source, actor) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (analysis_id, document_id, outlet, published_date, int(words), *(stage in counts.stages for stage in MEASURED_STAGES)),
    )
    conn.executemany(
        "INSERT INTO profile_techniques (analysis_id, outlet, label, voice, spans) VALUES (?, ?, ?, ?, ?)",
        [(analysis_id, outlet, label, voice, n) for label, voice, n in counts.techniques],
    )
    conn.executemany(
        "INSERT INTO profile_sources (analysis_id, outlet, named, sources) VALUES (?, ?, ?, ?)",
        [(analysis_id, outlet, named, n) for named, n in counts.sources],
    )
    conn.executemany(
        "INSERT INTO profile_actors (analysis_id, outlet, name, name_key, role, fine_roles, labels) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(analysis_id, outlet, name, fold(name), role, json.dumps(fine, ensure_ascii=False), json.dumps(labels, ensure_ascii=False))
         for name, role, fine, labels in counts.actors],
    )  # fmt: skip
    _count_actors(conn, outlet, {fold(name) for name, *_ in counts.actors}, 1)

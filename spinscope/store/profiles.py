"""The rows that outlet profiles, trends and claim timelines are computed from (spinscope.corpus.profiles).

Each document counts once, through its latest analysis (as in query.py). The rows are plain
counts and attributes; every statistic is left to the pure functions that read them, so that
they can be checked by hand on rows built in a test.

Which who-says-what stages made an analysis is read from its pipeline's components, so that
"the voice stage did not run" (no ``voice`` attribute to count) is told apart from "it ran and
found every span in the author's voice".
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from spinscope.repeats.groups import ClaimRecord
from spinscope.store.query import deadline

_LATEST = (
    "latest AS MATERIALIZED (SELECT a.id AS analysis, a.pipeline AS pipeline, coalesce(a.words, 0) AS words, d.id AS document, d.outlet AS outlet,"
    " d.published_date AS published_date"
    " FROM analyses a JOIN documents d ON d.id = a.document WHERE a.id = (SELECT max(id) FROM analyses WHERE document = a.document){outlets})"
)


@dataclass(frozen=True, slots=True)
class DocumentRow:
    """A document as its latest analysis saw it: ``words`` of analysed text (the sentence stage's
    count, boilerplate excluded), and which who-says-what stages ran on it."""

    analysis_id: int
    outlet: str | None
    published_date: str | None  # YYYY-MM-DD, None when the store could not read a date
    words: int
    voice: bool
    source: bool
    actor: bool


@dataclass(frozen=True, slots=True)
class TechniqueCount:
    """How many technique spans of one label an analysis holds in one voice (None: no voice stage)."""

    analysis_id: int
    label: str
    voice: str | None
    spans: int


@dataclass(frozen=True, slots=True)
class SourceCount:
    analysis_id: int
    named: bool
    sources: int


@dataclass(frozen=True, slots=True)
class ActorRow:
    """One actor of one analysis: its main role, its fine roles and the words the article labels it with."""

    analysis_id: int
    name: str
    role: str
    fine_roles: tuple[str, ...]
    labels: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ProfileRows:
    documents: tuple[DocumentRow, ...]
    techniques: tuple[TechniqueCount, ...]
    sources: tuple[SourceCount, ...]
    actors: tuple[ActorRow, ...]


def _latest(outlets: tuple[str, ...]) -> tuple[str, list[Any]]:
    if not outlets:
        return _LATEST.format(outlets=""), []
    return _LATEST.format(outlets=f" AND d.outlet IN ({', '.join('?' * len(outlets))})"), list(outlets)


def _strings(values: Any, key: str | None = None) -> tuple[str, ...]:
    """The strings of a JSON list (or of ``key`` in each of its objects); anything else is skipped."""
    if not isinstance(values, list):
        return ()
    items = [v.get(key) if key is not None and isinstance(v, dict) else v for v in values]
    return tuple(str(v) for v in items if isinstance(v, str) and v.strip())


def _actor(analysis_id: int, label: str, attributes: str) -> ActorRow:
    data = json.loads(attributes)
    role = data.get("role") if isinstance(data.get("role"), dict) else {}
    name = data.get("name")
    return ActorRow(analysis_id, str(name) if name else "?", label, _strings(role.get("fine"), "role"), _strings(data.get("labels"), "text"))


def profile_rows(conn: sqlite3.Connection, outlets: tuple[str, ...] = (), timeout: float = 5.0, actors: bool = True) -> ProfileRows:
    """Every row a profile needs, for the documents of ``outlets`` (all when empty), read within
    ``timeout`` seconds (QueryTimeoutError); without ``actors``, no actor rows (reading each
    actor's attributes is half the work, and only actor framing needs them)."""
    latest, args = _latest(outlets)
    with deadline(conn, timeout, "narrow it to a few outlets (--outlet)"):
        return _profile_rows(conn, latest, args, actors)


def _profile_rows(conn: sqlite3.Connection, latest: str, args: list[Any], with_actors: bool) -> ProfileRows:
    documents = conn.execute(
        f"WITH {latest} SELECT latest.analysis, latest.outlet, latest.published_date,"
        " latest.words, latest.pipeline FROM latest ORDER BY latest.analysis",
        args,
    ).fetchall()
    stages: dict[int, set[str]] = {}
    for pipeline, stage in conn.execute("SELECT pc.pipeline_id, c.stage FROM pipeline_components pc JOIN components c ON c.id = pc.component_id"):
        stages.setdefault(pipeline, set()).add(stage)
    techniques = conn.execute(
        f"WITH {latest} SELECT s.analysis_id, s.label, json_extract(s.attributes, '$.voice'), count(*)"
        " FROM latest CROSS JOIN spans s ON s.analysis_id = latest.analysis AND s.span_group = 'technique' GROUP BY 1, 2, 3 ORDER BY 1, 2, 3",
        args,
    ).fetchall()
    sources = conn.execute(
        f"WITH {latest} SELECT s.analysis_id, coalesce(json_extract(s.attributes, '$.named'), 0) != 0, count(*)"
        " FROM latest CROSS JOIN spans s ON s.analysis_id = latest.analysis AND s.span_group = 'source' GROUP BY 1, 2 ORDER BY 1, 2",
        args,
    ).fetchall()
    actors = conn.execute(
        f"WITH {latest} SELECT s.analysis_id, s.label, s.attributes"
        " FROM latest CROSS JOIN spans s ON s.analysis_id = latest.analysis AND s.span_group = 'actor' ORDER BY s.analysis_id, s.start_char",
        args,
    ).fetchall() if with_actors else []
    return ProfileRows(
        documents=tuple(DocumentRow(i, o, p, int(w), *(stage in stages.get(pipeline, ()) for stage in ("voice", "source", "actor")))
                        for i, o, p, w, pipeline in documents),  # fmt: skip
        techniques=tuple(TechniqueCount(i, str(label), None if voice is None else str(voice), n) for i, label, voice, n in techniques),
        sources=tuple(SourceCount(i, bool(named), n) for i, named, n in sources),
        actors=tuple(_actor(i, str(label), attributes) for i, label, attributes in actors),
    )


def claim_records(
    conn: sqlite3.Connection, outlets: tuple[str, ...] = (), limit: int = 5_000, timeout: float = 5.0
) -> tuple[tuple[ClaimRecord, ...], bool]:
    """The claim spans of the latest analyses as ``ClaimRecord``s (``document_id`` is the analysis
    id, so a timeline links to its report), the newest ``limit`` first, and whether more were left
    out; read within ``timeout`` seconds (QueryTimeoutError)."""
    latest, args = _latest(outlets)
    with deadline(conn, timeout, "narrow it to a few outlets (--outlet)"):
        rows = conn.execute(
            f"WITH {latest} SELECT coalesce(s.span_id, 'c' || s.id), s.text, latest.analysis, latest.outlet, latest.published_date"
            " FROM latest CROSS JOIN spans s ON s.analysis_id = latest.analysis AND s.span_group = 'claim'"
            " ORDER BY latest.published_date IS NULL, latest.published_date DESC, latest.analysis DESC, s.start_char LIMIT ?",
            [*args, limit + 1],
        ).fetchall()
    records = tuple(ClaimRecord(str(c), str(t), str(a), o, p) for c, t, a, o, p in rows[:limit])
    return records, len(rows) > limit

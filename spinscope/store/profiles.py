"""The rows that outlet profiles, trends and claim timelines are computed from (spinscope.corpus.profiles).

Each document counts once, through its latest analysis (as in query.py), read from the profile
tables where it is already counted (profile_tables.py). The rows are plain counts and attributes
(named tuples: 70,000 of them are made in a few milliseconds, a tenth of the time of dataclasses);
every statistic is left to the pure functions that read them, so that they can be checked by hand
on rows built in a test.

Which who-says-what stages made an analysis is read from its pipeline's components, so that
"the voice stage did not run" (no ``voice`` attribute to count) is told apart from "it ran and
found every span in the author's voice".
"""

from __future__ import annotations

import json
import sqlite3
from functools import lru_cache
from typing import Any, NamedTuple

from spinscope.repeats.groups import ClaimRecord
from spinscope.store.query import deadline


MAX_TERMS = 24  # words of a claim looked up: a claim is a sentence
RARE_TERMS = 8  # of those, the rarest in the index are searched: BM25 over every claim that shares a common word took 100 ms at 10,000 documents


class DocumentRow(NamedTuple):
    """A document as its latest analysis saw it: ``words`` of analysed text (the sentence stage's
    count, boilerplate excluded), and which who-says-what stages ran on it."""

    analysis_id: int
    outlet: str | None
    published_date: str | None  # YYYY-MM-DD, None when the store could not read a date
    words: int
    voice: bool
    source: bool
    actor: bool


class TechniqueCount(NamedTuple):
    """How many technique spans of one label an analysis holds in one voice (None: no voice stage)."""

    analysis_id: int
    label: str
    voice: str | None
    spans: int


class SourceCount(NamedTuple):
    analysis_id: int
    named: bool
    sources: int


class ActorRow(NamedTuple):
    """One actor of one analysis: its main role, its fine roles and the words the article labels it with."""

    analysis_id: int
    name: str
    role: str
    fine_roles: tuple[str, ...]
    labels: tuple[str, ...]


class ProfileRows(NamedTuple):
    documents: tuple[DocumentRow, ...]
    techniques: tuple[TechniqueCount, ...]
    sources: tuple[SourceCount, ...]
    actors: tuple[ActorRow, ...]


def _where(outlets: tuple[str, ...]) -> tuple[str, list[Any]]:
    if not outlets:
        return "", []
    return f" WHERE outlet IN ({', '.join('?' * len(outlets))})", list(outlets)


def profile_rows(conn: sqlite3.Connection, outlets: tuple[str, ...] = (), timeout: float = 5.0, actors: bool = True) -> ProfileRows:
    """Every row a profile needs, for the documents of ``outlets`` (all when empty), read within
    ``timeout`` seconds (QueryTimeoutError); without ``actors``, no actor rows (only actor framing
    needs them, and there are more of them than of anything else)."""
    where, args = _where(outlets)
    with deadline(conn, timeout, "narrow it to a few outlets (--outlet)"):
        documents = conn.execute(f"SELECT analysis_id, outlet, published_date, words, voice != 0, source != 0, actor != 0 FROM profile_documents{where}", args)
        techniques = conn.execute(f"SELECT analysis_id, label, voice, spans FROM profile_techniques{where}", args)
        sources = conn.execute(f"SELECT analysis_id, named != 0, sources FROM profile_sources{where}", args)
        return ProfileRows(
            documents=tuple(map(DocumentRow._make, documents.fetchall())),
            techniques=tuple(map(TechniqueCount._make, techniques.fetchall())),
            sources=tuple(map(SourceCount._make, sources.fetchall())),
            actors=tuple(
                _actor_row(*row) for row in conn.execute(f"SELECT analysis_id, name, role, fine_roles, labels FROM profile_actors{where}", args)
            ) if actors else (),
        )  # fmt: skip


def top_actors(conn: sqlite3.Connection, outlets: tuple[str, ...] = (), limit: int = 30, timeout: float = 5.0) -> tuple[tuple[ActorRow, ...], int]:
    """The rows of the ``limit`` actors named by the most outlets (then in the most documents,
    then by folded name), as ``actor_framings`` ranks them, and how many actors there are: a page
    that lists a few dozen reads their rows alone, counted and ranked by SQLite."""
    where, args = _where(outlets)
    with deadline(conn, timeout, "narrow it to a few outlets (--outlet)"):
        # a row per actor and outlet (documents without an outlet are one outlet, as in actor_framings)
        ranked = conn.execute(f"SELECT name_key FROM profile_actor_outlets{where} GROUP BY name_key ORDER BY count(*) DESC, sum(documents) DESC, name_key", args).fetchall()
        chosen = [key for (key,) in ranked[:limit]]
        rows = conn.execute(
            f"SELECT analysis_id, name, role, fine_roles, labels FROM profile_actors WHERE name_key IN ({', '.join('?' * len(chosen))})"
            + (f" AND outlet IN ({', '.join('?' * len(outlets))})" if outlets else ""),
            [*chosen, *outlets],
        ).fetchall() if chosen else []  # fmt: skip
    return tuple(_actor_row(*row) for row in rows), len(ranked)


def _actor_row(analysis_id: int, name: str, role: str, fine: str, labels: str) -> ActorRow:
    return ActorRow(analysis_id, name, role, _json_strings(fine), _json_strings(labels))


@lru_cache(maxsize=4096)
def _json_strings(text: str) -> tuple[str, ...]:
    """A JSON list of strings as a tuple, each distinct list parsed once: fine roles come from a
    closed set of 22 and most actors carry no label, so a few hundred lists make up the 300,000
    actor rows of 10,000 documents, and parsing each row took most of the outlets page's time."""
    return tuple(json.loads(text))


# a claim span of a latest analysis (``latest``: profile_documents) as a ClaimRecord's fields
_CLAIM_COLUMNS = "coalesce(s.span_id, 'c' || s.id), s.text, latest.analysis_id, latest.outlet, latest.published_date"


def _claim(claim_id: str, text: str, analysis_id: int, outlet: str | None, published: str | None) -> ClaimRecord:
    """``document_id`` is the analysis id, so that a timeline links to its report."""
    return ClaimRecord(str(claim_id), str(text), str(analysis_id), outlet, published)


def claim_candidates(
    conn: sqlite3.Connection, text: str, outlets: tuple[str, ...] = (), limit: int = 200, timeout: float = 5.0
) -> tuple[ClaimRecord, ...]:
    """The claims of the latest analyses that share the most of ``text``'s rarest words (BM25 over
    the claims' full-text index, any of its ``RARE_TERMS`` rarest words), at most ``limit``: a
    repeat of a claim shares its words, the telling ones most of all, so its repeats are among
    them, and only these need comparing. Read within ``timeout`` seconds (QueryTimeoutError)."""
    from spinscope.repeats.features import words

    phrases = ['"' + t.replace('"', '""') + '"' for t in list(dict.fromkeys(words(text)))[:MAX_TERMS]]
    where, args = _where(outlets)
    with deadline(conn, timeout, "give the claim's most telling words, or narrow it to a few outlets (--outlet)"):
        counted = [(conn.execute("SELECT count(*) FROM spans_fts WHERE spans_fts MATCH ?", (p,)).fetchone()[0], i, p) for i, p in enumerate(phrases)]
        rare = [p for n, _, p in sorted(counted) if n > 0][:RARE_TERMS]
        if not rare:
            return ()
        rows = conn.execute(
            f"WITH latest AS (SELECT * FROM profile_documents{where}),"
            " found AS (SELECT rowid AS id, rank FROM spans_fts WHERE spans_fts MATCH ?)"
            f" SELECT {_CLAIM_COLUMNS} FROM found JOIN spans s ON s.id = found.id AND s.span_group = 'claim' JOIN latest ON latest.analysis_id = s.analysis_id"
            " ORDER BY found.rank LIMIT ?",
            [*args, " OR ".join(rare), limit],
        ).fetchall()
    return tuple(_claim(*row) for row in rows)


def claim_records(
    conn: sqlite3.Connection, outlets: tuple[str, ...] = (), limit: int = 5_000, timeout: float = 5.0
) -> tuple[tuple[ClaimRecord, ...], bool]:
    """The claim spans of the latest analyses as ``ClaimRecord``s (``document_id`` is the analysis
    id, so a timeline links to its report), the newest ``limit`` first, and whether more were left
    out; read within ``timeout`` seconds (QueryTimeoutError)."""
    where, args = _where(outlets)
    with deadline(conn, timeout, "narrow it to a few outlets (--outlet)"):
        rows = conn.execute(
            f"WITH latest AS (SELECT * FROM profile_documents{where})"
            f" SELECT {_CLAIM_COLUMNS} FROM latest CROSS JOIN spans s ON s.analysis_id = latest.analysis_id AND s.span_group = 'claim'"
            " ORDER BY latest.published_date IS NULL, latest.published_date DESC, latest.analysis_id DESC, s.start_char LIMIT ?",
            [*args, limit + 1],
        ).fetchall()
    records = tuple(_claim(*row) for row in rows[:limit])
    return records, len(rows) > limit

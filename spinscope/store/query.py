"""Corpus queries: full-text search and filters over the store's documents and their latest analysis.

Every query runs against a deadline (SQLite's progress handler interrupts it) and a row limit (it
says when more rows matched). Search text is never handed to FTS5 as syntax: each word or
"quoted phrase" becomes an FTS5 string, so ``"``, ``NEAR(`` or ``*`` in it cannot break the query.
"""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any

from spinscope.errors import QueryTimeoutError, UsageError
from spinscope.store.rows import SEARCHED_GROUPS

MAX_SEARCH_CHARS = 1_000  # longer search text is a pasted article, not a query: FTS5 would AND hundreds of terms
WITHIN = ("text",) + SEARCHED_GROUPS  # where a search may look
_PROGRESS_STEPS = 1_000  # SQLite instructions between deadline checks: microseconds apart
_TERM = re.compile(r'"([^"]*)"?|(\S+)')
_WORD = re.compile(r"\w")


@dataclass(frozen=True, slots=True)
class CorpusQuery:
    """What to look for; every filter given must hold for the document (an empty one is no
    filter), each on its own: ``speaker`` and a ``search`` within quotes may match two quotes.

    search: words that must all occur in the document's text (or in one of its quotes or claims,
        with ``within``); "a phrase" in double quotes, word* for a prefix, OR between two words.
    within: where ``search`` looks: ``text`` (the whole text), ``quote`` or ``claim`` (one span of that group).
    outlets: any of these outlets (exactly as stored).
    since, until: the published date within these bounds (inclusive); documents without a date
        readable from ``published`` are left out when either is given.
    techniques: a technique span with any of these PTC labels.
    actor: an actor whose name contains this (any case).
    speaker: a quote whose resolved speaker contains this (any case).
    limit: rows returned at most; ``QueryResult.truncated`` says when more matched.
    timeout: seconds the query may run before it is stopped with QueryTimeoutError.
    """

    search: str | None = None
    within: str = "text"
    outlets: tuple[str, ...] = ()
    since: date | None = None
    until: date | None = None
    techniques: tuple[str, ...] = ()
    actor: str | None = None
    speaker: str | None = None
    limit: int = 50
    timeout: float = 5.0


@dataclass(frozen=True, slots=True)
class CorpusRow:
    """One document and its latest analysis, as a query lists it; ``match`` is where the search
    words were found (a snippet with them in [brackets]), None without a search."""

    analysis_id: int
    document_id: str
    published: str | None
    published_date: str | None
    outlet: str | None
    title: str | None
    url: str | None
    source: str | None
    techniques: int
    quotes: int
    claims: int
    match: str | None


@dataclass(frozen=True, slots=True)
class QueryResult:
    rows: tuple[CorpusRow, ...]
    truncated: bool  # more rows matched than the limit let through


def fts_query(text: str) -> str:
    """``text`` as an FTS5 query of strings only: words and "phrases" (all required), ``word*``
    prefixes and ``OR`` between two terms. Terms without a letter or digit are dropped."""
    if len(text) > MAX_SEARCH_CHARS:
        raise UsageError(f"--search: {len(text):,} characters, over the limit of {MAX_SEARCH_CHARS:,}; search for a few words or a phrase")
    terms: list[str] = []
    for match in _TERM.finditer(text.replace("\x00", " ")):  # FTS5 ends a string at NUL
        phrase, word = match.group(1), match.group(2)
        if word == "OR":
            if terms and terms[-1] != "OR":
                terms.append("OR")
            continue
        value = phrase if phrase is not None else word
        prefix = phrase is None and value.endswith("*")
        value = value.rstrip("*") if prefix else value
        if _WORD.search(value):
            terms.append('"' + value.replace('"', '""') + '"' + ("*" if prefix else ""))
    while terms and terms[-1] == "OR":
        terms.pop()
    if not terms:
        raise UsageError(f"--search {text[:80]!r}: no word to look for (give letters or digits)")
    return " ".join(terms)


def _like(value: str) -> str:
    """``value`` as a LIKE pattern that finds it anywhere, its own % and _ taken literally."""
    return "%" + value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _count(group: str) -> str:
    return f"(SELECT count(*) FROM spans s WHERE s.analysis_id = a.id AND s.span_group = '{group}')"


def _sql(query: CorpusQuery) -> tuple[str, list[Any]]:
    where = ["a.id = (SELECT max(id) FROM analyses WHERE document = a.document)"]
    args: list[Any] = []
    match_column = "NULL"
    match_args: list[Any] = []
    if query.search is not None:
        fts = fts_query(query.search)
        if query.within == "text":
            where.append("d.id IN (SELECT rowid FROM documents_fts WHERE documents_fts MATCH ?)")
            args.append(fts)
            match_column = "(SELECT snippet(documents_fts, 0, '[', ']', '…', 12) FROM documents_fts WHERE documents_fts MATCH ? AND rowid = d.id)"
            match_args = [fts]
        else:
            found = "FROM spans_fts JOIN spans s ON s.id = spans_fts.rowid WHERE spans_fts MATCH ? AND s.span_group = ?"
            where.append(f"a.id IN (SELECT s.analysis_id {found})")
            args += [fts, query.within]
            match_column = f"(SELECT snippet(spans_fts, 0, '[', ']', '…', 12) {found} AND s.analysis_id = a.id ORDER BY s.start_char LIMIT 1)"
            match_args = [fts, query.within]
    if query.outlets:
        where.append(f"d.outlet IN ({', '.join('?' * len(query.outlets))})")
        args += list(query.outlets)
    if query.since is not None:
        where.append("d.published_date >= ?")
        args.append(query.since.isoformat())
    if query.until is not None:
        where.append("d.published_date <= ?")
        args.append(query.until.isoformat())
    if query.techniques:
        where.append(
            f"EXISTS (SELECT 1 FROM spans s WHERE s.analysis_id = a.id AND s.span_group = 'technique' AND s.label IN ({', '.join('?' * len(query.techniques))}))"
        )
        args += list(query.techniques)
    for group, attribute, value in (("actor", "name", query.actor), ("quote", "speaker_name", query.speaker)):
        if value is not None:
            where.append(f"EXISTS (SELECT 1 FROM spans s WHERE s.analysis_id = a.id AND s.span_group = '{group}' AND json_extract(s.attributes, '$.{attribute}') LIKE ? ESCAPE '\\')")
            args.append(_like(value))
    # The matching rows are found, sorted and cut to the limit first (materialised, so SQLite keeps
    # that order of work); counts and snippets are then computed for those rows only, not for every match.
    sql = (
        "WITH hits AS MATERIALIZED (SELECT a.id AS analysis, d.id AS document FROM analyses a JOIN documents d ON d.id = a.document"
        f" WHERE {' AND '.join(where)} ORDER BY d.published_date IS NULL, d.published_date DESC, a.id DESC LIMIT ?)"
        f" SELECT a.id, a.document_id, d.published, d.published_date, d.outlet, d.title, d.url, a.source, {_count('technique')}, {_count('quote')},"
        f" {_count('claim')}, {match_column}"
        " FROM hits JOIN analyses a ON a.id = hits.analysis JOIN documents d ON d.id = hits.document"
        " ORDER BY d.published_date IS NULL, d.published_date DESC, a.id DESC"
    )
    return sql, args + [query.limit + 1] + match_args


@contextmanager
def deadline(conn: sqlite3.Connection, seconds: float, narrow: str) -> Iterator[None]:
    """Stop what ``conn`` runs in the block once ``seconds`` have passed, with a QueryTimeoutError
    that says how to ``narrow`` the query."""
    end = time.monotonic() + seconds
    conn.set_progress_handler(lambda: time.monotonic() > end, _PROGRESS_STEPS)
    try:
        yield
    except sqlite3.OperationalError as exc:
        if "interrupted" in str(exc):
            raise QueryTimeoutError(
                f"the query took longer than its limit of {seconds:g} seconds and was stopped; {narrow} or raise --query-timeout"
            ) from None
        raise
    finally:
        conn.set_progress_handler(None, 0)


def run_query(conn: sqlite3.Connection, query: CorpusQuery) -> QueryResult:
    """Run ``query`` on ``conn`` within its time limit; QueryTimeoutError when it runs out."""
    if query.limit < 1:
        raise UsageError(f"--limit: {query.limit}; give 1 or more rows")
    if query.within not in WITHIN:
        raise UsageError(f"--within {query.within!r}: choose from {', '.join(WITHIN)}")
    sql, args = _sql(query)
    with deadline(conn, query.timeout, "narrow it (--outlet, --since, --until)"):
        rows = conn.execute(sql, args).fetchall()
    return QueryResult(rows=tuple(CorpusRow(*row) for row in rows[: query.limit]), truncated=len(rows) > query.limit)

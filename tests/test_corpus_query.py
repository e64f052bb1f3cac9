"""``spinscope corpus query`` and Store.query on real SQLite files: search, filters, limits, export, hostile input."""

from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from spinscope.cli import app
from spinscope.document import ACTOR, CLAIM, QUOTE, TECHNIQUE, Analysis, Component, Document, Span
from spinscope.errors import QueryTimeoutError, UsageError
from spinscope.store import CorpusQuery, Store
from spinscope.store.query import fts_query
from tests.paths import REPO

runner = CliRunner()

ARTICLES = [
    # (text, outlet, published, technique label, actor name, (speaker, quote), claim)
    ("The regime of Assad bombed Aleppo again. Rebels said the city is starving.", "Daily", "2016-12-01", "Loaded_Language", "Bashar al-Assad",
     ("Rebel spokesman", "the city is starving"), None),
    ("Putin praised the glorious army. Officials claim 300,000 people fled.", "RT", "2022-03-01", "Flag-Waving", "Vladimir Putin",
     ("Dmitry Peskov", "Putin praised the glorious army"), "300,000 people fled"),
    ("The council met on Tuesday to discuss parking rules in the old town.", "Local", "2021-06-15", "Doubt", "Town council", None, None),
    ("Markets fell sharply as investors fled risk, the report said.", "Daily", None, "Exaggeration,Minimisation", "Investors",
     ("The report", "Markets fell sharply as investors fled risk"), None),
]  # fmt: skip


def make_analysis(n: int, text: str, outlet: str, published: str | None, label: str, actor: str, quote: tuple[str, str] | None, claim: str | None) -> dict[str, Any]:
    doc = Document(id=f"a{n}", text=text, title=f"Article {n}", outlet=outlet, published=published, url=f"https://example.org/{n}", source=f"in/{n}.txt")
    doc = doc.with_spans(TECHNIQUE, [Span(0, 10, label, 0.8)]).with_spans(ACTOR, [Span(4, 10, "Antagonist", 0.7, {"name": actor}, id="a1")])
    if quote is not None:
        start = text.index(quote[1])
        doc = doc.with_spans(QUOTE, [Span(start, start + len(quote[1]), "indirect", None, {"kind": "indirect", "speaker_name": quote[0]}, id="q1")])
    if claim is not None:
        start = text.index(claim)
        doc = doc.with_spans(CLAIM, [Span(start, start + len(claim), "claim", 0.9, {"rank": 1}, id="c1")])
    return Analysis(document=doc, summary={}, components=(Component("technique", "hand", "1"),), options={"stages": ["technique"]}).to_dict()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "corpus.db"
    with Store(path) as store:
        for n, article in enumerate(ARTICLES):
            store.save(make_analysis(n, *article))
    return path


def titles(db: Path, **query: Any) -> list[str | None]:
    with Store(db) as store:
        return [row.title for row in store.query(CorpusQuery(**query)).rows]


@pytest.mark.parametrize(
    "query,expected",
    [
        ({}, ["Article 1", "Article 2", "Article 0", "Article 3"]),  # newest first, undated last
        ({"search": "aleppo"}, ["Article 0"]),
        ({"search": "bombs"}, ["Article 0"]),  # stemmed: bombs finds bombed
        ({"search": "starving"}, ["Article 0"]),
        ({"search": '"glorious army"'}, ["Article 1"]),
        ({"search": '"army glorious"'}, []),
        ({"search": "parking OR aleppo"}, ["Article 2", "Article 0"]),
        ({"search": "mark*"}, ["Article 3"]),
        ({"search": "fled"}, ["Article 1", "Article 3"]),
        ({"outlets": ("Daily",)}, ["Article 0", "Article 3"]),
        ({"outlets": ("Daily", "RT")}, ["Article 1", "Article 0", "Article 3"]),
        ({"outlets": ("daily",)}, []),
        ({"since": date(2021, 1, 1)}, ["Article 1", "Article 2"]),
        ({"until": date(2021, 6, 15)}, ["Article 2", "Article 0"]),
        ({"since": date(2017, 1, 1), "until": date(2021, 12, 31)}, ["Article 2"]),
        ({"techniques": ("Flag-Waving",)}, ["Article 1"]),
        ({"techniques": ("Flag-Waving", "Doubt")}, ["Article 1", "Article 2"]),
        ({"actor": "putin"}, ["Article 1"]),
        ({"actor": "%"}, []),  # LIKE wildcards are literal
        ({"actor": "al-Assad"}, ["Article 0"]),
        ({"speaker": "peskov"}, ["Article 1"]),
        ({"speaker": "report"}, ["Article 3"]),
        ({"search": "fled", "outlets": ("Daily",)}, ["Article 3"]),
        ({"search": "fled", "within": "quote"}, ["Article 3"]),  # in Article 1 "fled" is in a claim, not a quote
        ({"search": "fled", "within": "claim"}, ["Article 1"]),
        ({"search": "aleppo", "within": "quote"}, []),
        ({"search": "glorious", "within": "quote", "speaker": "peskov"}, ["Article 1"]),
        ({"techniques": ("Loaded_Language",), "actor": "putin"}, []),
    ],
)
def test_corpus_query_filters_and_search(db: Path, query: dict[str, Any], expected: list[str]) -> None:
    assert titles(db, **query) == expected


def test_corpus_query_search_gives_a_snippet_of_where_it_matched(db: Path) -> None:
    with Store(db) as store:
        (row,) = store.query(CorpusQuery(search="starving")).rows
        assert row.match == "…Rebels said the city is [starving]."
        assert (row.techniques, row.quotes, row.claims) == (1, 1, 0)
        (quoted,) = store.query(CorpusQuery(search="starving", within="quote")).rows
        assert quoted.match == "the city is [starving]"
        (claimed,) = store.query(CorpusQuery(search='"300,000 people"', within="claim")).rows
        assert claimed.title == "Article 1" and claimed.claims == 1 and claimed.match == "[300,000 people] fled"
        assert store.query(CorpusQuery(within="quote")).rows, "without --search, --within changes nothing"


def test_corpus_query_latest_analysis_of_a_document_only(db: Path) -> None:
    with Store(db) as store:
        again = store.save(make_analysis(9, *ARTICLES[2]))
        rows = store.query(CorpusQuery(outlets=("Local",))).rows
    assert [r.analysis_id for r in rows] == [again]


def test_corpus_query_says_when_rows_are_truncated(db: Path) -> None:
    with Store(db) as store:
        assert store.query(CorpusQuery(limit=2)).truncated is True
        assert store.query(CorpusQuery(limit=4)).truncated is False
        with pytest.raises(UsageError, match="--limit"):
            store.query(CorpusQuery(limit=0))


def test_corpus_query_stops_at_its_time_limit(db: Path) -> None:
    with Store(db) as store:
        store.add_many([make_analysis(100 + n, f"Story {n}: " + ARTICLES[n % 4][0], *ARTICLES[n % 4][1:]) for n in range(300)])
        with pytest.raises(QueryTimeoutError, match="limit of 0 seconds") as info:
            store.query(CorpusQuery(search="fled", timeout=0))
        assert info.value.exit_code == 6
        assert len(store.query(CorpusQuery(search="fled", limit=1000)).rows) == 152, "the reader works again after an interrupted query"


@pytest.mark.parametrize(
    "hostile",
    ['"', '"""', "NEAR(", "NEAR(a b", "a AND", "OR", "OR OR fled", "fled OR", "*", "fled*)", "-fled", "^fled", "text:fled", "{text}: fled",
     "fled NOT aleppo", "'; DROP TABLE documents; --", "fl\u00e9d", "\u202e\u0000fled", "a" * 900],
)  # fmt: skip
def test_corpus_query_hostile_search_text_is_searched_for_never_run_as_syntax(db: Path, hostile: str) -> None:
    try:
        with Store(db) as store:
            result = store.query(CorpusQuery(search=hostile))
        assert all(row.title for row in result.rows)
    except UsageError as exc:
        assert "--search" in str(exc)
    with Store(db) as store:
        assert store.integrity_check() == "ok" and len(store.query(CorpusQuery()).rows) == 4


@pytest.mark.parametrize("text,expected", [('a "b c" d*', '"a" "b c" "d"*'), ('say "hi', '"say" "hi"'), ("x OR y", '"x" OR "y"'), ('q"uote', '"q""uote"')])
def test_corpus_query_fts_query_quotes_every_term(text: str, expected: str) -> None:
    assert fts_query(text) == expected


def test_corpus_query_search_too_long_is_refused(db: Path) -> None:
    with Store(db) as store, pytest.raises(UsageError, match="over the limit"):
        store.query(CorpusQuery(search="word " * 1000))


def test_corpus_query_cli_exports_csv_jsonl_and_parquet_with_the_same_rows(db: Path, tmp_path: Path) -> None:
    out = {fmt: tmp_path / f"rows.{fmt}" for fmt in ("csv", "jsonl", "parquet")}
    for fmt, path in out.items():
        result = runner.invoke(app, ["corpus", "query", "--db", str(db), "--outlet", "Daily", "--format", fmt, "--out", str(path)])
        assert result.exit_code == 0, result.output
    with out["csv"].open(encoding="utf-8") as fh:
        from_csv = list(csv.DictReader(fh))
    from_jsonl = [json.loads(line) for line in out["jsonl"].read_text(encoding="utf-8").splitlines()]
    import pyarrow.parquet as pq

    from_parquet = pq.read_table(out["parquet"]).to_pylist()
    assert [r["title"] for r in from_csv] == [r["title"] for r in from_jsonl] == [r["title"] for r in from_parquet] == ["Article 0", "Article 3"]
    assert from_jsonl[0]["published_date"] == "2016-12-01" and from_parquet[0]["techniques"] == 1 and from_csv[0]["outlet"] == "Daily"


def test_corpus_query_cli_table_and_truncation_line(db: Path) -> None:
    result = runner.invoke(app, ["corpus", "query", "--db", str(db), "--limit", "1"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "Article 1" in result.stdout and "Article 2" not in result.stdout
    assert "showing the first 1 rows; more matched" in result.stderr


def test_corpus_query_cli_csv_to_stdout(db: Path) -> None:
    result = runner.invoke(app, ["corpus", "query", "--db", str(db), "--search", "fled", "-f", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["title"] for r in rows] == ["Article 1", "Article 3"]


@pytest.mark.parametrize(
    "args,message",
    [
        (["--technique", "Propaganda"], "not a technique; choose from"),
        (["--since", "2019-02-30"], "--since: '2019-02-30' is not a date"),
        (["--format", "parquet"], "give it with --out"),
        (["--search", '"'], "no word to look for"),
        (["--limit", "0"], "--limit"),
    ],
)
def test_corpus_query_cli_bad_options_are_one_line_errors(db: Path, args: list[str], message: str) -> None:
    result = runner.invoke(app, ["corpus", "query", "--db", str(db), *args])
    assert result.exit_code == 2 and message in result.output and "Traceback" not in result.output


def test_corpus_query_cli_missing_store_says_how_to_make_one(tmp_path: Path) -> None:
    result = runner.invoke(app, ["corpus", "query", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 2 and "no such store" in result.output and not (tmp_path / "none.db").exists()


def test_corpus_query_cli_garbage_store_is_a_typed_error(tmp_path: Path) -> None:
    path = tmp_path / "garbage.db"
    path.write_bytes(b"not a database\n" * 300)
    result = runner.invoke(app, ["corpus", "query", "--db", str(path)])
    assert result.exit_code == 6 and "is it a spinscope database" in result.output


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes to read-only files")
def test_corpus_query_cli_read_only_store_is_a_clear_error(db: Path) -> None:
    db.chmod(0o444)
    db.parent.chmod(0o555)
    try:
        result = runner.invoke(app, ["corpus", "query", "--db", str(db)])
    finally:
        db.parent.chmod(0o755)
        db.chmod(0o644)
    assert result.exit_code == 6 and "read-only" in result.output and "Traceback" not in result.output


def test_corpus_query_cli_locked_store_waits_then_says_so(db: Path) -> None:
    """Another process holding an exclusive lock: the query waits --busy-timeout-ms, then one clear line."""
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sqlite3, sys, time; c = sqlite3.connect(sys.argv[1], isolation_level=None); "
         "c.execute('PRAGMA journal_mode = DELETE'); c.execute('BEGIN EXCLUSIVE'); print('locked', flush=True); time.sleep(30)", str(db)],
        stdout=subprocess.PIPE, text=True, cwd=REPO,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        result = runner.invoke(app, ["corpus", "query", "--db", str(db), "--busy-timeout-ms", "200"])
    finally:
        holder.kill()
        holder.wait()
        assert holder.stdout is not None
        holder.stdout.close()
    assert result.exit_code == 6 and "locked" in result.output and "Traceback" not in result.output
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

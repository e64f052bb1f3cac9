"""``spinscope corpus browse``: a real store, a real ``spinscope`` process serving it with Datasette,
real HTTP. The store must come back byte for byte as it was: Datasette reads it, never writes or migrates it."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import httpx
import pytest

from spinscope.store import Store
from spinscope.store.metadata import HIDDEN, QUERIES, TABLES, metadata
from spinscope.store.schema import LATEST
from tests.paths import REPO
from tests.store_v2 import write_v2_store
from tests.test_corpus_query import make_analysis

needs_datasette = pytest.mark.skipif(find_spec("datasette") is None, reason="datasette is not installed (the browse extra: pip install 'spinscope[browse]')")

HOSTILE_TITLE = "<script>alert(1)</script> Regime lies"
RECORDS = [
    {"text": "The corrupt regime lied again about the attacks. Officials claimed 300,000 people fled the city in March 2019.",
     "outlet": "Daily A", "title": HOSTILE_TITLE, "published": "2019-03-01", "url": "https://a.example/1"},
    {"text": "Refugees fled the city. The United Nations said the shelling was a catastrophe for the people of the city.",
     "outlet": "Daily B", "title": "City empties", "published": "March 2, 2019"},
    {"text": "A heroic army defended the homeland against the evil invaders, which everyone knows are terrorists.",
     "outlet": "Daily A", "title": "Heroes", "published": "2019-03-05"},
    {"text": "Parking rules change in the old town on Monday, the council said in a short statement.",
     "outlet": "Local C", "title": "Parking", "published": "2019-04-01"},
]  # fmt: skip
ENV = {**os.environ, "PYTHONPATH": str(REPO)}


def spinscope(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "spinscope", *args], cwd=REPO, env=ENV, capture_output=True, text=True, timeout=120)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store built the way a user builds one: corpus add of a JSONL file from three outlets."""
    folder = tmp_path_factory.mktemp("browse")
    source = folder / "articles.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in RECORDS), encoding="utf-8")
    db = folder / "corpus.db"
    added = spinscope("corpus", "add", str(source), "--db", str(db), "--detector", "baseline", "--no-who")
    assert added.returncode == 0, added.stderr
    return db


@contextmanager
def browsing(db: Path) -> Iterator[str]:
    """``spinscope corpus browse`` on a free port until the block ends, then Ctrl-C (SIGINT), which must stop it cleanly."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "spinscope", "corpus", "browse", "--db", str(db), "--no-open", "--port", str(port)],
                            cwd=REPO, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, proc.communicate()[1]
            try:
                if httpx.get(f"{base}/-/versions.json", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "corpus browse did not answer within 60 s"
            time.sleep(0.2)
        yield base
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            _, stderr = proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise
    assert proc.returncode == 0, stderr
    assert f"read-only at {base}/corpus" in stderr and "Traceback" not in stderr


def get_json(url: str, **params: str) -> Any:
    response = httpx.get(url, params=params, timeout=30)
    return response.status_code, response.json()


def rows(db: Path, sql: str) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_every_table_and_column_of_the_live_schema_is_described_or_hidden(tmp_path: Path) -> None:
    db = tmp_path / "fresh.db"
    Store(db).close()  # every migration applied
    assert rows(db, "PRAGMA user_version") == [(LATEST,)]
    live = {name for (name,) in rows(db, "SELECT name FROM sqlite_master WHERE type = 'table'")}
    for table in sorted(live):
        if table in TABLES:
            description, columns = TABLES[table]
            assert description.strip(), table
            live_columns = [name for (_, name, *_) in rows(db, f"PRAGMA table_info('{table}')")]
            assert set(columns) == set(live_columns), f"{table}: described {sorted(columns)}, has {sorted(live_columns)}"
            assert all(text.strip() for text in columns.values()), table
        else:
            assert table in HIDDEN, f"table {table} is neither described in spinscope/store/metadata.py nor hidden"
    assert set(TABLES) <= live, f"described but not in the schema: {sorted(set(TABLES) - live)}"


def test_facets_labels_and_canned_queries_name_what_the_live_schema_has(tmp_path: Path) -> None:
    db = tmp_path / "fresh.db"
    Store(db).close()
    tables = metadata("fresh.db")["databases"]["corpus"]["tables"]
    for table, settings in tables.items():
        if settings.get("hidden"):
            continue
        columns = set(TABLES[table][1])
        named = [*settings.get("facets", ()), *(settings[k] for k in ("sort_desc", "label_column", "fts_pk") if k in settings)]
        assert set(named) <= columns, (table, named)
        if "fts_table" in settings:
            assert settings["fts_table"] in TABLES
    conn = sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True)
    conn.create_function("escape_fts", 1, str)  # Datasette's own; compiling a query only needs the name to exist
    try:
        for name, query in QUERIES.items():
            assert query["title"] and query["description"], name
            conn.execute(f"EXPLAIN {query['sql']}", {"words": ""})  # raises on a table or column the schema lacks
    finally:
        conn.close()


@needs_datasette
def test_browse_serves_the_store_read_only_with_descriptions_facets_queries_and_search(store: Path) -> None:
    before = sha256(store)
    with browsing(store) as base:
        status, database = get_json(f"{base}/corpus.json")
        assert status == 200
        visible = {t["name"] for t in database["tables"] if not t["hidden"]}
        assert visible == set(TABLES) - set(HIDDEN)
        assert {t["name"] for t in database["tables"] if t["hidden"]} >= {"documents_fts", "documents_fts_data", "spans_fts_idx", "idempotency_keys"}
        _, meta = get_json(f"{base}/-/metadata.json")
        tables = meta["databases"]["corpus"]["tables"]
        assert tables["documents"]["description"] == TABLES["documents"][0]
        assert tables["spans"]["columns"]["attributes"] == TABLES["spans"][1]["attributes"]
        assert 'data-column-description="The publisher as the input named it' in httpx.get(f"{base}/corpus/documents", timeout=30).text

        _, documents = get_json(f"{base}/corpus/documents.json", _facet="outlet")
        outlets = {r["value"]: r["count"] for r in documents["facet_results"]["outlet"]["results"]}
        assert outlets == {"Daily A": 2, "Daily B": 1, "Local C": 1}
        _, spans = get_json(f"{base}/corpus/spans.json")
        groups = {r["value"]: r["count"] for r in spans["facet_results"]["span_group"]["results"]}
        assert groups == dict(rows(store, "SELECT span_group, count(*) FROM spans GROUP BY span_group"))

        # full-text search, stemmed ("attack" finds "attacks"); FTS5 syntax in it is searched for, not obeyed
        _, found = get_json(f"{base}/corpus/documents.json", _search="attack", _shape="array", _col="title")
        assert [r["title"] for r in found] == [HOSTILE_TITLE]
        _, found = get_json(f"{base}/corpus/documents.json", _search="city fled", _shape="array", _col="title")
        assert sorted(r["title"] for r in found) == sorted([HOSTILE_TITLE, "City empties"])
        status, found = get_json(f"{base}/corpus/documents.json", _search='NEAR("city', _shape="array")
        assert status == 200 and found == []

        status, rates = get_json(f"{base}/corpus/techniques_per_outlet.json", _shape="array")
        assert status == 200 and rates
        words = dict(rows(store, "SELECT d.outlet, sum(json_extract(a.analysis_json, '$.summary.sentence.words')) FROM analyses a JOIN documents d ON d.id = a.document GROUP BY d.outlet"))
        techniques = rows(store, "SELECT count(*) FROM spans WHERE span_group = 'technique'")[0][0]
        assert sum(r["spans"] for r in rates) == techniques
        for r in rates:
            assert r["words"] == words[r["outlet"]] and r["per_1000_words"] == round(1000 * r["spans"] / r["words"], 2)
        for name in QUERIES:  # every canned query runs on a store without who-says-what spans (empty, not an error)
            status, answer = get_json(f"{base}/corpus/{name}.json")
            assert status == 200 and answer["ok"] and "error" not in answer or answer["error"] is None, (name, answer)

        # writes: refused by Datasette (only SELECT), and below it by SQLite (the store is opened mode=ro)
        status, refused = get_json(f"{base}/corpus.json", sql="DELETE FROM documents")
        assert status == 400 and not refused["ok"]
        status, refused = get_json(f"{base}/corpus.json", sql="WITH x AS (SELECT 1) DELETE FROM documents")
        assert not refused["ok"] and "readonly" in refused["error"]
        status, refused = get_json(f"{base}/corpus.json", sql="SELECT 1; DROP TABLE documents")
        assert not refused["ok"]

        # another Host name (a DNS-rebinding page) is refused on loopback
        assert httpx.get(f"{base}/corpus.json", headers={"Host": "evil.example"}, timeout=30).status_code == 400

        # hostile text from a document is shown escaped, never run
        for page in (f"{base}/corpus/documents", f"{base}/corpus/documents/1", f"{base}/corpus/analyses"):
            html = httpx.get(page, timeout=30).text
            assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html, page
    assert sha256(store) == before
    assert rows(store, "SELECT count(*) FROM documents") == [(len(RECORDS),)]


@needs_datasette
def test_canned_queries_answer_speakers_repeated_claims_and_actor_roles(tmp_path: Path) -> None:
    db = tmp_path / "who.db"
    claim = "Officials claim 300,000 people fled."
    with Store(db) as store:
        store.save(make_analysis(1, f"Putin praised the glorious army. {claim}", "RT", "2022-03-01", "Flag-Waving", "Vladimir Putin",
                                 ("Dmitry Peskov", "Putin praised the glorious army"), claim))  # fmt: skip
        store.save(make_analysis(2, f"Putin spoke. {claim} Peskov agreed.", "Daily", "2022-03-04", "Doubt", "Vladimir Putin",
                                 ("Dmitry Peskov", "Peskov agreed"), claim))  # fmt: skip
        store.save(make_analysis(3, "The report on markets said nothing new about anybody.", "Daily", "2022-03-02", "Doubt", "Investors",
                                 ("The report", "said nothing new"), "said nothing new about anybody"))  # fmt: skip
    with browsing(db) as base:
        _, speakers = get_json(f"{base}/corpus/top_speakers.json", _shape="array")
        assert speakers[0] == {"speaker": "Dmitry Peskov", "quotes": 2, "documents": 2, "outlets": 2, "outlet_names": speakers[0]["outlet_names"]}
        _, repeated = get_json(f"{base}/corpus/repeated_claims.json", _shape="array", words="people fled")
        assert [(r["claim"], r["documents"], r["outlets"], r["first_published"], r["last_published"]) for r in repeated] == [
            (claim, 2, 2, "2022-03-01", "2022-03-04")
        ]
        _, everything = get_json(f"{base}/corpus/repeated_claims.json", _shape="array", words="")
        assert len(everything) == 2
        status, hostile = get_json(f"{base}/corpus/repeated_claims.json", _shape="array", words='fled" OR NEAR(')
        assert status == 200 and hostile == []
        _, actors = get_json(f"{base}/corpus/actors_by_role.json", _shape="array")
        assert {(r["actor"], r["outlet"], r["role"], r["documents"]) for r in actors} == {
            ("Vladimir Putin", "RT", "Antagonist", 1), ("Vladimir Putin", "Daily", "Antagonist", 1), ("Investors", "Daily", "Antagonist", 1)
        }  # fmt: skip


def test_a_missing_store_is_one_clear_line_and_exit_2(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.db"
    result = spinscope("corpus", "browse", "--db", str(missing), "--no-open")
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "no such store" in result.stderr and "spinscope corpus add" in result.stderr
    assert not missing.exists()


def test_an_older_store_is_refused_untouched_with_the_command_that_updates_it(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    write_v2_store(db, [make_analysis(1, "Putin praised the glorious army.", "RT", "2022-03-01", "Flag-Waving", "Vladimir Putin", None, None)])
    before = sha256(db)
    result = spinscope("corpus", "browse", "--db", str(db), "--no-open")
    assert result.returncode == 6 and "schema version 2" in result.stderr and f"spinscope corpus query --db {db}" in result.stderr
    assert "Traceback" not in result.stderr
    assert sha256(db) == before and rows(db, "PRAGMA user_version") == [(2,)]


def test_a_file_that_is_not_a_store_is_refused(tmp_path: Path) -> None:
    not_a_db = tmp_path / "notes.db"
    not_a_db.write_bytes(b"plain text, not SQLite\n" * 100)
    result = spinscope("corpus", "browse", "--db", str(not_a_db), "--no-open")
    assert result.returncode == 6 and "not a spinscope store" in result.stderr and "Traceback" not in result.stderr
    assert not_a_db.read_bytes() == b"plain text, not SQLite\n" * 100


@needs_datasette
def test_a_port_in_use_is_a_clear_error(store: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = spinscope("corpus", "browse", "--db", str(store), "--no-open", "--port", str(port))
    assert result.returncode == 2 and "is in use" in result.stderr and "--port" in result.stderr and "Traceback" not in result.stderr

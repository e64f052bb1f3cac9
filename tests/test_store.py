"""The analysis store against a real SQLite file: migrations, reopen, bad files, concurrency, full disk."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest

from spinscope.document import TECHNIQUE, Analysis, Component, Document, Span
from spinscope.errors import ConflictError, StoreError, StoreFullError
from spinscope.store import RequestKey, Store, default_db_path
from spinscope.store import schema
from tests.store_v2 import write_v2_store


def make_analysis(text: str = "They are traitors. Only we can save the nation!", n: int = 0) -> dict[str, Any]:
    spans = (Span(9, 17, "Name_Calling,Labeling", 0.9), Span(19, 47, "Flag-Waving", 0.6))
    doc = Document(id=f"doc{n}", text=text, title=f"Title {n}", source="test").with_spans(TECHNIQUE, spans)
    return Analysis(document=doc, summary={"technique": {"spans": 2}}, components=(Component("technique", "hand", "1"),)).to_dict()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "sub" / "spinscope.db"


def test_store_migrates_from_empty(db: Path) -> None:
    with Store(db) as store:
        assert store.count() == 0
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == schema.LATEST
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"analyses", "documents", "spans", "relations", "components", "pipelines", "documents_fts", "spans_fts"} <= tables
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()


def test_store_pragmas_are_durable(db: Path) -> None:
    with Store(db) as store:
        assert store._writer.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert store._writer.execute("PRAGMA busy_timeout").fetchone()[0] > 0
        assert store._writer.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_store_reopen_keeps_data(db: Path) -> None:
    with Store(db) as store:
        first = store.save(make_analysis(n=1))
        second = store.save(make_analysis(n=2))
    with Store(db) as store:
        assert store.count() == 2
        assert [r.id for r in store.recent().rows] == [second, first]  # newest first
        data = store.get(first)
        assert data == make_analysis(n=1)
        assert store.get(9999) is None
        assert store.integrity_check() == "ok"


def test_store_row_metadata(db: Path) -> None:
    with Store(db) as store:
        analysis_id = store.save(make_analysis(n=7))
        (row,) = store.recent().rows
    assert (row.id, row.document_id, row.title, row.source, row.detector, row.span_count) == (analysis_id, "doc7", "Title 7", "test", "hand", 2)
    assert row.created.endswith("+00:00")


@pytest.mark.parametrize(
    "content",
    [b"this is not a database, just some words\n" * 200, bytes(range(256)) * 64, b"SQLite format 3\x00" + b"\xff" * 4080],
    ids=["text", "binary", "bad-header"],
)
def test_store_garbage_file_is_typed_error(db: Path, content: bytes) -> None:
    db.parent.mkdir(parents=True)
    db.write_bytes(content)
    with pytest.raises(StoreError, match="spinscope.db") as info:
        Store(db)
    assert info.value.exit_code == 6
    assert db.read_bytes() == content  # never "repaired" by overwriting


@pytest.mark.parametrize("newer", [schema.LATEST + 1])
def test_store_newer_schema_is_refused(db: Path, newer: int) -> None:
    Store(db).close()
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version = {newer}")
    conn.close()
    with pytest.raises(StoreError, match="newer"):
        Store(db)


def test_store_previous_version_migrates_in_place_and_keeps_rows(db: Path) -> None:
    ids = write_v2_store(db, [make_analysis(n=n) for n in range(3)])
    with Store(db) as store:
        assert [r.id for r in store.recent().rows] == ids[::-1]
        assert store.get(ids[0]) == make_analysis(n=0) and store.integrity_check() == "ok"
        keyed = store.save(make_analysis(n=9), RequestKey("k", "h"))
        assert store.find(RequestKey("k", "h")) == (keyed, make_analysis(n=9))
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == schema.LATEST
    conn.close()


def test_store_idempotency_key_returns_the_first_analysis(db: Path) -> None:
    with Store(db) as store:
        assert store.find(RequestKey("retry-1", "sha-a")) is None
        first = store.save(make_analysis(n=1), RequestKey("retry-1", "sha-a"))
        assert store.find(RequestKey("retry-1", "sha-a")) == (first, make_analysis(n=1))
        assert store.save(make_analysis(n=2), RequestKey("retry-1", "sha-a")) == first, "a racing retry saves nothing"
        assert store.count() == 1
        with pytest.raises(ConflictError, match="another request"):
            store.find(RequestKey("retry-1", "sha-b"))
        with pytest.raises(ConflictError):
            store.save(make_analysis(n=3), RequestKey("retry-1", "sha-b"))
        assert store.count() == 1


def test_store_idempotency_key_expires_after_a_day(db: Path) -> None:
    with Store(db) as store:
        first = store.save(make_analysis(n=1), RequestKey("old-key", "sha-a"))
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("UPDATE idempotency_keys SET created = '2000-01-01T00:00:00+00:00'")
    conn.close()
    with Store(db) as store:
        assert store.find(RequestKey("old-key", "sha-b")) is None, "an expired key is new again, whatever came with it"
        second = store.save(make_analysis(n=2), RequestKey("old-key", "sha-b"))
        assert second != first and store.find(RequestKey("old-key", "sha-b")) == (second, make_analysis(n=2))
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM idempotency_keys").fetchone()[0] == 1, "the expired row was deleted"
    conn.close()


@pytest.mark.parametrize("broken_step", ["THIS IS NOT SQL", "CREATE TABLE analyses (x)"])
def test_store_failed_migration_rolls_back(db: Path, monkeypatch: pytest.MonkeyPatch, broken_step: str) -> None:
    Store(db).close()
    monkeypatch.setattr(schema, "MIGRATIONS", schema.MIGRATIONS + (("CREATE TABLE half (x)", broken_step),))
    monkeypatch.setattr(schema, "LATEST", len(schema.MIGRATIONS))
    with pytest.raises(sqlite3.OperationalError):
        conn = sqlite3.connect(db, isolation_level=None)
        try:
            schema.migrate(conn)
        finally:
            conn.close()
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(schema.MIGRATIONS) - 1
    assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'half'").fetchone()[0] == 0
    conn.close()


@pytest.mark.parametrize("writers,readers,per_writer", [(4, 4, 40)])
def test_store_concurrent_writers_and_readers_lose_nothing(db: Path, writers: int, readers: int, per_writer: int) -> None:
    store = Store(db)
    errors: list[BaseException] = []
    saved: list[int] = []
    saved_lock = threading.Lock()
    done = threading.Event()

    def write(w: int) -> None:
        try:
            for i in range(per_writer):
                analysis_id = store.save(make_analysis(n=w * 1000 + i))
                with saved_lock:
                    saved.append(analysis_id)
        except BaseException as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    def read() -> None:
        try:
            while not done.is_set():
                for row in store.recent(limit=20).rows:
                    data = store.get(row.id)
                    assert data is not None and data["document"]["id"] == row.document_id
                store.examples()
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    reader_threads = [threading.Thread(target=read) for _ in range(readers)]
    writer_threads = [threading.Thread(target=write, args=(w,)) for w in range(writers)]
    for t in reader_threads + writer_threads:
        t.start()
    for t in writer_threads:
        t.join()
    done.set()
    for t in reader_threads:
        t.join()
    assert errors == []
    assert len(saved) == len(set(saved)) == writers * per_writer
    assert store.count() == writers * per_writer
    ids = {r.id for r in store.recent(limit=writers * per_writer).rows}
    assert ids == set(saved)
    assert store.integrity_check() == "ok"
    store.close()


def test_store_second_process_connection_waits_not_fails(db: Path) -> None:
    """Another connection holding the write lock briefly makes a save wait (busy_timeout), not fail."""
    store = Store(db)
    other = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    timer = threading.Timer(0.3, lambda: other.execute("COMMIT"))
    timer.start()
    try:
        assert store.save(make_analysis()) > 0
    finally:
        timer.join()
        other.close()
        store.close()


@pytest.mark.parametrize("text_chars", [200_000])
def test_store_disk_full_rolls_back_cleanly(db: Path, text_chars: int) -> None:
    with Store(db) as store:
        store.save(make_analysis(n=1))
        pages = store._writer.execute("PRAGMA page_count").fetchone()[0]
    big = make_analysis("They are traitors. Only we can save the nation!" + "x" * text_chars, n=2)
    with Store(db, max_pages=pages + 2) as store:
        with pytest.raises(StoreFullError, match="full"):
            store.save(big)
        assert store.count() == 1
        assert store._writer.in_transaction is False
        assert store.integrity_check() == "ok"
        small_ok = store.save(make_analysis(n=3))  # the store still works after the failed write
        assert small_ok > 0
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM spans WHERE span_group = 'technique'").fetchone()[0] == 4  # 2 spans x 2 saved analyses
    assert conn.execute("SELECT count(*) FROM analyses WHERE document_id = 'doc2'").fetchone()[0] == 0
    conn.close()


def test_store_examples_best_first(db: Path) -> None:
    with Store(db) as store:
        first = store.save(make_analysis(n=1))
        store.save(make_analysis(n=2))  # same span texts: kept once
        examples = store.examples(per_label=3)
    assert set(examples) == {"Name_Calling,Labeling", "Flag-Waving"}
    (calling,) = examples["Name_Calling,Labeling"]
    assert calling.text == "traitors" and calling.score == pytest.approx(0.9) and calling.analysis_id > first


def test_store_closed_store_refuses(db: Path) -> None:
    store = Store(db)
    store.close()
    with pytest.raises(StoreError, match="closed"):
        store.count()


def test_store_default_path_is_user_data_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert default_db_path() == tmp_path / "spinscope" / "spinscope.db"

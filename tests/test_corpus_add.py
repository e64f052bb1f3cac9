"""``spinscope corpus add`` on real SQLite files and real processes: once each, bad inputs recorded, kill -9 survived."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from spinscope.cli import app
from spinscope.corpus.add import add
from spinscope.ingest.url_lists import url_list
from spinscope.pipeline import AnalyzeOptions, SerialExecutor
from spinscope.pipeline.options import TECHNIQUES_ONLY
from spinscope.settings import IngestOptions
from spinscope.store import Store
from spinscope.techniques.stage import TechniqueOptions
from tests.http_server import LocalServer, _running_server, http_server  # noqa: F401  (fixtures)
from tests.paths import REPO

runner = CliRunner()
BASELINE = ["--detector", "baseline", "--no-who", "--workers", "1"]
OPTIONS = AnalyzeOptions(stages=TECHNIQUES_ONLY, technique=TechniqueOptions(detector="baseline"))


def article(n: int) -> str:
    return f"Story {n}\n\nThe corrupt council betrayed us again, said mayor Smith in speech number {n}. Only we can save the nation from ruin!\n"


def make_folder(folder: Path, count: int, start: int = 0) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(start, start + count):
        (folder / f"a{n:03d}.txt").write_text(article(n), encoding="utf-8")
    return folder


def rows(db: Path, sql: str, args: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


def snapshot(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    return {table: rows(db, f"SELECT * FROM {table} ORDER BY 1") for table in ("documents", "analyses", "spans", "pipelines", "components")}


def test_corpus_add_folder_jsonl_and_url_list_then_readding_changes_nothing(tmp_path: Path, http_server: LocalServer) -> None:
    folder = make_folder(tmp_path / "arts", 3)
    crawl = tmp_path / "crawl.jsonl"
    crawl.write_text(
        json.dumps({"text": "Putin hailed the glorious army of heroes.", "outlet": "RT", "published": "March 1, 2022", "url": "https://rt.example/1"}) + "\n"
        + json.dumps({"text": article(0), "outlet": "Copy"}) + "\n",  # the same text as arts/a000.txt: one document
        encoding="utf-8",
    )  # fmt: skip
    page = http_server.serve("/story", b"<html><head><title>Fetched</title></head><body><article><p>" + b"The shameful traitors lied to everyone again. " * 20 + b"</p></article></body></html>")
    urls = tmp_path / "urls.txt"
    urls.write_text(f"# fetched by corpus add\n{page}\n\n", encoding="utf-8")
    db = tmp_path / "corpus.db"
    command = ["corpus", "add", str(folder), str(crawl), str(urls), "--db", str(db), "--allow-private", *BASELINE]

    first = runner.invoke(app, command)
    assert first.exit_code == 0, first.output
    assert "5 added, 1 already in the store, 0 failed" in first.output
    assert rows(db, "SELECT count(*) FROM documents") == [(5,)]
    assert rows(db, "SELECT outlet, published, published_date, url FROM documents WHERE outlet = 'RT'") == [("RT", "March 1, 2022", "2022-03-01", "https://rt.example/1")]
    assert rows(db, "SELECT title FROM documents WHERE url = ?", (page,)) == [("Fetched",)]
    assert rows(db, "SELECT outlet FROM documents WHERE text = ?", (article(0),)) == [(None,)], "a text stored already is skipped, its metadata too"
    before = snapshot(db)
    requests = len(http_server.requests)

    again = runner.invoke(app, command)
    assert again.exit_code == 0, again.output
    assert "0 added, 6 already in the store, 0 failed" in again.output
    assert snapshot(db) == before
    assert len(http_server.requests) == requests, "a URL stored by this pipeline is not fetched again"
    assert rows(db, "PRAGMA integrity_check") == [("ok",)]


def test_corpus_add_another_pipeline_is_a_second_analysis_of_the_same_documents(tmp_path: Path) -> None:
    folder = make_folder(tmp_path / "arts", 2)
    db = tmp_path / "corpus.db"
    with Store(db) as store:
        assert add([str(folder)], store, OPTIONS, SerialExecutor()).added == 2
        stricter = AnalyzeOptions(technique=TechniqueOptions(detector="baseline", min_score=0.5))
        summary = add([str(folder)], store, stricter, SerialExecutor(), commit_every=1)
        assert (summary.added, summary.unchanged, summary.failures) == (2, 0, ())
    assert rows(db, "SELECT count(*), count(DISTINCT document), count(DISTINCT pipeline) FROM analyses") == [(4, 2, 2)]


def test_corpus_add_bad_inputs_are_recorded_and_the_rest_is_added(tmp_path: Path) -> None:
    folder = make_folder(tmp_path / "arts", 2)
    (folder / "empty.txt").write_bytes(b"   \n")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 8)
    crawl = tmp_path / "crawl.jsonl"
    crawl.write_text('{"text": "A fine article about the brave heroes of the nation."}\nnot json\n{"id": [1]}\n', encoding="utf-8")
    db = tmp_path / "corpus.db"
    result = runner.invoke(app, ["corpus", "add", str(folder), str(crawl), str(tmp_path / "missing"), "--db", str(db), *BASELINE])
    assert result.exit_code == 1
    assert "3 added, 0 already in the store, 5 failed" in result.output
    for message in ("empty.txt is empty", "binary.txt", "crawl.jsonl:2: not valid JSON", 'crawl.jsonl:3: "id" must be a string', "missing: no such file or folder"):
        assert message in result.output
    assert "Traceback" not in result.output
    failures = dict(rows(db, "SELECT source, error_type FROM failures"))
    assert failures[str(folder / "empty.txt")] == "EmptyInputError" and failures[f"{crawl}:2"] == "MalformedInputError" and len(failures) == 5

    (folder / "empty.txt").write_text("Now a real article: the shameful council lied about everything.", encoding="utf-8")
    fixed = runner.invoke(app, ["corpus", "add", str(folder), "--db", str(db), *BASELINE])
    assert "1 added, 2 already in the store, 1 failed" in fixed.output
    assert str(folder / "empty.txt") not in dict(rows(db, "SELECT source, error_type FROM failures")), "a success clears its failure"


@pytest.mark.parametrize("content,is_list", [("https://a.example/1\n\n# note\nhttp://b.example/2\n", True), ("https://a.example/1\nSome words\n", False),
                                              ("# only a comment\n", False), ("", False)])  # fmt: skip
def test_corpus_add_url_list_is_a_txt_of_urls_only(tmp_path: Path, content: str, is_list: bool) -> None:
    path = tmp_path / "list.txt"
    path.write_text(content, encoding="utf-8")
    assert (url_list(str(path), IngestOptions()) is not None) is is_list


def test_corpus_add_unwritable_store_is_one_clear_error(tmp_path: Path) -> None:
    folder = make_folder(tmp_path / "arts", 1)
    not_a_db = tmp_path / "corpus.db"
    not_a_db.write_bytes(b"plain text, not SQLite\n" * 100)
    result = runner.invoke(app, ["corpus", "add", str(folder), "--db", str(not_a_db), *BASELINE])
    assert result.exit_code == 6 and "is it a spinscope database" in result.output and "Traceback" not in result.output
    assert not_a_db.read_bytes() == b"plain text, not SQLite\n" * 100


def _start(folder: Path, db: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "spinscope", "corpus", "add", str(folder), "--db", str(db), "--commit-every", "3", *BASELINE],
        cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip


def _analyses(db: Path) -> int:
    try:
        return int(rows(db, "SELECT count(*) FROM analyses")[0][0])
    except sqlite3.Error:  # not created, or being migrated
        return 0


@pytest.mark.parametrize("documents", [60])
def test_corpus_add_sigkill_mid_run_loses_nothing_committed_and_the_rerun_adds_each_document_once(tmp_path: Path, documents: int) -> None:
    folder = make_folder(tmp_path / "arts", documents)
    db = tmp_path / "corpus.db"
    seen: list[int] = []
    for wait_for in (1, 20):  # killed twice: soon after its first commit, then further on
        process = _start(folder, db)
        deadline = time.monotonic() + 120
        while _analyses(db) < wait_for and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        process.send_signal(signal.SIGKILL)
        process.wait()
        assert process.stderr is not None
        process.stderr.close()
        assert rows(db, "PRAGMA integrity_check") == [("ok",)]
        seen.append(_analyses(db))
        assert seen[-1] % 3 == 0 or seen[-1] == documents, "whole batches only: commit-every 3"
    assert 0 < seen[0] <= seen[1] < documents, f"killed mid-run: {seen}"
    finish = _start(folder, db)
    assert finish.wait(timeout=300) == 0
    assert finish.stderr is not None
    output = finish.stderr.read().decode()
    finish.stderr.close()
    assert f"{documents - seen[1]} added, {seen[1]} already in the store, 0 failed" in output
    assert rows(db, "SELECT count(*), count(DISTINCT document) FROM analyses") == [(documents, documents)]
    assert rows(db, "SELECT count(*) FROM documents") == [(documents,)]
    assert sorted(r[0] for r in rows(db, "SELECT text FROM documents")) == sorted(article(n) for n in range(documents))
    assert rows(db, "SELECT count(*) FROM analyses a WHERE NOT EXISTS (SELECT 1 FROM spans s WHERE s.analysis_id = a.id)") == [(0,)]
    assert rows(db, "PRAGMA integrity_check") == [("ok",)]


@pytest.mark.parametrize("terminal", [True, False])
def test_corpus_add_progress_bar_counts_stored_documents_too_and_only_on_a_terminal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, terminal: bool) -> None:
    import io

    from rich.console import Console

    import spinscope.cli.corpus

    folder = make_folder(tmp_path / "arts", 3)
    db = tmp_path / "corpus.db"
    assert runner.invoke(app, ["corpus", "add", str(folder), "--db", str(db), *BASELINE]).exit_code == 0
    make_folder(folder, 2, start=3)
    screen = io.StringIO()
    monkeypatch.setattr(spinscope.cli.corpus, "err", Console(file=screen, force_terminal=terminal, width=160))
    assert runner.invoke(app, ["corpus", "add", str(folder), "--db", str(db), *BASELINE]).exit_code == 0
    drawn = screen.getvalue()
    assert "2 added, 3 already in the store, 0 failed" in drawn
    assert ("5/5" in drawn and "ETA" in drawn) is terminal

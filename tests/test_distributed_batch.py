"""spinscope batch on a real Dask LocalCluster (processes, 2 workers): the same rows as the
single-process run, nothing lost or duplicated when a worker is killed, failed documents recorded,
a stopped run resumed, bad inputs refused before a cluster starts (RELIABILITY.md, Dask)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("distributed", reason="the dask extra is not installed: pip install -e '.[dask]'")

import pyarrow.parquet as pq
from distributed import Client

from spinscope.distributed.batch import Batch
from spinscope.distributed.cluster import connect
from spinscope.distributed.executor import DaskExecutor
from spinscope.distributed.output import document_row, span_rows
from spinscope.document import Analysis, Failure
from spinscope.ingest import IngestOptions, document_from_text, read_inputs
from spinscope.ingest.jsonl import read_jsonl, split_jsonl
from spinscope.pipeline import AnalyzeOptions, SerialExecutor, analyze_many
from spinscope.pipeline.options import TECHNIQUES_ONLY
from spinscope.techniques.stage import TechniqueOptions
from tests.http_server import LocalServer, _running_server, http_server  # noqa: F401  (fixtures)
from tests.paths import PTC, REPO

# Techniques only: these tests are about the executor, its faults and output; who says what is
# compared once, on a few articles (test_distributed_executor_with_who_says_what_gives_serial_results).
BASELINE = AnalyzeOptions(stages=TECHNIQUES_ONLY, technique=TechniqueOptions(detector="baseline"))
UNLABELED = PTC / "unlabeled" / "articles"
Rows = tuple[list[dict[str, Any]], list[dict[str, Any]]]
POISON_MB, POISON_WORKER_MB = 20, 600  # a text whose analysis needs more than the worker may hold


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    with connect(None, local_workers=2, memory_mb=1500) as (client, _threads):
        yield client


@pytest.fixture(scope="module")
def unlabeled() -> Path:
    if len(list(UNLABELED.glob("*.txt"))) != 90:
        pytest.skip(f"the 90 unlabeled PTC articles are not at {UNLABELED} (set SPINSCOPE_SHARED to the folder holding data/ptc)")
    return UNLABELED


@pytest.fixture(scope="module")
def serial_rows(unlabeled: Path) -> Rows:
    """What the single-process path gives for the 90 articles, as batch rows."""
    return _rows(analyze_many(read_inputs([str(unlabeled)], BASELINE.ingest, deferred=True), BASELINE, SerialExecutor()))


def _rows(results: Iterator[Analysis | Failure] | list[Analysis | Failure]) -> Rows:
    results = list(results)
    return [document_row(r) for r in results], [row for r in results for row in span_rows(r)]


def _written(out: Path) -> Rows:
    """The batch's rows in input order: the driver writes partitions, and their manifest lines, in plan order."""
    keys = [json.loads(line)["key"] for line in (out / "manifest.jsonl").read_text().splitlines()[1:]]
    documents = [row for key in keys for row in pq.read_table(out / "documents" / f"{key}.parquet").to_pylist()]
    spans = [row for key in keys for row in pq.read_table(out / "spans" / f"{key}.parquet").to_pylist()]
    return documents, spans


def test_distributed_executor_gives_serial_results_in_input_order(client: Client) -> None:
    items: list[Any] = [document_from_text(f"Article {i}. The corrupt elites betray our great nation again and again.", id=f"d{i}") for i in range(7)]
    items.insert(2, Failure(source="broken.txt", error="EmptyInputError", message="broken.txt: the file is empty", exit_code=3))
    assert _rows(analyze_many(items, BASELINE, DaskExecutor(client, partition_size=3))) == _rows(analyze_many(items, BASELINE))


def test_distributed_executor_with_who_says_what_gives_serial_results(client: Client, unlabeled: Path) -> None:
    full = AnalyzeOptions(technique=TechniqueOptions(detector="baseline"))
    items = [i for i in read_inputs([str(unlabeled)], full.ingest, deferred=True)][:6]
    distributed = _rows(analyze_many(items, full, DaskExecutor(client, partition_size=2)))
    assert distributed == _rows(analyze_many(items, full))
    assert {"quote", "source", "actor", "claim"} <= {row["group"] for row in distributed[1]}


def test_distributed_batch_equals_the_single_process_run(client: Client, unlabeled: Path, serial_rows: Rows, tmp_path: Path) -> None:
    summary = Batch([str(unlabeled)], tmp_path, BASELINE, 25).run(client)
    assert (summary.partitions, summary.documents, summary.failures) == (4, 90, 0)
    assert _written(tmp_path) == serial_rows


def test_distributed_batch_worker_killed_mid_run_loses_and_duplicates_nothing(client: Client, unlabeled: Path, serial_rows: Rows, tmp_path: Path) -> None:
    pids = client.run(os.getpid)
    killed: list[int] = []

    def kill_one(_n: int) -> None:
        if not killed:  # after the first partition is written, others are in flight on both workers
            killed.append(next(iter(pids.values())))
            os.kill(killed[0], signal.SIGKILL)

    summary = Batch([str(unlabeled)], tmp_path, BASELINE, 5).run(client, advance=kill_one)
    assert killed and killed[0] not in client.run(os.getpid).values()  # the nanny started a new worker
    documents, spans = _written(tmp_path)
    assert summary.documents == len(documents) == len({d["document_id"] for d in documents}) == 90
    assert (documents, spans) == serial_rows


def test_distributed_batch_stopped_run_resumes_where_it_stopped(client: Client, unlabeled: Path, serial_rows: Rows, tmp_path: Path) -> None:
    written = 0

    def interrupt(_n: int) -> None:
        nonlocal written
        written += 1
        if written == 2:
            raise KeyboardInterrupt  # what Ctrl-C raises in the driver

    with pytest.raises(KeyboardInterrupt):
        Batch([str(unlabeled)], tmp_path, BASELINE, 10).run(client, advance=interrupt)
    assert not [p.name for p in tmp_path.rglob(".*")]  # no temporary file left behind
    again = Batch([str(unlabeled)], tmp_path, BASELINE, 10)
    assert (len(again.parts), len(again.todo), again.documents) == (9, 7, 70)
    summary = again.run(client)
    assert (summary.skipped, summary.documents) == (2, 70)
    assert _written(tmp_path) == serial_rows
    assert Batch([str(unlabeled)], tmp_path, BASELINE, 10).todo == []
    with pytest.raises(Exception, match="other settings"):
        Batch([str(unlabeled)], tmp_path, BASELINE, 25)


def test_distributed_batch_records_failed_documents_and_completes_the_rest(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a-good.txt").write_text("The corrupt elites betray our great nation again and again, said the mayor.\n")
    (folder / "b-empty.txt").write_bytes(b"")
    (folder / "c-binary.txt").write_bytes(bytes(range(256)) * 8)
    (folder / "d-good.txt").write_text("Everyone knows the truth: they want to destroy everything we love.\n")
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text('{"id": "j1", "text": "A plain sentence about the weather."}\nnot json\n\n{"id": "j3", "text": "They lie, always."}\n')
    out = tmp_path / "out"
    proc = _cli("batch", str(folder), str(corpus), "--out", str(out), "--detector", "baseline", "--no-who", "--local-workers", "1", "--worker-memory-mb", "1500",
                "--partition-size", "2")  # fmt: skip
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr and "4 documents analysed, 3 failed" in proc.stderr
    rows = sorted((r["source"].rsplit("/", 1)[-1], r["error_type"]) for r in pq.read_table(out / "documents").to_pylist())
    assert rows == [("a-good.txt", None), ("b-empty.txt", "EmptyInputError"), ("c-binary.txt", "BinaryInputError"), ("corpus.jsonl:1", None),
                    ("corpus.jsonl:2", "MalformedInputError"), ("corpus.jsonl:4", None), ("d-good.txt", None)]  # fmt: skip
    again = _cli("batch", str(folder), str(corpus), "--out", str(out), "--detector", "baseline", "--no-who", "--partition-size", "2")
    assert again.returncode == 0 and "nothing to do: all 4 partitions done" in again.stderr


def test_distributed_batch_db_holds_what_corpus_add_writes_and_a_rerun_adds_nothing(tmp_path: Path) -> None:
    import sqlite3

    folder = tmp_path / "in"
    folder.mkdir()
    for n in range(5):
        (folder / f"a{n}.txt").write_text(f"Story {n}: the corrupt elites betray our great nation again and again, said mayor number {n}.\n")
    (folder / "empty.txt").write_bytes(b"")
    common = ("--detector", "baseline", "--no-who", "--local-workers", "1", "--worker-memory-mb", "1500", "--partition-size", "2")
    batch_db, added_db = tmp_path / "batch.db", tmp_path / "added.db"
    proc = _cli("batch", str(folder), "--out", str(tmp_path / "out"), "--db", str(batch_db), *common)
    assert proc.returncode == 1 and "5 documents analysed, 1 failed" in proc.stderr and "the store" in proc.stderr, proc.stderr
    added = _cli("corpus", "add", str(folder), "--db", str(added_db), "--detector", "baseline", "--no-who", "--workers", "1")
    assert added.returncode == 1, added.stderr

    def content(db: Path) -> list[tuple[Any, ...]]:
        with sqlite3.connect(db) as conn:
            return conn.execute(
                "SELECT d.text_sha256, a.source, s.span_group, s.label, s.start_char, s.end_char, s.score, s.attributes FROM documents d "
                "JOIN analyses a ON a.document = d.id JOIN spans s ON s.analysis_id = a.id ORDER BY 1, 3, 5, 6, 4"
            ).fetchall() + conn.execute("SELECT source, error_type FROM failures").fetchall()

    assert content(batch_db) == content(added_db) != []
    again = _cli("batch", str(folder), "--out", str(tmp_path / "out2"), "--db", str(batch_db), *common)
    assert again.returncode == 1, again.stderr
    with sqlite3.connect(batch_db) as conn:
        assert conn.execute("SELECT count(*), count(DISTINCT document) FROM analyses").fetchone() == (5, 5)


def test_distributed_batch_into_the_store_alone_keeps_its_manifest_beside_it(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for n in range(3):
        (folder / f"a{n}.txt").write_text(f"Story {n}: the corrupt elites betray our great nation again, said mayor number {n}.\n")
    db = tmp_path / "corpus.db"
    common = ("--detector", "baseline", "--no-who", "--local-workers", "1", "--worker-memory-mb", "1500")
    first = _cli("batch", str(folder), "--db", str(db), *common)
    assert first.returncode == 0 and (tmp_path / "corpus.db.batch" / "manifest.jsonl").is_file(), first.stderr
    again = _cli("batch", str(folder), "--db", str(db), *common)
    assert again.returncode == 0 and "nothing to do: all 1 partition done" in again.stderr, again.stderr
    neither = _cli("batch", str(folder), *common)
    assert neither.returncode == 2 and "give --out DIR (Parquet files), --db PATH (the store) or both" in neither.stderr


def test_distributed_executor_item_that_kills_its_worker_fails_alone(tmp_path: Path) -> None:
    import dask

    folder = _with_poison(tmp_path)
    options = BASELINE.merged({"max_bytes": 100_000_000})
    items = list(read_inputs([str(folder)], options.ingest, deferred=True))  # files, each read by its worker
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}), connect(None, local_workers=1, memory_mb=POISON_WORKER_MB) as (client, _):
        results = list(analyze_many(items, options, DaskExecutor(client, partition_size=3)))
    assert [r.document.id if isinstance(r, Analysis) else r.error for r in results] == ["a", "WorkerLostError", "c"]


def _with_poison(tmp_path: Path) -> Path:
    """a.txt, b-poison.txt (a text whose analysis outgrows a POISON_WORKER_MB worker), c.txt."""
    folder = tmp_path / "in"
    folder.mkdir()
    good = "The corrupt elites betray our great nation again and again, said the mayor.\n"
    (folder / "a.txt").write_text(good)
    (folder / "b-poison.txt").write_text(good * (POISON_MB * 1_000_000 // len(good)))
    (folder / "c.txt").write_text(good)
    return folder


def test_distributed_batch_document_that_kills_its_worker_is_recorded_and_the_rest_analysed(tmp_path: Path) -> None:
    """A poison document: its analysis outgrows the worker's memory limit, so the nanny kills the
    worker each time; Dask gives up on its partition (allowed-failures 0 here, to keep it short),
    the partition runs document by document, and only the poison one is lost."""
    import dask

    folder = _with_poison(tmp_path)
    options = BASELINE.merged({"max_bytes": 100_000_000})
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}), connect(None, local_workers=1, memory_mb=POISON_WORKER_MB) as (client, _):
        summary = Batch([str(folder)], tmp_path / "out", options, 3).run(client)
    rows = [(r["source"].rsplit("/", 1)[-1], r["error_type"]) for r in pq.read_table(tmp_path / "out" / "documents").to_pylist()]
    assert rows == [("a.txt", None), ("b-poison.txt", "WorkerLostError"), ("c.txt", None)]
    assert (summary.documents, summary.failures) == (2, 1)


def test_distributed_batch_ctrl_c_closes_the_cluster_and_the_rerun_finishes(unlabeled: Path, serial_rows: Rows, tmp_path: Path) -> None:
    out = tmp_path / "out"
    args = ["batch", str(unlabeled), "--out", str(out), "--detector", "baseline", "--no-who", "--local-workers", "2", "--worker-memory-mb", "1500", "--partition-size", "5"]
    proc = subprocess.Popen([sys.executable, "-m", "spinscope", *args], stderr=subprocess.PIPE, text=True, cwd=REPO, start_new_session=True)
    manifest = out / "manifest.jsonl"
    while proc.poll() is None and (not manifest.exists() or len(manifest.read_text().splitlines()) < 3):
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in a terminal does: the command and its workers get it
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130 and "Traceback" not in stderr and "run the same command again to resume" in stderr, stderr
    assert not [p.name for p in out.rglob(".*")]
    assert _group_gone(proc.pid, within=10), "a worker process outlived the command"
    again = _cli(*args)
    assert again.returncode == 0 and "resuming:" in again.stderr, again.stderr
    assert _written(out) == serial_rows


def test_distributed_url_list_is_cut_into_partitions_of_urls_each_worker_fetches(tmp_path: Path, http_server: LocalServer) -> None:
    from spinscope.distributed.plan import plan

    body = b"<html><head><title>Story</title></head><body><article><p>" + b"The shameful traitors lied to everyone again. " * 20 + b"</p></article></body></html>"
    urls = [http_server.serve(f"/story{i}", body) for i in range(3)]
    listing = tmp_path / "urls.txt"
    listing.write_text("# to analyse\n" + "\n".join(urls) + "\n\n", encoding="utf-8")
    parts = plan([str(listing)], IngestOptions(allow_private=True), 2)
    assert [[(p.location, p.source) for p in part.pending] for part in parts] == [
        [(urls[0], f"{listing}:2"), (urls[1], f"{listing}:3")], [(urls[2], f"{listing}:4")]]  # fmt: skip
    out = tmp_path / "out"
    done = _cli("batch", str(listing), "--out", str(out), "--local-workers", "1", "--partition-size", "2", "--allow-private", "--detector", "baseline", "--no-who")
    assert done.returncode == 0, done.stderr
    documents, _ = _written(out)
    assert [row["url"] for row in documents] == urls and {row["title"] for row in documents} == {"Story"}
    assert {path for path, _ in http_server.requests} >= {f"/story{i}" for i in range(3)}


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["missing-folder"], 3, "missing-folder: no such file or folder"),
        (["-"], 2, "cannot read stdin"),
        (["README.md", "--scheduler", "tcp://127.0.0.1:8786", "--local-workers", "2"], 2, "give one of them"),
        (["README.md", "--detector", "nonesuch"], 2, "unknown detector 'nonesuch'"),
    ],
)
def test_distributed_batch_bad_input_is_one_line_and_an_exit_code(tmp_path: Path, args: list[str], code: int, message: str) -> None:
    proc = _cli("batch", *args, "--out", str(tmp_path / "out"))
    assert proc.returncode == code and message in proc.stderr and "Traceback" not in proc.stderr, proc.stderr
    assert not (tmp_path / "out").exists()


def test_distributed_batch_out_must_be_a_folder(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    proc = _cli("batch", "README.md", "--out", str(tmp_path / "file"))
    assert proc.returncode == 2 and "--out takes a folder" in proc.stderr


def test_distributed_jsonl_ranges_read_as_the_whole_file(tmp_path: Path) -> None:
    corpus = tmp_path / "c.jsonl"
    lines = ['{"text": "one"}', "", '{"text": "two"}', "x" * 300, '{"text": "three"}', "   ", '{"text": "four"}', '{"text": "five"}']
    corpus.write_text("\n".join(lines) + "\n")
    options = IngestOptions(max_bytes=200)
    whole = [repr(r) for r in read_jsonl(corpus, options)]
    for size in (1, 2, 3, 10):
        ranges = list(split_jsonl(corpus, options, size))
        assert [repr(r) for part in ranges for r in read_jsonl(corpus, options, part=part)] == whole
        assert [r.results for r in ranges][:-1] == [size] * (len(ranges) - 1)


def test_distributed_is_not_imported_by_spinscope() -> None:
    code = "import sys, spinscope, spinscope.cli; print(sorted({'dask', 'distributed', 'pyarrow'} & set(sys.modules)))"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "[]"


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-m", "spinscope", *args], capture_output=True, text=True, cwd=REPO, env=env, timeout=300, check=False)


def _group_gone(group: int, within: float) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False

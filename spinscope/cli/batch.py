"""``spinscope batch``: a corpus on a Dask cluster into Parquet, with a progress bar."""

from __future__ import annotations

import logging
from contextlib import ExitStack
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from spinscope.cli.console import counted, say
from spinscope.store import Store
from spinscope.distributed.options import BatchOptions
from spinscope.errors import UsageError
from spinscope.pipeline import AnalyzeOptions

if TYPE_CHECKING:
    from spinscope.distributed.batch import Batch

INSTALL = "pip install 'spinscope[dask]'"


def batch_folder(out: Path | None, db: Path | None) -> Path:
    """Where the Parquet files and the manifest go: --out, else beside the store given with --db
    (the manifest is what a rerun resumes from, so a store-only run keeps one too)."""
    if out is not None:
        return out
    if db is None:
        raise UsageError("give --out DIR (Parquet files), --db PATH (the store) or both")
    return db.with_name(db.name + ".batch")


def run_batch(inputs: list[str], out: Path, scheduler: str | None, batch: BatchOptions, options: AnalyzeOptions, err: Console, db: Path | None = None) -> int:
    """Plan, start or join the cluster, analyse, write; returns the exit code (1 when a document failed)."""
    missing = [name for name in ("dask", "distributed", "pyarrow") if find_spec(name) is None]
    if missing:
        raise UsageError(f"spinscope batch needs {', '.join(missing)}: install them with {INSTALL}")
    if scheduler and batch.local_workers:
        raise UsageError("--scheduler joins a running cluster and --local-workers starts one here: give one of them")
    if out.exists() and not out.is_dir():
        raise UsageError(f"{out}: is a file; --out takes a folder (created when missing)")
    if not out.exists() and not out.parent.is_dir():
        raise UsageError(f"{out}: no such folder {out.parent}")

    from spinscope.distributed.batch import Batch

    with ExitStack() as stack:
        store = None if db is None else stack.enter_context(Store(db))
        return _run(Batch(inputs, out, options, batch.partition_size, store), out, scheduler, batch, err, db)


def _run(work: Batch, out: Path, scheduler: str | None, batch: BatchOptions, err: Console, db: Path | None) -> int:
    from spinscope.distributed.cluster import connect
    from spinscope.distributed.executor import dashboard

    if not work.todo:
        say(err, f"nothing to do: all {counted(len(work.parts), 'partition')} done (the manifest in {out}); give another --out folder to start again")
        return 0
    if len(work.todo) < len(work.parts):
        say(err, f"resuming: {len(work.parts) - len(work.todo)} of {len(work.parts)} partitions are done already (the manifest in {out})")
    logging.getLogger("distributed").setLevel(logging.ERROR)  # worker restarts and shutdown chatter; the summary says what matters
    try:
        with connect(scheduler, batch.local_workers, batch.worker_memory_mb) as (client, threads):
            if link := dashboard(client):
                say(err, f"Dask dashboard: {link}")
            columns = (SpinnerColumn(), TextColumn("analysing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn())
            with Progress(*columns, console=err, transient=True, disable=not err.is_terminal) as progress:
                task = progress.add_task("analysing", total=work.documents)
                summary = work.run(client, threads, advance=lambda n: progress.advance(task, n), local=scheduler is None)
    except KeyboardInterrupt:  # the cluster is closed and no file is half written: say how to go on
        say(err, f"interrupted: {len(work.output.done)} of {len(work.parts)} partitions are done in {out}; run the same command again to resume")
        raise
    say(err, f"{counted(summary.documents, 'document')} analysed, {summary.failures} failed, {counted(summary.spans, 'span')}, in {counted(summary.partitions - summary.skipped, 'partition')} "
             f"({summary.skipped} skipped as done); written to {out.resolve()}{'' if db is None else f' and the store {db.resolve()}'}")  # fmt: skip
    if summary.failures:
        say(err, "failed documents are the rows of documents/*.parquet with an error (error_type, error)")
    return 1 if summary.failures else 0

"""``DaskExecutor``: ``analyze_many`` on a Dask cluster, one task per partition of items.

One task per document would cost the scheduler more than a short article's analysis; a task per
partition of ``partition_size`` items keeps its overhead small (benchmarks/batch_dask.py measures
it) while a partition stays short enough to lose little when its worker dies.

Results come back in input order, as every executor's do. Dask reruns a task whose worker died
(its ``allowed-failures``, 3 by default, then ``KilledWorker``); a partition given up on that way
is split and its items run one per task, so only the item that kills its worker becomes
``recover(item, WorkerLostError)`` and the rest of the partition is analysed.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from itertools import islice
from typing import Any, TypeVar

from distributed import Client, Future, KilledWorker, WorkerPlugin

from spinscope.errors import SpinscopeError, WorkerLostError
from spinscope.pipeline.children import cores

T = TypeVar("T")
R = TypeVar("R")
PARTITION_SIZE = 25  # items per task by default (the partition_size setting): a task costs the scheduler milliseconds


class LoadModels(WorkerPlugin):
    """Runs once as each worker starts (and on workers that join later): sets the model's thread
    count, then calls ``warm`` (loading the models), so that no task pays for either.

    ``threads`` 0: this machine's cores shared among the worker's task threads. ``local``: the
    worker is a child of this command's own cluster, so it ignores Ctrl-C, which reaches the
    whole terminal's process group: the command closes its cluster itself, and the workers die
    without a traceback each. A worker someone started by hand keeps its Ctrl-C.
    """

    name = "spinscope-load-models"

    def __init__(self, warm: Callable[[], object], threads: int = 0, local: bool = False) -> None:
        self.warm = warm
        self.threads = threads
        self.local = local

    def setup(self, worker: Any) -> None:
        if self.local:
            logging.getLogger("distributed").setLevel(logging.ERROR)  # a cancelled task's warnings, when Ctrl-C stops the batch
            if threading.current_thread() is threading.main_thread():
                signal.signal(signal.SIGINT, signal.SIG_IGN)
        threads = self.threads or max(1, cores() // max(1, int(worker.state.nthreads)))
        os.environ["SPINSCOPE_THREADS"] = str(threads)
        self.warm()


def dashboard(client: Client) -> str | None:
    """The address of the scheduler's dashboard, None when it serves none (bokeh missing)."""
    services = client.scheduler_info().get("services", {})
    return str(client.dashboard_link) if "dashboard" in services else None


Outcome = tuple[bool, Any]  # (True, result) or (False, the SpinscopeError it raised)


def _run_partition(fn: Callable[[T], R], items: list[T]) -> list[Outcome]:
    """What a task runs: ``fn`` over its items, an item's SpinscopeError kept for the driver's
    ``recover`` (which decides whether it is a Failure or stops the batch)."""
    out: list[Outcome] = []
    for item in items:
        try:
            out.append((True, fn(item)))
        except SpinscopeError as exc:
            out.append((False, exc))
    return out


class DaskExecutor:
    """Partitions of ``partition_size`` items, each one task on ``client``'s cluster; at most
    ``ahead`` partitions in flight (default: two per worker thread), so a long input stream is
    never read ahead into memory."""

    def __init__(self, client: Client, partition_size: int = PARTITION_SIZE, ahead: int | None = None) -> None:
        if partition_size < 1:
            raise ValueError("a partition holds at least 1 item")
        self.client = client
        self.partition_size = partition_size
        self.ahead = ahead

    def _window(self) -> int:
        if self.ahead:
            return self.ahead
        threads = sum(int(w.get("nthreads", 1)) for w in self.client.scheduler_info(n_workers=-1).get("workers", {}).values())
        return 2 * max(1, threads)

    def map(self, fn: Callable[[T], R], items: Iterable[T], recover: Callable[[T, SpinscopeError], R]) -> Generator[R, None, None]:
        stream = iter(items)
        window = self._window()
        ahead: deque[tuple[list[T], Future[list[Outcome]]]] = deque()
        try:
            while part := list(islice(stream, self.partition_size)):
                while len(ahead) >= window:
                    yield from self._results(fn, *ahead.popleft(), recover)
                ahead.append((part, self.client.submit(_run_partition, fn, part, pure=False)))
            while ahead:
                yield from self._results(fn, *ahead.popleft(), recover)
        finally:
            for _, future in ahead:  # a consumer that stopped early (or Ctrl-C) leaves no work behind
                future.cancel()

    def _results(self, fn: Callable[[T], R], part: list[T], future: Future[list[Outcome]], recover: Callable[[T, SpinscopeError], R]) -> Iterator[R]:
        try:
            outcomes: list[Outcome] = future.result()
        except KilledWorker:
            if len(part) == 1:
                yield recover(part[0], _lost())
                return
            for item in part:  # find the item that kills its worker: each alone, in order
                yield from self._results(fn, [item], self.client.submit(_run_partition, fn, [item], pure=False), recover)
            return
        for item, (ok, value) in zip(part, outcomes, strict=True):
            yield value if ok else recover(item, value)


def _lost() -> WorkerLostError:
    return WorkerLostError(
        "every worker that analysed this document died (killed, out of memory or crashed) until Dask gave up on it; "
        "look for its worker's memory limit or a crash in the worker logs"
    )

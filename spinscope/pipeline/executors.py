"""Where ``analyze_many`` runs its work: here, in local worker processes, or (later) on Dask.

An executor maps a function over items and yields the results in input order, so output never
depends on where the work ran.

Why processes: one onnxruntime session with 2 threads on 2 cores keeps both busy only during its
matrix products; tokenising, decoding and the baseline's features around them are Python on one
core. Two single-threaded workers keep both cores busy the whole time (about 20% more articles a
second for the transformer on 2 cores: benchmarks/detector_speed.py). Each worker loads its own
models once, so a pool pays the models' memory once per worker: it is only used for batches,
where that pays back.
"""

from __future__ import annotations

import os
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from itertools import chain, islice
from multiprocessing import get_context
from typing import Protocol, TypeVar

from spinscope.errors import ModelError

T = TypeVar("T")
R = TypeVar("R")
MIN_BATCH = 8  # fewer items than this run in this process: starting workers costs more than it saves
MAX_WORKERS = 4


class Executor(Protocol):
    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        """``fn(item)`` for each item, yielded in input order; ``fn`` must be picklable."""
        ...


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


class SerialExecutor:
    """Everything in this process, one item at a time."""

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        return (fn(item) for item in items)


def _start_worker(threads: int) -> None:
    os.environ["SPINSCOPE_THREADS"] = str(threads)
    # Ctrl-C reaches the whole process group: the parent stops the pool, workers stay quiet
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class ProcessExecutor:
    """``workers`` spawned processes, each with ``cores / workers`` model threads.

    At most ``2 * workers`` items are in flight, so a long input stream is never read ahead
    into memory.
    """

    def __init__(self, workers: int) -> None:
        if workers < 2:
            raise ValueError("a process executor needs at least 2 workers; use SerialExecutor for one")
        self.workers = workers

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        threads = max(1, cores() // self.workers)
        pool = ProcessPoolExecutor(self.workers, mp_context=get_context("spawn"), initializer=_start_worker, initargs=(threads,))
        ahead: deque[Future[R]] = deque()
        try:
            for item in items:
                ahead.append(pool.submit(fn, item))
                while len(ahead) > 2 * self.workers:
                    yield _result(ahead.popleft())
            while ahead:
                yield _result(ahead.popleft())
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


def _result(future: Future[R]) -> R:
    try:
        return future.result()
    except BrokenProcessPool as exc:
        raise ModelError(f"an analysis worker died ({exc}); it may have run out of memory: try --workers 1") from None


class LocalExecutor:
    """Picks for the batch at hand: ``workers`` 1 runs here; 0 starts one worker per core (up to
    MAX_WORKERS) once the batch holds MIN_BATCH items and runs here for fewer; N starts N."""

    def __init__(self, workers: int = 0) -> None:
        if workers < 0:
            raise ValueError("workers must be 0 (automatic) or more")
        self.workers = workers

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        items = iter(items)
        workers = self.workers
        if workers == 0:
            head = list(islice(items, MIN_BATCH))
            workers = 1 if len(head) < MIN_BATCH or cores() < 2 else min(cores(), MAX_WORKERS)
            items = chain(head, items)
        if workers <= 1:
            return SerialExecutor().map(fn, items)
        return ProcessExecutor(workers).map(fn, items)

"""Where ``analyze_many`` runs its work: here, or in local child processes (on Dask: spinscope.distributed).

An executor maps a function over items and yields the results in input order, so output never
depends on where the work ran. Where ``fn`` raises a SpinscopeError for an item, or the executor
stops an item's work (its deadline passed, its memory budget was spent), ``recover(item, error)``
gives that item's result or raises: the caller, not the executor, decides what a failed item
becomes.

Why processes: one onnxruntime session with 2 threads on 2 cores keeps both busy only during its
matrix products; tokenising, decoding and the baseline's features around them are Python on one
core. Two single-threaded workers keep both cores busy the whole time (about 20% more articles a
second for the transformer on 2 cores: benchmarks/detector_speed.py). Each worker loads its own
models once, so a pool pays the models' memory once per worker.

Why children rather than a process pool: a child (children.py) can be killed at its item's
deadline and replaced, and each may grow by a memory budget only, so one hostile document fails
alone instead of holding a worker for an hour or taking the machine's memory.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from itertools import chain, islice
from typing import Protocol, TypeVar

from spinscope.errors import AnalysisTimeoutError, SpinscopeError
from spinscope.pipeline.children import Children, cores
from spinscope.settings import flag

T = TypeVar("T")
R = TypeVar("R")
MIN_BATCH = 8  # fewer items than this run on one worker: starting more costs more than it saves
MAX_WORKERS = 4


class Executor(Protocol):
    def map(self, fn: Callable[[T], R], items: Iterable[T], recover: Callable[[T, SpinscopeError], R]) -> Iterator[R]:
        """``fn(item)`` for each item, yielded in input order (``recover(item, error)`` where it
        failed); ``fn`` and the items must be picklable."""
        ...


class SerialExecutor:
    """Everything in this process, one item at a time, with no deadline."""

    def map(self, fn: Callable[[T], R], items: Iterable[T], recover: Callable[[T, SpinscopeError], R]) -> Iterator[R]:
        for item in items:
            try:
                result = fn(item)
            except SpinscopeError as exc:
                result = recover(item, exc)
            yield result


class ProcessExecutor:
    """``workers`` child processes, each with ``cores / workers`` model threads; each item may take
    ``timeout`` seconds and grow its child by ``memory_mb`` (``None``: no limit).

    At most ``2 * workers`` items are in flight, so a long input stream is never read ahead
    into memory.
    """

    def __init__(self, workers: int, timeout: float | None = None, memory_mb: int | None = None) -> None:
        if workers < 1:
            raise ValueError("a process executor needs at least 1 worker")
        self.workers = workers
        self.timeout = timeout
        self.memory_mb = memory_mb

    def map(self, fn: Callable[[T], R], items: Iterable[T], recover: Callable[[T, SpinscopeError], R]) -> Iterator[R]:
        children = Children(self.workers, self.memory_mb)
        threads = ThreadPoolExecutor(self.workers, thread_name_prefix="spinscope-child")
        ahead: deque[tuple[T, Future[R]]] = deque()
        try:
            for item in items:
                ahead.append((item, threads.submit(self._call, children, fn, item)))
                while len(ahead) > 2 * self.workers:
                    yield _result(*ahead.popleft(), recover)
            while ahead:
                yield _result(*ahead.popleft(), recover)
        finally:
            for _, future in ahead:
                future.cancel()
            children.close(busy=True)  # a consumer that stopped early (or Ctrl-C) waits for no analysis
            threads.shutdown(wait=True)

    def _call(self, children: Children, fn: Callable[[T], R], item: T) -> R:
        deadline = None if self.timeout is None else time.monotonic() + self.timeout
        try:
            return children.call(fn, item, deadline=deadline)
        except AnalysisTimeoutError:
            raise AnalysisTimeoutError(
                f"the analysis took longer than its budget of {self.timeout:g} seconds and was stopped; raise it with {flag('doc_timeout')}"
            ) from None


def _result(item: T, future: Future[R], recover: Callable[[T, SpinscopeError], R]) -> R:
    try:
        return future.result()
    except SpinscopeError as exc:
        return recover(item, exc)


class LocalExecutor:
    """Picks for the batch at hand. ``workers`` 0 starts one child per core (up to MAX_WORKERS)
    once the batch holds MIN_BATCH items, one for fewer; N starts N. Without a budget, one worker
    means this process (no child to start); with one (``timeout`` or ``memory_mb``), the work
    always runs in children, which alone can be stopped."""

    def __init__(self, workers: int = 0, timeout: float | None = None, memory_mb: int | None = None) -> None:
        if workers < 0:
            raise ValueError("workers must be 0 (automatic) or more")
        self.workers = workers
        self.timeout = timeout
        self.memory_mb = memory_mb

    def map(self, fn: Callable[[T], R], items: Iterable[T], recover: Callable[[T, SpinscopeError], R]) -> Iterator[R]:
        items = iter(items)
        workers = self.workers
        if workers == 0:
            head = list(islice(items, MIN_BATCH))
            workers = 1 if len(head) < MIN_BATCH or cores() < 2 else min(cores(), MAX_WORKERS)
            items = chain(head, items)
        if workers <= 1 and self.timeout is None and self.memory_mb is None:
            return SerialExecutor().map(fn, items, recover)
        return ProcessExecutor(workers, self.timeout, self.memory_mb).map(fn, items, recover)

"""Model work off the event loop, with a bounded queue (RELIABILITY.md §5).

Analyses (fetch, model, save) are blocking and CPU-heavy, so they run in a dedicated thread pool,
never on the event loop and never in the thread pool FastAPI shares with every sync endpoint; that
keeps ``/api/health`` and the pages answering while the pool is busy. Admission is counted, not
queued without end: with ``workers + queue`` analyses in flight, the next request gets 503 at once.

A request that waits longer than the deadline gets 504. Its thread cannot be killed, but the
analysis it waits on runs in a child process (children.py) that is killed at the same deadline, so
the thread, and its slot, are free at once; the slot stays counted until the thread really ends,
so capacity never looks larger than it is.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

from spinscope.errors import AnalysisTimeoutError, OverloadedError
from spinscope.pipeline.children import Children

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class PoolStats:
    workers: int
    capacity: int
    in_flight: int


class AnalysisPool:
    """`workers` threads and room for `queue` waiting analyses; see the module docstring."""

    def __init__(self, workers: int, queue: int, memory_mb: int, warm: Callable[[], object] | None = None) -> None:
        if workers < 1 or queue < 0:
            raise ValueError("an analysis pool needs at least one worker and a queue of zero or more")
        self.workers = workers
        self.capacity = workers + queue
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="spinscope-analysis")
        self.children = Children(workers, memory_mb, warm)
        self._lock = threading.Lock()
        self._in_flight = 0

    def stats(self) -> PoolStats:
        return PoolStats(workers=self.workers, capacity=self.capacity, in_flight=self._in_flight)

    def _admit(self) -> None:
        with self._lock:
            if self._in_flight >= self.capacity:
                raise OverloadedError(
                    f"the server is busy ({self._in_flight} analyses running or waiting, the limit is {self.capacity}); try again in a moment"
                )
            self._in_flight += 1

    def _release(self, _: "Future[Any]") -> None:
        with self._lock:
            self._in_flight -= 1

    async def run(self, func: Callable[[float], T], timeout: float) -> T:
        """`func(deadline)` in a worker thread, the deadline a time.monotonic() value `timeout` s from
        now; OverloadedError at once when full, AnalysisTimeoutError at the deadline."""
        self._admit()
        try:
            future = self._executor.submit(func, time.monotonic() + timeout)
        except BaseException:
            with self._lock:
                self._in_flight -= 1
            raise
        # Runs when the thread really finishes (or the queued job is cancelled), not when we stop waiting.
        future.add_done_callback(self._release)
        try:
            return await asyncio.wait_for(asyncio.wrap_future(future), timeout)
        except TimeoutError:
            raise AnalysisTimeoutError(f"the analysis took longer than {timeout:g} seconds and was stopped") from None

    def shutdown(self) -> None:
        """Drop queued work, stop taking more and stop the idle children; a running analysis is
        stopped at its deadline at the latest."""
        self._executor.shutdown(wait=False, cancel_futures=True)
        self.children.close()

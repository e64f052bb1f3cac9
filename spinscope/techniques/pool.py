"""Detection over many documents, spread over worker processes.

One onnxruntime session with 2 threads on 2 cores keeps both busy only during its matrix
products; the tokenising, decoding and the baseline's features around them are Python on one
core. Two single-threaded workers keep both cores busy the whole time (about 20% more articles
a second for the transformer on 2 cores: benchmarks/detector_speed.py). Each worker loads its
own detector once, so a pool pays the model's memory once per worker: it is only used for
batches, where that pays back.
"""

from __future__ import annotations

import os
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from itertools import chain, islice
from multiprocessing import get_context
from typing import Any, TypeVar

from spinscope.document import Document, Span
from spinscope.errors import ModelError
from spinscope.techniques.registry import get_detector

T = TypeVar("T")
MIN_BATCH = 8  # fewer documents than this run in this process: starting workers costs more than it saves
MAX_WORKERS = 4


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


@dataclass(frozen=True, slots=True)
class Detection:
    spans: list[Span]
    detector_info: dict[str, Any]


def _start_worker(threads: int) -> None:
    os.environ["SPINSCOPE_THREADS"] = str(threads)
    # Ctrl-C reaches the whole process group: the parent stops the pool, workers stay quiet
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _detect(detector: str, doc: Document) -> Detection:
    found = get_detector(detector)
    return Detection(found.detect(doc), found.info())


def detect_each(
    items: Iterable[T], detector: str, document: Callable[[T], Document | None], workers: int = 0
) -> Iterator[tuple[T, Detection | None]]:
    """``(item, detection)`` for each item, in order. ``document(item)`` gives the Document to
    read, or None for an item that passes through untouched (a failed input).

    ``workers``: 1 runs here; 0 picks one worker per core (up to MAX_WORKERS) once the batch
    holds MIN_BATCH documents, and runs here for fewer.
    """
    items = iter(items)
    if workers == 0:
        head = list(islice(items, MIN_BATCH))
        workers = 1 if len(head) < MIN_BATCH or cores() < 2 else min(cores(), MAX_WORKERS)
        items = chain(head, items)
    if workers <= 1:
        for item in items:
            doc = document(item)
            yield item, (None if doc is None else _detect(detector, doc))
        return
    get_detector(detector)  # an unknown name or a missing model fails here, before any worker starts
    threads = max(1, cores() // workers)
    pool = ProcessPoolExecutor(workers, mp_context=get_context("spawn"), initializer=_start_worker, initargs=(threads,))
    ahead: deque[tuple[T, Future[Detection] | None]] = deque()
    try:
        for item in items:
            doc = document(item)
            ahead.append((item, None if doc is None else pool.submit(_detect, detector, doc)))
            while len(ahead) > 2 * workers:
                yield _next(ahead)
        while ahead:
            yield _next(ahead)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _next(ahead: deque[tuple[T, Future[Detection] | None]]) -> tuple[T, Detection | None]:
    item, future = ahead.popleft()
    if future is None:
        return item, None
    try:
        return item, future.result()
    except BrokenProcessPool as exc:
        raise ModelError(f"a detection worker died ({exc}); it may have run out of memory: try --workers 1") from None

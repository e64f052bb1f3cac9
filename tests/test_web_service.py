"""What one analysis request does away from HTTP: concurrent retries with one Idempotency-Key."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest

from spinscope.errors import AnalysisTimeoutError
from spinscope.pipeline import AnalyzeOptions
from spinscope.pipeline.children import Children
from spinscope.pipeline.options import TECHNIQUES_ONLY
from spinscope.store import RequestKey, Store
from spinscope.techniques.stage import TechniqueOptions
from spinscope.web.service import RunningKeys, Submission, analyse_and_save

OPTIONS = AnalyzeOptions(stages=TECHNIQUES_ONLY, technique=TechniqueOptions(detector="baseline"))


class CountingChildren(Children):
    """Real children that count the analyses they are asked to run."""

    def __init__(self) -> None:
        super().__init__(2, None)
        self.calls = 0
        self._count_lock = threading.Lock()

    def call(self, fn: Any, *args: Any, deadline: float | None) -> Any:
        with self._count_lock:
            self.calls += 1
        return super().call(fn, *args, deadline=deadline)


def test_service_concurrent_retries_with_one_key_run_the_model_once(tmp_path: Path) -> None:
    children = CountingChildren()
    running = RunningKeys()
    submission = Submission(text="They are traitors. Only we can save the nation! " * 50)
    key = RequestKey("retry-race", "sha-of-the-request")
    start = threading.Barrier(3)
    answers: list[tuple[int, dict[str, Any]]] = []

    def retry(store: Store) -> None:
        start.wait()
        answers.append(analyse_and_save(submission, OPTIONS, store, children, time.monotonic() + 120, key, running))

    try:
        with Store(tmp_path / "s.db") as store:
            threads = [threading.Thread(target=retry, args=(store,)) for _ in range(3)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(180)
            assert len(answers) == 3
            assert len({answer[0] for answer in answers}) == 1, "every retry got the first request's analysis"
            assert children.calls == 1, "the retries waited for the first analysis instead of running the model again"
            assert store.count() == 1
    finally:
        children.close(busy=True)


def test_service_retry_waits_no_longer_than_its_deadline() -> None:
    running = RunningKeys()
    held = threading.Event()
    release = threading.Event()

    def first() -> None:
        with running.first("k", time.monotonic() + 60):
            held.set()
            release.wait(30)

    holder = threading.Thread(target=first)
    holder.start()
    held.wait(10)
    started = time.monotonic()
    with pytest.raises(AnalysisTimeoutError, match="still being analysed"), running.first("k", time.monotonic() + 0.3):
        raise AssertionError("the key was still held")
    assert time.monotonic() - started < 5
    release.set()
    holder.join(10)
    with running.first("k", time.monotonic() + 1):
        pass

"""Executors: the same analyses in the same order wherever the work runs; failures pass through;
an item over its time or memory budget fails alone, and the rest goes on."""

from __future__ import annotations

import time

import pytest

from spinscope.document import Analysis, Document, Failure
from spinscope.errors import AnalysisTimeoutError, InputTooLargeError, SpinscopeError, UsageError
from spinscope.ingest import document_from_text
from spinscope.pipeline import AnalyzeOptions, LocalExecutor, ProcessExecutor, SerialExecutor, analyze_many, executors
from spinscope.techniques.stage import TechniqueOptions

TEXTS = [
    f"Article {i}. The corrupt elites betray our great nation again and again.\n"
    f"Everyone knows the truth: they want to destroy everything we love, said the mayor {i}.\n"
    for i in range(10)
]
BASELINE = AnalyzeOptions(technique=TechniqueOptions(detector="baseline"))


def _docs() -> list[Document | Failure]:
    items: list[Document | Failure] = [document_from_text(t, id=f"d{i}") for i, t in enumerate(TEXTS)]
    items.insert(3, Failure(source="broken.txt", error="EmptyInputError", message="broken.txt: the file is empty", exit_code=3))
    return items


def _key(result: Analysis | Failure) -> object:
    if isinstance(result, Failure):
        return result
    return result.document.id, [(s.start, s.end, s.label, s.score) for s in result.techniques]


def test_executors_process_workers_give_the_same_analyses_in_input_order() -> None:
    here = [_key(r) for r in analyze_many(_docs(), BASELINE, SerialExecutor())]
    spread = [_key(r) for r in analyze_many(_docs(), BASELINE, ProcessExecutor(2))]
    assert spread == here
    assert any(spans for _, spans in (k for k in here if not isinstance(k, Failure))), "the texts hold spans, so the comparison means something"
    assert isinstance(spread[3], Failure) and spread[3].exit_code == 3, "a failed input passes through untouched"


def test_executors_small_batches_run_in_this_process(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_pool(*args: object, **kwargs: object) -> None:
        raise AssertionError("child processes were started for a small batch")

    monkeypatch.setattr(executors, "Children", no_pool)
    items = _docs()[: executors.MIN_BATCH - 1]
    assert len(list(analyze_many(items, BASELINE, LocalExecutor(0)))) == len(items)


def test_executors_unknown_detector_fails_before_workers_start() -> None:
    with pytest.raises(UsageError, match="unknown detector"):
        list(analyze_many(_docs(), AnalyzeOptions(technique=TechniqueOptions(detector="nope")), ProcessExecutor(2)))


def _sleep(seconds: float) -> float:
    time.sleep(seconds)
    return seconds


def _allocate(megabytes: int) -> int:
    return len(bytearray(megabytes * 1024 * 1024))


def _as_error(item: object, exc: SpinscopeError) -> object:
    return exc


def test_executors_item_past_its_deadline_is_stopped_and_the_rest_goes_on() -> None:
    started = time.monotonic()
    results = list(executors.ProcessExecutor(1, timeout=5.0).map(_sleep, [0.1, 60.0, 0.2], _as_error))
    assert results[0] == 0.1 and results[2] == 0.2
    assert isinstance(results[1], AnalysisTimeoutError) and "--doc-timeout" in str(results[1])
    assert time.monotonic() - started < 40, "the 60 s item was stopped at its deadline, not waited for"


def test_executors_item_over_its_memory_budget_fails_alone() -> None:
    results = list(executors.ProcessExecutor(1, memory_mb=200).map(_allocate, [10, 1_000, 10], _as_error))
    assert results[0] == results[2] == 10 * 1024 * 1024
    assert isinstance(results[1], InputTooLargeError) and "memory budget of 200 MB" in str(results[1])


def test_executors_budget_runs_even_one_document_in_a_child(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only a child can be stopped: a budget must not fall back to this process for a small batch."""
    here = [_key(r) for r in analyze_many(_docs()[:2], BASELINE, SerialExecutor())]
    budgeted = [_key(r) for r in analyze_many(_docs()[:2], BASELINE, LocalExecutor(1, timeout=60.0))]
    assert budgeted == here
    monkeypatch.setattr(executors, "SerialExecutor", None)
    assert len(list(analyze_many(_docs()[:2], BASELINE, LocalExecutor(1, timeout=60.0)))) == 2


def test_executors_analysis_over_budget_becomes_a_failure_record() -> None:
    big = document_from_text(TEXTS[0] * 25_000, id="huge")  # about 4 MB of text: a minute or more for the baseline
    items: list[Document | Failure] = [document_from_text(TEXTS[1], id="small"), big, document_from_text(TEXTS[2], id="after")]
    results = list(analyze_many(items, BASELINE, LocalExecutor(1, timeout=8.0)))
    assert [type(r).__name__ for r in results] == ["Analysis", "Failure", "Analysis"]
    failed = results[1]
    assert isinstance(failed, Failure) and failed.error == "AnalysisTimeoutError" and failed.exit_code == 7
    with pytest.raises(AnalysisTimeoutError):
        list(analyze_many(items, BASELINE, LocalExecutor(1, timeout=8.0), keep_going=False))

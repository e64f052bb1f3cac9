"""Executors: the same analyses in the same order wherever the work runs; failures pass through."""

from __future__ import annotations

import pytest

from spinscope.document import Analysis, Document, Failure
from spinscope.errors import UnsupportedInputError
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
        raise AssertionError("a pool was started for a small batch")

    monkeypatch.setattr(executors, "ProcessPoolExecutor", no_pool)
    items = _docs()[: executors.MIN_BATCH - 1]
    assert len(list(analyze_many(items, BASELINE, LocalExecutor(0)))) == len(items)


def test_executors_unknown_detector_fails_before_workers_start() -> None:
    with pytest.raises(UnsupportedInputError, match="unknown detector"):
        list(analyze_many(_docs(), AnalyzeOptions(technique=TechniqueOptions(detector="nope")), ProcessExecutor(2)))

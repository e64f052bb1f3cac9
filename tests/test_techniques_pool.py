"""Detection spread over worker processes: same spans, same order, failures passed through."""

from __future__ import annotations

import pytest

from spinscope.document import Document, Failure
from spinscope.errors import UnsupportedInputError
from spinscope.ingest import document_from_text
from spinscope.techniques import pool
from spinscope.techniques.pool import detect_each

TEXTS = [
    f"Article {i}. The corrupt elites betray our great nation again and again.\n"
    f"Everyone knows the truth: they want to destroy everything we love, said the mayor {i}.\n"
    for i in range(10)
]


def _docs() -> list[Document | Failure]:
    items: list[Document | Failure] = [document_from_text(t, id=f"d{i}") for i, t in enumerate(TEXTS)]
    items.insert(3, Failure(source="broken.txt", error="EmptyInputError", message="broken.txt: the file is empty"))
    return items


def _doc(item: Document | Failure) -> Document | None:
    return None if isinstance(item, Failure) else item


def _spans(results: list) -> list:
    return [None if found is None else [(s.start, s.end, s.label, s.score) for s in found.spans] for _, found in results]


def test_workers_give_the_same_spans_in_input_order() -> None:
    here = list(detect_each(_docs(), "baseline", _doc, workers=1))
    spread = list(detect_each(_docs(), "baseline", _doc, workers=2))
    assert [item.id if isinstance(item, Document) else item.source for item, _ in spread] == [
        item.id if isinstance(item, Document) else item.source for item, _ in here
    ]
    assert _spans(spread) == _spans(here)
    assert any(_spans(here)), "the texts hold spans, so the comparison means something"
    assert spread[3][1] is None and isinstance(spread[3][0], Failure), "a failed input passes through untouched"
    assert spread[0][1].detector_info["name"] == "baseline"


def test_small_batches_run_in_this_process(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_pool(*args: object, **kwargs: object) -> None:
        raise AssertionError("a pool was started for a small batch")

    monkeypatch.setattr(pool, "ProcessPoolExecutor", no_pool)
    items = _docs()[: pool.MIN_BATCH - 1]
    assert len(list(detect_each(items, "baseline", _doc))) == len(items)


def test_unknown_detector_fails_before_workers_start() -> None:
    with pytest.raises(UnsupportedInputError, match="unknown detector"):
        list(detect_each(_docs(), "nope", _doc, workers=2))

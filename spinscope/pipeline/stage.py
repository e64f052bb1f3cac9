"""A stage and the pipeline that runs stages in order and holds each to what it declared.

A stage names the span groups it reads, the ones it writes and the ones it amends (adds
attributes to the spans an earlier stage wrote, as the evidence stage does to the technique
spans). The pipeline checks all three: at build time, that every group a stage reads or amends
is written by an earlier stage (or comes with the input, as ``boilerplate`` does); at run time,
that a stage changed only the groups it declared, added to an amended group's spans nothing but
attributes, and never changed the text. New capabilities (quotes, actors, claims) are new stages; no door (CLI,
web, Python, Dask) changes when one is added.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, Protocol

from spinscope.document import BOILERPLATE, DECODING, Analysis, Component, Document, Span
from spinscope.errors import PipelineError, UsageError

# Span groups a Document may bring from ingest, before any stage runs.
INPUT_GROUPS: tuple[str, ...] = (BOILERPLATE, DECODING)


class Stage(Protocol):
    """One step of the analysis; holds its own options and loads its models lazily."""

    name: str
    reads: tuple[str, ...]
    writes: tuple[str, ...]
    amends: tuple[str, ...]

    def __call__(self, doc: Document) -> Document: ...

    def info(self) -> Component: ...

    def summarise(self, doc: Document) -> dict[str, Any]: ...


class Pipeline:
    """Named stages in order; calling it turns a Document into an Analysis.

    ``options`` is the record of what shaped the results (stages, thresholds), copied into
    every Analysis so a stored result says how it was made.
    """

    def __init__(self, stages: Sequence[Stage], options: Mapping[str, Any] | None = None) -> None:
        written: dict[str, str] = {}
        names: set[str] = set()
        for stage in stages:
            if stage.name in names:
                raise UsageError(f"stage {stage.name!r} is listed twice")
            names.add(stage.name)
            for group in stage.reads + stage.amends:
                if group not in written and group not in INPUT_GROUPS:
                    raise UsageError(f"stage {stage.name!r} reads span group {group!r}, which no earlier stage writes; run the stage that writes it first")
            for group in stage.writes:
                if group in written or group in INPUT_GROUPS:
                    raise UsageError(f"stages {written.get(group, 'ingest')!r} and {stage.name!r} both write span group {group!r}")
                written[group] = stage.name
        self.stages: tuple[Stage, ...] = tuple(stages)
        self.options: dict[str, Any] = dict(options or {})

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(stage.name for stage in self.stages)

    def __call__(self, doc: Document) -> Analysis:
        for stage in self.stages:
            doc = _checked(stage, doc)
        return Analysis(
            document=doc,
            summary={stage.name: stage.summarise(doc) for stage in self.stages},
            components=tuple(stage.info() for stage in self.stages),
            options=self.options,
        )


class _CyclicGcPause:
    """Python's cyclic garbage collector, paused while any stage runs in any thread.

    A stage allocates millions of small objects (tokens, feature names) that live until it ends,
    and every full collection walks all of them: that made megabyte inputs superlinear (baseline
    detector, 5 MB / 1 MB: 6.8 with the collector, 4.3 without; benchmarks/scaling.py). Reference
    counting still frees everything as usual; cycles made meanwhile are collected once the last
    running stage ends and the collector resumes (if it was on).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running = 0
        self._resume = False

    @contextmanager
    def __call__(self) -> Iterator[None]:
        with self._lock:
            if self._running == 0:
                self._resume = gc.isenabled()
                gc.disable()
            self._running += 1
        try:
            yield
        finally:
            with self._lock:
                self._running -= 1
                if self._running == 0 and self._resume:
                    gc.enable()


_gc_paused = _CyclicGcPause()


def _checked(stage: Stage, doc: Document) -> Document:
    """``stage(doc)``, refused when the stage touched what it did not declare."""
    with _gc_paused():
        out = stage(doc)
    if out.text != doc.text or out.metadata() != doc.metadata():
        raise PipelineError(f"stage {stage.name!r} changed the document's text or metadata; stages only add spans")
    changed = {g for g in doc.spans.keys() | out.spans.keys() if doc.spans.get(g) != out.spans.get(g)}
    undeclared = changed - set(stage.writes) - set(stage.amends)
    if undeclared:
        raise PipelineError(f"stage {stage.name!r} wrote span groups it does not declare: {', '.join(sorted(undeclared))}")
    for group in changed & set(stage.amends):
        if not _only_added_attributes(doc.spans.get(group, ()), out.spans.get(group, ())):
            raise PipelineError(f"stage {stage.name!r} amends span group {group!r}: it may add attributes to its spans, not change or remove them")
    touched = set(doc.relations) ^ set(out.relations)
    foreign = sorted({r.head.group for r in touched} - set(stage.writes))
    if foreign:
        raise PipelineError(f"stage {stage.name!r} changed relations from span groups it does not write: {', '.join(foreign)}")
    return out


def _only_added_attributes(before: Sequence[Span], after: Sequence[Span]) -> bool:
    """Whether ``after`` is ``before`` with attributes added: the same spans in the same order,
    each keeping every attribute it had, with the same value."""
    return len(before) == len(after) and all(
        (a.start, a.end, a.label, a.score, a.id) == (b.start, b.end, b.label, b.score, b.id)
        and all(k in b.attributes and b.attributes[k] == v for k, v in a.attributes.items())
        for a, b in zip(before, after)
    )

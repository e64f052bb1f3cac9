"""``spinscope corpus add``: analyse inputs into the store, once each, surviving ``kill -9``.

This process is the one writer. It reads the inputs, skips every document the store already
holds an analysis of by the same pipeline (its text's hash, or for a URL not fetched yet, its
URL), hands the rest to ``analyze_many`` on the executor given, and writes the results in
transactions of ``commit_every`` documents (or fewer when ``COMMIT_SECONDS`` have passed, so a slow
run still saves as it goes). A transaction commits whole or not at all: a process killed at any
moment loses only the batch it had not committed, and the next run, which skips what is stored,
analyses that batch again.

Files are read here, before analysis, so that their text's hash can be looked up; URLs are
fetched where they are analysed, within the document's budget.

After each transaction, the sentence vectors of the claims it stored are kept too (a second,
small transaction), so that a claim's timeline never waits for embedding; a run killed between
the two leaves them to be embedded when first asked for.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from spinscope.corpus.sources import read_sources
from spinscope.document import Document, Failure, Pending
from spinscope.errors import SpinscopeError
from spinscope.ingest import read_pending
from spinscope.ingest.documents import is_url
from spinscope.pipeline import AnalyzeOptions, Executor, analyze_many, pipeline_for
from spinscope.store import Store
from spinscope.store.rows import pipeline_sha256, text_sha256

COMMIT_SECONDS = 10.0  # the most analysed work a kill can lose when documents are slow (the transformer on a long article)


@dataclass(frozen=True, slots=True)
class AddSummary:
    """What a run did: analyses added, documents the store held already (this pipeline's
    analysis of the same text or URL), and the inputs that failed."""

    added: int
    unchanged: int
    failures: tuple[Failure, ...]


def pipeline_identity(options: AnalyzeOptions) -> str:
    """The hash the analyses these options make are stored under (`pipeline_sha256` of their
    components and options), known before any document is analysed."""
    pipeline = pipeline_for(options)
    return pipeline_sha256([stage.info().to_dict() for stage in pipeline.stages], pipeline.options)


class _Skipping:
    """The items still to analyse, counting those the store holds already."""

    def __init__(self, store: Store, options: AnalyzeOptions, identity: str, advance: Callable[[int], None]) -> None:
        self.store, self.options, self.identity, self.advance = store, options, identity, advance
        self.skipped = 0

    def __call__(self, items: Iterator[Document | Failure | Pending]) -> Iterator[Document | Failure | Pending]:
        for item in items:
            if isinstance(item, Pending):
                if is_url(item.location):
                    if self._skip(self.store.analysed_url(item.location, self.identity)):
                        continue
                    yield item
                    continue
                try:
                    doc = read_pending(item, self.options.ingest)
                except SpinscopeError as exc:
                    yield Failure.of(item.source or item.location, exc)
                    continue
                item = doc
            if isinstance(item, Document) and self._skip(self.store.analysed(text_sha256(item.text), self.identity)):
                continue
            yield item

    def _skip(self, stored: bool) -> bool:
        if stored:
            self.skipped += 1
            self.advance(1)
        return stored


def claim_texts(analyses: list[dict[str, Any]]) -> list[str]:
    """The distinct texts of the analyses' claim spans."""
    texts = (str(a["document"]["text"])[int(s["start"]) : int(s["end"])] for a in analyses for s in (a.get("spans") or {}).get("claim") or ())
    return list(dict.fromkeys(texts))


def add(
    inputs: list[str],
    store: Store,
    options: AnalyzeOptions,
    executor: Executor,
    *,
    commit_every: int = 50,
    advance: Callable[[int], None] = lambda n: None,
) -> AddSummary:
    """Analyse into ``store`` every document of ``inputs`` it does not hold yet; ``advance(n)``
    is told of each document done (analysed, failed or found stored)."""
    identity = pipeline_identity(options)
    todo = _Skipping(store, options, identity, advance)
    analyses: list[dict[str, Any]] = []
    failed: list[Failure] = []
    failures: list[Failure] = []
    written = added = 0
    last = time.monotonic()

    def commit(vectors: bool = True) -> None:
        nonlocal written, added, last
        if analyses or failed:
            added += store.add_many(analyses, failed)
            written += len(analyses)
            claims = claim_texts(analyses)
            analyses.clear()
            failed.clear()
            if vectors and claims:
                store.claim_vectors(claims)
        last = time.monotonic()

    try:
        for result in analyze_many(todo(read_sources(inputs, options.ingest)), options, executor):
            if isinstance(result, Failure):
                failed.append(result)
                failures.append(result)
            else:
                analyses.append(result.to_dict())
            advance(1)
            if len(analyses) + len(failed) >= commit_every or time.monotonic() - last >= COMMIT_SECONDS:
                commit()
    except KeyboardInterrupt:
        commit(vectors=False)  # what was analysed is kept; the rerun goes on from there
        raise
    commit()
    return AddSummary(added=added, unchanged=todo.skipped + written - added, failures=tuple(failures))

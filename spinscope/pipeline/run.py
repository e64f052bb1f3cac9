"""The one way in: ``analyze_many`` runs the pipeline over documents on an executor.

The CLI (``analyze``, ``predict``), the web app and ``analyze()`` all go through it, so a new
stage or a new executor reaches every door at once. Reading is separate (``read``,
``read_many``): analysis never guesses whether a string is a path, a URL or text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import cache, partial
from pathlib import Path

from spinscope.document import Analysis, Document, Failure, Pending
from spinscope.errors import AnalysisTimeoutError, EncodingError, FetchError, InputError, SpinscopeError, UsageError, WorkerLostError
from spinscope.pipeline.executors import Executor, SerialExecutor
from spinscope.pipeline.options import AnalyzeOptions
from spinscope.pipeline.stage import Pipeline
from spinscope.settings import IngestOptions


@cache
def pipeline_for(options: AnalyzeOptions) -> Pipeline:
    """The pipeline these options describe, built once per process (models load on first use)."""
    return Pipeline(options.build(), options.record())


Item = Document | Failure | Pending


def _analyse(options: AnalyzeOptions, item: Item) -> Analysis | Failure:
    """One item's analysis, a Pending item read first (here, so within the budget); a Failure
    from reading passes through."""
    if isinstance(item, Failure):
        return item
    if isinstance(item, Pending):
        from spinscope.ingest import read_pending

        item = read_pending(item, options.ingest)
    _refuse_surrogates(item)
    return pipeline_for(options)(item)


def _recover(keep_going: bool, item: Item, exc: SpinscopeError) -> Analysis | Failure:
    """What a document whose reading or analysis failed becomes: with ``keep_going``, a Failure
    when the document was at fault (it cannot be read or analysed, or it spent its time or memory
    budget, or killed every worker that tried it) so that a batch goes on; anything else (a missing
    model, a broken stage) stops it."""
    if keep_going and isinstance(exc, (InputError, FetchError, AnalysisTimeoutError, WorkerLostError)):
        if isinstance(item, Document):
            return Failure.of(item.source or item.id, exc)
        if isinstance(item, Pending):
            return Failure.of(item.source or item.location, exc)
    raise exc


_SURROGATE = re.compile("[\ud800-\udfff]")


def _refuse_surrogates(doc: Document) -> None:
    """A lone surrogate ("\\ud800", left by errors="surrogateescape" or a JSON escape) is not a
    character: no model can read it and no UTF-8 output can carry it."""
    for name, value in (("text", doc.text), *doc.metadata().items()):
        if isinstance(value, str) and (found := _SURROGATE.search(value)):
            raise EncodingError(
                f"{doc.source or doc.id}: the {name} holds a lone surrogate (U+{ord(found.group()):04X} at character {found.start()}), "
                "which is not text; decode the bytes as UTF-8 with errors='replace', or drop the character"
            )


def analyze_many(
    items: Iterable[Item],
    options: AnalyzeOptions | None = None,
    executor: Executor | None = None,
    *,
    keep_going: bool = True,
) -> Iterator[Analysis | Failure]:
    """An Analysis (or the Failure) for each item, in input order.

    Failures from reading pass through untouched; Pending items (``read_inputs(..., deferred=True)``)
    are read where they are analysed. ``executor`` decides where the work runs
    (default: here, one document at a time, with no budget; ``LocalExecutor(timeout=...,
    memory_mb=...)`` gives each document a budget); the results are the same wherever it runs.
    ``keep_going=False`` raises the first error instead of recording it.
    """
    options = options or AnalyzeOptions()
    options.check()  # unknown detectors, missing models: fail here, before any work starts
    return (executor or SerialExecutor()).map(partial(_analyse, options), items, partial(_recover, keep_going))


_URL = re.compile(r"https?://\S+", re.IGNORECASE)


def analyze(text: str | Document, options: AnalyzeOptions | None = None, **changes: object) -> Analysis:
    """Analyse an article given as its text or as a Document; raises what went wrong.

    Keyword arguments change one option for this call: a stage option (``detector``,
    ``min_score``), an ingest limit (``max_bytes``) or ``stages``. To analyse a file or a URL,
    read it first: ``analyze(read("story.html"))``.
    """
    options = (options or AnalyzeOptions()).merged(changes)
    if isinstance(text, Document):
        doc = text
    elif isinstance(text, str):
        _refuse_a_source(text)
        from spinscope.ingest import document_from_text

        doc = document_from_text(text, options.ingest)
    else:
        raise UsageError(f"analyze() takes the article text (a str) or a Document, not {type(text).__name__}; for a file or URL use analyze(read(...))")
    result = next(analyze_many([doc], options, keep_going=False))
    assert isinstance(result, Analysis)
    return result


def _refuse_a_source(text: str) -> None:
    """analyze() once read a string as a path or URL when one existed; say how to do that now
    rather than analyse the name as if it were the article."""
    value = text.strip()
    if _URL.fullmatch(value):
        raise UsageError(f"analyze() takes the article text, not a URL: use spinscope.analyze(spinscope.read({value[:200]!r}))")
    if "\n" not in value and len(value) <= 4096:
        try:
            is_path = value == "-" or Path(value).exists()
        except OSError:
            is_path = False
        if is_path:
            raise UsageError(f"analyze() takes the article text, not a file name: use spinscope.analyze(spinscope.read({value!r}))")


def read(source: str | Path, options: IngestOptions | None = None, **changes: object) -> Document:
    """The one document a path, a URL or ``-`` (stdin) names; raises what went wrong.

    Keyword arguments change ingest limits for this call (``max_bytes``, ``allow_private`` ...).
    """
    from spinscope.ingest import read_one

    ingest = AnalyzeOptions(ingest=options or IngestOptions()).merged(changes).ingest
    return read_one(str(source), ingest)


def read_many(sources: Iterable[str | Path], options: IngestOptions | None = None) -> Iterator[Document | Failure]:
    """Every document in files, folders, JSONL files and URLs, in order; what cannot be read becomes a Failure."""
    from spinscope.ingest import read_inputs

    return read_inputs([str(s) for s in sources], options or IngestOptions())

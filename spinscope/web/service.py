"""What one analysis request does, away from HTTP: read the input, analyse it, save it.

Runs in a worker thread (see worker.py). User text is only ever treated as text: it becomes a
Document through ``document_from_text`` before it reaches the pipeline, so no string is ever
read as a path. URLs must be http(s) and go straight to the SSRF-safe fetcher.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, replace
from pathlib import PurePath
from typing import Any

from spinscope.document import Document
from spinscope.errors import AnalysisTimeoutError, InputError, UnsupportedInputError
from spinscope.ingest.decode import too_large
from spinscope.ingest.documents import HTML_SUFFIXES, TEXT_SUFFIXES, document_from_bytes, document_from_text, document_from_url
from spinscope.pipeline import AnalyzeOptions, analyze, pipeline_for
from spinscope.store import RequestKey, Store
from spinscope.pipeline.children import Children

UPLOAD_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES


@dataclass(frozen=True, slots=True)
class Metadata:
    """What the submitter may say about the article; each field replaces what ingest found."""

    title: str | None = None
    outlet: str | None = None
    published: str | None = None

    def check(self, max_chars: int) -> "Metadata":
        for name in ("title", "outlet", "published"):
            value = getattr(self, name)
            if value is not None and len(value) > max_chars:
                raise InputError(f"{name} is {len(value):,} characters long; the limit is {max_chars:,}")
        return Metadata(*(v.strip() if v and v.strip() else None for v in (self.title, self.outlet, self.published)))


@dataclass(frozen=True, slots=True)
class Submission:
    """Exactly one of text, url or upload (file name and bytes)."""

    text: str | None = None
    url: str | None = None
    upload_name: str | None = None
    upload: bytes | None = None
    metadata: Metadata = Metadata()

    def __post_init__(self) -> None:
        given = [name for name, value in (("text", self.text), ("url", self.url), ("file", self.upload_name)) if value]
        if len(given) != 1:
            what = "nothing" if not given else " and ".join(given)
            raise InputError(f"give exactly one of: text, a URL or a file (got {what})")


def read_submission(sub: Submission, options: AnalyzeOptions) -> Document:
    ingest = options.ingest
    if sub.text:
        doc = document_from_text(sub.text, ingest, source="pasted text")
    elif sub.url:
        url = sub.url.strip()
        if not url.lower().startswith(("http://", "https://")):
            raise UnsupportedInputError(f"only http:// and https:// URLs can be fetched, not {url[:80]!r}")
        doc = document_from_url(url, ingest)
    else:
        doc = _read_upload(sub.upload_name or "", sub.upload or b"", ingest.max_bytes)
    meta = sub.metadata
    return replace(doc, title=meta.title or doc.title, outlet=meta.outlet or doc.outlet, published=meta.published or doc.published)


def _read_upload(name: str, data: bytes, max_bytes: int) -> Document:
    base = PurePath(name.replace("\\", "/")).name[:200] or "upload"
    suffix = PurePath(base).suffix.lower()
    if suffix not in UPLOAD_SUFFIXES:
        raise UnsupportedInputError(f"{base}: cannot read {suffix or 'a file without an extension'}; upload a .txt, .html or .htm file")
    if len(data) > max_bytes:
        raise too_large(base, max_bytes, len(data))
    doc = document_from_bytes(data, source=f"upload:{base}", html=suffix in HTML_SUFFIXES)
    return doc if doc.title else replace(doc, title=base)


def warm_up(options: AnalyzeOptions) -> None:
    """What each analysis child does as it starts: load the models, so that no request waits for them."""
    pipeline_for(options)


def analyse_submission(sub: Submission, options: AnalyzeOptions) -> dict[str, Any]:
    """Read and analyse one submission: what a child process runs, so that it can be stopped."""
    return analyze(read_submission(sub, options), options).to_dict()


class RunningKeys:
    """Idempotency keys whose request is being analysed now: a retry that arrives meanwhile waits
    for the first one and gets its answer, instead of running the model a second time."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running: dict[str, threading.Event] = {}

    @contextmanager
    def first(self, key: str, deadline: float) -> Iterator[None]:
        """Holds ``key`` while the block runs; waits (until ``deadline``) while another holds it."""
        while True:
            with self._lock:
                running = self._running.get(key)
                if running is None:
                    mine = self._running[key] = threading.Event()
                    break
            if not running.wait(max(0.0, deadline - time.monotonic())):
                raise AnalysisTimeoutError("a request with the same Idempotency-Key is still being analysed; retry later with that key")
        try:
            yield
        finally:
            with self._lock:
                del self._running[key]
            mine.set()


def analyse_and_save(
    sub: Submission,
    options: AnalyzeOptions,
    store: Store,
    children: Children,
    deadline: float,
    request_key: RequestKey | None = None,
    running: RunningKeys | None = None,
) -> tuple[int, dict[str, Any]]:
    """Blocking: read and analyse one submission in a child process stopped at ``deadline``, then
    store it; returns the stored id and the analysis.

    With `request_key`, a request seen before returns the analysis stored for it (ConflictError if
    the key came with another request); with `running` too, a retry that arrives while the first
    is analysed waits for it rather than analysing again.
    """
    if request_key is None:
        analysis = children.call(analyse_submission, sub, options, deadline=deadline)
        return store.save(analysis), analysis
    with running.first(request_key.key, deadline) if running is not None else nullcontext():
        earlier = store.find(request_key)
        if earlier is not None:
            return earlier
        analysis = children.call(analyse_submission, sub, options, deadline=deadline)
        return store.save(analysis, request_key), analysis

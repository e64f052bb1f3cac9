"""What the store is opened with and what it gives back, apart from analyses themselves."""

from __future__ import annotations

from dataclasses import dataclass

from spinscope.settings import check_defaults


@dataclass(frozen=True, slots=True)
class StoreOptions:
    """How the store waits for other writers; defaults come from spinscope.settings.SETTINGS."""

    busy_timeout_ms: int = 5_000


check_defaults(StoreOptions, "store")


@dataclass(frozen=True, slots=True)
class AnalysisRow:
    """One saved analysis as the list of past analyses shows it (no text, no spans)."""

    id: int
    created: str
    document_id: str
    title: str | None
    url: str | None
    outlet: str | None
    source: str | None
    detector: str
    span_count: int


@dataclass(frozen=True, slots=True)
class Page:
    """A page of rows, newest first; `truncated` says older rows exist beyond it."""

    rows: tuple[AnalysisRow, ...]
    truncated: bool


@dataclass(frozen=True, slots=True)
class Example:
    """A stored technique span, for the technique guide."""

    analysis_id: int
    label: str
    score: float | None
    text: str


@dataclass(frozen=True, slots=True)
class RequestKey:
    """A client's idempotency key for one request, and the SHA-256 of that request."""

    key: str
    request_sha256: str

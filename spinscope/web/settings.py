"""Every limit the web app enforces, in one table with its help text.

These sit beside spinscope.settings.SETTINGS (the ingest limits, which the web app also applies:
``max_bytes`` for pasted text, uploads and fetched pages, ``fetch_timeout``, ``max_redirects``).
"""

from __future__ import annotations

from dataclasses import dataclass

from spinscope.settings import Setting, check_defaults

WEB_SETTINGS: tuple[Setting, ...] = (
    Setting("max_body_bytes", 6_000_000, "Largest request body (JSON or form, upload included) in bytes; a larger one gets 413 before it is parsed."),
    Setting("analysis_workers", 2, "Analyses (fetch, model, save) that run at once, each in a worker thread."),
    Setting("analysis_queue", 16, "Analyses that may wait for a worker; one more gets 503 at once instead of queueing."),
    Setting("analysis_timeout", 60.0, "Seconds a request waits for its analysis (fetch included) before it gets 504."),
    Setting("page_size", 50, "Past analyses listed per page."),
    Setting("guide_examples", 3, "Examples shown per technique in the technique guide."),
    Setting("max_field_chars", 500, "Longest title, outlet or published date accepted with an analysis."),
)


@dataclass(frozen=True, slots=True)
class WebOptions:
    """How the web app limits itself; defaults come from WEB_SETTINGS."""

    max_body_bytes: int = 6_000_000
    # The baseline model holds the GIL most of the time: on a 2-CPU machine 4 threads gave no more
    # requests/s than 2 (about 25-30) and slowed /api/health's p99 from ~25 to ~85 ms at 16 clients
    # (benchmarks/web_load.py). A model that releases the GIL (ONNX Runtime) wants more.
    analysis_workers: int = 2
    analysis_queue: int = 16
    analysis_timeout: float = 60.0
    page_size: int = 50
    guide_examples: int = 3
    max_field_chars: int = 500


check_defaults(WEB_SETTINGS, WebOptions)

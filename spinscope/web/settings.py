"""The web app's limits as an options object; their rows (scope "web") are in spinscope.settings.SETTINGS."""

from __future__ import annotations

from dataclasses import dataclass

from spinscope.settings import check_defaults


@dataclass(frozen=True, slots=True)
class WebOptions:
    """How the web app limits itself; defaults come from SETTINGS."""

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
    header_timeout: float = 10.0
    body_timeout: float = 30.0
    max_connections: int = 256


check_defaults(WebOptions, "web")

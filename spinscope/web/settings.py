"""The web app's limits as an options object; their rows (scope "web") are in spinscope.settings.SETTINGS."""

from __future__ import annotations

from dataclasses import dataclass

from spinscope.settings import check_defaults


@dataclass(frozen=True, slots=True)
class WebOptions:
    """How the web app limits itself; defaults come from SETTINGS."""

    max_body_bytes: int = 6_000_000
    # One child process each (pipeline/children.py), with cores / workers model threads: on 2 cores, 2
    # workers gave 2.98 requests/s at 4 clients against 2.35 with the threads they replaced
    # (benchmarks/web_load.py, the aleppo article).
    analysis_workers: int = 2
    analysis_queue: int = 16
    analysis_timeout: float = 60.0
    analysis_memory_mb: int = 2_000
    page_size: int = 50
    guide_examples: int = 3
    max_field_chars: int = 500
    header_timeout: float = 10.0
    body_timeout: float = 30.0
    max_connections: int = 256


check_defaults(WebOptions, "web")

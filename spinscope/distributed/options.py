"""How a Dask batch is cut and where it runs; rows (scope "batch") in spinscope.settings.SETTINGS.

Kept apart from the modules that import Dask, so that the CLI builds its options without it.
"""

from __future__ import annotations

from dataclasses import dataclass

from spinscope.settings import check_defaults


@dataclass(frozen=True, slots=True)
class BatchOptions:
    partition_size: int = 25
    local_workers: int = 0
    worker_memory_mb: int = 4_000


check_defaults(BatchOptions, "batch")

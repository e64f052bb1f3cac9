"""The Dask cluster a batch runs on: an existing scheduler, or a LocalCluster of processes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import dask
from distributed import Client, LocalCluster

from spinscope.errors import UsageError
from spinscope.pipeline.children import cores


@contextmanager
def connect(scheduler: str | None, local_workers: int, memory_mb: int, timeout: float = 10.0) -> Iterator[tuple[Client, int]]:
    """A client and the model threads each worker should use (0: let each worker decide from its
    machine's cores). With ``scheduler`` (``tcp://host:port``) the cluster is someone else's and
    only the client is closed; otherwise ``local_workers`` worker processes (0: one per core) of
    one task thread and ``memory_mb`` each start here and stop on the way out, Ctrl-C included."""
    if scheduler:
        try:
            client = Client(scheduler, timeout=timeout)
        except (OSError, TimeoutError, ValueError) as exc:
            raise UsageError(f"cannot reach the Dask scheduler at {scheduler} ({exc}); start one with `dask scheduler` or drop --scheduler") from None
        with client:
            yield client, 0
        return
    workers = local_workers or cores()
    # Without the workers' statistical profiler (a stack sample of every thread each 10 ms): it
    # cost the transformer 30% or more of its speed (benchmarks/batch_dask.py; 35 s against 25 s
    # for the 90 PTC articles on one worker). The nannies hand this setting to each worker they start.
    with dask.config.set({"distributed.worker.profile.enabled": False}):
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, memory_limit=f"{memory_mb}MiB", dashboard_address=":0")
    try:
        with Client(cluster) as client:
            yield client, max(1, cores() // workers)
    finally:
        cluster.close()

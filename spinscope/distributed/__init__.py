"""The same pipeline on a Dask cluster (needs the ``dask`` extra: ``pip install 'spinscope[dask]'``).

    executor.py  DaskExecutor (the Executor protocol over partitions) and the worker plugin that
                 loads the models once per worker
    cluster.py   connect to a scheduler or start a LocalCluster, closed on the way out
    plan.py      partitions of a batch's inputs (file groups, JSONL byte ranges) that workers read
    output.py    Parquet files per partition and the manifest of finished partitions
    batch.py     ``spinscope batch``: plan, skip what is done, analyse on the cluster, write

Nothing here is imported by ``import spinscope``; Dask and pyarrow load when a batch starts.
"""

from __future__ import annotations

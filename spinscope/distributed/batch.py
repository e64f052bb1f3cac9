"""``spinscope batch``: a corpus analysed on a Dask cluster into Parquet, resumable.

The driver plans partitions (plan.py), skips those the manifest says are done, and submits the
rest, one task each, through a DaskExecutor; each worker reads its partition's files, URLs or JSONL
lines itself and returns its rows, and the driver alone writes them (output.py), and with a store
also into it, a partition per transaction (``Store.add_many``, as ``spinscope corpus add`` writes),
before its manifest line: a partition written again after a crash adds nothing twice, since the
store skips a text its pipeline has analysed. The results equal
``analyze_many`` with a SerialExecutor over the same inputs: a test compares them.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import closing
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path
from typing import Any

from distributed import Client

from spinscope.document import Analysis, Failure
from spinscope.errors import SpinscopeError, WorkerLostError
from spinscope.distributed.executor import DaskExecutor, LoadModels
from spinscope.distributed.output import Output
from spinscope.distributed.plan import Partition, plan
from spinscope.pipeline import AnalyzeOptions, SerialExecutor
from spinscope.pipeline.run import _analyse, _recover, pipeline_for
from spinscope.store import Store

Results = list[Analysis | Failure]


@dataclass(frozen=True, slots=True)
class Summary:
    partitions: int  # in the plan
    skipped: int  # done by an earlier run
    documents: int  # analysed by this run
    failures: int  # recorded with their error by this run
    spans: int


def settings(options: AnalyzeOptions, partition_size: int) -> dict[str, Any]:
    """What a manifest records and a rerun must match: whatever changes the rows or the partitions."""
    return {"analysis": options.record(), "ingest": asdict(options.ingest), "partition_size": partition_size}


def warm(options: AnalyzeOptions) -> None:
    """Load the models: what each worker does once, as it starts."""
    from spinscope.ingest import document_from_text

    pipeline_for(options)(document_from_text("The models load once, before the first partition arrives.", options.ingest))


def analyse_partition(options: AnalyzeOptions, part: Partition) -> Results:
    """What a task runs: read the partition here, analyse each document, a failed one recorded."""
    return list(SerialExecutor().map(partial(_analyse, options), part.read(options.ingest), partial(_recover, True)))


def _keep_lost(part: Partition, exc: SpinscopeError) -> Results | WorkerLostError:
    if isinstance(exc, WorkerLostError):
        return exc  # the driver splits the partition to find the document at fault
    raise exc  # a missing model, a broken stage: every partition would fail


class Batch:
    """One batch: planned, and checked against ``out``'s manifest, as it is made (so a bad input or
    a manifest of other options fails before a cluster starts); ``run`` analyses what is left."""

    def __init__(self, inputs: list[str], out: Path, options: AnalyzeOptions, partition_size: int, store: Store | None = None) -> None:
        options.check()
        self.options = options
        self.store = store
        self.parts = plan(inputs, options.ingest, partition_size)
        self.output = Output(out, settings(options, partition_size))
        self.todo = [p for p in self.parts if p.key not in self.output.done]

    @property
    def documents(self) -> int:
        """How many results the partitions left to do give."""
        return sum(p.size for p in self.todo)

    def run(self, client: Client, threads: int = 0, advance: Callable[[int], None] = lambda n: None, *, local: bool = False) -> Summary:
        """Analyse what is left on ``client``'s cluster (``threads`` model threads a worker, 0: its
        cores over its task threads; ``local``: a cluster this process started, whose workers
        leave Ctrl-C to it); ``advance(documents)`` as each partition is written."""
        parts, todo, output = self.parts, self.todo, self.output
        output.prepare()
        if not todo:
            return Summary(len(parts), len(parts), 0, 0, 0)
        client.register_plugin(LoadModels(partial(warm, self.options), threads, local))
        executor = DaskExecutor(client, partition_size=1)
        fn = partial(analyse_partition, self.options)
        documents = failures = spans = 0
        with closing(executor.map(fn, todo, _keep_lost)) as results_of:
            for part, results in zip(todo, results_of, strict=True):
                if isinstance(results, WorkerLostError):
                    results = _isolate(part, DaskExecutor(client, partition_size=1, ahead=1), fn, self.options)
                if self.store is not None:
                    self.store.add_many([r.to_dict() for r in results if isinstance(r, Analysis)], [r for r in results if isinstance(r, Failure)])
                entry = output.write(part.key, part.label, results)
                documents, failures, spans = documents + entry["documents"], failures + entry["failures"], spans + entry["spans"]
                advance(part.size)
        return Summary(len(parts), len(parts) - len(todo), documents, failures, spans)


def _isolate(part: Partition, executor: DaskExecutor, fn: Callable[[Partition], Results], options: AnalyzeOptions) -> Results:
    """The results of a partition Dask gave up on: its documents one per task, one task at a time
    (``executor`` has ``ahead=1``: a sibling sharing the worker would die with it and be lost too),
    so that only the one that kills its worker is lost, recorded as a failure."""
    if part.size == 1:
        source = part.pending[0].source or part.pending[0].location if part.pending else part.label
        return [Failure.of(source, WorkerLostError(f"{source}: every worker that analysed it died (killed, out of memory or crashed) until Dask gave up"))]
    results: Results = []
    singles = part.split(options.ingest)
    for single, result in zip(singles, executor.map(fn, singles, _keep_lost), strict=True):
        results += _isolate(single, executor, fn, options) if isinstance(result, WorkerLostError) else result
    return results

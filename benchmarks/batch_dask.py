"""spinscope batch on Dask against the single-process path, and what 1 million articles would take.

Measures, on the 90 unlabeled PTC articles (the median of --runs runs each, models loaded before
the clock starts, as a long batch amortises them):

* articles/s of ``analyze_many`` with a SerialExecutor (one process, the model's threads on every core)
  and with the LocalExecutor ``analyze`` uses (one single-threaded child per core);
* articles/s of ``Batch.run`` (partitions on a LocalCluster, Parquet written) with 1 worker (all
  cores its model's threads) and with 2 single-threaded workers;
* the scheduler's cost per partition (empty tasks submitted and gathered in bulk) and the
  driver's (a partition's two Parquet files and its manifest line);

then projects, from those figures and the assumptions it prints, the time and cost of 1 million
articles on N workers.

    .venv/bin/python benchmarks/batch_dask.py                      # transformer, 3 runs
    .venv/bin/python benchmarks/batch_dask.py --detector baseline --runs 1
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from functools import partial
from pathlib import Path

from spinscope.distributed.batch import Batch, analyse_partition, warm
from spinscope.distributed.cluster import connect
from spinscope.distributed.executor import LoadModels, _run_partition
from spinscope.distributed.options import BatchOptions
from spinscope.distributed.output import Output
from spinscope.ingest import read_inputs
from spinscope.pipeline import AnalyzeOptions, LocalExecutor, SerialExecutor, analyze_many
from spinscope.pipeline.children import cores
from spinscope.techniques.stage import TechniqueOptions

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
ARTICLES = (SHARED if SHARED.is_dir() else Path("/work/shared")) / "data" / "ptc" / "unlabeled" / "articles"
MILLION = 1_000_000


def median_rate(n: int, runs: int, once: object) -> tuple[float, list[float]]:
    """Articles/s of the median run of ``once()`` over ``n`` articles, and every run's seconds."""
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        once()  # type: ignore[operator]
        seconds.append(time.perf_counter() - started)
    return n / statistics.median(seconds), seconds


def single_process(options: AnalyzeOptions, runs: int, executor: SerialExecutor | LocalExecutor) -> tuple[float, list[float]]:
    def once() -> None:
        results = list(analyze_many(read_inputs([str(ARTICLES)], options.ingest, deferred=True), options, executor))
        assert len(results) == 90

    return median_rate(90, runs, once)


def on_dask(options: AnalyzeOptions, runs: int, workers: int, partition_size: int) -> tuple[float, list[float], float, float]:
    """Articles/s of Batch.run on ``workers`` local workers, and the scheduler's and the driver's seconds per partition."""
    with connect(None, workers, BatchOptions().worker_memory_mb) as (client, threads):
        client.register_plugin(LoadModels(partial(warm, options), threads))  # models loaded before the clock starts

        def once() -> None:
            with tempfile.TemporaryDirectory() as out:
                summary = Batch([str(ARTICLES)], Path(out), options, partition_size).run(client, threads)
                assert summary.documents + summary.failures == 90

        rate, seconds = median_rate(90, runs, once)
        tasks = 400
        started = time.perf_counter()
        client.gather([client.submit(_run_partition, len, [], pure=False) for _ in range(tasks)])
        scheduler = (time.perf_counter() - started) / tasks
        part = Batch([str(ARTICLES)], Path(tempfile.mkdtemp()), options, partition_size).parts[0]
        results = analyse_partition(options, part)
        with tempfile.TemporaryDirectory() as out:
            output = Output(Path(out), {"benchmark": True})
            output.prepare()
            started = time.perf_counter()
            for i in range(10):
                output.write(f"p{i}", part.label, results)
            driver = (time.perf_counter() - started) / 10
    return rate, seconds, scheduler, driver


def show(name: str, rate: float, seconds: list[float]) -> None:
    best = 90 / min(seconds)  # on a shared machine the least disturbed run says more than the median
    print(f"  {rate:6.2f} articles/s (best run {best:6.2f})  {name}  (runs: {', '.join(f'{s:.1f}' for s in seconds)} s)", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--detector", default="transformer")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--partition-size", type=int, default=BatchOptions().partition_size)
    parser.add_argument("--core-hour", type=float, default=0.04, help="price of one core-hour in USD for the cost projection (on-demand cloud vCPU, 2026)")
    args = parser.parse_args()
    if len(list(ARTICLES.glob("*.txt"))) != 90:
        raise SystemExit(f"the 90 unlabeled PTC articles are not at {ARTICLES}")
    options = AnalyzeOptions(technique=TechniqueOptions(detector=args.detector))
    warm(options)
    print(f"detector {args.detector}, {cores()} cores, median of {args.runs} run(s), 90 articles, partitions of {args.partition_size}", flush=True)
    show("one process (SerialExecutor)", *single_process(options, args.runs, SerialExecutor()))
    show("local children (LocalExecutor, analyze's default; children start and load models within each run)", *single_process(options, args.runs, LocalExecutor()))
    dask = {}
    for workers in (1, 2):
        rate, seconds, scheduler, driver = dask[workers] = on_dask(options, args.runs, workers, args.partition_size)
        show(f"Dask LocalCluster, {workers} worker(s), Parquet written", rate, seconds)
    _, _, scheduler, driver = dask[2]
    print(f"  scheduler: {scheduler * 1000:.1f} ms per task (400 empty partitions submitted and gathered in bulk)")
    print(f"  driver: {driver * 1000:.1f} ms per partition of {args.partition_size} (two Parquet files, one manifest line, fsync)")

    per_worker = dask[2][0] / 2  # a single-threaded worker on one core, as measured with two on two cores
    partitions = MILLION / args.partition_size
    serial_floor = partitions * (scheduler + driver)  # the scheduler and the driver handle partitions one at a time
    print(f"\nProjection to {MILLION:,} articles (partitions of {args.partition_size}: {partitions:,.0f} tasks)")
    print("  assumptions: each worker is one core like these, single-threaded, and analyses "
          f"{per_worker:.2f} articles/s (the 2-worker figure over 2); articles as long as PTC's (~4,500 characters);")
    print("  workers scale linearly until the scheduler and the driver, which take each partition in turn, become the limit; "
          "reading inputs is local to each worker (no fetches), models loaded once per worker (not counted);")
    print(f"  cost = workers x hours x ${args.core_hour:.2f} per core-hour; the scheduler and the driver's machine not counted.")
    print(f"  {'workers':>8s} {'hours':>8s} {'USD':>8s}  limit")
    for n in (2, 8, 32, 128, 512, 2048):
        compute = MILLION / (per_worker * n)
        hours = max(compute, serial_floor) / 3600
        limit = "workers" if compute >= serial_floor else "scheduler + driver"
        print(f"  {n:8d} {hours:8.2f} {n * hours * args.core_hour:8.2f}  {limit}")


if __name__ == "__main__":
    main()

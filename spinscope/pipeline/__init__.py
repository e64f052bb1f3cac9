"""One pipeline of stages and the one way into it.

    stage.py      Stage (the protocol every stage fills) and Pipeline (runs and checks stages)
    options.py    AnalyzeOptions and the registry of stages by name
    executors.py  where the work runs: here, local child processes (Dask: spinscope.distributed.executor)
    children.py   child processes stopped at a deadline or past a memory budget
    run.py        analyze_many, analyze, read, read_many
"""

from __future__ import annotations

from spinscope.pipeline.executors import Executor, LocalExecutor, ProcessExecutor, SerialExecutor
from spinscope.pipeline.options import DEFAULT_STAGES, STAGES, AnalyzeOptions
from spinscope.pipeline.run import analyze, analyze_many, pipeline_for, read, read_many
from spinscope.pipeline.stage import Pipeline, Stage

__all__ = [
    "DEFAULT_STAGES",
    "STAGES",
    "AnalyzeOptions",
    "Executor",
    "LocalExecutor",
    "Pipeline",
    "ProcessExecutor",
    "SerialExecutor",
    "Stage",
    "analyze",
    "analyze_many",
    "pipeline_for",
    "read",
    "read_many",
]

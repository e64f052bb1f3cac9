"""``spinscope analyze``: read inputs, analyse each, write text, JSON (Lines) or HTML."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import IO

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from spinscope.document import Analysis, Failure
from spinscope.pipeline import AnalyzeOptions, LocalExecutor, analyze_many


def _analyse_all(inputs: list[str], options: AnalyzeOptions, workers: int, err: Console) -> list[Analysis | Failure]:
    from spinscope.ingest import read_inputs

    results: list[Analysis | Failure] = []
    columns = (SpinnerColumn(), TextColumn("analysing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err, transient=True, disable=not err.is_terminal) as progress:
        task = progress.add_task("analysing", total=None)
        items = read_inputs(inputs, options.ingest, stdin=sys.stdin.buffer)
        for result in analyze_many(items, options, LocalExecutor(workers)):
            results.append(result)
            progress.advance(task)
    return results


def _report_failures(results: list[Analysis | Failure], err: Console) -> int:
    """Print each failure; the exit code is the error's own for a single input, 1 for a batch."""
    failures = [r for r in results if isinstance(r, Failure)]
    if not failures:
        return 0
    for f in failures:
        where = "" if f.source in f.message else f"{f.source}: "
        err.print(f"[red]error:[/red] {where}{f.message}", highlight=False, soft_wrap=True)
    return failures[0].exit_code if len(results) == 1 else 1


def _write_html(analyses: list[Analysis], output: Path | None, err: Console) -> None:
    from spinscope.report.html import render

    if len(analyses) == 1 and (output is None or not output.is_dir()):
        target = output or Path(f"spinscope-report-{_safe_name(analyses[0].document.id)}.html")
        target.write_text(render(analyses[0].to_dict()), encoding="utf-8")
        err.print(f"report written to {target.resolve()}", highlight=False, soft_wrap=True)
        return
    folder = output or Path("spinscope-reports")
    folder.mkdir(parents=True, exist_ok=True)
    used: set[str] = set()
    for analysis in analyses:
        name = _safe_name(analysis.document.id)
        stem, n = name, 1
        while name.lower() in used:  # two ids can map to one file name (a/x and a_x): never overwrite a report
            n += 1
            name = f"{stem}-{n}"
        used.add(name.lower())
        target = folder / f"{name}.html"
        target.write_text(render(analysis.to_dict()), encoding="utf-8")
    err.print(f"{len(analyses)} reports written to {folder.resolve()}", highlight=False, soft_wrap=True)


def _safe_name(doc_id: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in doc_id)[:100] or "document"


def _write_stream(results: list[Analysis | Failure], fmt: str, out: IO[str]) -> None:
    if fmt == "json":
        if len(results) == 1:
            if isinstance(results[0], Analysis):
                out.write(json.dumps(results[0].to_dict(), ensure_ascii=False, indent=2) + "\n")
        else:
            for r in results:
                out.write(json.dumps(r.to_dict(), ensure_ascii=False) + "\n")
        return
    from spinscope.report.terminal import render

    console = Console(file=out, width=None if out is sys.stdout else 160)
    for r in results:
        if isinstance(r, Analysis):
            render(r.to_dict(), console)


def run_analyze(inputs: list[str], fmt: str, output: Path | None, options: AnalyzeOptions, err: Console, workers: int = 0) -> int:
    """Analyse everything, write the chosen format, report failures; returns the exit code."""
    results = _analyse_all(inputs, options, workers, err)
    analyses = [r for r in results if isinstance(r, Analysis)]
    if fmt == "html":
        if analyses:
            _write_html(analyses, output, err)
    elif output is not None:
        with output.open("w", encoding="utf-8") as fh:
            _write_stream(results, fmt, fh)
        err.print(f"written to {output.resolve()}", highlight=False, soft_wrap=True)
    else:
        _write_stream(results, fmt, sys.stdout)
    return _report_failures(results, err)

"""``spinscope analyze``: read inputs, analyse each, write text, JSON (Lines) or HTML."""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path
from typing import IO

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from spinscope.cli.console import check_output, counted, failed, say, warning, write_text, writing
from spinscope.document import DECODING, Analysis, Failure
from spinscope.errors import EncodingError
from spinscope.pipeline import AnalyzeOptions, Executor, analyze_many


def _analyse_all(inputs: list[str], options: AnalyzeOptions, executor: Executor, err: Console) -> list[Analysis | Failure]:
    """Every result, in order, with a progress bar on a terminal: its total is counted first (file
    names and JSONL lines, no document read), so that it can show how many are left and an ETA."""
    from spinscope.ingest import count_inputs, read_inputs

    results: list[Analysis | Failure] = []
    columns = (SpinnerColumn(), TextColumn("analysing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn())
    with Progress(*columns, console=err, transient=True, disable=not err.is_terminal) as progress:
        task = progress.add_task("analysing", total=count_inputs(inputs, options.ingest) if err.is_terminal else None)
        items = read_inputs(inputs, options.ingest, stdin=sys.stdin.buffer, deferred=True)
        for result in analyze_many(items, options, executor):
            results.append(result)
            progress.advance(task)
    return results


def _report_failures(results: list[Analysis | Failure], err: Console) -> int:
    """Print each failure; the exit code is the error's own for a single input, 1 for a batch."""
    failures = [r for r in results if isinstance(r, Failure)]
    if not failures:
        return 0
    for f in failures:
        failed(err, f)
    return failures[0].exit_code if len(results) == 1 else 1


def _write_html(results: list[Analysis | Failure], output: Path | None, err: Console) -> None:
    """One report for one document (to ``output`` or a file named for it); for several, a folder
    of reports with an ``index.html`` listing each with its counts, and the inputs that failed."""
    from spinscope.report.html import render
    from spinscope.report.index import Entry, render_index

    analyses = [r for r in results if isinstance(r, Analysis)]
    if len(results) == 1 and len(analyses) == 1 and (output is None or not output.is_dir()):
        target = output or Path(f"spinscope-report-{_safe_name(analyses[0].document.id)}.html")
        write_text(target, render(analyses[0].to_dict()))
        say(err, f"report written to {target.resolve()}")
        return
    folder = output or Path("spinscope-reports")
    with writing(folder):
        folder.mkdir(parents=True, exist_ok=True)
    used = {"index"}  # the index page's name; a document called "index" gets index-2.html
    entries = []
    for result in results:
        if isinstance(result, Failure):
            entries.append(Entry(result.source, error=result.message))
            continue
        name = _safe_name(result.document.id)
        stem, n = name, 1
        while name.lower() in used:  # two ids can map to one file name (a/x and a_x): never overwrite a report
            n += 1
            name = f"{stem}-{n}"
        used.add(name.lower())
        data = result.to_dict()
        write_text(folder / f"{name}.html", render(data))
        entries.append(Entry(result.document.source or result.document.id, f"{name}.html", data))
    write_text(folder / "index.html", render_index(entries))
    say(err, f"{counted(len(analyses), 'report')} written to {folder.resolve()}; open index.html for the list")


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

    console = Console(file=out, width=None if out is sys.stdout else 160, markup=False)
    for r in results:
        if isinstance(r, Analysis):
            render(r.to_dict(), console)


def _writable(result: Analysis | Failure) -> Analysis | Failure:
    """``result`` if UTF-8 can write all of it; the last line of defence against a lone surrogate
    ("\\ud800"): an analysis holding one becomes a Failure for that document and the batch goes on,
    a failure record has it escaped."""
    if isinstance(result, Failure):
        return dataclasses.replace(result, source=_escape_surrogates(result.source), message=_escape_surrogates(result.message))
    try:
        json.dumps(result.to_dict(), ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as exc:
        char = f"U+{ord(exc.object[exc.start]):04X}"
        source = _escape_surrogates(result.document.source or result.document.id)
        return Failure.of(source, EncodingError(f"{source}: holds a lone surrogate ({char}), which no UTF-8 output can carry; repair the text and analyse it again"))
    return result


def _escape_surrogates(text: str) -> str:
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def write_results(results: list[Analysis | Failure], fmt: str, output: Path | None, err: Console) -> list[Analysis | Failure]:
    """Write the chosen format to ``output`` (stdout for text and JSON when None), no file when
    every input failed; returns the results as written, a document UTF-8 cannot carry a Failure."""
    results = [_writable(r) for r in results]
    analyses = [r for r in results if isinstance(r, Analysis)]
    if fmt == "html":
        if analyses:
            _write_html(results, output, err)
    elif output is None:
        _write_stream(results, fmt, sys.stdout)
    elif analyses:
        with writing(output), output.open("w", encoding="utf-8") as fh:
            _write_stream(results, fmt, fh)
        say(err, f"written to {output.resolve()}")
    return results


def run_analyze(inputs: list[str], fmt: str, output: Path | None, options: AnalyzeOptions, err: Console, executor: Executor) -> int:
    """Check the output target, analyse everything, write the chosen format, report failures;
    returns the exit code."""
    if fmt == "html":
        check_output(output or Path("."), folder=True)
    elif output is not None:
        check_output(output)
    results = write_results(_analyse_all(inputs, options, executor, err), fmt, output, err)
    _warn(results, err)
    return _report_failures(results, err)


def _warn(results: list[Analysis | Failure], err: Console) -> None:
    """A warning on stderr for each document read with replaced characters or that does not look
    English, so that no output format lets it pass silently (the JSON carries both too: the
    ``decoding`` span group and ``summary.sentence``)."""
    for r in results:
        if not isinstance(r, Analysis):
            continue
        where = r.document.source or r.document.id
        if replaced := r.document.spans.get(DECODING, ()):
            warning(err, f"{where}: {len(replaced)} undecodable byte(s) or lone surrogate(s) were replaced by U+FFFD (see the 'decoding' spans for where)")
        if message := r.summary.get("sentence", {}).get("language_warning"):
            warning(err, f"{where}: {message}")

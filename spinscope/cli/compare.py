"""``spinscope compare A B``: two articles side by side, as text, JSON or a standalone HTML page.

A and B are each a file (.txt, .html), a URL, ``-`` (stdin, for one of them), or an analysis
saved by ``spinscope analyze --format json`` (a ``.json`` file), which is loaded as it is, not
analysed again. Articles are analysed by the one pipeline with every registered stage but
``evidence`` (the words that moved the detector, which the comparison does not show), each in a
child process with its time and memory budget.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from rich.console import Console

from spinscope.cli.console import check_output, error, say, write_text, writing
from spinscope.document import EVIDENCE, Analysis, Failure
from spinscope.errors import EncodingError, InputTooLargeError, MalformedInputError, UnsupportedInputError, UsageError
from spinscope.ingest.decode import read_limited
from spinscope.pipeline import STAGES, Executor, analyze_many
from spinscope.pipeline.options import AnalyzeOptions
from spinscope.settings import flag

ANALYSIS_SUFFIX = ".json"
# An analysis holds its text and every span with its words: a saved one may be this many times
# larger than the largest text --max-bytes lets in.
ANALYSIS_BYTES_PER_TEXT_BYTE = 20
DEFAULT_HTML = Path("spinscope-compare.html")


def compare_stages() -> tuple[str, ...]:
    """Every registered stage but ``evidence``: whatever who-says-what stages exist, in pipeline order."""
    return tuple(name for name in STAGES if name != EVIDENCE)


def is_saved_analysis(item: str) -> bool:
    return item != "-" and Path(item).suffix.lower() == ANALYSIS_SUFFIX and Path(item).is_file()


def load_analysis(path: Path, max_bytes: int) -> dict[str, Any]:
    """A saved analysis, upgraded to the current schema and checked by reading it as an Analysis."""
    limit = max_bytes * ANALYSIS_BYTES_PER_TEXT_BYTE
    try:
        with path.open("rb") as stream:
            data = read_limited(stream, limit, str(path))
    except OSError as exc:
        raise UnsupportedInputError(f"{path}: cannot read it ({(exc.strerror or str(exc)).lower()})") from None
    except InputTooLargeError:
        raise InputTooLargeError(f"{path}: a saved analysis may be {ANALYSIS_BYTES_PER_TEXT_BYTE} times {flag('max_bytes')} "
                                 f"({limit:,} bytes); raise {flag('max_bytes')} to load it") from None
    hint = "give an analysis written by `spinscope analyze --format json` for one article, or the article itself"
    try:
        found = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise MalformedInputError(f"{path}: not a JSON analysis ({str(exc)[:120]}); {hint}") from None
    if not isinstance(found, dict) or not isinstance(found.get("document"), dict):
        raise MalformedInputError(f"{path}: JSON, but not an analysis of one article (no 'document' object); {hint}")
    try:
        analysis = Analysis.from_dict(found).to_dict()
    except (KeyError, TypeError, ValueError) as exc:
        raise MalformedInputError(f"{path}: not a well-formed analysis ({type(exc).__name__}: {str(exc)[:160]}); {hint}") from None
    try:
        json.dumps(analysis, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as exc:
        raise EncodingError(f"{path}: holds a lone surrogate (U+{ord(exc.object[exc.start]):04X}), which is not text; repair it and save it again") from None
    return analysis


def _check_inputs(a: str, b: str) -> None:
    if a == "-" and b == "-":
        raise UsageError("stdin (-) can give only one of the two articles; give the other as a file or URL")


def analyses(items: list[str], options: AnalyzeOptions, executor: Executor) -> list[dict[str, Any] | Failure]:
    """The two analyses, saved ones loaded and the others read and analysed (in one run, in
    order), a document whose analysis failed (time, memory, input) as its Failure; an input that
    cannot be read or loaded raises."""
    from spinscope.ingest import read_one

    found: dict[int, dict[str, Any] | Failure] = {}
    documents = []
    for i, item in enumerate(items):
        if is_saved_analysis(item):
            found[i] = load_analysis(Path(item), options.ingest.max_bytes)
        else:
            documents.append((i, read_one(item, options.ingest, sys.stdin.buffer)))
    for (i, _doc), result in zip(documents, analyze_many([doc for _i, doc in documents], options, executor)):
        found[i] = result if isinstance(result, Failure) else result.to_dict()
    return [found[i] for i in range(len(items))]


def run_compare(a: str, b: str, fmt: str, output: Path | None, options: AnalyzeOptions, err: Console, executor: Executor) -> int:
    """Check the inputs and the output target, get both analyses, compare, write the format;
    returns the exit code (a failed analysis's own, and nothing written)."""
    from spinscope.compare import compare

    _check_inputs(a, b)
    if output is not None:
        check_output(output)
    elif fmt == "html":
        check_output(DEFAULT_HTML)
    first, second = analyses([a, b], options, executor)
    if isinstance(first, Failure) or isinstance(second, Failure):
        failed = first if isinstance(first, Failure) else second
        assert isinstance(failed, Failure)
        error(err, failed.message if failed.source in failed.message else f"{failed.source}: {failed.message}")
        return failed.exit_code
    comparison = compare(first, second)
    if fmt == "html":
        from spinscope.compare.html import render

        target = output or DEFAULT_HTML
        write_text(target, render(comparison))
        say(err, f"comparison written to {target.resolve()}")
        return 0
    if fmt == "json":
        payload = json.dumps(comparison.to_dict(), ensure_ascii=False, indent=2) + "\n"
        if output is None:
            sys.stdout.write(payload)
        else:
            write_text(output, payload)
            say(err, f"written to {output.resolve()}")
        return 0
    from spinscope.compare.text import render as render_text

    if output is None:
        render_text(comparison, Console(markup=False, highlight=False))
        return 0
    with writing(output), output.open("w", encoding="utf-8") as fh:
        render_text(comparison, Console(file=fh, width=160, markup=False, highlight=False))
    say(err, f"written to {output.resolve()}")
    return 0

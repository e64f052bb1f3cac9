"""``spinscope predict``: SemEval-2020 Task 11 prediction files for a PTC-style folder."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.progress import Progress

from spinscope.cli.console import check_output, error, say, write_text
from spinscope.document import Document, Failure
from spinscope.errors import MalformedInputError, UnsupportedInputError
from spinscope.eval.formats import Labelled, format_si, format_tc, read_tc
from spinscope.pipeline import AnalyzeOptions, Executor, analyze_many
from spinscope.settings import IngestOptions
from spinscope.techniques.registry import get_detector


def _read_articles(folder: Path, options: IngestOptions, err: Console) -> tuple[dict[str, Document], list[Failure]]:
    from spinscope.ingest import read_inputs

    if not folder.is_dir():
        raise UnsupportedInputError(f"{folder}: not a folder; predict reads a PTC-style folder of article<ID>.txt files")
    docs: dict[str, Document] = {}
    failures: list[Failure] = []
    for item in read_inputs([str(folder)], options):
        if isinstance(item, Failure):
            failures.append(item)
            error(err, item.message)
        elif item.id in docs:
            raise UnsupportedInputError(f"{folder}: {docs[item.id].source} and {item.source} are both article {item.id}; keep one of them")
        else:
            docs[item.id] = item
    if not docs and not failures:
        raise UnsupportedInputError(f"{folder}: no article<ID>.txt files found")
    return docs, failures


def _label_template(template: Path, docs: dict[str, Document], detector_name: str, err: Console) -> list[Labelled]:
    rows = read_tc(template, allow_unknown=True)
    by_article: dict[str, list[int]] = {}
    for i, row in enumerate(rows):
        doc = docs.get(row.article_id)
        if doc is None:
            raise MalformedInputError(f"{template}: article {row.article_id} is not in the articles folder")
        if row.end > len(doc.text):
            raise MalformedInputError(f"{template}: span {row.start}-{row.end} runs past article {row.article_id} ({len(doc.text)} chars)")
        by_article.setdefault(row.article_id, []).append(i)
    detector = get_detector(detector_name)
    labels: list[str] = [""] * len(rows)
    with Progress(transient=True, console=err, disable=not err.is_terminal) as progress:
        for article_id in progress.track(by_article, description="labelling spans"):
            idx = by_article[article_id]
            predicted = detector.classify(docs[article_id], [(rows[i].start, rows[i].end) for i in idx])
            for i, (label, _score) in zip(idx, predicted, strict=True):
                labels[i] = label
    return [Labelled(r.article_id, r.start, r.end, label) for r, label in zip(rows, labels, strict=True)]


def _detect_all(docs: dict[str, Document], options: AnalyzeOptions, executor: Executor, err: Console) -> tuple[list[Labelled], list[Failure]]:
    out: list[Labelled] = []
    failures: list[Failure] = []
    with Progress(transient=True, console=err, disable=not err.is_terminal) as progress:
        task = progress.add_task("finding spans", total=len(docs))
        for result in analyze_many((docs[i] for i in sorted(docs)), options, executor):
            if isinstance(result, Failure):
                failures.append(result)
                error(err, result.message)
            else:
                out += [Labelled(result.document.id, s.start, s.end, s.label) for s in result.techniques]
            progress.advance(task)
    return out, failures


def run_predict(folder: Path, task: str, output: Path, template: Path | None, options: AnalyzeOptions, err: Console, executor: Executor) -> int:
    """Write the predictions; returns how many articles could not be read."""
    if task == "tc" and template is None:
        raise UnsupportedInputError("--task tc labels given spans: pass --spans TEMPLATE (lines 'article_id ? start end'); --task flc finds and labels spans")
    check_output(output)
    docs, failures = _read_articles(folder, options.ingest, err)
    failed: list[Failure] = []
    if template is not None and task == "tc":
        text = format_tc(_label_template(template, docs, options.technique.detector, err))
    else:
        rows, failed = _detect_all(docs, options, executor, err)
        failures += failed
        text = format_si(rows) if task == "si" else format_tc(rows)
    if len(failed) == len(docs):  # an empty file would read as "no propaganda found"
        error(err, f"no article could be analysed, so {output} was not written")
        return max(len(failures), 1)
    write_text(output, text)
    say(err, f"{len(text.splitlines())} lines for {len(docs)} articles written to {output.resolve()}")
    return len(failures)

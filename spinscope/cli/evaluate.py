"""``spinscope evaluate``: detectors side by side on the validation split."""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import Progress, TaskID
from rich.table import Table

from spinscope.eval.evaluate import evaluate
from spinscope.techniques.base import TECHNIQUES


def _table(results: list[dict[str, Any]]) -> Table:
    table = Table("", *(r["detector"] for r in results), title=f"Validation split ({results[0]['validation_articles']} articles)", title_justify="left")
    for task, key in (("SI F1", "si"), ("TC micro-F1", "tc"), ("FLC F1", "flc")):
        table.add_row(task, *(f"{r[key]['f1']:.4f}" for r in results))
    table.add_row("seconds", *(f"{r['seconds']:.1f}" for r in results))
    for tech in TECHNIQUES:
        table.add_row(f"TC {tech}", *(f"{r['tc_per_technique'][tech]['f1']:.3f}" for r in results))
    return table


def _advance(progress: Progress, task: TaskID, _article_id: str) -> None:
    progress.advance(task)


def run_evaluate(data: Path, detectors: list[str], as_json: bool, err: Console) -> None:
    results = []
    with Progress(transient=True, console=err, disable=not err.is_terminal) as progress:
        for name in detectors:
            task = progress.add_task(f"evaluating {name}", total=None)
            results.append(evaluate(name, data, progress=partial(_advance, progress, task)))
    if as_json:
        print(json.dumps(results if len(results) > 1 else results[0], indent=2))
    else:
        console = Console(markup=False)
        console.print(_table(results))
        console.print(f"split: {results[0]['split']}; data sha256 {results[0]['data_sha256'][:16]}…", highlight=False)

"""The batch progress bar of `spinscope analyze`, drawn on a (forced) terminal."""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console

from spinscope.cli.analyze import _analyse_all
from spinscope.pipeline import AnalyzeOptions, SerialExecutor
from spinscope.pipeline.options import TECHNIQUES_ONLY

BASELINE = AnalyzeOptions(stages=TECHNIQUES_ONLY).merged({"detector": "baseline"})


def test_cli_progress_shows_the_counted_total_and_an_eta(tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    for n in range(3):
        (folder / f"article{n}.txt").write_text("They are traitors and cowards. Only we can save the nation!", encoding="utf-8")
    corpus = tmp_path / "more.jsonl"
    corpus.write_text('{"text": "The corrupt elite lies to you every single day."}\n\n{"text": "Everyone knows it."}\n', encoding="utf-8")
    screen = io.StringIO()
    results = _analyse_all([str(folder), str(corpus)], BASELINE, SerialExecutor(), Console(file=screen, force_terminal=True, width=160))
    drawn = screen.getvalue()
    assert len(results) == 5
    assert "5/5" in drawn and "/?" not in drawn, "the total is known before the first document"
    assert "ETA" in drawn


def test_cli_progress_is_not_drawn_off_a_terminal(tmp_path: Path) -> None:
    story = tmp_path / "story.txt"
    story.write_text("Only we can save the nation!", encoding="utf-8")
    log = io.StringIO()
    assert len(_analyse_all([str(story)], BASELINE, SerialExecutor(), Console(file=log, force_terminal=False))) == 1
    assert log.getvalue() == ""

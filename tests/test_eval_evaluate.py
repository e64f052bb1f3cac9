from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from spinscope.cli import app
from spinscope.errors import UnsupportedInputError
from spinscope.eval.evaluate import evaluate
from spinscope.eval.ptc import load_ptc, validation_split


def _subset(ptc: Path, tmp_path: Path, n: int = 10) -> Path:
    (tmp_path / "articles").mkdir()
    ids = sorted(p.stem.removeprefix("article") for p in (ptc / "train" / "articles").glob("article*.txt"))[:n]
    for article_id in ids:
        name = f"article{article_id}.txt"
        (tmp_path / "articles" / name).write_bytes((ptc / "train" / "articles" / name).read_bytes())
    for labels in ("labels-si.tsv", "labels-tc.tsv"):
        lines = [line for line in (ptc / "train" / labels).read_text().splitlines(keepends=True) if line.split("\t")[0] in ids]
        (tmp_path / labels).write_text("".join(lines))
    return tmp_path


def test_evaluate_split_holds_out_every_fifth_article() -> None:
    ids = [str(100 + i) for i in range(10)]
    train, val = validation_split(list(reversed(ids)))
    assert val == ["104", "109"] and len(train) == 8 and not set(train) & set(val)


def test_evaluate_scores_the_baseline_on_validation_articles(ptc: Path, tmp_path: Path) -> None:
    folder = _subset(ptc, tmp_path)
    result = evaluate("baseline", folder)
    assert result["validation_articles"] == 2
    for task in ("si", "tc", "flc"):
        assert 0.0 < result[task]["f1"] <= 1.0
    assert result["tc"]["gold"] == sum(t["gold"] for t in result["tc_per_technique"].values())
    assert result["data_sha256"] == load_ptc(folder).sha256


def test_evaluate_cli_prints_json(ptc: Path, tmp_path: Path) -> None:
    folder = _subset(ptc, tmp_path)
    out = CliRunner().invoke(app, ["evaluate", "--data", str(folder), "--json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)["detector"] == "baseline"


def test_evaluate_refuses_a_folder_that_is_not_ptc(tmp_path: Path) -> None:
    with pytest.raises(UnsupportedInputError, match="not a PTC training folder"):
        load_ptc(tmp_path)

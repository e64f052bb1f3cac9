"""``spinscope compare A B`` as a user runs it: saved analyses loaded as they are, articles analysed
by the pipeline, each format written, and bad inputs refused with one line and their exit code."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from spinscope.cli.compare import compare_stages
from spinscope.pipeline import STAGES
from tests.compare_fixture import analysis_a, analysis_b
from tests.paths import DEMO
from tests.test_cli import run
from tests.test_cli_hostile import one_line_error


@pytest.fixture
def saved(tmp_path: Path) -> tuple[Path, Path]:
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    a.write_text(json.dumps(analysis_a()), encoding="utf-8")
    b.write_text(json.dumps(analysis_b()), encoding="utf-8")
    return a, b


def test_cli_compare_runs_every_registered_stage_but_evidence() -> None:
    assert compare_stages() == tuple(name for name in STAGES if name != "evidence")


def test_cli_compare_loads_saved_analyses_without_analysing_them(saved: tuple[Path, Path], tmp_path: Path) -> None:
    target = tmp_path / "c.json"
    result = run("compare", str(saved[0]), str(saved[1]), "--format", "json", "-o", str(target))
    assert result.returncode == 0, result.stderr
    data = json.loads(target.read_text(encoding="utf-8"))
    assert (data["a"]["id"], data["b"]["id"]) == ("aleppo-wire", "aleppo-gazette")
    assert ("Al-Nusra Front", "Nusra") in [(p["a"]["actor"]["name"], p["b"]["actor"]["name"]) for p in data["actors"]["pairs"]]
    assert [c["place"]["text"] for c in data["claims"]["only_b"]] == ["About 100,000 people remain trapped in eastern Aleppo, a UN official said."]


def test_cli_compare_text_and_html(saved: tuple[Path, Path], tmp_path: Path) -> None:
    text = run("compare", str(saved[0]), str(saved[1]))
    assert text.returncode == 0, text.stderr
    assert "Al-Nusra Front" in text.stdout and "Nusra" in text.stdout and "a jihadist militia" in text.stdout
    page = tmp_path / "c.html"
    result = run("compare", str(saved[0]), str(saved[1]), "-f", "html", "-o", str(page))
    assert result.returncode == 0 and result.stderr.strip() == f"comparison written to {page}"
    assert page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_cli_compare_analyses_an_article_beside_a_saved_analysis(saved: tuple[Path, Path], tmp_path: Path) -> None:
    article = tmp_path / "b.txt"
    article.write_text(analysis_b()["document"]["text"], encoding="utf-8")
    result = run("compare", str(DEMO), str(saved[1]), "--detector", "baseline", "-f", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["a"]["id"] == "demo-article" and "quote" in data["a"]["groups"]
    assert data["techniques"]["total_a"]["spans"] > 0
    both = run("compare", str(DEMO), str(article), "--detector", "baseline", "-f", "json")
    assert both.returncode == 0, both.stderr
    assert json.loads(both.stdout)["b"]["words"] == json.loads(result.stdout)["b"]["words"]


@pytest.mark.parametrize(
    ("make", "code", "said"),
    [
        (lambda t: ("-", "-"), 2, "stdin (-) can give only one of the two articles"),
        (lambda t: (str(t / "missing.txt"), str(DEMO)), 3, "missing.txt: no such file or folder"),
        (lambda t: (str(t), str(DEMO)), 3, "holds many documents"),
        (lambda t: (str(t / "list.json"), str(DEMO)), 3, "JSON, but not an analysis of one article"),
        (lambda t: (str(t / "broken.json"), str(DEMO)), 3, "not a JSON analysis"),
        (lambda t: (str(t / "empty.txt"), str(DEMO)), 3, "is empty"),
        (lambda t: (str(t / "bad.json"), str(DEMO)), 3, "not a well-formed analysis"),
    ],
)
def test_cli_compare_bad_inputs_are_one_line_with_their_exit_code(tmp_path: Path, make: Callable[[Path], tuple[str, str]], code: int, said: str) -> None:
    (tmp_path / "list.json").write_text("[1, 2]", encoding="utf-8")
    (tmp_path / "broken.json").write_text('{"document": ', encoding="utf-8")
    (tmp_path / "bad.json").write_text('{"document": {"id": "x"}, "spans": {}}', encoding="utf-8")
    (tmp_path / "empty.txt").write_text("  \n", encoding="utf-8")
    a, b = make(tmp_path)
    assert said in one_line_error(run("compare", a, b, "--detector", "baseline"), code)


def test_cli_compare_unknown_detector_is_a_usage_error(tmp_path: Path) -> None:
    assert "unknown detector 'nonesuch'" in one_line_error(run("compare", str(DEMO), str(DEMO), "--detector", "nonesuch"), 2)


def test_cli_compare_unwritable_output_is_refused_before_any_work(tmp_path: Path) -> None:
    result = run("compare", str(tmp_path / "missing.txt"), str(DEMO), "-f", "json", "-o", str(tmp_path / "nowhere" / "c.json"))
    assert "no such folder" in one_line_error(result, 2)


def test_cli_compare_saved_analysis_over_its_size_limit_names_the_flag(saved: tuple[Path, Path]) -> None:
    result = run("compare", str(saved[0]), str(saved[1]), "--max-bytes", "100")
    assert "--max-bytes" in one_line_error(result, 3)

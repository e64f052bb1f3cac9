"""The spinscope command end to end, run as a user runs it: a real process, real files."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.paths import DEMO, REPO
from tests.test_nlp_language import FRENCH

SPINSCOPE = [sys.executable, "-m", "spinscope"]


def run(*args: str, stdin: bytes | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    proc = subprocess.run(
        [*SPINSCOPE, *args], input=stdin, capture_output=True, cwd=cwd or REPO, env=env, timeout=300, check=False
    )
    return subprocess.CompletedProcess(proc.args, proc.returncode, proc.stdout.decode(), proc.stderr.decode())


def test_cli_version_and_help() -> None:
    assert run("--version").stdout.startswith("spinscope ")
    for command in ("analyze", "predict", "score"):
        result = run(command, "--help")
        assert result.returncode == 0 and "Usage" in result.stdout


def test_cli_analyze_example_json_offsets_slice_to_span_text(example_article: Path) -> None:
    result = run("analyze", str(example_article), "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    text = example_article.read_text(encoding="utf-8")
    assert data["document"]["text"] == text
    spans = data["spans"]["technique"]
    assert len(spans) >= 3
    assert {s["label"] for s in spans} & {"Loaded_Language", "Name_Calling,Labeling"}
    for s in spans:
        assert text[s["start"] : s["end"]] == s["text"]
        assert s["end"] <= text.index("Related Articles"), "boilerplate is not analysed"


def test_cli_analyze_text_format_prints_summary_and_spans() -> None:
    result = run("analyze", str(DEMO))
    assert result.returncode == 0, result.stderr
    assert "Techniques" in result.stdout and "Spans" in result.stdout


def test_cli_analyze_html_writes_report_and_says_where(tmp_path: Path) -> None:
    target = tmp_path / "r.html"
    result = run("analyze", str(DEMO), "--format", "html", "-o", str(target))
    assert result.returncode == 0, result.stderr
    assert str(target) in result.stderr.replace("\n", "")
    assert target.read_text().startswith("<!DOCTYPE html>")


def test_cli_analyze_stdin() -> None:
    result = run("analyze", "-", "--format", "json", stdin=DEMO.read_bytes())
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["document"]["text"] == DEMO.read_text()
    assert "does not look like English" not in result.stderr


def test_cli_analyze_warns_on_text_that_is_not_english() -> None:
    """A French article is still analysed, but said to be unreliable on stderr and in the JSON."""
    result = run("analyze", "-", "--format", "json", stdin=FRENCH.encode())
    assert result.returncode == 0, result.stderr
    assert re.search(r"warning: stdin: This text does not look like English", result.stderr)
    assert "does not look like English" in json.loads(result.stdout)["summary"]["sentence"]["language_warning"]


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "empty"), (b"   \n\t ", "empty"), (b"\x00\x01\x02binary\x00\xff" * 50, "binary")],
)
def test_cli_analyze_bad_file_gives_one_line_error(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    result = run("analyze", str(path))
    assert result.returncode != 0
    assert message in result.stderr.lower()
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_cli_analyze_file_over_the_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text("word " * 400)
    result = run("analyze", str(path), "--max-bytes", "1000")
    assert result.returncode == 3 and "1,000" in result.stderr and "--max-bytes" in result.stderr and "Traceback" not in result.stderr


def test_cli_analyze_missing_path() -> None:
    result = run("analyze", "/no/such/file.txt")
    assert result.returncode != 0 and "Traceback" not in result.stderr


def test_cli_analyze_batch_keeps_going_past_a_bad_document(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text(DEMO.read_text())
    (tmp_path / "empty.txt").write_text("")
    batch = tmp_path / "batch.jsonl"
    batch.write_text(json.dumps({"id": "a", "text": "Corrupt elites lie to you."}) + "\n{not json\n")
    result = run("analyze", str(tmp_path / "good.txt"), str(tmp_path / "empty.txt"), str(batch), "--format", "json")
    assert result.returncode == 1
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == 4
    assert sum("error" in r for r in records) == 2
    assert result.stderr.count("batch.jsonl:2") == 1, "the line is named once"


def test_cli_analyze_private_url_refused_without_allow_private() -> None:
    result = run("analyze", "http://127.0.0.1:9/")
    assert result.returncode == 4
    assert "private" in result.stderr.lower() or "loopback" in result.stderr.lower()


def _ptc_subset(ptc: Path, tmp_path: Path, n: int = 4) -> tuple[Path, list[str]]:
    folder = tmp_path / "articles"
    folder.mkdir()
    ids = sorted(p.stem.removeprefix("article") for p in (ptc / "train" / "articles").glob("article*.txt"))[:n]
    for article_id in ids:
        (folder / f"article{article_id}.txt").write_bytes((ptc / "train" / "articles" / f"article{article_id}.txt").read_bytes())
    return folder, ids


def _gold_subset(ptc: Path, tmp_path: Path, ids: list[str], name: str) -> Path:
    lines = [line for line in (ptc / "train" / name).read_text().splitlines() if line.split("\t")[0] in ids]
    out = tmp_path / name
    out.write_text("\n".join(lines) + "\n")
    return out


@pytest.mark.parametrize("task", ["si", "flc"])
def test_cli_predict_then_score_on_a_ptc_folder(ptc: Path, tmp_path: Path, task: str) -> None:
    folder, ids = _ptc_subset(ptc, tmp_path)
    pred = tmp_path / "pred.tsv"
    result = run("predict", str(folder), "--task", task, "-o", str(pred))
    assert result.returncode == 0, result.stderr
    rows = [line.split("\t") for line in pred.read_text().splitlines()]
    assert rows and {r[0] for r in rows} <= set(ids)
    gold = _gold_subset(ptc, tmp_path, ids, "labels-si.tsv" if task == "si" else "labels-tc.tsv")
    scored = run("score", "--task", task, str(gold), str(pred), "--json")
    assert scored.returncode == 0, scored.stderr
    figures = json.loads(scored.stdout)
    assert 0 < figures["f1"] <= 1


def test_cli_predict_tc_fills_the_template_in_order(ptc: Path, tmp_path: Path) -> None:
    folder, ids = _ptc_subset(ptc, tmp_path)
    gold = _gold_subset(ptc, tmp_path, ids, "labels-tc.tsv")
    template = tmp_path / "template.tsv"
    gold_rows = [line.split("\t") for line in gold.read_text().splitlines()]
    template.write_text("".join(f"{a}\t?\t{s}\t{e}\n" for a, _t, s, e in gold_rows))
    pred = tmp_path / "pred.tsv"
    result = run("predict", str(folder), "--task", "tc", "--spans", str(template), "-o", str(pred))
    assert result.returncode == 0, result.stderr
    pred_rows = [line.split("\t") for line in pred.read_text().splitlines()]
    assert [(a, s, e) for a, _t, s, e in pred_rows] == [(a, s, e) for a, _t, s, e in gold_rows]
    assert all(t != "?" for _a, t, _s, _e in pred_rows)
    scored = run("score", "--task", "tc", str(gold), str(pred))
    assert scored.returncode == 0 and "F1" in scored.stdout


def test_cli_predict_with_workers_writes_what_one_process_writes(ptc: Path, tmp_path: Path) -> None:
    folder, _ids = _ptc_subset(ptc, tmp_path, n=9)
    outputs = []
    for workers in ("1", "2"):
        pred = tmp_path / f"pred-{workers}.tsv"
        result = run("predict", str(folder), "--task", "flc", "-o", str(pred), "--detector", "baseline", "--workers", workers)
        assert result.returncode == 0, result.stderr
        outputs.append(pred.read_text())
    assert outputs[0] and outputs[0] == outputs[1]


def test_cli_predict_two_files_with_one_article_id_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "article7.txt").write_text("One text.\n", encoding="utf-8")
    (tmp_path / "article7.html").write_text("<html><body><p>Another text, as a page.</p></body></html>", encoding="utf-8")
    result = run("predict", str(tmp_path), "--task", "si", "-o", str(tmp_path / "o.tsv"), "--detector", "baseline")
    assert result.returncode == 3
    assert "article7.txt" in result.stderr and "article7.html" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "o.tsv").exists()


def test_cli_analyze_html_never_overwrites_a_report_of_another_document(tmp_path: Path) -> None:
    docs = tmp_path / "in"
    for sub in ("a", "b"):
        (docs / sub).mkdir(parents=True)
        (docs / sub / "x.txt").write_text(f"The corrupt elites of {sub} betray our great nation.\n", encoding="utf-8")
    (docs / "a_x.txt").write_text("A third text about the shameless liars.\n", encoding="utf-8")
    out = tmp_path / "reports"
    result = run("analyze", str(docs), "--format", "html", "-o", str(out), "--detector", "baseline")
    assert result.returncode == 0, result.stderr
    reports = sorted(p.name for p in out.iterdir() if p.name != "index.html")
    assert len(reports) == 3, reports


def test_cli_analyze_html_folder_gets_an_index_of_every_report_and_failure(tmp_path: Path) -> None:
    docs = tmp_path / "in"
    docs.mkdir()
    (docs / "index.txt").write_text("The corrupt elites betray our great nation again and again.\n", encoding="utf-8")
    (docs / "calm.txt").write_text("The council met on Tuesday and approved the budget.\n", encoding="utf-8")
    (docs / "empty.txt").write_text("", encoding="utf-8")
    out = tmp_path / "reports"
    result = run("analyze", str(docs), "--format", "html", "-o", str(out), "--detector", "baseline")
    assert result.returncode == 1, result.stderr
    assert "index.html" in result.stderr
    page = (out / "index.html").read_text(encoding="utf-8")
    links = re.findall(r'<a href="([^"]+)">', page)
    assert sorted(links) == sorted(p.name for p in out.iterdir() if p.name != "index.html") == ["calm.html", "index-2.html"]
    assert "empty.txt" in page and "is empty" in page, "the failed input is listed with its error"
    assert "2 reports, 1 input failed" in page
    assert "<script" not in page and "Content-Security-Policy" in page


def test_cli_predict_tc_without_template_explains(tmp_path: Path) -> None:
    result = run("predict", str(tmp_path), "--task", "tc", "-o", str(tmp_path / "o.tsv"))
    assert result.returncode != 0 and "--spans" in result.stderr


def test_cli_score_reproduces_an_official_vector(ptc: Path) -> None:
    result = run("score", "--task", "si", str(ptc / "train" / "labels-si.tsv"), str(ptc / "scorer-vectors" / "si-pred-1.tsv"))
    assert result.returncode == 0
    assert "precision 0.781114  recall 0.639922  F1 0.703504" in result.stdout


def test_cli_score_malformed_file_names_the_line(tmp_path: Path) -> None:
    (tmp_path / "g.tsv").write_text("1\t0\t5\n")
    (tmp_path / "p.tsv").write_text("1\t0\t5\n1\tzero\t5\n")
    result = run("score", "--task", "si", str(tmp_path / "g.tsv"), str(tmp_path / "p.tsv"))
    assert result.returncode == 3 and "line 2" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize(("detector", "absent", "advice"), [
    ("transformer", "torch", ["pip install torch==2.13.0", "pip install -e '.[train]'"]),
    ("baseline", "sklearn", ["pip install -e '.[train]'"]),
])  # fmt: skip
def test_cli_train_without_its_dependencies_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], detector: str, absent: str, advice: list[str]
) -> None:
    from typer.testing import CliRunner

    from spinscope import cli
    from spinscope.cli import training

    monkeypatch.setattr(training, "_importable", lambda module: module != absent)
    result = CliRunner().invoke(cli.app, ["train", "--detector", detector, "--data", str(REPO)])
    assert result.exit_code == 2
    said = result.output + (result.stderr if hasattr(result, "stderr") else "") + capsys.readouterr().err
    assert all(a in said for a in advice) and ("torch" in said) == (detector == "transformer")


@pytest.mark.parametrize("option", [["--epochs", "2"], ["--checkpoints", "/tmp/x"], ["--resume", "x.pt"]])
def test_cli_train_baseline_refuses_transformer_options(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], option: list[str]
) -> None:
    from typer.testing import CliRunner

    from spinscope import cli
    from spinscope.cli import training

    monkeypatch.setattr(training, "_importable", lambda module: True)
    result = CliRunner().invoke(cli.app, ["train", "--detector", "baseline", "--data", str(REPO), *option])
    assert result.exit_code == 2
    said = result.output + (result.stderr if hasattr(result, "stderr") else "") + capsys.readouterr().err
    assert option[0] in said and "transformer options" in said


def test_cli_train_mpnet_needs_its_encoder_folder() -> None:
    result = run("train", "--arch", "mpnet", "--data", str(REPO))
    assert result.returncode == 2 and "--arch mpnet needs --encoder-dir" in result.stderr, result.stderr


def test_cli_analyze_starts_min_score_at_the_readers_threshold_and_zero_lists_every_span() -> None:
    from spinscope.techniques.confidence import DISPLAY_THRESHOLD

    default = json.loads(run("analyze", str(DEMO), "-f", "json").stdout)
    every = json.loads(run("analyze", str(DEMO), "-f", "json", "--min-score", "0").stdout)
    assert default["options"]["technique"]["min_score"] == DISPLAY_THRESHOLD
    scores = [s["score"] for s in every["spans"]["technique"]]
    assert any(s < DISPLAY_THRESHOLD for s in scores), "the demo has weaker spans to hide"
    assert [s["score"] for s in default["spans"]["technique"]] == [s for s in scores if s >= DISPLAY_THRESHOLD]
    text = run("analyze", str(DEMO)).stdout
    assert f"Showing spans scored {DISPLAY_THRESHOLD:.2f} or more" in text
    baseline = json.loads(run("analyze", str(DEMO), "-f", "json", "--detector", "baseline").stdout)
    assert baseline["options"]["technique"]["min_score"] == 0.0, "uncalibrated scores have no threshold"


def test_cli_analyze_html_report_keeps_the_weaker_spans_for_its_control(tmp_path: Path) -> None:
    target = tmp_path / "r.html"
    assert run("analyze", str(DEMO), "-f", "html", "-o", str(target)).returncode == 0
    page = target.read_text(encoding="utf-8")
    assert 'id="show-weak"' in page and "weaker spans are hidden" in page


def test_cli_model_is_another_name_of_detector() -> None:
    result = run("analyze", str(DEMO), "--model", "baseline", "--no-who", "--format", "json")
    assert result.returncode == 0, result.stderr
    technique = [c for c in json.loads(result.stdout)["components"] if c["stage"] == "technique"]
    assert [c["name"] for c in technique] == ["baseline"]
    assert "--model" in run("analyze", "--help").stdout and "accurate" in run("evaluate", "--help").stdout


def test_cli_analyze_with_the_accurate_model_not_installed_says_how_to_get_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "baseline").symlink_to(REPO / "models" / "baseline")
    monkeypatch.setenv("SPINSCOPE_MODELS", str(tmp_path))
    result = run("analyze", str(DEMO), "--model", "accurate", "--no-who")
    assert result.returncode == 5, result.stderr  # ModelError's exit code
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "accurate detector's model is not installed" in result.stderr and "spinscope train --arch mpnet" in result.stderr


def test_counts_in_messages_read_as_sentences() -> None:
    from spinscope.cli.console import counted

    assert [counted(n, "document") for n in (0, 1, 2)] == ["0 documents", "1 document", "2 documents"]

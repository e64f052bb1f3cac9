"""The command line under hostile input (issue 14): brackets in paths and URLs, output targets that
cannot be written, a busy port, lone surrogates. One clear line and the right exit code, never a
traceback."""

from __future__ import annotations

import dataclasses
import io
import json
import socket
import subprocess
import time
from pathlib import Path

import pytest
from rich.console import Console

import spinscope
from spinscope.document import Analysis, Document, Failure
from spinscope.errors import EncodingError
from tests.paths import DEMO
from tests.test_cli import SPINSCOPE, run


def one_line_error(result: subprocess.CompletedProcess[str], code: int) -> str:
    assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    return lines[0]


@pytest.mark.parametrize(("source", "code"), [("x[/b].txt", 3), ("http://[fe80::1]/", 4), ("[bold]no[/bold].txt", 3)])
def test_cli_markup_in_an_input_is_printed_as_given(source: str, code: int) -> None:
    assert one_line_error(run("analyze", source), code).startswith(f"error: {source}: ")


def test_cli_html_report_with_brackets_in_its_path_says_where_it_went(tmp_path: Path) -> None:
    target = tmp_path / "bracket[odd].html"
    result = run("analyze", str(DEMO), "--format", "html", "-o", str(target))
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == f"report written to {target}"
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


@pytest.mark.parametrize(
    ("output", "fmt", "said"),
    [
        ("{tmp}/nowhere/x.json", "json", "{tmp}/nowhere/x.json: no such folder {tmp}/nowhere"),
        ("/proc/version", "json", "/proc/version: cannot be written ("),
        ("/proc/nonexistent/r.html", "html", "/proc/nonexistent/r.html: no such folder /proc/nonexistent"),
        ("{tmp}", "json", "{tmp}: is a folder"),
        ("", "json", ".: is a folder"),
    ],
)
def test_cli_analyze_unwritable_output_is_refused_before_any_work(tmp_path: Path, output: str, fmt: str, said: str) -> None:
    if output.startswith("/proc/") and not Path("/proc/version").exists():
        pytest.skip("no /proc here")
    # the input does not exist: a refusal after reading it would exit 3, not 2
    result = run("analyze", str(tmp_path / "missing.txt"), "--format", fmt, "-o", output.format(tmp=tmp_path))
    assert said.format(tmp=tmp_path) in one_line_error(result, 2)


def test_cli_predict_into_a_folder_is_refused_before_any_work(tmp_path: Path) -> None:
    result = run("predict", str(tmp_path / "missing"), "--task", "si", "-o", str(tmp_path))
    assert f"{tmp_path}: is a folder" in one_line_error(result, 2)


def test_cli_analyze_writes_no_file_when_every_input_failed(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("")
    target = tmp_path / "out.json"
    result = run("analyze", str(tmp_path / "empty.txt"), "--format", "json", "-o", str(target))
    assert "empty" in one_line_error(result, 3)
    assert not target.exists()


def test_cli_predict_writes_no_file_when_every_article_failed(tmp_path: Path) -> None:
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "article1.txt").write_text("")
    (articles / "article2.txt").write_bytes(b"\x00\x01\x02binary")
    target = tmp_path / "out.txt"
    result = run("predict", str(articles), "--task", "si", "-o", str(target))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "no article could be analysed" in result.stderr
    assert not target.exists(), "an empty prediction file would read as 'no propaganda found'"


def test_cli_analyze_document_over_its_time_budget_fails_with_its_own_exit_code(tmp_path: Path) -> None:
    huge = tmp_path / "huge.txt"
    huge.write_text(DEMO.read_text(encoding="utf-8") * 2_000, encoding="utf-8")  # about 2 MB: a minute for the baseline
    # techniques only: the budget counts the child's model loading, and the who-says-what models
    # (spaCy, the sentence encoder) alone can take 3 s to load on a busy machine
    result = run("analyze", str(huge), "--detector", "baseline", "--no-who", "--doc-timeout", "3")
    assert "took longer than its budget of 3 seconds" in one_line_error(result, 7)
    target = tmp_path / "out.jsonl"
    result = run("analyze", str(huge), str(DEMO), "--detector", "baseline", "--no-who", "--doc-timeout", "3", "-f", "json", "-o", str(target))
    assert result.returncode == 1
    records = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert records[0]["error"]["type"] == "AnalysisTimeoutError" and "technique" in records[1]["spans"]


def test_cli_analyze_writes_the_batch_with_its_error_records_when_some_succeeded(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("")
    target = tmp_path / "out.jsonl"
    result = run("analyze", str(DEMO), str(tmp_path / "empty.txt"), "--format", "json", "-o", str(target))
    assert result.returncode == 1 and f"written to {target}" in result.stderr
    records = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert ["error" in r for r in records] == [False, True]


def test_cli_score_a_file_that_cannot_be_opened_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "g.tsv").write_text("1\t0\t5\n")
    result = run("score", "--task", "si", str(tmp_path / "g.tsv"), "x" * 300)
    assert "cannot be read (file name too long)" in one_line_error(result, 3)


def test_cli_serve_on_a_busy_port_says_so() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        proc = subprocess.run([*SPINSCOPE, "serve", "--port", str(port)], capture_output=True, text=True, timeout=60, check=False)
    line = one_line_error(subprocess.CompletedProcess(proc.args, proc.returncode, proc.stdout, proc.stderr), 2)
    assert line.startswith(f"error: port {port} on 127.0.0.1 is in use")


def test_analyze_refuses_a_lone_surrogate_with_an_input_error() -> None:
    with pytest.raises(EncodingError, match="U\\+D800 at character 3"):
        spinscope.analyze(Document(id="x", text="ok \ud800 text"))
    (failure,) = spinscope.analyze_many([Document(id="x", text="ok \ud800 text")])
    assert isinstance(failure, Failure) and failure.error == "EncodingError"


def test_cli_writer_turns_an_analysis_it_cannot_encode_into_a_failure(tmp_path: Path) -> None:
    from spinscope.cli.analyze import write_results

    good = spinscope.analyze(Document(id="good", text="Corrupt elites lie to you."))
    bad = dataclasses.replace(good, document=dataclasses.replace(good.document, id="bad", title="ok \ud800"))
    unreadable = Failure(source="caf\udce9.txt", error="EncodingError", message="caf\udce9.txt: not text", exit_code=3)
    target = tmp_path / "out.jsonl"
    written = write_results([bad, good, unreadable], "json", target, Console(stderr=True))
    assert [type(r) for r in written] == [Failure, Analysis, Failure]
    records = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert records[0]["error"]["type"] == "EncodingError" and "U+D800" in records[0]["error"]["message"]
    assert records[1]["document"]["id"] == "good"
    assert records[2]["error"]["source"] == "caf\\udce9.txt"


def test_terminal_report_prints_titles_and_span_texts_as_given() -> None:
    from spinscope.report.terminal import render

    analysis = spinscope.analyze(Document(id="x", title="[bold]Elites[/bold] [/b]", text="Corrupt elites [/b] lie to you, [red]always[/red]."))
    data = analysis.to_dict()
    data["spans"]["technique"] = [{**s, "label": f"[i]{s['label']}"} for s in data["spans"]["technique"]]
    data["summary"]["technique"]["technique_counts"] = {f"[i]{k}": v for k, v in data["summary"]["technique"]["technique_counts"].items()}
    out = io.StringIO()
    render(data, Console(file=out, width=300))
    printed = out.getvalue()
    assert data["spans"]["technique"], "the text has a span to print"
    assert "[bold]Elites[/bold] [/b]" in printed
    assert all(s["label"] in printed and s["text"] in printed for s in data["spans"]["technique"])


def test_cli_analyze_extraction_of_a_hostile_page_is_stopped_with_the_budget(tmp_path: Path) -> None:
    """The page is read in the analysing child, so its extraction (30 s here: 60,000 paragraphs)
    is stopped at the document's deadline too, and the next input is analysed."""
    page = tmp_path / "page.html"
    paragraph = "<p>The corrupt elites betray our nation again and again, said the mayor.</p>\n"
    page.write_text("<html><body><article>" + paragraph * 60_000 + "</article></body></html>", encoding="utf-8")
    target = tmp_path / "out.jsonl"
    started = time.monotonic()
    result = run("analyze", str(page), str(DEMO), "--detector", "baseline", "--no-who", "--doc-timeout", "4", "-f", "json", "-o", str(target))
    assert time.monotonic() - started < 20
    assert result.returncode == 1 and "Traceback" not in result.stderr
    records = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert records[0]["error"]["type"] == "AnalysisTimeoutError" and records[0]["error"]["source"] == str(page)
    assert "technique" in records[1]["spans"]


def test_cli_analyze_warns_when_a_stray_byte_was_replaced(tmp_path: Path) -> None:
    """Point 5 of issue 14: the replaced byte is said on stderr, not only in the JSON's spans."""
    source = tmp_path / "stray.txt"
    source.write_bytes(b"Caf\xc3\xa9 na\xc3\xafve \xff they are traitors. Only we can save the nation!")
    result = run("analyze", str(source), "--format", "json")
    assert result.returncode == 0, result.stderr
    assert f"warning: {source}: 1 undecodable byte(s)" in result.stderr
    assert json.loads(result.stdout)["spans"]["decoding"][0]["attributes"] == {"byte": "0xff"}
    clean = run("analyze", str(DEMO), "--format", "json")
    assert "undecodable" not in clean.stderr

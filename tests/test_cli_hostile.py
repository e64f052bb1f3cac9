"""The command line under hostile input (issue 14): brackets in paths and URLs, output targets that
cannot be written, a busy port, lone surrogates. One clear line and the right exit code, never a
traceback."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

import spinscope
from spinscope.document import Document, Failure
from spinscope.errors import EncodingError
from tests.test_cli import run


def one_line_error(result: subprocess.CompletedProcess[str], code: int) -> str:
    assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    return lines[0]


def test_cli_score_a_file_that_cannot_be_opened_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "g.tsv").write_text("1\t0\t5\n")
    result = run("score", "--task", "si", str(tmp_path / "g.tsv"), "x" * 300)
    assert "cannot be read (file name too long)" in one_line_error(result, 3)


def test_analyze_refuses_a_lone_surrogate_with_an_input_error() -> None:
    with pytest.raises(EncodingError, match="U\\+D800 at character 3"):
        spinscope.analyze(Document(id="x", text="ok \ud800 text"))
    (failure,) = spinscope.analyze_many([Document(id="x", text="ok \ud800 text")])
    assert isinstance(failure, Failure) and failure.error == "EncodingError"

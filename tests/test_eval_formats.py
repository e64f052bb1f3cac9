from __future__ import annotations

from pathlib import Path

import pytest

from spinscope.errors import MalformedInputError, UnsupportedInputError
from spinscope.eval.formats import Labelled, format_si, format_tc, read_si, read_tc


def test_formats_round_trip_si_and_tc(tmp_path: Path) -> None:
    rows = [Labelled("111", 3, 9), Labelled("112", 0, 4)]
    (tmp_path / "si.tsv").write_text(format_si(rows))
    assert read_si(tmp_path / "si.tsv") == rows
    tc = [Labelled("111", 3, 9, "Doubt"), Labelled("111", 3, 9, "Name_Calling,Labeling")]
    (tmp_path / "tc.tsv").write_text(format_tc(tc))
    assert read_tc(tmp_path / "tc.tsv") == tc


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("111\t3\n", "line 1: expected 3"),
        ("111\t3\t9\n111\tx\t9\n", "line 2: offsets must be integers"),
        ("111\t9\t3\n", "line 1: need 0 <= start < end"),
    ],
)
def test_formats_read_si_names_the_bad_line(tmp_path: Path, content: str, message: str) -> None:
    (tmp_path / "bad.tsv").write_text(content)
    with pytest.raises(MalformedInputError, match=message):
        read_si(tmp_path / "bad.tsv")


def test_formats_read_tc_refuses_a_template_as_predictions(tmp_path: Path) -> None:
    (tmp_path / "t.tsv").write_text("111\t?\t3\t9\n")
    with pytest.raises(MalformedInputError, match="template"):
        read_tc(tmp_path / "t.tsv")
    assert read_tc(tmp_path / "t.tsv", allow_unknown=True)[0].technique == "?"


def test_formats_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(UnsupportedInputError, match="no such file"):
        read_si(tmp_path / "nope.tsv")


def test_formats_binary_file_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "b.tsv").write_bytes(b"\xff\xfe\x00\x01\x80")
    with pytest.raises(MalformedInputError, match="not UTF-8"):
        read_si(tmp_path / "b.tsv")

"""The spans CSV: one row a span, with its sentence, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io

from spinscope.document import Span
from spinscope.report.spans_csv import COLUMNS, render
from tests.test_report_html import _analysis


def _rows(data: dict) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(render(data), newline="")))


def test_spans_csv_has_one_row_a_span_with_its_sentence() -> None:
    text = 'Calm start. They said "corrupt, traitors"\nand left. The end.'
    start = text.index("corrupt")
    rows = _rows(_analysis(text, [Span(start, start + 17, "Name_Calling,Labeling", 0.75)]))
    assert render(_analysis(text, [])).splitlines() == [",".join(COLUMNS)]
    assert rows == [{
        "technique": "Name_Calling,Labeling", "name": "Name calling or labelling", "score": "0.75",
        "text": "corrupt, traitors", "start": str(start), "end": str(start + 17), "sentence": 'They said "corrupt, traitors"',
    }]


def test_spans_csv_defuses_cells_a_spreadsheet_would_run() -> None:
    text = "=HYPERLINK(\"http://evil\") is here.\n-2 says +1 and @them."
    rows = _rows(_analysis(text, [Span(0, 25, "Slogans", 0.5), Span(35, 37, "Doubt", 0.4), Span(43, 45, "Doubt", 0.3)]))
    assert [r["text"] for r in rows] == ["'=HYPERLINK(\"http://evil\")", "'-2", "'+1"]
    assert rows[0]["sentence"].startswith("'=") and rows[1]["sentence"].startswith("'-2")
    assert (int(rows[0]["start"]), int(rows[0]["end"])) == (0, 25), "offsets still point at the exact text"

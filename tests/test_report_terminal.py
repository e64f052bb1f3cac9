"""The terminal view: readers' names in both tables."""

from __future__ import annotations

import io

from rich.console import Console

from spinscope.document import Span
from spinscope.report.terminal import render
from tests.test_report_html import _analysis


def _printed(data: dict) -> str:
    out = io.StringIO()
    render(data, Console(file=out, width=300))
    return out.getvalue()


def test_terminal_report_names_techniques_as_readers_do() -> None:
    printed = _printed(_analysis("They are corrupt traitors and liars.", [Span(9, 24, "Name_Calling,Labeling", 0.7)]))
    assert printed.count("Name calling or labelling") == 2, "in the technique table and the span table"
    assert "Name_Calling" not in printed

"""The terminal view: a table of techniques with counts, then every span with its evidence."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from spinscope.report import technique_detector
from spinscope.techniques.definitions import display_name

MAX_SPAN_CHARS = 160


def render(data: dict[str, Any], console: Console) -> None:
    doc = data["document"]
    summary = data["summary"].get("technique", {})
    text_figures = data["summary"].get("sentence", {})
    spans = data["spans"].get("technique", [])
    title = doc.get("title") or doc["id"]
    console.print(Text(f"{title}", style="bold"))
    console.print(
        f"{summary['spans']} technique spans in {text_figures.get('sentences', 0)} sentences "
        f"({summary['sentence_share']:.0%} of sentences), {text_figures.get('words', 0)} words; detector {technique_detector(data)}",
        highlight=False,
        markup=False,
    )
    table = Table("technique", "spans", title="Techniques", title_justify="left")
    for label, count in summary["technique_counts"].items():
        table.add_row(Text(display_name(label)), str(count))
    console.print(table)
    if not spans:
        console.print("No technique spans found.")
        return
    spans_table = Table("start", "end", "technique", "score", "text", title="Spans", title_justify="left")
    for span in spans:
        text = span["text"].replace("\n", " ")
        if len(text) > MAX_SPAN_CHARS:
            text = text[: MAX_SPAN_CHARS - 1] + "…"
        score = "" if span["score"] is None else f"{span['score']:.2f}"
        spans_table.add_row(str(span["start"]), str(span["end"]), Text(display_name(span["label"])), score, Text(text))
    console.print(spans_table)

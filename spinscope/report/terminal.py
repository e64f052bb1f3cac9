"""The terminal view: a table of techniques with counts, then every span in its sentence."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from spinscope.report import sentence_around, sentence_bounds, technique_detector
from spinscope.techniques.definitions import display_name

MAX_SPAN_CHARS = 160
# Context kept either side of a span: enough to read the clause it sits in, short enough that a
# span in a 2,000-character "sentence" (a list, a table scraped as text) keeps to a few lines.
CONTEXT_CHARS = 90


def _in_context(text: str, start: int, end: int, bounds: list[tuple[int, int]]) -> Text:
    """The sentences a span touches, trimmed at word boundaries around it, the span itself in bold."""
    lo, hi = sentence_around(bounds, start, end)
    before, span, after = text[lo:start], text[start:end], text[end:hi]
    if len(before) > CONTEXT_CHARS:
        cut = before[-CONTEXT_CHARS:]
        before = "…" + (cut.split(" ", 1)[1] if " " in cut else cut)
    if len(after) > CONTEXT_CHARS:
        cut = after[:CONTEXT_CHARS]
        after = (cut.rsplit(" ", 1)[0] if " " in cut else cut) + "…"
    if len(span) > MAX_SPAN_CHARS:
        span = span[: MAX_SPAN_CHARS - 1] + "…"
    line = Text(" ".join(before.split()) + (" " if before[-1:].isspace() else ""))
    line.append(" ".join(span.split()), style="bold")
    line.append((" " if after[:1].isspace() else "") + " ".join(after.split()))
    return line


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
    floor = data.get("options", {}).get("technique", {}).get("min_score", 0.0)
    if floor:
        console.print(f"Showing spans scored {floor:.2f} or more; --min-score 0 lists every span.", highlight=False, markup=False)
    if not spans:
        console.print("No technique spans found.")
        return
    bounds = sentence_bounds(data)
    spans_table = Table("technique", "score", "in its sentence (the span in bold)", title="Spans", title_justify="left")
    for span in spans:
        score = "" if span["score"] is None else f"{span['score']:.2f}"
        spans_table.add_row(Text(display_name(span["label"])), score, _in_context(doc["text"], span["start"], span["end"], bounds))
    console.print(spans_table)

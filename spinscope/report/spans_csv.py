"""The technique spans as CSV, one row a span, for a spreadsheet or a fact-checker's own tools.

Columns: technique (the PTC label, to compare with the corpus), name (the reader's), score, text,
start, end (offsets into the document's text) and the sentence(s) the span is in. A text cell that
a spreadsheet would run as a formula (it starts with =, +, -, @, a tab or a carriage return) gets a
leading apostrophe, as OWASP advises against CSV injection: article text is not trusted, and the
offsets still locate the exact text.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from spinscope.report import sentence_around, sentence_bounds
from spinscope.techniques.definitions import display_name

COLUMNS = ("technique", "name", "score", "text", "start", "end", "sentence")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def render(data: dict[str, Any]) -> str:
    text = data["document"]["text"]
    bounds = sentence_bounds(data)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for span in data["spans"].get("technique", []):
        lo, hi = sentence_around(bounds, span["start"], span["end"])
        score = "" if span["score"] is None else span["score"]
        writer.writerow([span["label"], display_name(span["label"]), score, _cell(span["text"]), span["start"], span["end"], _cell(text[lo:hi])])
    return out.getvalue()

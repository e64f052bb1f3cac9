"""The index page of a folder of reports (``analyze --format html -o DIR``): one row a document.

A reader who analysed a folder wants to know where to look first, so the rows carry each
report's counts and are ordered as the inputs were; inputs that failed are listed with their
error, so that a missing report is never silent. Like the reports, the page runs no script and
allows nothing but its own hash-pinned style.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from html import escape
from typing import Any
from urllib.parse import quote

from spinscope.techniques.definitions import display_name

_CSS = """body{font:15px/1.5 system-ui,sans-serif;margin:0 auto;max-width:1100px;padding:1rem 1.5rem;color:#222}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #eee;vertical-align:top}
td.n,th.n{text-align:right}td,h1{overflow-wrap:anywhere}.failed td{color:#8a1c1c}.source{color:#666;font-size:.9rem}
@media (max-width:700px){thead{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%)}
table,tbody,tr,td{display:block}tr{border-bottom:1px solid #ddd;padding:.4rem 0}td{border:0;padding:.1rem 0;text-align:left}
td.n{text-align:left}td[data-label]::before{content:attr(data-label) ": ";color:#666}}"""


@dataclass(frozen=True, slots=True)
class Entry:
    """One input of the batch: its report's file name and serialised analysis, or its error."""

    source: str
    file: str | None = None
    analysis: dict[str, Any] | None = None
    error: str | None = None


def _row(entry: Entry) -> str:
    if entry.analysis is None or entry.file is None:
        return (f'<tr class="failed"><td data-label="Document">{escape(entry.source)}</td>'
                f'<td colspan="4" data-label="Failed">{escape(entry.error or "failed")}</td></tr>')
    doc = entry.analysis["document"]
    summary = entry.analysis["summary"].get("technique", {})
    counts: dict[str, int] = summary.get("technique_counts", {})
    top = ", ".join(f"{escape(display_name(label))} ({n})" for label, n in list(counts.items())[:3]) or "none"
    title = escape(str(doc.get("title") or doc["id"]))
    return (
        f'<tr><td data-label="Document"><a href="{escape(quote(entry.file))}">{title}</a>'
        f'<div class="source">{escape(entry.source)}</div></td>'
        f'<td class="n" data-label="Spans">{summary.get("spans", 0)}</td>'
        f'<td class="n" data-label="Sentences with a technique">{summary.get("sentence_share", 0.0):.0%}</td>'
        f'<td class="n" data-label="Spans per 100 words">{summary.get("density_per_100_words", 0.0):.1f}</td>'
        f'<td data-label="Most used">{top}</td></tr>'
    )


def render_index(entries: list[Entry]) -> str:
    done = sum(e.analysis is not None for e in entries)
    failed = len(entries) - done
    style_hash = base64.b64encode(hashlib.sha256(_CSS.encode()).digest()).decode()
    csp = f"default-src 'none'; style-src 'sha256-{style_hash}'; base-uri 'none'; form-action 'none'"
    said = f"{done} report{'s' if done != 1 else ''}" + (f", {failed} input{'s' if failed != 1 else ''} failed" if failed else "")
    rows = "".join(_row(e) for e in entries)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{escape(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>spinscope: {said}</title>
<style>{_CSS}</style></head>
<body>
<h1>spinscope reports</h1>
<p>{said}, in the order of the inputs.</p>
<table><thead><tr><th>Document</th><th class="n">Spans</th><th class="n">Sentences with a technique</th><th class="n">Spans per 100 words</th><th>Most used</th></tr></thead>
<tbody>{rows}</tbody></table>
</body></html>
"""

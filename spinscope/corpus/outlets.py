"""Outlet profiles written out: a table for the terminal, JSON (profiles, actor framing, trends)
or CSV (one row per outlet and technique, ``all`` for every technique together).

A share that was not measured (the voice or source stage did not run) is written as null, an
empty cell or "not measured", never as 0. Text from the store is never read as Rich markup.
"""

from __future__ import annotations

import csv
from dataclasses import asdict
from typing import IO, Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from spinscope.corpus.profiles import ActorFraming, OutletProfile, Trends

CSV_COLUMNS = ("outlet", "documents", "undated", "words", "technique", "spans", "per_1000_words", "ci95_low", "ci95_high", "quoted_share", "named_source_share")
INTERVAL = "95% interval: the union of a normal interval from the spread between documents (the ratio estimator's standard error) and the exact Poisson interval on the span count"
TOP = 3  # techniques the table names per outlet


def profile_dict(p: OutletProfile) -> dict[str, Any]:
    out = asdict(p)
    out["voice"] = None if p.voice is None else {**asdict(p.voice), "quoted_share": p.voice.quoted_share}
    out["sources"] = None if p.sources is None else {**asdict(p.sources), "named_share": p.sources.named_share}
    return out


def profiles_json(profiles: tuple[OutletProfile, ...], framings: tuple[ActorFraming, ...], trends: Trends) -> dict[str, Any]:
    """Everything ``corpus outlets --format json`` writes, with a note on how the intervals are made."""
    return {
        "interval": INTERVAL,
        "outlets": [profile_dict(p) for p in profiles],
        "actors": [asdict(a) for a in framings],
        "trends": asdict(trends),
    }


def _share(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"


def write_profiles_csv(profiles: tuple[OutletProfile, ...], fh: IO[str]) -> None:
    writer = csv.writer(fh)
    writer.writerow(CSV_COLUMNS)
    for p in profiles:
        quoted = _share(p.voice.quoted_share if p.voice else None)
        named = _share(p.sources.named_share if p.sources else None)
        for r in (p.total, *p.techniques):
            writer.writerow([p.outlet or "", p.documents, p.undated, p.words, r.label, r.spans, r.per_1000, r.low, r.high, quoted, named])


def _percent(value: float | None, measured: bool) -> str:
    if not measured:
        return "not measured"
    return "no spans" if value is None else f"{100 * value:.0f}%"


def write_profiles_table(profiles: tuple[OutletProfile, ...], console: Console) -> None:
    if not profiles:
        console.print(Text("No documents in the store for these outlets."))
        return
    table = Table("outlet", "docs", "undated", "words", "spans / 1,000 words", "most used", "quoted", "named sources")
    for p in profiles:
        top = "\n".join(f"{r.label} {r.per_1000:.1f} [{r.low:.1f}, {r.high:.1f}]" for r in p.techniques[:TOP])
        table.add_row(
            Text(p.outlet or "(no outlet)"), str(p.documents), str(p.undated), f"{p.words:,}", f"{p.total.per_1000:.1f} [{p.total.low:.1f}, {p.total.high:.1f}]",
            Text(top), _percent(p.voice.quoted_share if p.voice else None, p.voice is not None),
            _percent(p.sources.named_share if p.sources else None, p.sources is not None),
        )  # fmt: skip
    console.print(table)
    console.print(Text(f"[low, high]: {INTERVAL}. 'not measured': the voice or source stage did not run on that outlet's documents."))

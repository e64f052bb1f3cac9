"""The terminal view: a table of techniques with counts, who says what (where its stages ran),
then every span in its sentence and, where the voice stage ran, who uses it."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from spinscope.report import sentence_around, sentence_bounds, technique_detector
from spinscope.report.overview import excerpt
from spinscope.report.who import Voices, WhoSaysWhat, source_kind, voice, voice_phrase, voices, voices_phrase, who_says_what
from spinscope.techniques.definitions import display_name

MAX_SPAN_CHARS = 160
# Context kept either side of a span: enough to read the clause it sits in, short enough that a
# span in a 2,000-character "sentence" (a list, a table scraped as text) keeps to a few lines.
CONTEXT_CHARS = 90
# Who says what, kept short: the most named actors and the most check-worthy claims.
TOP_ACTORS = 5
TOP_CLAIMS = 3
CLAIM_CHARS = 120


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


def _who_lines(who: WhoSaysWhat, counts: Voices | None) -> list[Text]:
    """A few lines: whose techniques, speakers with their quote counts, sources named and
    anonymous, the top actors with their roles and the top claims (a line saying "none" for a
    stage that found nothing)."""
    lines = [Text("Who says what", style="bold")]
    if counts is not None:
        lines.append(Text(f"Techniques: {voices_phrase(counts)}."))
    if who.speakers is not None:
        speakers = ", ".join(f"{s.name or 'speaker not found'}{'' if s.named or not s.name else ' (not named)'} {len(s.quotes)}" for s in who.speakers)
        lines.append(Text(f"Quotes: {who.quotes}, by speaker: {speakers}" if speakers else "Quotes: none found"))
    if who.sources is not None:
        named = sum(s.named for s in who.sources)
        kinds = "; ".join(f"{s.name} ({source_kind(s.kind)})" for s in who.sources)
        lines.append(Text(f"Sources: {len(who.sources)}, {named} named, {len(who.sources) - named} anonymous: {kinds}" if kinds else "Sources: none found"))
    if who.actors is not None:
        actors = "; ".join(f"{a.name} ({a.role or 'no role'}{f' {a.score:.0%}' if a.score is not None else ''})" for a in who.actors[:TOP_ACTORS])
        lines.append(Text(f"Actors: {len(who.actors)}, most named: {actors}" if actors else "Actors: none found"))
    if who.claims is not None:
        lines.append(Text(f"Check-worthy claims: {len(who.claims)}, top {min(TOP_CLAIMS, len(who.claims))}:" if who.claims else "Check-worthy claims: none found"))
        for c in who.claims[:TOP_CLAIMS]:
            score = f"{c.score:.0%} " if c.score is not None else ""
            source = f" (source: {c.source}{', anonymous' if c.named is False else ''})" if c.source else " (no source given)"
            lines.append(Text(f"  {c.rank}. {score}{excerpt(c.place.text, CLAIM_CHARS)}{source}"))
    return lines


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
    who, counts = who_says_what(data), voices(spans)
    if who.present or counts is not None:
        for line in _who_lines(who, counts):
            console.print(line, highlight=False)
    if not spans:
        console.print("No technique spans found.")
        return
    bounds = sentence_bounds(data)
    columns = ["technique", "score", "in its sentence (the span in bold)"] + (["who uses it"] if counts is not None else [])
    spans_table = Table(*columns, title="Spans", title_justify="left")
    for span in spans:
        score = "" if span["score"] is None else f"{span['score']:.2f}"
        who_uses = [Text(voice_phrase(*voice(span)))] if counts is not None else []
        spans_table.add_row(Text(display_name(span["label"])), score, _in_context(doc["text"], span["start"], span["end"], bounds), *who_uses)
    console.print(spans_table)

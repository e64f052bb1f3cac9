"""The comparison in the terminal: techniques side by side, then actors, claims and sources.

Every cell is a rich ``Text``, never markup: an actor called "[bold]x[/bold]" prints as written.
"""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from spinscope.compare.model import Article, Comparison, Count, Portrayal
from spinscope.report.overview import excerpt
from spinscope.report.who import Claim, source_kind
from spinscope.techniques.definitions import display_name

CLAIM_CHARS = 100


def _article(side: str, art: Article) -> Text:
    meta = " · ".join(v for v in (art.outlet, art.published) if v)
    return Text.assemble((f"{side} ", "bold"), art.title or art.id, f"  ({meta + ', ' if meta else ''}{art.words:,} words)")


def _count(count: Count) -> Text:
    voice = f" ({count.author} own, {count.quoted} quoted)" if count.author is not None else ""
    return Text(f"{count.spans}  {count.per_1000_words:.1f}/1k{voice}")


def _portrayal(p: Portrayal | None) -> Text:
    if p is None:
        return Text("")
    a = p.actor
    out = Text.assemble((a.name, "bold"), f" [{a.role}]" if a.role else "")
    for label in a.labels:
        out.append(f"\n  «{excerpt(label.place.text)}» {label.kind}")
    return out


def _claim(c: Claim | None) -> Text:
    return Text("") if c is None else Text(f"«{excerpt(c.place.text, CLAIM_CHARS)}»" + (f" (source: {c.source})" if c.source else ""))


def _missing(console: Console, what: str, stage: str, c: Comparison) -> None:
    lacking = " and ".join(side for side, art in (("A", c.a), ("B", c.b)) if stage not in art.groups)
    console.print(Text(f"{what}: not compared; the analysis of {lacking} ran without the {stage} stage."))


def render(c: Comparison, console: Console) -> None:
    console.print(_article("A", c.a))
    console.print(_article("B", c.b))
    table = Table(title="Techniques (spans shown by default, per 1,000 words)", title_justify="left")
    for column in ("Technique", "A", "B"):
        table.add_column(column)
    for row in c.techniques.rows:
        table.add_row(Text(display_name(row.label)), _count(row.a), _count(row.b))
    table.add_row(Text("All", style="bold"), _count(c.techniques.total_a), _count(c.techniques.total_b))
    console.print(table)
    if c.actors is None:
        _missing(console, "Actors", "actor", c)
    else:
        actors = Table(title="Actors and their labels", title_justify="left", show_lines=True)
        for column in ("A", "matched by", "B"):
            actors.add_column(column)
        for pair in c.actors.pairs:
            actors.add_row(_portrayal(pair.a), Text(pair.rule), _portrayal(pair.b))
        for p in c.actors.only_a:
            actors.add_row(_portrayal(p), Text("only in A"), Text(""))
        for p in c.actors.only_b:
            actors.add_row(Text(""), Text("only in B"), _portrayal(p))
        console.print(actors)
    if c.claims is None:
        _missing(console, "Claims", "claim", c)
    else:
        claims = Table(title="Check-worthy claims", title_justify="left", show_lines=True)
        for column in ("A", "", "B"):
            claims.add_column(column)
        for same in c.claims.pairs:
            claims.add_row(_claim(same.a), Text("both"), _claim(same.b))
        for claim in c.claims.only_a:
            claims.add_row(_claim(claim), Text("only A"), Text(""))
        for claim in c.claims.only_b:
            claims.add_row(Text(""), Text("only B"), _claim(claim))
        console.print(claims)
    if c.sources is None:
        _missing(console, "Sources", "source", c)
        return
    for side, own in (("A", [p.a for p in c.sources.pairs] + list(c.sources.only_a)), ("B", [p.b for p in c.sources.pairs] + list(c.sources.only_b))):
        named = sum(s.named for s in own)
        listed = "; ".join(f"{s.name} ({source_kind(s.kind)}{'' if s.named else ', anonymous'})" for s in own)
        console.print(Text(f"Sources of {side}: {named} named, {len(own) - named} anonymous" + (f": {listed}" if listed else "")))

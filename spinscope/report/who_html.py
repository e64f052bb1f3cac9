"""The report's "Who says what" panel: quotes by speaker, the sources the article leans on (named
and anonymous), its actors with the labels and roles it gives them, and its check-worthy claims by
rank; each item a link to its place in the article (the regions of spinscope.report.article).

Anchors are named from each item's position in its group, never from the data's ids, and every
piece of text is escaped, so a hostile name can neither break out of an attribute nor run.
"""

from __future__ import annotations

from html import escape

from spinscope.report.article import Region
from spinscope.report.overview import excerpt
from spinscope.report.who import UNKNOWN_SPEAKER, Actor, Claim, Place, Source, Speaker, WhoSaysWhat, source_kind

# The panel lists the most check-worthy claims and the most named actors; the JSON keeps them all.
CLAIMS_SHOWN = 10
ACTORS_SHOWN = 12


def panel_anchor(kind: str, place: Place, owner: Place | None = None) -> str:
    return f"w-{kind}-{owner.index}-{place.index}" if owner else f"w-{kind}-{place.index}"


def who_regions(who: WhoSaysWhat) -> tuple[Region, ...]:
    """The article's passages the panel links to, quotes marked as quoted with their speaker."""
    out = [
        Region(q.place.start, q.place.end, panel_anchor("quote", q.place), f"Quote by {s.name or 'an unknown speaker'}", True, s.name or UNKNOWN_SPEAKER)
        for s in who.speakers or () for q in s.quotes
    ]
    out += [Region(s.place.start, s.place.end, panel_anchor("source", s.place), f"Source: {s.name}") for s in who.sources or ()]
    for a in who.actors or ():
        out.append(Region(a.place.start, a.place.end, panel_anchor("actor", a.place), f"Actor: {a.name}"))
        out += [Region(l.place.start, l.place.end, panel_anchor("label", l.place, a.place), f"Label of {a.name}: {l.place.text}") for l in a.labels]
    out += [Region(c.place.start, c.place.end, panel_anchor("claim", c.place), f"Claim ranked {c.rank}") for c in who.claims or ()]
    return tuple(out)


def _link(anchor: str, text: str) -> str:
    return f'<a class="who-link" href="#{anchor}">«{escape(excerpt(text))}»</a>'


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else many or one + 's'}"


def _section(key: str, title: str, body: str) -> str:
    return f'<section class="who-{key}" aria-labelledby="who-{key}-title"><h3 id="who-{key}-title">{title}</h3>{body}</section>'


def _quotes(speakers: tuple[Speaker, ...]) -> str:
    if not speakers:
        return '<p class="none">No quotes found.</p>'
    found = sum(1 for s in speakers if s.named)
    items = []
    for s in speakers:
        titles = sorted({q.title for q in s.quotes if q.title})
        title = f' <span class="muted">({escape("; ".join(titles))})</span>' if titles else ""
        name = escape(s.name) if s.name else f"<i>{UNKNOWN_SPEAKER}</i>"
        unnamed = ' <span class="muted">(not named)</span>' if s.name and not s.named else ""
        quotes = "".join(f'<li>{_link(panel_anchor("quote", q.place), q.place.text)} <span class="muted">{escape(q.kind)}</span></li>' for q in s.quotes)
        items.append(f'<li><b>{name}</b>{unnamed}{title}: {_plural(len(s.quotes), "quote")}<ul>{quotes}</ul></li>')
    total = sum(len(s.quotes) for s in speakers)
    return f'<p>{_plural(total, "quote")}, {_plural(found, "speaker")} named.</p><ul class="speakers">{"".join(items)}</ul>'


def _kind(source: Source) -> str:
    """“official, named”; an unnamed source is just “anonymous”."""
    if source.kind == "unnamed" and not source.named:
        return "anonymous"
    return f'{escape(source_kind(source.kind))}, {"named" if source.named else "anonymous"}'


def _sources(sources: tuple[Source, ...]) -> str:
    if not sources:
        return '<p class="none">No sources found.</p>'
    named = sum(s.named for s in sources)
    items = "".join(
        f'<li><a class="who-link" href="#{panel_anchor("source", s.place)}">{escape(s.name)}</a> <span class="muted">{_kind(s)}'
        f'{", " + _plural(s.statements, "statement") if s.statements else ""}</span></li>'
        for s in sources
    )
    return f'<p class="counts">{_plural(len(sources), "source")}: <b>{named}</b> named, <b>{len(sources) - named}</b> anonymous.</p><ul>{items}</ul>'


def _role(actor: Actor) -> str:
    if actor.role is None:
        return ""
    score = f" {actor.score:.0%}" if actor.score is not None else ""
    fine = f" ({escape(', '.join(actor.fine))})" if actor.fine else ""
    return f' <span class="role">{escape(actor.role)}{score}{fine}</span>'


def _actors(actors: tuple[Actor, ...]) -> str:
    if not actors:
        return '<p class="none">No actors found.</p>'
    items = []
    for a in actors[:ACTORS_SHOWN]:
        labels = ", ".join(f'{_link(panel_anchor("label", l.place, a.place), l.place.text)} <span class="muted">{escape(l.kind)}'
                           f'{f" ×{l.times}" if l.times > 1 else ""}</span>' for l in a.labels)
        called = f'<br><span class="labels">Called: {labels}</span>' if labels else ""
        kind = f'{escape(a.type)}, ' if a.type else ""
        items.append(f'<li><a class="who-link" href="#{panel_anchor("actor", a.place)}">{escape(a.name)}</a>{_role(a)} '
                     f'<span class="muted">{kind}{_plural(a.mentions, "mention")}</span>{called}</li>')
    more = len(actors) - ACTORS_SHOWN
    rest = f'<p class="muted">{_plural(more, "more actor")}, named less often, in the JSON.</p>' if more > 0 else ""
    return f'<ul>{"".join(items)}</ul>{rest}'


def _claims(claims: tuple[Claim, ...]) -> str:
    if not claims:
        return '<p class="none">No check-worthy claims found.</p>'
    items = []
    for c in claims[:CLAIMS_SHOWN]:
        score = f" {c.score:.0%}" if c.score is not None else ""
        source = f"; source: {escape(c.source)}{'' if c.named is not False else ' (anonymous)'}" if c.source else "; no source given"
        reasons = escape("; ".join(c.reasons))
        items.append(f'<li>{_link(panel_anchor("claim", c.place), c.place.text)} <span class="muted">{score.strip()}'
                     f'{" · " + reasons if reasons else ""}{source}</span></li>')
    more = len(claims) - CLAIMS_SHOWN
    rest = f'<p class="muted">{_plural(more, "more claim")}, less check-worthy, in the JSON.</p>' if more > 0 else ""
    return f'<p>Ranked, most check-worthy first.</p><ol>{"".join(items)}</ol>{rest}'


def who_html(who: WhoSaysWhat) -> str:
    """The panel, with a section for each stage that ran (saying so where it found nothing); ""
    where none ran, so that such a report is what it was before."""
    if not who.present:
        return ""
    sections = []
    if who.speakers is not None:
        sections.append(_section("quotes", "Quotes by speaker", _quotes(who.speakers)))
    if who.sources is not None:
        sections.append(_section("sources", "Sources", _sources(who.sources)))
    if who.actors is not None:
        sections.append(_section("actors", "Actors and their roles", _actors(who.actors)))
    if who.claims is not None:
        sections.append(_section("claims", "Check-worthy claims", _claims(who.claims)))
    return (
        '<section class="who" aria-labelledby="who-title"><h2 id="who-title">Who says what</h2>'
        '<p class="hint">Each item links to its place in the text; quoted passages are set in italics on blue.</p>'
        f'<div class="who-grid">{"".join(sections)}</div></section>'
    )

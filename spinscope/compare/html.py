"""The comparison as a standalone page: two columns, A and B, one row per aligned actor, claim or
source, then what only one article has.

Built on the report's stylesheet, palette and technique names, so a comparison reads like a report.
Every piece of article text is escaped, and the page runs no script: its Content-Security-Policy
allows only its own inlined style, by hash. On a phone the two columns become one, each cell still
tagged A or B. With ``links`` (the web app's report pages of A and B), each actor, label, claim and
source links to its place in its article's report; standalone, nothing links anywhere.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from html import escape
from importlib import resources

from spinscope.compare.model import Actors, ActorPair, Article, Claims, Comparison, Count, Portrayal, Quotes, Sources
from spinscope.report.article import colour_class
from spinscope.report.overview import excerpt
from spinscope.report.palette import colour
from spinscope.report.who import UNKNOWN_SPEAKER, Actor, Claim, Source, Speaker, source_kind
from spinscope.report.who_html import panel_anchor
from spinscope.techniques.definitions import display_name

CLAIM_CHARS = 240
_NONE = '<p class="none">None.</p>'

Link = Callable[[str, str], str]  # (side "a"/"b", anchor) -> an <a> opening tag's href, or "" for none


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else many or one + 's'}"


def _tag(side: str) -> str:
    return f'<span class="tag {side}" aria-hidden="true">{side.upper()}</span>'


class _Page:
    """The page's parts, with the links (or none) its items carry."""

    def __init__(self, comparison: Comparison, links: tuple[str, str] | None) -> None:
        self.c = comparison
        self.links = links

    def _linked(self, side: str, anchor: str, inner: str) -> str:
        if self.links is None:
            return inner
        base = self.links[0] if side == "a" else self.links[1]
        return f'<a href="{escape(base)}#{escape(anchor)}">{inner}</a>'

    def header(self) -> str:
        cells = "".join(self._article(side, art) for side, art in (("a", self.c.a), ("b", self.c.b)))
        return f'<header><h1>Two articles side by side</h1><div class="pair sides">{cells}</div>{self.lead()}</header>'

    def _article(self, side: str, art: Article) -> str:
        title = escape(art.title or art.id)
        meta = " · ".join(escape(v) for v in (art.outlet, art.published, art.url) if v)
        where = f"<br>{meta}" if meta else ""
        return (f'<div class="side {side}">{_tag(side)} <b class="title">{title}</b><p class="meta">{_plural(art.words, "word")}'
                f"{where}</p></div>")

    def lead(self) -> str:
        """The comparison in a sentence or two, before the detail."""
        said = []
        actors, claims = self.c.actors, self.c.claims
        if actors is not None:
            said.append(f"Both articles name {_plural(len(actors.pairs), 'actor')}; {len(actors.only_a)} only in A, {len(actors.only_b)} only in B.")
        if claims is not None:
            said.append(f"{_plural(len(claims.pairs), 'check-worthy claim')} in both; {len(claims.only_a)} only in A, {len(claims.only_b)} only in B.")
        ta, tb = self.c.techniques.total_a, self.c.techniques.total_b
        said.append(f"Technique spans per 1,000 words: A {ta.per_1000_words:.1f}, B {tb.per_1000_words:.1f}.")
        return f'<p class="lead">{" ".join(said)}</p>'

    def techniques(self) -> str:
        t = self.c.techniques
        top = max([r.a.per_1000_words for r in t.rows] + [r.b.per_1000_words for r in t.rows] + [0.0])
        rows = []
        for r in t.rows:
            name = escape(display_name(r.label))
            cells = "".join(self._count(side, count, top, r.label) for side, count in (("a", r.a), ("b", r.b)))
            rows.append(f'<div class="trow"><div class="tname"><span class="swatch {colour_class(r.label)}"></span>{name}</div>'
                        f'<div class="pair">{cells}</div></div>')
        body = "".join(rows) if rows else '<p class="none">Neither article has a technique span shown by default.</p>'
        totals = (f'<div class="trow total"><div class="tname">All techniques</div><div class="pair">'
                  f'{self._count("a", t.total_a, 0.0, None)}{self._count("b", t.total_b, 0.0, None)}</div></div>')
        return self._section("techniques", "Techniques each article uses",
                             '<p class="hint">Spans its report shows by default, per 1,000 words of the article; '
                             "“own” are the author's words, “quoted” a speaker's.</p>" + body + totals)

    def _count(self, side: str, count: Count, top: float, label: str | None) -> str:
        voice = f' <span class="muted">({count.author} own, {count.quoted} quoted)</span>' if count.author is not None else ""
        bar = ""
        if label is not None:
            width = round(100 * count.per_1000_words / top) if top else 0
            bar = f'<span class="track"><span class="fill w{width} {colour_class(label)}"></span></span>'
        return (f'<div class="side {side}">{_tag(side)} {bar}<b>{count.spans}</b> '
                f'<span class="muted">· {count.per_1000_words:.1f} per 1,000 words</span>{voice}</div>')

    def actors(self) -> str:
        actors = self.c.actors
        if actors is None:
            return self._missing("actors", "Actors and the labels each article gives them", "actor")
        rows = "".join(self._actor_pair(p) for p in actors.pairs) or '<p class="none">No actor is named by both.</p>'
        return self._section("actors", "Actors and the labels each article gives them",
                             '<p class="hint">One row per actor both name; shared labels are in bold.</p>'
                             f"{rows}{self._only(actors)}")

    def _actor_pair(self, pair: ActorPair) -> str:
        how = escape(pair.rule) + (f" {pair.score:.2f}" if pair.rule == "near name" else "")
        cells = "".join(self._portrayal(side, p, set(pair.shared_labels)) for side, p in (("a", pair.a), ("b", pair.b)))
        return f'<div class="row"><p class="how">matched by {how}</p><div class="pair">{cells}</div></div>'

    def _portrayal(self, side: str, p: Portrayal, shared: set[str]) -> str:
        a = p.actor
        name = self._linked(side, panel_anchor("actor", a.place), escape(a.name))
        labels = []
        for label in a.labels:
            words = escape(label.place.text)
            key = " ".join(label.place.text.lower().split())
            words = f"<b>{words}</b>" if key in shared else words
            times = f" ×{label.times}" if label.times > 1 else ""
            labels.append(f'<li>{self._linked(side, panel_anchor("label", label.place, a.place), "«" + words + "»")} '
                          f'<span class="muted">{escape(label.kind)}{times}</span></li>')
        called = f'<ul class="labels">{"".join(labels)}</ul>' if labels else '<p class="muted">No label.</p>'
        return f'<div class="side {side}">{_tag(side)} <b>{name}</b>{_role(a)} <span class="muted">{_plural(a.mentions, "mention")}</span>{called}</div>'

    def _only(self, actors: Actors) -> str:
        cells = ""
        for side, only in (("a", actors.only_a), ("b", actors.only_b)):
            items = "".join(f'<li><b>{self._linked(side, panel_anchor("actor", p.actor.place), escape(p.actor.name))}</b>{_role(p.actor)}'
                            f'{self._labels_inline(side, p.actor)}</li>' for p in only)
            cells += f'<div class="side {side}">{_tag(side)} <b>Only in {side.upper()}</b>{f"<ul>{items}</ul>" if items else _NONE}</div>'
        return f'<h3>Named by one article only</h3><div class="pair only">{cells}</div>'

    def _labels_inline(self, side: str, a: Actor) -> str:
        if not a.labels:
            return ""
        said = ", ".join(self._linked(side, panel_anchor("label", l.place, a.place), "«" + escape(l.place.text) + "»") for l in a.labels)
        return f'<br><span class="muted">called</span> {said}'

    def claims(self) -> str:
        claims = self.c.claims
        if claims is None:
            return self._missing("claims", "Check-worthy claims", "claim")
        return self._section("claims", "Check-worthy claims", self._claim_rows(claims))

    def _claim(self, side: str, c: Claim) -> str:
        source = f' <span class="muted">source: {escape(c.source)}{" (anonymous)" if c.named is False else ""}</span>' if c.source else ""
        return self._linked(side, panel_anchor("claim", c.place), "«" + escape(excerpt(c.place.text, CLAIM_CHARS)) + "»") + source

    def _claim_rows(self, claims: Claims) -> str:
        both = "".join(f'<div class="row"><p class="how">the same claim (match score {p.score:.2f})</p><div class="pair">'
                       f'<div class="side a">{_tag("a")} {self._claim("a", p.a)}</div><div class="side b">{_tag("b")} {self._claim("b", p.b)}</div></div></div>'
                       for p in claims.pairs)
        both = both or '<p class="none">No claim is made by both.</p>'
        cells = ""
        for side, only in (("a", claims.only_a), ("b", claims.only_b)):
            items = "".join(f"<li>{self._claim(side, c)}</li>" for c in only)
            cells += f'<div class="side {side}">{_tag(side)} <b>Only in {side.upper()}</b>{f"<ol>{items}</ol>" if items else _NONE}</div>'
        return (f'<p class="hint">Claims both make (matched as spinscope groups repeated claims: figures that differ make two claims), '
                f'then those only one makes, most check-worthy first.</p>{both}<h3>Made by one article only</h3><div class="pair only">{cells}</div>')

    def sources(self) -> str:
        sources = self.c.sources
        if sources is None:
            return self._missing("sources", "Sources each article leans on", "source")
        return self._section("sources", "Sources each article leans on", self._source_rows(sources))

    def _source(self, side: str, s: Source) -> str:
        kind = "anonymous" if s.kind == "unnamed" and not s.named else f'{source_kind(s.kind)}, {"named" if s.named else "anonymous"}'
        said = f", {_plural(s.statements, 'statement')}" if s.statements else ""
        return f'{self._linked(side, panel_anchor("source", s.place), escape(s.name))} <span class="muted">{escape(kind)}{said}</span>'

    def _source_rows(self, sources: Sources) -> str:
        counts = ""
        for side, own in (("a", [p.a for p in sources.pairs] + list(sources.only_a)), ("b", [p.b for p in sources.pairs] + list(sources.only_b))):
            named = sum(s.named for s in own)
            counts += f'<div class="side {side}">{_tag(side)} <b>{named}</b> named, <b>{len(own) - named}</b> anonymous</div>'
        both = "".join(f'<div class="row"><p class="how">both cite, by {escape(p.rule)}</p><div class="pair">'
                       f'<div class="side a">{_tag("a")} {self._source("a", p.a)}</div><div class="side b">{_tag("b")} {self._source("b", p.b)}</div></div></div>'
                       for p in sources.pairs)
        cells = ""
        for side, only in (("a", sources.only_a), ("b", sources.only_b)):
            items = "".join(f"<li>{self._source(side, s)}</li>" for s in only)
            cells += f'<div class="side {side}">{_tag(side)} <b>Only in {side.upper()}</b>{f"<ul>{items}</ul>" if items else _NONE}</div>'
        return f'<div class="pair">{counts}</div>{both}<h3>Cited by one article only</h3><div class="pair only">{cells}</div>'

    def quotes(self) -> str:
        quotes = self.c.quotes
        if quotes is None:
            return self._missing("quotes", "Who is quoted", "quote")
        return self._section("quotes", "Who is quoted", self._speakers(quotes))

    def _speakers(self, quotes: Quotes) -> str:
        cells = ""
        for side, speakers in (("a", quotes.a), ("b", quotes.b)):
            cells += f'<div class="side {side}">{_tag(side)} <b>{_plural(sum(len(s.quotes) for s in speakers), "quote")}</b>{f"<ul>{_speaker_items(speakers)}</ul>" if speakers else ""}</div>'
        return f'<div class="pair">{cells}</div>'

    def _missing(self, key: str, title: str, stage: str) -> str:
        lacking = [side.upper() for side, art in (("a", self.c.a), ("b", self.c.b)) if stage not in art.groups]
        who = " and ".join(lacking)
        return self._section(key, title, f'<p class="none">Not compared: the analysis of {who} ran without the {escape(stage)} stage. '
                                          "Compare the articles themselves (spinscope compare runs every stage) rather than their saved analyses.</p>")

    @staticmethod
    def _section(key: str, title: str, body: str) -> str:
        return f'<section class="cmp cmp-{key}" aria-labelledby="cmp-{key}-title"><h2 id="cmp-{key}-title">{escape(title)}</h2>{body}</section>'


def _role(a: Actor) -> str:
    if a.role is None:
        return ""
    fine = f" ({escape(', '.join(a.fine))})" if a.fine else ""
    return f' <span class="role">{escape(a.role)}{fine}</span>'


def _speaker_items(speakers: tuple[Speaker, ...]) -> str:
    items = []
    for s in speakers:
        name = escape(s.name) if s.name else f"<i>{UNKNOWN_SPEAKER}</i>"
        unnamed = ' <span class="muted">(not named)</span>' if s.name and not s.named else ""
        items.append(f"<li>{name}{unnamed}: {_plural(len(s.quotes), 'quote')}</li>")
    return "".join(items)


def _css(labels: list[str]) -> str:
    """The report's stylesheet, the comparison's own, and this page's colours and bar widths
    (generated rules: the CSP forbids style attributes)."""
    report = resources.files("spinscope.report").joinpath("report.css").read_text()
    own = resources.files("spinscope.compare").joinpath("compare.css").read_text()
    rules = [f".{colour_class(l)}{{background:{colour(l)}}}" for l in sorted(set(labels))]
    rules += [f".w{w}{{width:{w}%}}" for w in range(0, 101)]
    return report + own + "\n".join(rules)


def render(comparison: Comparison, links: tuple[str, str] | None = None) -> str:
    """The standalone page; ``links``: the report pages of A and B for the items to link to."""
    page = _Page(comparison, links)
    css = _css([r.label for r in comparison.techniques.rows])
    style_hash = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
    csp = f"default-src 'none'; style-src 'sha256-{style_hash}'; img-src data:; object-src 'none'; base-uri 'none'; form-action 'none'"
    title = f"{comparison.a.title or comparison.a.id} / {comparison.b.title or comparison.b.id}"
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{escape(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>spinscope: {escape(title)}</title>
<style>{css}</style></head>
<body>
<div class="comparison">
{page.header()}
{page.techniques()}
{page.actors()}
{page.claims()}
{page.sources()}
{page.quotes()}
</div>
<footer>spinscope shows how each text persuades and what each says; it does not say which is right.</footer>
</body></html>
"""

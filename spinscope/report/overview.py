"""The summary in words at the top of the report: which technique dominates and the strongest
passages, each a link to its place in the article, so a reader knows where to look first.

It speaks of the spans the report shows (the weaker ones hidden under the display threshold are
counted apart) and says so where scores are uncalibrated ranks rather than chances. Where the voice
stage ran, it counts the author's own techniques apart from those of the people quoted.
"""

from __future__ import annotations

from collections import Counter
from html import escape
from typing import Any

from spinscope.report.article import anchor
from spinscope.report.who import voices, voices_phrase
from spinscope.techniques.definitions import display_name

STRONGEST = 3
QUOTE_CHARS = 60


def excerpt(text: str, chars: int = QUOTE_CHARS) -> str:
    """The passage on one line, cut at a word under ``chars`` characters."""
    flat = " ".join(text.split())
    if len(flat) <= chars:
        return flat
    return flat[:chars].rsplit(" ", 1)[0] + "…"


def _names(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _lead(shown: list[dict[str, Any]]) -> str:
    ranked = Counter(display_name(s["label"]) for s in shown).most_common()
    total, top = len(shown), ranked[0][1]
    leaders = [name for name, n in ranked if n == top]
    if len(ranked) == 1:
        return f"The one span shown is {leaders[0]}" if total == 1 else f"All {total} spans shown are {leaders[0]}"
    if len(leaders) > 1:
        return f"{_names(leaders)} are the most frequent ({top} {'span' if top == 1 else 'spans'} each, of {total} shown)"
    verb = "dominates" if 2 * top > total else "is the most frequent technique"
    return f"{leaders[0]} {verb} ({top} of {total} spans shown)"


def _passages(shown: list[dict[str, Any]], calibrated: bool) -> str:
    scored = [s for s in shown if s["score"] is not None]
    if not scored:
        chosen, intro = shown[:STRONGEST], "the first passages"
    else:
        chosen = sorted(scored, key=lambda s: (-s["score"], s["start"]))[:STRONGEST]
        intro = "the strongest passages" if calibrated else "the highest-scoring passages (uncalibrated scores: they rank passages, they are not chances)"
    links = []
    for s in chosen:
        figure = f", {s['score']:.0%}" if calibrated and s["score"] is not None else ""
        links.append(f'<a class="passage" href="#{anchor(s)}">«{escape(excerpt(s["text"]))}»</a> ({escape(display_name(s["label"]))}{figure})')
    return f"{intro}: " + ", ".join(links)


def overview_html(shown: list[dict[str, Any]], hidden: int, calibrated: bool) -> str:
    """The paragraph for the spans ``shown`` (sorted by start, each with a mark to link to) and the
    number of weaker spans ``hidden`` under the display threshold."""
    if not shown:
        if hidden:
            return (f'<p class="overview">No span reaches the display threshold; {hidden} weaker '
                    f"{'span is' if hidden == 1 else 'spans are'} hidden (see “Show weaker spans” below).</p>")
        return ('<p class="overview">No technique spans were found. That is not proof of neutral writing: '
                "the model misses much of what annotators mark (see “How to read this”).</p>")
    # The chart counts every span: say why the figures here are smaller.
    one = hidden == 1
    weaker = f" {hidden} weaker {'span' if one else 'spans'}, under the display threshold, {'is' if one else 'are'} not counted here." if hidden else ""
    counts = voices(shown)
    voiced = f" Of the spans shown, {escape(voices_phrase(counts))}." if counts else ""
    return f'<p class="overview">{_lead(shown)}; {_passages(shown, calibrated)}.{voiced}{weaker}</p>'

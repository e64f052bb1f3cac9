"""The article as HTML: escaped text with technique marks, legend numbers, headings and the
passages the who-says-what panel links to (quoted text shown as such).

Overlapping spans stay visible as stacked underlines (each span gets the lowest free slot among
the spans it overlaps, as displaCy's span renderer does). Whatever is added (underlines, end
notes, heading elements) is markup or empty elements, so the article's text content stays
exactly the document's text and every offset keeps pointing at it.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from html import escape
from typing import Any

from spinscope.techniques.confidence import DISPLAY_THRESHOLD, level
from spinscope.techniques.definitions import display_name

_WORDS = re.compile(r"\S+|\s+")


@dataclass(frozen=True, slots=True)
class Heading:
    """A heading-like line of the text; ``hidden`` where the page's header already shows it as the title."""

    start: int
    end: int
    hidden: bool = False


@dataclass(frozen=True, slots=True)
class Region:
    """A passage the who-says-what panel links to (a quote, a source's or an actor's first mention,
    a label, a claim): an empty anchor ``anchor`` where it starts, named ``name`` for assistive
    technology, and its words tagged with it (``data-in``) so that a link can light them up. A
    quote's words are styled as quoted, and its ``note`` (who speaks) is shown before it by CSS,
    outside the text content."""

    start: int
    end: int
    anchor: str
    name: str
    quote: bool = False
    note: str = ""


def colour_class(label: str) -> str:
    return "c" + hashlib.sha1(label.encode()).hexdigest()[:8]


def assign_slots(spans: list[dict[str, Any]]) -> list[int]:
    slots: list[int] = []
    for i, span in enumerate(spans):
        taken = {slots[j] for j in range(i) if spans[j]["start"] < span["end"] and span["start"] < spans[j]["end"]}
        slot = 0
        while slot in taken:
            slot += 1
        slots.append(slot)
    return slots


def is_weak(span: dict[str, Any], calibrated: bool) -> bool:
    """Below the display threshold; only a calibrated score can be, since the threshold was measured on one."""
    return calibrated and span["score"] is not None and span["score"] < DISPLAY_THRESHOLD


def anchor(span: dict[str, Any]) -> str:
    """The id of the span's first mark (shared by spans that start together), for links to it."""
    return f"m{span['start']}"


def _mark_classes(active: list[dict[str, Any]], calibrated: bool) -> str:
    """The highlight's strength (the strongest of the spans on the segment) and, where every one of
    them is below the display threshold, ``weak``, which the report hides until asked."""
    if not calibrated:
        return "lvl-unrated"
    scores = [s["score"] for s in active if s["score"] is not None]
    weak = " weak" if all(is_weak(s, calibrated) for s in active) else ""
    return f"lvl-{level(max(scores) if scores else None)}{weak}"


def _ends(ending: list[dict[str, Any]], numbers: dict[str, int], calibrated: bool) -> str:
    """One empty element per technique where its spans end, with its legend number (shown after
    the span on screen, so colour is not the only way to tell techniques apart) and its name
    (printed, as paper has no colours to tell apart and no panel to click). Weak and strong stay
    apart, so that a hidden weak span's note is hidden too."""
    notes = sorted({(is_weak(s, calibrated), numbers[s["label"]], display_name(s["label"])) for s in ending})
    return "".join(f'<span class="ends{" weak" if weak else ""}" data-n="{n}" data-ends="{escape(name)}"></span>' for weak, n, name in notes)


def _anchor(region: Region) -> str:
    """The empty element a panel link lands on: focusable from script only, and named (a generic
    span may not carry a name, so it is a group) for the reader who arrives there."""
    kind = "at quote" if region.quote else "at"
    note = f' data-note="{escape(region.note)}"' if region.note else ""
    return f'<span class="{kind}" id="{region.anchor}" role="group" tabindex="-1" aria-label="{escape(region.name)}"{note}></span>'


def article_html(
    text: str, spans: list[dict[str, Any]], slots: list[int], content_end: int, calibrated: bool, numbers: dict[str, int], headings: list[Heading],
    regions: tuple[Region, ...] = (),
) -> str:
    """The article as escaped text with marked segments.

    A marked segment is cut into words, each carrying its own underline bars, because an
    absolutely placed bar under an inline box that wraps shows on one line only. The first word (not
    space) of a segment is where the keyboard stops, and that of a span carries its ``anchor``.
    The end notes sit outside the marks, so the underlines stop before them. A region's edges cut
    segments too, but add no keyboard stop: only where the spans change does the reader stop.
    """
    opens = {h.start: h for h in headings}
    closes = {h.end for h in headings}
    starts = {s["start"] for s in spans}
    regions = tuple(r for r in regions if 0 <= r.start < r.end <= len(text))
    at: dict[int, list[Region]] = {}
    for region in regions:
        at.setdefault(region.start, []).append(region)
    stops = {0, len(text), content_end} | starts | {s["end"] for s in spans} | set(opens) | closes
    cuts = sorted(stops | set(at) | {r.end for r in regions})
    parts: list[str] = []
    first, pending = True, ""
    for a, b in zip(cuts, cuts[1:]):
        if a in opens:
            parts.append(f'<h2 class="heading"{" hidden" if opens[a].hidden else ""}>')
        parts.extend(_anchor(r) for r in at.get(a, ()))
        if a in stops:
            first, pending = True, f' id="m{a}"' if a in starts else ""
        inside = [r for r in regions if r.start <= a and b <= r.end]
        quoted = " quoted" if any(r.quote for r in inside) else ""
        tagged = f' data-in="{" ".join(r.anchor for r in inside)}"' if inside else ""
        active = [i for i, s in enumerate(spans) if s["start"] <= a and b <= s["end"]]
        if a >= content_end:
            parts.append(f'<span class="boilerplate" title="boilerplate: not analysed">{escape(text[a:b])}</span>')
        elif not active:
            parts.append(f'<span class="plain{quoted}"{tagged}>{escape(text[a:b])}</span>' if inside else escape(text[a:b]))
        else:
            depth = max(slots[i] for i in active) + 1
            bars = "".join(
                f'<span class="bar s{slots[i]} {colour_class(spans[i]["label"])}{" weak" if is_weak(spans[i], calibrated) else ""}" data-span="{i}"></span>'
                for i in active
            )
            ids = " ".join(str(i) for i in active)
            classes = _mark_classes([spans[i] for i in active], calibrated) + quoted
            for found in _WORDS.finditer(text, a, b):
                word = found.group()
                if "\n" in word:
                    parts.append(escape(word))
                    continue
                focus = pending + ' tabindex="0"' if first and word.strip() else ""
                if focus:
                    first, pending = False, ""
                offset = f' data-o="{found.start()}"' if word.strip() else ""
                parts.append(f'<span class="mark d{depth} {classes}"{focus}{tagged} data-spans="{ids}"{offset}>{escape(word)}{bars}</span>')
            parts.append(_ends([spans[i] for i in active if spans[i]["end"] == b], numbers, calibrated))
        if b in closes:
            parts.append("</h2>")
    return "".join(parts)

"""Which quote, if any, a claim sentence belongs to, and so which source it rests on.

A claim is attributed to a quote when it lies inside the quote's content (at least half of the
sentence's characters: a direct quote's words), or when the sentence holds an indirect or mixed
quote ("X said that ...", "according to X"), or the cue of a direct one (`"...," he said.`).
Among several, the quote that covers most of the sentence wins. One sweep over both lists, both
in text order, so the cost stays linear in the text.
"""

from __future__ import annotations

from collections.abc import Sequence

from spinscope.document import Span

# A direct quote claims a sentence when it covers at least this share of its characters.
INSIDE_SHARE = 0.5


def _claims(quote: Span, start: int, end: int) -> int:
    """How many of the sentence's characters ``quote`` covers, when it claims the sentence; else 0."""
    overlap = min(end, quote.end) - max(start, quote.start)
    if overlap <= 0:
        cue = quote.attributes.get("cue")
        return 1 if isinstance(cue, dict) and start <= int(cue["start"]) < end else 0
    if quote.attributes.get("kind") != "direct" or overlap >= INSIDE_SHARE * (end - start):
        return overlap
    cue = quote.attributes.get("cue")
    return overlap if isinstance(cue, dict) and start <= int(cue["start"]) < end else 0


def quotes_of(sentences: Sequence[tuple[int, int]], quotes: Sequence[Span]) -> list[Span | None]:
    """For each sentence (in text order), the quote it is attributed to, or None."""
    ordered = sorted(quotes, key=lambda q: q.start)
    out: list[Span | None] = []
    active: list[Span] = []
    nxt = 0
    for start, end in sentences:
        # a quote's cue may precede its content ("He said: ..."), so quotes are taken in by the
        # earlier of their start and their cue's start
        while nxt < len(ordered) and _reach(ordered[nxt]) < end:
            active.append(ordered[nxt])
            nxt += 1
        active = [q for q in active if max(q.end, _cue_end(q)) > start]
        best, best_cover = None, 0
        for quote in active:
            cover = _claims(quote, start, end)
            if cover > best_cover:
                best, best_cover = quote, cover
        out.append(best)
    return out


def _reach(quote: Span) -> int:
    cue = quote.attributes.get("cue")
    return min(quote.start, int(cue["start"])) if isinstance(cue, dict) else quote.start


def _cue_end(quote: Span) -> int:
    cue = quote.attributes.get("cue")
    return int(cue["end"]) if isinstance(cue, dict) else quote.end

"""Mentions grouped into distinct sources: one per name (aliases joined), per document, per
anonymous phrase."""

from __future__ import annotations

from dataclasses import dataclass

from spinscope.sources.kinds import key
from spinscope.sources.mentions import Mention

# When a source's mentions disagree on its kind, the most telling wins: "Rupert Colville" is a
# person in one mention and, titled "UN spokesman" in another, an ngo source.
KIND_PRIORITY = ("document", "agency", "media", "ngo", "official", "expert", "organisation", "person", "unnamed")


@dataclass(frozen=True, slots=True)
class Source:
    """One source: its name, whether it is named, its kind, where it is mentioned (character
    ranges, in text order) and the ids of the quotes attributed to it (in quote order)."""

    name: str
    named: bool
    kind: str
    mentions: tuple[tuple[int, int], ...]
    statements: tuple[str, ...]

    @property
    def start(self) -> int:
        return self.mentions[0][0]

    @property
    def end(self) -> int:
        return self.mentions[0][1]


def _surnames_joined(groups: dict[str, list[Mention]]) -> dict[str, list[Mention]]:
    """A person named by one word ("Colville") joins the one person whose fuller name ends with
    it ("Rupert Colville"); where two do ("Bill Clinton", "Hillary Clinton"), it stays apart."""
    people = [k for k, ms in groups.items() if any(m.label == "PERSON" for m in ms)]
    fuller: dict[str, list[str]] = {}
    for name in people:
        if " " in name:
            fuller.setdefault(name.split()[-1], []).append(name)
    out = dict(groups)
    for short in people:
        if " " not in short and len(fuller.get(short, ())) == 1:
            out[fuller[short][0]] = out[fuller[short][0]] + out.pop(short)
    return out


def grouped(mentions: list[Mention], quote_order: dict[str, int]) -> list[Source]:
    """The distinct sources of ``mentions``, in the order of their first mention."""
    groups: dict[str, list[Mention]] = {}
    for m in mentions:
        groups.setdefault(key(m.name, m.kind, m.named), []).append(m)
    out = []
    for members in _surnames_joined(groups).values():
        named = any(m.named for m in members)
        kind = min((m.kind for m in members), key=KIND_PRIORITY.index)
        first = min(members, key=lambda m: m.start)
        name = max((m.name for m in members), key=len) if named and kind != "document" else first.name
        ranges = tuple(sorted({(m.start, m.end) for m in members}))
        quotes = sorted({m.quote for m in members if m.quote is not None}, key=lambda q: quote_order.get(q, 0))
        out.append(Source(name, named, kind, ranges, tuple(quotes)))
    return sorted(out, key=lambda s: (s.start, s.end))

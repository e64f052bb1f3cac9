"""Which mentions name the same actor: the surface forms of one referent, merged by rules.

Two mentions are one actor when (each rule a union, closed transitively):

* their names are equal once case, dots, hyphens, "the" and a possessive are set aside
  ("the U.S." / "US", "Al-Nusra Front" / "al Nusra Front");
* one stands in brackets right after the other ("Fatah al-Sham Front (Al-Nusra Front)",
  "the Syrian Observatory for Human Rights (SOHR)");
* one is the other's acronym ("UN" / "United Nations", "U.S." / "United States");
* one ends the other, which is the only name it ends ("Security Council" / "UN Security Council");
* one is a person's surname and the article names exactly one person with it ("Colville" /
  "Rupert Colville");
* one is a single distinctive word of exactly one longer name, generic words such as "Front" or
  "Party" not counting ("Nusra" / "Al-Nusra Front");
* both are category phrases with the same core (their compounds, proper modifiers and head; the
  actor is named by it, the adjectives become labels) ("western-backed terror groups" / "these terror
  groups"), or one is a bare category ("the regime", "the groups") and the other the nearest
  earlier actor with that head ("the Syrian regime").

Places are merged only by the first three rules: "Syria" is not "Syrian Observatory".
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from spinscope.actors.mentions import Mention, distinctive_words, normal_form

_INITIALS_SKIP = frozenset("of for the and on in at to de".split())


@dataclass(frozen=True, slots=True)
class ActorForms:
    """One actor: indices of its mentions (in text order), its name and its type."""

    mentions: tuple[int, ...]
    name: str
    type: str


def _words(text: str) -> list[str]:
    return normal_form(text).split()


def _acronym(text: str) -> str | None:
    """The acronym a name is written as ("U.S." -> "us"), or None when it is not one."""
    bare = text.replace(".", "").strip()
    return bare.lower() if re.fullmatch(r"[A-Z]{2,6}", bare) else None


def _initials(text: str) -> str | None:
    words = [w for w in re.split(r"[\s-]+", text.replace(".", "")) if w and w.lower() not in _INITIALS_SKIP]
    if len(words) < 2 or not all(w[0].isupper() for w in words):
        return None
    return "".join(w[0] for w in words).lower()


class _Union:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def join(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def merge_mentions(mentions: list[Mention], text: str) -> list[ActorForms]:
    """The actors ``mentions`` (in text order) name, ordered by their first mention."""
    union = _Union(len(mentions))
    named = [i for i, m in enumerate(mentions) if m.named]
    _join_equal_names(union, mentions, named)
    _join_brackets(union, mentions, named, text)
    _join_acronyms(union, mentions, named)
    _join_tails(union, mentions, named)
    _join_short_forms(union, mentions, named)
    _join_groups(union, mentions)
    members: dict[int, list[int]] = {}
    for i in range(len(mentions)):
        members.setdefault(union.find(i), []).append(i)
    actors = [_actor(mentions, idx) for idx in members.values()]
    return sorted(actors, key=lambda a: mentions[a.mentions[0]].start)


def _join_equal_names(union: _Union, mentions: list[Mention], named: list[int]) -> None:
    first: dict[str, int] = {}
    for i in named:
        key = normal_form(mentions[i].text)
        union.join(first.setdefault(key, i), i)


def _join_brackets(union: _Union, mentions: list[Mention], named: list[int], text: str) -> None:
    for a, b in zip(named, named[1:]):
        between, after = text[mentions[a].end : mentions[b].start], text[mentions[b].end : mentions[b].end + 2]
        if between.strip() == "(" and after.lstrip().startswith(")"):
            union.join(a, b)


def _join_acronyms(union: _Union, mentions: list[Mention], named: list[int]) -> None:
    expansions: dict[str, list[int]] = {}
    for i in named:
        initials = _initials(mentions[i].text)
        if initials:
            expansions.setdefault(initials, []).append(i)
    for i in named:
        acronym = _acronym(mentions[i].text)
        for j in expansions.get(acronym or "", ()):
            union.join(i, j)


def _join_tails(union: _Union, mentions: list[Mention], named: list[int]) -> None:
    """A name that ends a longer one of the same kind joins it when it is the only one it ends
    ("Security Council" / "UN Security Council", "Revolutionary Guards" / "Iranian Revolutionary Guards").
    Every longer name registers its endings once, so a megabyte of names stays linear."""
    endings: dict[tuple[str, tuple[str, ...]], set[int]] = {}
    for j in named:
        words = tuple(normal_form(mentions[j].text).split())
        for k in range(1, len(words) - 1):
            endings.setdefault((mentions[j].type, words[k:]), set()).add(j)
    for i in named:
        words = tuple(normal_form(mentions[i].text).split())
        if len(words) < 2 or mentions[i].type == "person":
            continue
        owners = {union.find(j) for j in endings.get((mentions[i].type, words), ())}
        if len(owners) == 1:
            union.join(i, owners.pop())


def _join_short_forms(union: _Union, mentions: list[Mention], named: list[int]) -> None:
    """Surnames and distinctive words: a one-word name joins the one longer name it belongs to."""
    longer: dict[str, set[int]] = {}
    for i in named:
        words = _words(mentions[i].text)
        if len(words) < 2 or mentions[i].type == "place":
            continue
        own = distinctive_words(mentions[i].text)
        for w in own[-1:] if mentions[i].type == "person" else own:
            longer.setdefault(w, set()).add(union.find(i))
    for i in named:
        words = _words(mentions[i].text)
        if len(words) != 1 or mentions[i].type == "place":
            continue
        owners = {union.find(j) for j in longer.get(words[0], ())}
        if len(owners) == 1:
            union.join(i, owners.pop())


def _join_groups(union: _Union, mentions: list[Mention]) -> None:
    first: dict[str, int] = {}
    latest: dict[str, int] = {}  # the last category phrase with each head, for a bare one after it
    for i, m in enumerate(mentions):
        if m.named:
            continue
        key = normal_form(m.key)
        head = key.split()[-1]
        if m.bare and head in latest:
            union.join(latest[head], i)
        else:
            union.join(first.setdefault(key, i), i)
        latest[head] = i


def _actor(mentions: list[Mention], indices: list[int]) -> ActorForms:
    named = [mentions[i] for i in indices if mentions[i].named]
    if named:
        types = Counter(m.type for m in named)
        kind = max(types, key=lambda t: (types[t], -next(k for k, m in enumerate(named) if m.type == t)))
        spelled = [m.text for m in named if not _acronym(m.text)] or [named[0].text]
        return ActorForms(tuple(indices), max(spelled, key=len), kind)
    group = [mentions[i] for i in indices]
    kind = "organisation" if any(m.type == "organisation" for m in group) else "group"
    return ActorForms(tuple(indices), max((m.key for m in group), key=len), kind)

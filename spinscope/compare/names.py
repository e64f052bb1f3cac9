"""Do two names, from two articles, name the same actor? Rules a reader would accept, each named.

Two outlets seldom write a name alike: "Al-Nusra Front" and "Nusra", "Bashar al-Assad" and
"President Assad", "Syrian Observatory for Human Rights" and "SOHR". A name is compared through
its words, lower-cased, with hyphens, dots and possessives gone; Arabic particles ("al", "el")
and titles ("President") are dropped where words are matched. The rules, strongest first:

- ``same name``: the same words;
- ``acronym``: one is the initials of the other ("UN", "SOHR", "ISIS");
- ``surname``: for a person, one is the other's last word ("Assad");
- ``short form``: one drops only generic words of the other ("Nusra" of "Al-Nusra Front"), never
  a distinctive one ("Syrian Army" is not "Free Syrian Army").

A form with a parenthesis holds two names ("Fatah al-Sham Front (Al-Nusra Front)"): each counts.
Near names that no rule catches ("the Syrian regime", "the Syrian government") are left to the
sentence encoder (``spinscope.compare.actors``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

SAME = "same name"
ACRONYM = "acronym"
SURNAME = "surname"
SHORT_FORM = "short form"
NEAR = "near name"

# How sure each rule is, to choose between two candidates; a near name scores its cosine.
RULE_SCORES = {SAME: 1.0, ACRONYM: 0.95, SURNAME: 0.9, SHORT_FORM: 0.9}

_PARTICLES = frozenset("al el ad as ash an ar at az ul bin ibn".split())
_TITLES = frozenset(
    """president prime minister mr mrs ms dr general gen colonel col lieutenant secretary king queen prince
    sheikh senator sen rep representative governor gov mayor chancellor pope ambassador spokesman
    spokeswoman spokesperson commander chief judge professor prof sir lord lady foreign defence defense""".split()
)
# Words that name a kind of body, not which one: a short form must keep a word that is not one of these.
_GENERIC = frozenset(
    """front group groups army armies forces force party movement brigade brigades battalion union
    organisation organization committee council office department agency ministry government regime
    administration state states people coalition alliance authority authorities militia militias
    rebels fighters troops company corporation inc ltd news service services the of for and in on de""".split()
)
_FUNCTION = frozenset("of for the and de in on to".split())
_SEPARATORS = re.compile(r"[-‐‑‒–—./_,;:!?\"“”«»()\[\]]")
_POSSESSIVE = re.compile(r"['’]s\b")
_APOSTROPHE = re.compile(r"['’`]")
_ACRONYM = re.compile(r"[A-Z]{2,6}")
_THE = re.compile(r"^the\s+", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Match:
    """How two names were found to name one actor: the rule and how sure it is."""

    rule: str
    score: float


def words(name: str) -> tuple[str, ...]:
    """The name's words, lower-cased, without possessives, punctuation or a leading "the"."""
    flat = unicodedata.normalize("NFKC", name).casefold()
    flat = _APOSTROPHE.sub("", _POSSESSIVE.sub("", flat))
    found = _SEPARATORS.sub(" ", flat).split()
    return tuple(found[1:] if found[:1] == ["the"] else found)


def forms(name: str) -> tuple[str, ...]:
    """The names a written form holds: itself, and each part of a parenthesis apart."""
    parts = [p.strip() for p in re.split(r"[()\[\]]", name) if p.strip()]
    return tuple(dict.fromkeys([name.strip(), *parts] if len(parts) > 1 else [name.strip()]))


def _core(found: tuple[str, ...]) -> tuple[str, ...]:
    """The words that pick the referent out: particles and titles gone."""
    return tuple(w for w in found if w not in _PARTICLES and w not in _TITLES)


def _initials(found: tuple[str, ...]) -> set[str]:
    """Initials with and without function words and particles ("ISIS": Islamic State of Iraq and Syria)."""
    return {"".join(w[0] for w in found if w not in _FUNCTION), "".join(w[0] for w in found if w not in _FUNCTION and w not in _PARTICLES)}


def _acronym(short: str, long: str) -> bool:
    letters = _THE.sub("", short.strip()).replace(".", "")
    long_words = words(long)
    return bool(_ACRONYM.fullmatch(letters)) and len(long_words) >= 2 and letters.lower() in _initials(long_words)


def _short_form(short: tuple[str, ...], long: tuple[str, ...]) -> bool:
    """``short`` keeps a distinctive word and ``long`` adds only generic words to it."""
    extra = set(long) - set(short)
    return bool(short) and set(short) < set(long) and any(w not in _GENERIC for w in short) and all(w in _GENERIC for w in extra)


def match(a: str, b: str, person: bool) -> Match | None:
    """The strongest rule by which names ``a`` and ``b`` name one actor, or None; ``person`` says
    whether the actor is a person (only a person is named by a surname alone)."""
    wa, wb = words(a), words(b)
    if not wa or not wb:
        return None
    if wa == wb:
        return Match(SAME, RULE_SCORES[SAME])
    if _acronym(a, b) or _acronym(b, a):
        return Match(ACRONYM, RULE_SCORES[ACRONYM])
    ca, cb = _core(wa), _core(wb)
    if ca and ca == cb:
        return Match(SAME, RULE_SCORES[SAME])
    if person and ca and cb:
        short, long = (ca, cb) if len(ca) < len(cb) else (cb, ca)
        if len(short) == 1 and short[0] == long[-1]:
            return Match(SURNAME, RULE_SCORES[SURNAME])
    if not person and (_short_form(ca, cb) or _short_form(cb, ca)):
        return Match(SHORT_FORM, RULE_SCORES[SHORT_FORM])
    return None


def distinctive(name: str) -> frozenset[str]:
    """The words of a name that say which body it is: particles, titles and generic words gone
    ("Syrian" of "the Syrian regime"; none of "the rebels")."""
    return frozenset(w for w in _core(words(name)) if w not in _GENERIC)


def best_match(names_a: tuple[str, ...], names_b: tuple[str, ...], person: bool) -> Match | None:
    """The strongest match between any form of one actor and any form of the other."""
    found = [m for x in names_a for f in forms(x) for y in names_b for g in forms(y) if (m := match(f, g, person))]
    return max(found, key=lambda m: m.score, default=None)

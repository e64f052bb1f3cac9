"""A source's kind from its name, its title and entity label (lists in lexicon.py), and the key
that tells two mentions of one source apart from two sources."""

from __future__ import annotations

import re

from spinscope.sources.lexicon import ACRONYMS, ALIASES, KIND_ORDER, NAMES, NOUNS, QUANTIFIERS

_NOT_WORD = re.compile(r"[^\w\-]+")
_TOKEN = re.compile(r"[\w.]+")
# Entity labels that name a source of their own kind when no list matches.
_LABEL_KINDS = {"PERSON": "person", "ORG": "organisation", "NORP": "organisation", "FAC": "organisation", "GPE": "official"}


def plain(text: str) -> str:
    """Lower case, possessives and dots gone, other punctuation as spaces, one space between
    words: "the U.N.'s" -> "the un"."""
    text = re.sub(r"['’]s\b", "", text.lower()).replace(".", "")
    return " ".join(_NOT_WORD.sub(" ", text).split())


def _has_phrase(text: str, phrases: frozenset[str]) -> bool:
    padded = f" {text} "
    return any(f" {p} " in padded for p in phrases)


def _has_acronym(text: str, acronyms: frozenset[str]) -> bool:
    return any(t.replace(".", "") in acronyms for t in _TOKEN.findall(text))


def kind_of(name: str, label: str | None, context: str) -> str:
    """The kind of a named source: a listed name or acronym in ``name`` or ``context`` (the
    mention and the title the text gives it), then a listed noun in ``context`` or in ``name``
    (a person's whole name, else its last word), each in KIND_ORDER; else what its entity
    ``label`` says."""
    own, around = plain(name), plain(context)
    for text, raw in ((own, name), (around, context)):
        for kind in KIND_ORDER:
            if _has_phrase(text, NAMES[kind]) or _has_acronym(raw, ACRONYMS[kind]):
                return kind
    # a person's name may hold a title ("Councillor Mara Thompson"); an organisation's only its
    # last word says what it is ("Foreign Ministry", not "General Motors")
    titles = own if label == "PERSON" else " ".join(own.split()[-1:])
    around = f" {around} ".replace(f" {own} ", " ")
    for kind in KIND_ORDER:
        if _has_phrase(titles, NOUNS[kind]) or _has_phrase(around, NOUNS[kind]):
            return kind
    return _LABEL_KINDS.get(label or "", "organisation" if label else "person")


def key(name: str, kind: str, named: bool) -> str:
    """What two mentions of one source share: the plain name without a leading "the" and with
    aliases joined ("United Nations" and "UN"); an unnamed or document source's phrase without
    its quantifiers ("a senior official" and "the senior official")."""
    words = plain(name).split()
    if not named or kind == "document":
        words = [w for w in words if w not in QUANTIFIERS]
        return f"{'document' if kind == 'document' else 'unnamed'}:{' '.join(words)}"
    if words[:1] == ["the"]:
        words = words[1:]
    joined = " ".join(words)
    return ALIASES.get(joined, joined)

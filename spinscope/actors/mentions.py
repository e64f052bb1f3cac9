"""Where an article names an actor: spaCy's named entities and the category phrases that name a group.

A mention is a named entity (PERSON, ORG, NORP, GPE, LOC, FAC) or a noun phrase headed by a group
noun ("western-backed terror groups", "the regime", "the corporate media", "civilians"). A group
phrase that holds a name ("the U.S. government", "Al-Tawhid brigades") is one mention of its own and
the name inside it is not another: the article names the government, not the country. A leading
"the", quote marks and a possessive "'s" are left out of a mention's offsets.

Each mention carries the ``key`` that merging starts from (actors/merge.py): for a name, the name
itself; for a group phrase, its compounds, proper modifiers and head ("terror groups" for
"western-backed terror groups"), so that the adjectives ("western-backed") become labels and the
phrases with the same core become one actor.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

# spaCy's entity label -> actor type; NORP is a group when it is a noun ("Saudis") and is left out
# when it is an adjective ("Syrian flags").
_ENTITY_TYPES = {"PERSON": "person", "ORG": "organisation", "GPE": "place", "LOC": "place", "FAC": "place", "NORP": "group"}
# Heads of noun phrases that name a group of people or an institution acting as one.
GROUP_HEADS = frozenset(
    """
    government governments regime regimes administration administrations army armies military militaries forces troops soldiers
    militants rebels terrorists extremists jihadists insurgents fighters militias militia mercenaries separatists nationalists
    group groups organisations organizations media press opposition officials authorities police protesters activists
    civilians residents refugees migrants immigrants citizens taxpayers voters workers farmers victims hostages
    elites globalists leftists liberals conservatives alarmists deniers establishment junta cartel lobby brigades battalion
    battalions coalition alliance allies parties
    """.split()
)
# Group heads that name an actor even bare ("civilians", "militants"); the others need a modifier
# or compound ("terror groups", "the Syrian government") or a determiner ("the regime").
_BARE_HEADS = frozenset(
    "militants rebels terrorists extremists jihadists insurgents civilians refugees migrants mercenaries separatists globalists elites".split()
)
_ORGANISATION_HEADS = frozenset("government governments administration administrations army military ministry police junta authorities".split())
_DROP_LEFT = frozenset("the a an this these that those its their his her our your some many several more most less fewer all about over".split())
_QUANTITY = frozenset(("det", "predet", "nummod", "quantmod", "poss", "case"))
_QUOTES = "\"'“”‘’«»"
# Words that do not tell one organisation from another, left out of the distinctive-word rule.
_GENERIC = frozenset(
    """
    al el ad ash the of for and in on at to de front party group army state states forces force brigade brigades battalion movement
    organisation organization council committee union association national international united republic democratic people's
    peoples popular islamic liberation new centre center institute foundation agency ministry office department company corporation
    inc ltd news media times post daily press world global human rights supreme security
    """.split()
)


@dataclass(frozen=True, slots=True)
class Mention:
    """One place an actor is named: character offsets into the document and what merging needs."""

    start: int
    end: int
    text: str
    type: str  # person | organisation | place | group
    key: str  # the form merging starts from (see the module docstring)
    root: int  # index of the head token in spaCy's Doc
    named: bool  # a named entity (True) or a category phrase (False)
    bare: bool = False  # a category phrase that is its head alone ("the regime", "the groups", "civilians")


@lru_cache(maxsize=1 << 16)
def normal_form(text: str) -> str:
    """A name as merging compares it: lower case, no dots, hyphens as spaces, no "the" or "'s"."""
    out = re.sub(r"['’]s$", "", text.strip()).replace(".", "").replace("-", " ").lower()
    out = re.sub(r"^the\s+", "", out)
    return " ".join(out.split())


def distinctive_words(name: str) -> list[str]:
    """The words of a name that tell it from others ("nusra" of "Al-Nusra Front"; not "front")."""
    return [w for w in normal_form(name).split() if w not in _GENERIC and len(w) > 2]


def find_mentions(parsed: "Doc") -> list[Mention]:
    """Every actor mention in ``parsed``, in text order, none overlapping another."""
    groups = [m for m in (_group_mention(chunk) for chunk in parsed.noun_chunks) if m is not None]
    taken = [(m.start, m.end) for m in groups]
    headlines = _headline_lines(parsed.text)
    names = [m for ent in parsed.ents for m in _entity_mentions(ent) if not any(s <= m.start < e for s, e in headlines)]
    kept = [m for m in names if not any(s < m.end and m.start < e for s, e in taken)]
    named_roots = {m.root for m in kept}
    groups = [g for g in groups if not _beside_name(parsed[g.root], named_roots)]
    found = groups + kept
    return sorted(found + _short_forms(parsed, found), key=lambda m: m.start)


def _headline_lines(text: str) -> list[tuple[int, int]]:
    """Lines written in headline case ("Kerry On Edge As Legacy Crumbles"), where spaCy takes
    capitalised words for names; a name in them is found again in the body."""
    out, start = [], 0
    for line in text.split("\n"):
        words = [w for w in line.split() if any(c.isalpha() for c in w)]
        if len(words) >= 3 and sum(w[0].isupper() for w in words) >= 0.7 * len(words) and not line.rstrip().endswith((".", '"', "”")):
            out.append((start, start + len(line)))
        start += len(line) + 1
    return out


def _beside_name(head: "Token", named_roots: set[int]) -> bool:
    """Whether a category phrase stands in apposition to a name ("the resistance group Liwa
    Al-Quds", "Hamas, the militant group"): it labels that actor and is not one of its own."""
    if head.dep_ == "appos" and head.head.i in named_roots:
        return True
    return any(t.dep_ == "appos" and t.i in named_roots for t in head.children)


def _short_forms(parsed: "Doc", found: list[Mention]) -> list[Mention]:
    """Proper nouns spaCy left untagged that are a distinctive word of a longer name found
    ("Nusra" after "Al-Nusra Front", "Colville" after "Rupert Colville"), as mentions of their own
    (merging then joins each to the one name it belongs to)."""
    owners: dict[str, str] = {}
    for m in found:
        if m.named and m.type != "place" and len(m.text.split()) > 1:
            words = distinctive_words(m.text)[-1:] if m.type == "person" else distinctive_words(m.text)
            owners.update({w: m.type for w in words})
    if not owners:
        return []
    taken = [(m.start, m.end) for m in found]
    out = []
    for token in parsed:
        if token.pos_ != "PROPN" or not token.text[:1].isupper() or token.ent_type_:
            continue
        kind = owners.get(token.lower_)
        start, end = token.idx, token.idx + len(token.text)
        if kind and not any(s < end and start < e for s, e in taken):
            out.append(Mention(start, end, token.text, kind, token.text, token.i, named=True))
    return out


def _trimmed(tokens: "list[Token]") -> "list[Token]":
    """``tokens`` without a leading determiner, quantity or quote mark and a trailing possessive or mark."""
    while tokens and (tokens[0].lower_ in _DROP_LEFT or tokens[0].dep_ in _QUANTITY or tokens[0].like_num or tokens[0].is_punct or tokens[0].is_space):
        tokens = tokens[1:]
    while tokens and (tokens[-1].tag_ == "POS" or tokens[-1].is_punct or tokens[-1].is_space):
        tokens = tokens[:-1]
    return tokens


def _offsets(tokens: "list[Token]") -> tuple[int, int, str]:
    # a Span's text, not the Doc's: spaCy joins every token of the Doc for Doc.text
    raw = tokens[0].doc[tokens[0].i : tokens[-1].i + 1].text
    text = raw.strip(_QUOTES + " ")
    start = tokens[0].idx + raw.find(text)
    return start, start + len(text), text


def _entity_mentions(ent: "Span") -> list[Mention]:
    """The mention an entity is, or two where spaCy ran a name into its bracketed alias
    ("World Health Organization (WHO": the name and "WHO", which merging then joins)."""
    tokens = list(ent)
    cut = next((i for i, t in enumerate(tokens) if t.text == "("), None)
    if cut is None or any(t.text == ")" for t in tokens):
        parts = [tokens]
    else:
        parts = [tokens[:cut], tokens[cut + 1 :]]
    found = [_entity_mention(ent, part, ent.doc[part[0].i : part[-1].i + 1].root) for part in parts if part]
    return [m for m in found if m is not None]


def _entity_mention(ent: "Span", tokens: "list[Token]", root: "Token") -> Mention | None:
    kind = _ENTITY_TYPES.get(ent.label_)
    tokens = _trimmed(tokens)
    if kind is None or not tokens or not any(c.isalpha() for t in tokens for c in t.text):
        return None
    if ent.label_ == "NORP":
        if root.pos_ == "ADJ" or root.dep_ in ("amod", "compound") or root.tag_ == "JJ":
            return None
        if root.lower_.endswith("ism"):  # an ideology ("Salafism"), not an actor
            return None
        if root.tag_ == "NNP":  # spaCy's small model calls some cities NORP ("Aleppo")
            kind = "place"
    start, end, text = _offsets(tokens)
    if not text or normal_form(text) in _GENERIC:  # "State" of "Secretary of State", "Council"
        return None
    return Mention(start, end, text, kind, text, root.i, named=True)


def _group_mention(chunk: "Span") -> Mention | None:
    root = chunk.root
    head = root.text.lower()
    if head not in GROUP_HEADS:
        return None
    tokens = _trimmed([t for t in chunk if t.i <= root.i])
    if not tokens:
        return None
    core = [t for t in tokens if t.i == root.i or t.dep_ == "compound" or (t.dep_ in ("amod", "nmod") and t.ent_type_ in ("NORP", "GPE", "ORG"))]
    determined = chunk[0].lower_ in ("the", "this", "that")
    if len(core) == 1 and not (head in _BARE_HEADS or determined or len(tokens) > 1):
        return None
    start, end, text = _offsets(tokens)
    if not text:
        return None
    doc = chunk.doc
    key = doc[core[0].i : root.i + 1].text if core[-1].i - core[0].i + 1 - len(core) <= 1 else " ".join(t.text for t in core)
    kind = "organisation" if head in _ORGANISATION_HEADS else "group"
    return Mention(start, end, text, kind, key, root.i, named=False, bare=len(tokens) == 1)

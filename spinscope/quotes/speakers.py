"""A speaker mention's extent, its title, and the name it resolves to.

Resolution is a few rules, measured in benchmarks/quotes_polnear.py: a mention that holds a named
entity (PERSON, else ORG, GPE, NORP) is that entity, expanded to the fullest earlier form of the
same name ("Colville" -> "Rupert Colville"). "He" or "she" speaking a quote is the last named
person quoted within about two paragraphs (follow_speakers), unless the text already called that
person by the other pronoun; otherwise a personal pronoun or a definite role noun ("the
spokesman") is an earlier PERSON in its sentence, else the nearest earlier PERSON that was the
subject of a clause (or in apposition to one), else the nearest earlier PERSON; "it", "they",
"we" and organisation nouns ("the ministry") likewise take an ORG. Indefinite mentions ("a senior
official") are anonymous and stay unresolved.

Measured on 34 pronoun speakers of PolNeAR train (every 7th article), judged by reading: 26 right
with these rules, about half with the nearest-entity rules alone (the quoted-person rule fixes
"Bozell says ... he adds"); the wrong ones are mostly "she" given to a man: spaCy has no gender.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

_PERSON_PRONOUNS = frozenset("he she him her i me".split())
_GROUP_PRONOUNS = frozenset("it they we them us".split())
_ORG_NOUNS = frozenset(
    "ministry agency department campaign company group committee organization organisation government police office "
    "army military administration council commission board court party team firm university institute network newspaper paper "
    "magazine channel network website site report poll survey study statement".split()
)
_MENTION_LEFT = frozenset(("compound", "amod", "det", "poss", "nmod", "nummod", "quantmod", "case", "punct", "npadvmod"))
_MENTION_RIGHT = frozenset(("compound", "flat", "case"))
_NAME_LABELS = ("PERSON", "ORG", "GPE", "NORP")
# Roles of an entity that make it a likely antecedent: a clause's subject, or in apposition to one.
_SUBJECTISH = ("nsubj", "nsubjpass", "appos")
# How far back a quoted person is taken for a later "he said" (follow_speakers), in characters:
# about two paragraphs. 1,500 and 3,000 scored alike on PolNeAR train (stride 6).
FOLLOW_CHARS = 1500
# Where to look back for an antecedent, in characters: about five paragraphs of news.
LOOKBACK_CHARS = 3000


@dataclass(frozen=True, slots=True)
class Speaker:
    """A speaker mention and what is known of it; offsets are characters into the document."""

    start: int
    end: int
    name: str | None
    resolution: str  # named | pronoun | nominal | anonymous
    title: tuple[int, int] | None = None
    label: str | None = None  # the entity label of the name (PERSON, ORG ...), or the one a pronoun wants

    def attributes(self, text: str) -> dict[str, Any]:
        out: dict[str, Any] = {
            "speaker": {"start": self.start, "end": self.end, "text": text[self.start : self.end]},
            "speaker_name": self.name,
            "speaker_resolution": self.resolution,
        }
        if self.title is not None:
            out["speaker_title"] = {"start": self.title[0], "end": self.title[1], "text": text[self.title[0] : self.title[1]]}
        return out


def mention_tokens(head: "Token") -> tuple[int, int]:
    """Token range ``[a, b)`` of the noun phrase headed by ``head``: its compounds, modifiers,
    determiner and possessive, without relative clauses, appositions or prepositional tails."""
    a = b = head.i
    for child in head.lefts:
        if child.dep_ in _MENTION_LEFT:
            a = min(a, child.left_edge.i)
    for child in head.rights:
        if child.dep_ in _MENTION_RIGHT:
            b = max(b, child.right_edge.i)
    # a leading or trailing comma, quote or line break is not the mention
    doc = head.doc
    while a < head.i and (doc[a].is_punct or doc[a].is_space):
        a += 1
    while b > head.i and (doc[b].is_punct or doc[b].is_space):
        b -= 1
    return a, b + 1


def _entity_in(doc: "Doc", a: int, b: int) -> "Span | None":
    ents = [e for e in doc.ents if e.start >= a and e.end <= b and e.label_ in _NAME_LABELS]
    ents.sort(key=lambda e: (_NAME_LABELS.index(e.label_), -(e.end - e.start)))
    return ents[0] if ents else None


def _fullest(doc: "Doc", ent: "Span") -> str:
    """The longest earlier form of the same name: "Rupert Colville" for a later "Colville"."""
    name = ent.text
    last = name.split()[-1] if name.split() else name
    for other in doc.ents:
        if other.start >= ent.start:
            break
        if other.label_ == ent.label_ and len(other.text) > len(name) and other.text.split()[-1] == last:
            name = other.text
    return name


def _antecedent(doc: "Doc", before: int, labels: tuple[str, ...]) -> "Span | None":
    """The nearest entity with one of ``labels`` ending before token ``before`` (within
    LOOKBACK_CHARS), a clause's subject first: on PolNeAR train[:150] that agreed with the
    silver antecedent (benchmarks/quotes_polnear.py) in 0.445 of pronoun cases, the nearest entity
    of any role in 0.356."""
    floor = (doc[before].idx if before < len(doc) else len(doc.text)) - LOOKBACK_CHARS
    candidates = [e for e in doc.ents if e.end <= before and e.label_ in labels and e.start_char >= floor]
    if before < len(doc):
        same_sentence = [e for e in candidates if e.start >= doc[before].sent.start and e.root.dep_ in _SUBJECTISH]
        if same_sentence:
            return same_sentence[-1]
    candidates = [e for e in candidates if e.root.dep_ in _SUBJECTISH] or candidates
    return candidates[-1] if candidates else None


def speaker(head: "Token") -> Speaker:
    """The speaker whose mention is headed by ``head`` (a cue's subject, an "according to" object)."""
    doc = head.doc
    a, b = mention_tokens(head)
    start, end = doc[a].idx, doc[b - 1].idx + len(doc[b - 1])
    title = _title(head, a, b)
    ent = _entity_in(doc, a, b)
    if ent is None:
        ent = _appositive_name(head)
    if ent is not None:
        return Speaker(start, end, _fullest(doc, ent), "named", title, ent.label_)
    lower = head.lower_
    if head.pos_ == "PRON" or lower in _PERSON_PRONOUNS | _GROUP_PRONOUNS:
        label = "PERSON" if lower in _PERSON_PRONOUNS else "ORG" if lower in _GROUP_PRONOUNS else None
        return _resolved(doc, a, Speaker(start, end, None, "pronoun", title, label))
    determiner = next((c.lower_ for c in head.lefts if c.dep_ in ("det", "poss")), None)
    if determiner in ("a", "an", "some", "one", "several", "two", "three", None) and head.pos_ != "PROPN":
        return Speaker(start, end, None, "anonymous", title or (start, end))
    label = "ORG" if head.lemma_.lower() in _ORG_NOUNS else "PERSON"
    return _resolved(doc, a, Speaker(start, end, None, "nominal", title or (start, end), label))


def _resolved(doc: "Doc", before: int, who: Speaker) -> Speaker:
    found = _antecedent(doc, before, (who.label,)) if who.label else None
    if found is None:
        return who
    return replace(who, name=_fullest(doc, found))


def _appositive_name(head: "Token") -> "Span | None":
    """The name in an apposition to a role noun: "the spokesman, Rupert Colville, said"."""
    for child in head.rights:
        if child.dep_ == "appos":
            a, b = mention_tokens(child)
            found = _entity_in(head.doc, a, b)
            if found is not None:
                return found
    return None


def _title(head: "Token", a: int, b: int) -> tuple[int, int] | None:
    """The title or role the text gives the speaker: the words before a name inside the mention
    ("UN spokesman" in "UN spokesman Rupert Colville"), else an apposition ("Rupert Colville,
    spokesman for the UN High Commissioner for Human Rights")."""
    doc = head.doc
    ent = _entity_in(doc, a, b)
    if ent is not None and ent.label_ == "PERSON" and ent.start > a:
        lo = a
        while lo < ent.start and doc[lo].dep_ in ("det", "punct", "case"):
            lo += 1
        if lo < ent.start:
            return doc[lo].idx, doc[ent.start - 1].idx + len(doc[ent.start - 1])
    if ent is not None:
        for child in head.rights:
            if child.dep_ == "appos":
                lo, hi = child.left_edge.i, child.right_edge.i
                while lo < hi and doc[lo].is_punct:
                    lo += 1
                while hi > lo and doc[hi].is_punct:
                    hi -= 1
                return doc[lo].idx, doc[hi].idx + len(doc[hi])
    return None


_GENDER = {"he": "m", "him": "m", "his": "m", "she": "f", "her": "f", "hers": "f"}


def follow_speakers(speakers: list[Speaker], text: str) -> list[Speaker]:
    """``speakers`` of quotes in text order, where "he" or "she" takes the last named person
    quoted within FOLLOW_CHARS before it (news quotes one person at a stretch: "Bozell says ...
    “...,” he adds"), unless that person was already "she" where this is "he" or the reverse."""
    out: list[Speaker] = []
    last: Speaker | None = None
    gender: dict[str, str] = {}
    for who in speakers:
        pronoun = _GENDER.get(text[who.start : who.end].lower())
        if who.resolution == "pronoun" and pronoun and last is not None and last.name and who.start - last.start <= FOLLOW_CHARS:
            if gender.get(last.name, pronoun) == pronoun:
                who = replace(who, name=last.name)
        if pronoun and who.name:
            gender.setdefault(who.name, pronoun)
        if who.resolution == "named" and who.label == "PERSON":
            last = who
        out.append(who)
    return out

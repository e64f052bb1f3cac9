"""The labels and epithets an article attaches to a mention, read off spaCy's dependency parse.

Four kinds, as the contract names them:

* ``apposition``: a noun phrase set beside the name ("Rupert Colville, spokesman for the UN ...",
  "the Syrian Palestinian resistance group Liwa Al-Quds");
* ``predicate``: what a copula says the mention is ("X is a terrorist organisation", "they are
  ultra-reactionary");
* ``modifier``: adjectives and participles on the mention's head ("the brutal regime",
  "western-backed terror groups", "the Lebanese Hezbollah");
* ``category``: the class the text files it under ("Sunni extremist groups including ... Al-Nusra
  Front", "... and other terrorists") or the name it is branded with ("branded 'moderate rebels'").

A label is at most ``MAX_TOKENS`` tokens (a long apposition is cut after its noun phrase).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

MAX_TOKENS = 12
_COPULAS = frozenset("be become remain seem appear".split())
_NAMING_VERBS = frozenset("brand call label dub term describe portray depict paint style name".split())
_INCLUDING = frozenset("including such like among especially notably".split())
_CLAUSES = frozenset(("relcl", "acl", "advcl"))
_QUOTES = "\"'“”‘’«» ,;:"


@dataclass(frozen=True, slots=True, order=True)
class Label:
    """A label of one kind at character offsets ``start``..``end`` of the document."""

    start: int
    end: int
    kind: str  # apposition | predicate | modifier | category

    def to_dict(self, text: str) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": text[self.start : self.end], "kind": self.kind}


def mention_labels(parsed: "Doc", root: int, start: int, end: int) -> list[Label]:
    """Labels of the mention with head token ``root`` and offsets ``start``..``end``, in text order."""
    head = parsed[root]
    found: list[Label | None] = []
    found += _modifiers(head)
    found += [_phrase(t, "apposition") for t in head.children if t.dep_ == "appos" and t.pos_ != "PRON"]
    if head.dep_ == "appos" and head.head.dep_ != "pobj":
        found.append(_phrase(head.head, "apposition", exclude=head))
    found.append(_predicate(head))
    found.append(_category(head))
    out = {label for label in found if label is not None and (label.kind == "modifier" or not (label.start < end and start < label.end))}
    return sorted(out)


def _span(tokens: "list[Token]", kind: str) -> Label | None:
    """The label over ``tokens`` (contiguous), without marks at either end."""
    if not tokens:
        return None
    start = tokens[0].idx
    piece = tokens[0].doc[tokens[0].i : tokens[-1].i + 1].text  # a Span's text: Doc.text joins every token
    left = len(piece) - len(piece.lstrip(_QUOTES))
    right = len(piece.rstrip(_QUOTES))
    if right <= left:
        return None
    return Label(start + left, start + right, kind)


def _modifiers(head: "Token") -> list[Label | None]:
    """The adjectives on the head, each run of adjacent ones one label ("ultra-reactionary",
    "western-backed", "brutal theocratic"); proper adjectives that make a name ("Syrian
    government") and numbers are not labels."""
    marked = sorted(
        {t.i for a in head.children if a.dep_ == "amod" and not a.ent_type_ and not a.like_num and a.i < head.i for t in a.subtree if t.i < head.i}
    )
    runs: list[list[int]] = []
    for i in marked:
        if runs and i == runs[-1][-1] + 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    doc = head.doc
    return [_span([doc[i] for i in run], "modifier") for run in runs if any(doc[i].is_alpha for i in run)]


def _phrase(token: "Token", kind: str, exclude: "Token | None" = None) -> Label | None:
    """The noun phrase headed by ``token``: its subtree up to the first comma or clause, at most
    MAX_TOKENS tokens, without the tokens of ``exclude``'s subtree."""
    skip = set() if exclude is None else {t.i for t in exclude.subtree}
    clauses = {t.i for d in token.subtree if d.i != token.i and d.dep_ in _CLAUSES for t in d.subtree}
    tokens: list[Token] = []
    for t in sorted(token.subtree, key=lambda t: t.i):
        if t.i in skip:
            if tokens and t.i > token.i:
                break
            continue
        if t.i > token.i and (t.text in (",", ";", "(", ")") or t.i in clauses):
            break
        tokens.append(t)
    if len(tokens) > MAX_TOKENS:
        tokens = tokens[:MAX_TOKENS]
    if tokens and tokens[0].i > token.i or not any(t.i == token.i for t in tokens):
        return None
    return _span(tokens, kind)


def _predicate(head: "Token") -> Label | None:
    """What a copula says the mention is: "X is a ...", "X has become ...", "X are ultra-reactionary"."""
    if head.dep_ not in ("nsubj", "nsubjpass") or head.head.lemma_ not in _COPULAS:
        return None
    for t in head.head.children:
        if t.dep_ in ("attr", "acomp"):
            return _phrase(t, "predicate")
    return None


def _category(head: "Token") -> Label | None:
    """The class the mention is filed under or the name it is branded with."""
    up = head
    while up.dep_ == "conj":
        up = up.head
    prep = up.head
    such_as = prep.lower_ == "as" and prep.i > 0 and prep.doc[prep.i - 1].lower_ == "such"
    if up.dep_ == "pobj" and (prep.lower_ in _INCLUDING or such_as) and prep.head.pos_ in ("NOUN", "PROPN"):
        return _phrase(up.head.head, "category", exclude=up.head)
    for t in head.children:
        if t.dep_ == "conj" and any(c.lower_ == "other" for c in t.children):
            return _phrase(t, "category")
    verb = head.head
    if head.dep_ in ("dobj", "nsubjpass") and verb.lemma_ in _NAMING_VERBS:
        for t in verb.children:
            if t.dep_ in ("oprd", "attr", "dobj", "xcomp") and t.i != head.i:
                return _phrase(t, "category")
            if t.dep_ == "prep" and t.lower_ == "as":
                obj = next((c for c in t.children if c.dep_ == "pobj"), None)
                if obj is not None:
                    return _phrase(obj, "category")
    return None

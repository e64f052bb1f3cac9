"""Where an article leans on a source: its quotes' speakers, and attributions without a quote.

A quote's speaker (resolved by the quote stage) is a source mention; so is the object of an
"according to" the quote stage found no clause for, the subject of a reporting verb with no
reported clause ("Reuters reported.", "the ministry confirmed the deaths"), and a document with
a named author that is a clause's subject ("a report by Amnesty International shows ..."). A
speaker that is a document ("A report by X found that ...") becomes the document, with its
author.

What each mention is: named or not, with a name (the resolved name, else the phrase) and a kind
(kinds.py). A mention whose name is a modifier of a person noun ("U.S. officials", "a Trump
aide") is an unnamed source: the name says whom they work for, not who they are. A pronoun the
quote stage could not resolve is no source; one it resolved ("he said") is a mention of the
named source, whose kind is read where the text names it. Mentions are only the places an
article leans on a source, not every place it names it: on PolNeAR train (stride 6) adding
the names that pronouns resolve to, as mentions, took precision from 0.88 to 0.82.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from spinscope.document import Span as TextSpan
from spinscope.quotes.cues import is_cue, subject
from spinscope.quotes.speakers import LOOKBACK_CHARS, Speaker, mention_tokens, speaker
from spinscope.sources.kinds import kind_of
from spinscope.sources.lexicon import AUTHOR_PREPOSITIONS, DOCUMENT_NOUNS, INSTITUTION_NOUNS

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

_NAME_LABELS = ("PERSON", "ORG", "GPE", "NORP", "FAC")
# Reporting verbs whose subject is leaned on even without a reported clause ("Reuters reported",
# "the ministry confirmed the deaths"); the other cue verbs ("add", "write", "post") are too often
# plain actions there ("Twitter added users"). Chosen on PolNeAR train (stride 6): mentions that
# are no quote's speaker were 0.70 right with these (112 mentions); "citing X" was 0 of 8, and
# documents with an author anywhere (not only as a subject) 0.30 of 23.
_BARE_CUES = frozenset("say ask urge vow comment report confirm announce state claim allege reveal estimate deny acknowledge admit".split())


@dataclass(frozen=True, slots=True)
class Mention:
    """One place the article leans on a source; offsets are characters into the document."""

    start: int
    end: int
    name: str
    named: bool
    kind: str
    label: str | None  # spaCy's entity label of the name (PERSON, ORG ...), None for a phrase
    quote: str | None = None  # the id of the quote it speaks


@dataclass(frozen=True, slots=True)
class _Entity:
    """A named entity as token range ``[start, end)`` and label."""

    start: int
    end: int
    label: str


def _entity_at(doc: "Doc", i: int) -> _Entity | None:
    """The named entity that starts at token ``i``, from the tokens' own entity tags."""
    token = doc[i]
    if token.ent_iob_ != "B" or token.ent_type_ not in _NAME_LABELS:
        return None
    end = i + 1
    while end < len(doc) and doc[end].ent_iob_ == "I":
        end += 1
    return _Entity(i, end, token.ent_type_)


def _entity(doc: "Doc", a: int, b: int) -> _Entity | None:
    """The longest named entity inside tokens ``[a, b)``. Not speakers.py's ``_entity_in``, which
    reads ``Doc.ents`` (spaCy rebuilds every entity for it): here time grows with the mention, not
    with the document."""
    found = [e for e in (_entity_at(doc, i) for i in range(a, b)) if e is not None and e.end <= b]
    return max(found, key=lambda e: e.end - e.start) if found else None


def _is_document(token: "Token") -> bool:
    return token.lemma_.lower() in DOCUMENT_NOUNS or token.lower_ in DOCUMENT_NOUNS


def _author(head: "Token") -> int | None:
    """Where a document's author ends (its last token + 1), when the text names one: "by X",
    "from X", "of X" or "X's", X a named entity or an institution ("the health ministry")."""
    doc = head.doc
    for child in head.children:
        if child.dep_ == "poss" and _entity(doc, child.left_edge.i, child.right_edge.i + 1) is not None:
            return head.i + 1
        if child.dep_ == "prep" and child.lower_ in AUTHOR_PREPOSITIONS and child.i > head.i:
            for obj in child.children:
                if obj.dep_ == "pobj":
                    a, b = mention_tokens(obj)
                    if _entity(doc, a, b) is not None or obj.lemma_.lower() in INSTITUTION_NOUNS:
                        return b
    return None


def _document(head: "Token", start: int, text: str, quote: str | None) -> Mention:
    doc = head.doc
    author = _author(head)
    end_token = author if author is not None else mention_tokens(head)[1]
    end = doc[end_token - 1].idx + len(doc[end_token - 1])
    return Mention(start, end, text[start:end], author is not None, "document", None, quote)


def described(head: "Token", who: Speaker, context: str, text: str, quote: str | None = None) -> Mention | None:
    """The source mention of speaker ``who`` (headed by ``head``); ``context`` is its mention and
    title, for its kind; ``text`` the document's (never ``Doc.text``: spaCy joins every token
    for it). None for a pronoun that resolved to nobody."""
    doc = head.doc
    a, b = mention_tokens(head)
    if _is_document(head):
        return _document(head, who.start, text, quote)
    phrase = text[who.start : who.end]
    ent = _entity(doc, a, b)
    employer = ent is not None and head.pos_ == "NOUN" and not (ent.start <= head.i < ent.end)
    lemma = head.lemma_.lower()
    if employer and lemma in INSTITUTION_NOUNS:
        return Mention(who.start, who.end, phrase, True, kind_of(phrase, "ORG", context), "ORG", quote)
    if who.resolution == "nominal" and lemma in INSTITUTION_NOUNS and lemma not in (who.name or "").lower():
        # "the ministry" is not the last organisation named unless that one is a ministry
        who = replace(who, name=None)
    if who.name is not None and not employer:
        label = ent.label if ent is not None else who.label
        return Mention(who.start, who.end, who.name, True, kind_of(who.name, label, context), label, quote)
    if who.resolution == "pronoun":
        return None
    determiner = next((c.lower_ for c in head.lefts if c.dep_ in ("det", "poss")), None)
    # "the ministry", "Police said" name an institution; "a ministry", "companies" do not
    generic = determiner in ("a", "an", "some", "one") or (determiner is None and head.tag_ == "NNS" and head.lower_ != "police")
    if lemma in INSTITUTION_NOUNS and not generic:
        return Mention(who.start, who.end, phrase, True, kind_of(phrase, "ORG", context), "ORG", quote)
    return Mention(who.start, who.end, phrase, False, "unnamed", None, quote)


def _context(speaker: dict[str, object], title: dict[str, object] | None) -> str:
    """A speaker's mention and title, as text: what its kind is read from."""
    return " ".join(str(part["text"]) for part in (speaker, title) if part)


def titled_kind(doc: "Doc", text: str, mention: Mention) -> str:
    """The kind of a resolved pronoun or role noun's source, read where the text names it: the
    nearest earlier entity whose text is the resolved name (within LOOKBACK_CHARS, as the quote
    stage resolves), with the title it is given there ("Rupert Colville, spokesman for the UN
    High Commissioner": ``ngo``)."""
    start = doc.char_span(mention.start, mention.end, alignment_mode="expand")
    i = start.start if start is not None else 0
    floor = mention.start - LOOKBACK_CHARS
    while i > 0 and doc[i - 1].idx >= floor:
        i -= 1
        ent = _entity_at(doc, i)
        if ent is not None and doc[ent.start : ent.end].text == mention.name:
            head = doc[ent.start : ent.end].root
            who = speaker(head)
            title = text[who.title[0] : who.title[1]] if who.title else ""
            return kind_of(mention.name, ent.label, f"{mention.name} {title}")
    return mention.kind


def quote_mentions(doc: "Doc", text: str, quotes: tuple[TextSpan, ...]) -> list[Mention]:
    """The source mention of every quote whose speaker is one, with its quote's id."""
    out: list[Mention] = []
    for quote in quotes:
        attrs = quote.attributes
        said = attrs.get("speaker")
        if not said or quote.id is None:
            continue
        tokens = doc.char_span(int(said["start"]), int(said["end"]), alignment_mode="expand")
        if tokens is None:
            continue
        who = Speaker(int(said["start"]), int(said["end"]), attrs.get("speaker_name"), str(attrs.get("speaker_resolution")))
        found = described(tokens.root, who, _context(said, attrs.get("speaker_title")), text, quote.id)
        if found is None:
            continue
        if found.named and attrs.get("speaker_resolution") in ("pronoun", "nominal") and found.kind in ("person", "organisation"):
            found = replace(found, kind=titled_kind(doc, text, found))
        out.append(found)
    return out


def _speaker_mention(head: "Token", text: str) -> Mention | None:
    who = speaker(head)
    title = text[who.title[0] : who.title[1]] if who.title else ""
    return described(head, who, f"{text[who.start : who.end]} {title}", text)


def other_mentions(doc: "Doc", text: str, quoted: list[tuple[int, int]]) -> list[Mention]:
    """Attributions without a quote: "according to X", "X reported", and documents with a named
    author; none inside a quoted run (``quoted``: character ranges, in order)."""
    out: list[Mention] = []
    starts = [s for s, _ in quoted]

    def inside(token: "Token") -> bool:
        k = bisect_right(starts, token.idx) - 1
        return k >= 0 and token.idx < quoted[k][1]

    for token in doc:
        if inside(token):
            continue
        lemma = token.lemma_.lower()
        heads: list[Token] = []
        if token.lower_ == "according":
            to = next((c for c in token.children if c.lower_ == "to"), None)
            heads += [c for c in (to.children if to is not None else ()) if c.dep_ == "pobj"]
        elif is_cue(token) and lemma in _BARE_CUES:
            who = subject(token)
            heads += [who] if who is not None else []
        elif _is_document(token) and token.dep_ in ("nsubj", "nsubjpass") and _author(token) is not None:
            heads.append(token)
        for head in heads:
            found = _speaker_mention(head, text)
            if found is not None:
                out.append(found)
    return out

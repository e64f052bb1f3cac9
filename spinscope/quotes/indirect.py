"""Reported speech: "X said (that) ...", "..., X said", and "according to X, ...".

A reporting verb (cues.py) with a subject and a clausal complement is a quote whose content is
the complement ("that" included, as PolNeAR marks it); a cue set inside the clause it reports
("The risk, he said, is ...") makes that whole clause the content. Where the complement holds a direct
quote, the two are one mixed quote ("X said that the plan was "a disaster""); where it is only
the direct quote, the direct quote stands. "according to X" makes the clause it modifies a quote
by X, on whichever side of it the clause lies.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from spinscope.quotes.cues import BELIEF_LEMMAS, NAMING_LEMMAS, is_cue, subject
from spinscope.quotes.found import Found
from spinscope.quotes.speakers import Speaker, speaker

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

_WORD = re.compile(r"\w+")
# Quote marks kept at the ends of a content span (PolNeAR's content holds them).
_OPENING = ("\"", "“", "„", "«", "''")
_CLOSING = ("\"", "”", "»", "''")


def _words_outside(text: str, content: tuple[int, int], fragments: list[tuple[int, int]]) -> bool:
    """Whether the content has words of its own beside the quoted fragments ("that" aside): if
    not, the complement is the direct quote itself (“I love cats,” he said)."""
    cuts = sorted((max(s, content[0]), min(e, content[1])) for s, e in fragments if s < content[1] and e > content[0])
    pos, rest = content[0], []
    for s, e in cuts:
        rest.append(text[pos:s])
        pos = max(pos, e)
    rest.append(text[pos : content[1]])
    return any(w.lower() != "that" for w in _WORD.findall(" ".join(rest)))


def _trimmed(doc: "Doc", a: int, b: int) -> tuple[int, int] | None:
    """Characters of tokens ``[a, b)`` without punctuation or space at either end."""
    while a < b and (doc[a].is_punct or doc[a].is_space) and doc[a].text not in _OPENING:
        a += 1
    while b > a and (doc[b - 1].is_punct or doc[b - 1].is_space) and doc[b - 1].text not in _CLOSING:
        b -= 1
    if a >= b:
        return None
    return doc[a].idx, doc[b - 1].idx + len(doc[b - 1])


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def _content_of_according(word: "Token") -> tuple[int, int] | None:
    """The clause "according to X" modifies, on the longer side of the phrase."""
    doc = word.doc
    head = word.head
    if head is word or head.dep_ == "ROOT":
        region = (word.sent.start, word.sent.end)
    else:
        region = (head.left_edge.i, head.right_edge.i + 1)
    left = _trimmed(doc, region[0], word.left_edge.i)
    right = _trimmed(doc, word.right_edge.i + 1, region[1])
    sides = [side for side in (left, right) if side is not None]
    return max(sides, key=lambda s: s[1] - s[0]) if sides else None


def indirect_quotes(doc: "Doc", direct: list[Found], runs: list[tuple[int, int]]) -> tuple[list[Found], list[Found]]:
    """(the quotes reported speech adds, the direct quotes that stay); a direct quote that became
    part of a mixed one, or got its speaker from "according to", is replaced. ``runs``: every
    quoted run, short ones too (a reported clause that holds one is a mixed quote)."""
    kept = list(direct)
    added: list[Found] = []
    quoted = _Runs(runs)
    for token in doc:
        if token.lower_ == "according":
            to = next((c for c in token.children if c.lower_ == "to"), None)
            obj = next((c for c in to.children if c.dep_ == "pobj"), None) if to is not None else None
            content = _content_of_according(token) if obj is not None else None
            if obj is None or content is None:
                continue
            assert to is not None
            _add(doc.text, added, kept, quoted, content, (token.idx, to.idx + len(to)), speaker(obj))
            continue
        lemma = token.lemma_.lower()
        reports = is_cue(token) or (lemma in BELIEF_LEMMAS and token.pos_ == "VERB")
        if not (reports or lemma in NAMING_LEMMAS) or quoted.holds(token.idx):
            continue
        who = subject(token)
        if who is None:
            continue
        clause = next((c for c in token.children if c.dep_ == "ccomp"), None) if reports else None
        if clause is not None:
            content = _trimmed(doc, clause.left_edge.i, clause.right_edge.i + 1)
        elif reports and token.dep_ == "parataxis" and token.head is not token:
            # "The bigger risk, he said, is a clash": the cue inside the clause it reports
            content = _trimmed(doc, token.head.left_edge.i, token.head.right_edge.i + 1)
        else:
            content = _quoted_complement(token, quoted)
        if content is not None:
            _add(doc.text, added, kept, quoted, content, (token.idx, token.idx + len(token)), speaker(who))
    return added, kept


class _Runs:
    """The quoted runs, asked whether they hold a character or lie inside a range."""

    def __init__(self, runs: list[tuple[int, int]]) -> None:
        self.runs = runs

    def holds(self, i: int) -> bool:
        return any(s < i < e - 1 for s, e in self.runs)

    def inside(self, span: tuple[int, int]) -> bool:
        return any(span[0] <= s and e <= span[1] + 1 for s, e in self.runs)


def _quoted_complement(verb: "Token", quoted: _Runs) -> tuple[int, int] | None:
    """What follows a verb that names or describes ("called the plan “a disaster”", "described
    it as “reckless”"), when it holds a quoted run: a mixed quote without a "that" clause."""
    right = [c for c in verb.rights if c.dep_ not in ("punct", "cc", "conj", "advcl", "relcl")]
    if not right:
        return None
    content = _trimmed(verb.doc, right[0].left_edge.i, right[-1].right_edge.i + 1)
    return content if content is not None and quoted.inside(content) else None


def _in_paragraph(text: str, content: tuple[int, int], cue: tuple[int, int]) -> tuple[int, int] | None:
    """``content`` cut to the paragraph of its cue: the parser sometimes runs a clause over a line
    break, and reported speech does not cross paragraphs (quotes over several are direct ones)."""
    start = text.rfind("\n", 0, cue[0]) + 1
    stop = text.find("\n", cue[1])
    stop = len(text) if stop < 0 else stop
    lo, hi = max(content[0], start), min(content[1], stop)
    while lo < hi and text[lo].isspace():
        lo += 1
    while hi > lo and text[hi - 1].isspace():
        hi -= 1
    return (lo, hi) if lo < hi else None


def _add(text: str, added: list[Found], kept: list[Found], quoted: _Runs, content: tuple[int, int], cue: tuple[int, int], who: Speaker) -> None:
    """Records one reported-speech quote against the direct quotes found so far."""
    cut = _in_paragraph(text, content, cue)
    if cut is None:
        return
    content = cut
    touching = [q for q in kept if any(_overlap(content, f) for f in q.fragments)]
    if touching and not _words_outside(text, content, [f for q in touching for f in q.fragments]):
        # the complement is the direct quote: it stands, and gains this speaker if it had none
        for q in touching:
            if q.speaker is None:
                kept[kept.index(q)] = Found(q.fragments, q.kind, cue, who)
        return
    if touching:
        for q in touching:
            kept.remove(q)
        start = min([content[0]] + [q.start for q in touching])
        end = max([content[1]] + [q.end for q in touching])
        added.append(Found(((start, end),), "mixed", cue, who))
        return
    if any(_overlap(content, q.fragments[0]) and q.cue == cue for q in added):
        return
    added.append(Found((content,), "mixed" if quoted.inside(content) else "indirect", cue, who))

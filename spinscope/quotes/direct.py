"""Direct quotes: quoted runs (marks.py) tied to the cue verb and speaker around them.

Like textacy's ``direct_quotations``, the cue is a reporting verb outside every quote, in the
sentence the quote is in (the nearest one when there are several); failing that, the sentence
before, where it ends with a colon ("Colville said:" and the quote in the next paragraph). The
speaker is the cue's subject (never a word inside a quote), or a name next to a cue the parser
left without one. Two runs with the same cue between them are one quote split around it:
``"X," he said, "Y."``; a run with no cue that follows a speaker's quote in the same paragraph
goes on that quote ("“A,” X said. “B.”", one quote in two fragments, as PolNeAR marks it), and
at the start of the next paragraph takes the same speaker. Unlike textacy, runs are found on the
characters (so stray and mixed-up marks are read as marks.py says), and a quote without a found
speaker is kept when it is long enough to be speech rather than a title or scare quote.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from spinscope.quotes.cues import is_cue, subject
from spinscope.quotes.found import Found
from spinscope.quotes.speakers import speaker

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

# A quoted run of fewer words, without a cue, is a title or a scare quote ("moderate rebels"),
# not speech; the steering session's marks-only baseline used 4 too.
MIN_WORDS = 4
_WORD = re.compile(r"\w+")
# Tokens between a subject-less cue and a name taken as its speaker.
NAME_WINDOW = 8
# Characters between a quote and the next one it may continue: about one short cue sentence.
CONTINUATION_GAP = 200


def _tokens_in(doc: "Doc", start: int, end: int) -> list["Token"]:
    span = doc.char_span(start, end, alignment_mode="expand")
    return list(span) if span is not None else []


def _cue_near(doc: "Doc", start: int, end: int, quoted: set[int]) -> "Token | None":
    """The reporting verb nearest to ``[start, end)`` in the sentences it touches, outside quotes;
    else one in the sentence right after, on the same line; else the root verb of the sentence
    before, when that sentence ends with a colon."""
    inside = _tokens_in(doc, start, end)
    if not inside:
        return None
    sents = sorted({t.sent.start: t.sent for t in inside}.values(), key=lambda s: s.start)
    # the quote's own paragraph(s) only: the parser may run a sentence over a line break
    text = doc.text
    lo = text.rfind("\n", 0, start) + 1
    hi = text.find("\n", end)
    hi = len(text) if hi < 0 else hi
    # a cue before a colon introduces what follows it ("as he said: “...”"), not a quote before it
    candidates = [t for s in sents for t in s if lo <= t.idx < hi and t.i not in quoted and is_cue(t) and not (t.idx >= end and _before_colon(t))]
    if candidates:
        # a cue whose subject stands outside every quote first: "“Happy Cinco de Mayo!,” he tweeted"
        return min(candidates, key=lambda t: (_quoted_subject(t, quoted), min(abs(t.idx - end), abs(start - t.idx))))
    last = sents[-1]
    if last.end < len(doc) and doc.text[end : doc[last.end].idx].strip() == "" and "\n" not in doc.text[end : doc[last.end].idx]:
        # the parser ended the sentence at the quote's "?" or "!": “Why?” Obama asked.
        after = [t for t in doc[last.end].sent if t.i not in quoted and is_cue(t) and not _quoted_subject(t, quoted)]
        if after:
            return after[0]
    first = sents[0]
    if first.start > 0 and all(t.i in quoted or t.is_punct or t.is_space for t in doc[first.start : inside[0].i]):
        j = first.start - 1
        while j > 0 and doc[j].is_space:
            j -= 1
        before = doc[j].sent
        words = [t for t in before if not t.is_space]
        cues = [t for t in before if t.i not in quoted and is_cue(t)]
        if words and words[-1].text == ":":
            return cues[-1] if cues else before.root
    return None


def _split_around(text: str, end: int, cue: int, next_start: int) -> bool:
    """Whether the run ending at ``end`` and the one starting at ``next_start`` are one quote
    split around the cue at ``cue``: the first ends on a comma, and the words between them are a
    cue clause on one line, not one that opens a new quote with a colon ("as he said:")."""
    gap = text[end:next_start]
    return end <= cue < next_start and text[:end].rstrip("\"”»'")[-1:] == "," and "\n" not in gap and ":" not in gap


def _same(a: "Token | None", b: "Token") -> bool:
    return a is not None and a.i == b.i


def _before_colon(cue: "Token") -> bool:
    doc = cue.doc
    return cue.i + 1 < len(doc) and doc[cue.i + 1].text == ":"


def _name_near(cue: "Token", quoted: set[int]) -> "Token | None":
    """A person or organisation named next to a cue the parser gave no subject ("“...,” Gene
    Sperling, a top Clinton adviser, said"): the nearest such name in the cue's sentence, outside
    quotes, within a few words of it."""
    names = [e for e in cue.sent.ents if e.label_ in ("PERSON", "ORG") and e.root.i not in quoted and abs(e.root.i - cue.i) <= NAME_WINDOW]
    return min(names, key=lambda e: abs(e.root.i - cue.i)).root if names else None


def _name_colon(doc: "Doc", start: int) -> "tuple[Token | None, Token | None]":
    """(the colon, the name) where a quote follows a name and a colon: ``Clinton: “Our goal ...”``."""
    first = _tokens_in(doc, start, start + 1)
    i = first[0].i if first else 0
    tokens = [t for t in doc[max(0, i - 4) : i] if not t.is_space][-2:]
    if len(tokens) == 2 and tokens[1].text == ":" and tokens[0].ent_type_ in ("PERSON", "ORG"):
        return tokens[1], tokens[0]
    return None, None


def _quoted_subject(cue: "Token", quoted: set[int]) -> bool:
    """Whether the cue has no subject, or one inside a quote (so not the speaker)."""
    return subject(cue, quoted) is None


def direct_quotes(doc: "Doc", runs: list[tuple[int, int]]) -> list[Found]:
    """Every direct quote in ``doc`` (spaCy's parse of the analysable text), in text order;
    ``runs``: its quoted runs (marks.quoted_runs)."""
    text = doc.text
    quoted = {t.i for s, e in runs for t in _tokens_in(doc, s, e)}
    found: list[tuple[tuple[int, int], "Token | None"]] = [((s, e), _cue_near(doc, s, e, quoted)) for s, e in runs]
    out: list[Found] = []
    i = 0
    while i < len(found):
        (s, e), cue = found[i]
        fragments = [(s, e)]
        # "X," he said, "Y.": the next run shares this cue, which lies between them
        while i + 1 < len(found) and cue is not None and _same(found[i + 1][1], cue) and _split_around(text, e, cue.idx, found[i + 1][0][0]):
            i += 1
            s2, e = found[i][0]
            fragments.append((s2, e))
        i += 1
        words = sum(len(_WORD.findall(text[a:b])) for a, b in fragments)
        who = subject(cue, quoted) if cue is not None else None
        if who is None and cue is not None:
            who = _name_near(cue, quoted)
        if cue is None:
            cue, who = _name_colon(doc, s)
        if words < MIN_WORDS and who is None:
            continue
        cue_span = None if cue is None else (cue.idx, cue.idx + len(cue))
        out.append(Found(tuple(fragments), "direct", cue_span, None if who is None else speaker(who)))
    # a one-word quote with a speaker stays only where the speaker's next quote joins it ("“Safety,”
    # said Grimm. “Safety for the whole country.”")
    return [q for q in _continued(text, out) if sum(len(_WORD.findall(text[a:b])) for a, b in q.fragments) >= 2]


def _next_paragraph(text: str, end: int, start: int) -> bool:
    """Whether ``start`` opens the paragraph right after the one ``end`` is in."""
    gap = text[end:start]
    return "\n" in gap and gap[gap.find("\n") :].strip() == "" and not any(m in gap for m in ("\"", "“", "”", "''"))


def _continued(text: str, quotes: list[Found]) -> list[Found]:
    """A quote with no cue of its own that follows a quote with a speaker in the same paragraph
    ("“A,” X said. “B.”") goes on that quote: one quote in two fragments, as PolNeAR marks it.
    At the start of the next paragraph it keeps its own span and takes the same speaker."""
    out: list[Found] = []
    for q in quotes:
        prev = out[-1] if out else None
        if prev is not None and prev.speaker is not None and q.cue is None and q.speaker is None:
            gap = text[prev.end : q.start]
            if "\n" not in gap and len(gap) <= CONTINUATION_GAP:
                out[-1] = Found(prev.fragments + q.fragments, prev.kind, prev.cue, prev.speaker)
                continue
            if _next_paragraph(text, prev.end, q.start):
                q = Found(q.fragments, q.kind, None, prev.speaker)
        out.append(q)
    return out

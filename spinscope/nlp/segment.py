"""Regex tokens and sentences with character offsets into the exact text.

Why regex and not spaCy: detectors only need word/punctuation boundaries and line/sentence
boundaries, PTC articles are already one sentence or paragraph a line, and a regex pass costs
microseconds where loading a parser costs seconds. Every offset is a Python ``str`` index into
the text passed in (never into a normalised copy), so spans built from them never drift.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spinscope.document import Document

# A word (letters/digits/underscore, with inner apostrophes: "don't", "Russia’s") or any single
# non-space character that is not a word character (punctuation, symbols, emoji).
_TOKEN = re.compile(r"\w+(?:['’]\w+)*|[^\w\s]")

# Lines: anything between \n, \r\n or \r (and the Unicode line/paragraph separators).
_LINE = re.compile(r"[^\r\n\u2028\u2029\x0b\x0c\x1c\x1d\x1e\x85]+")

# A candidate sentence end: terminal punctuation, optional closing quotes/brackets, whitespace,
# then a word character, maybe after an opening quote or bracket; `sentences` checks that the
# word starts with a capital (any script) or a digit.
_BOUNDARY = re.compile(r"[.!?…]+[\"'”’»)\]]*(\s+)(?=[\"'“‘«(\[]?(\w))")

# Words whose trailing period is usually not a sentence end.
_ABBREV = frozenset(
    "mr mrs ms dr st jr sr prof gen sen rep gov col lt sgt capt cmdr adm maj pres no nos vs etc "
    "inc ltd co corp dept est fig jan feb mar apr jun jul aug sep sept oct nov dec mt ft rev hon".split()
)
_WORD_BEFORE = re.compile(r"(\S+)$")
_WORD = re.compile(r"\w+", re.UNICODE)


def _bounds(text: str, start: int, end: int | None) -> tuple[int, int]:
    n = len(text)
    end = n if end is None else min(end, n)
    start = max(0, start)
    return start, max(start, end)


def tokens(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Word and punctuation tokens of ``text[start:end]`` as (start, end) offsets into ``text``."""
    start, end = _bounds(text, start, end)
    return [m.span() for m in _TOKEN.finditer(text, start, end)]


def word_count(text: str, start: int = 0, end: int | None = None) -> int:
    """Runs of word characters in ``text[start:end]``: the denominator of every density figure."""
    start, end = _bounds(text, start, end)
    return sum(1 for _ in _WORD.finditer(text, start, end))


def _is_abbreviation(text: str, line_start: int, punct_pos: int) -> bool:
    """True when the period at ``punct_pos`` ends an abbreviation ("Mr.", "U.S.", "J.")."""
    if text[punct_pos] != ".":
        return False
    m = _WORD_BEFORE.search(text, line_start, punct_pos)
    if m is None:
        return False
    word = m.group(1).lstrip("\"'“‘(«[")
    if not word:
        return False
    if "." in word:  # "U.S", "e.g", "a.m"
        return True
    if len(word) == 1 and word.isalpha():  # initials: "John F. Kennedy"
        return True
    return word.lower() in _ABBREV


def trimmed(text: str, s: int, e: int) -> tuple[int, int] | None:
    """``(s, e)`` less the whitespace at both ends, or None when nothing else is left."""
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return (s, e) if s < e else None


def sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Sentences of ``text[start:end]`` as trimmed (start, end) offsets into ``text``.

    Lines are split first (PTC puts one sentence or paragraph a line), then each line at
    sentence punctuation followed by a capitalised word, except after abbreviations and
    initials. Empty and whitespace-only pieces are dropped.
    """
    start, end = _bounds(text, start, end)
    out: list[tuple[int, int]] = []
    for line in _LINE.finditer(text, start, end):
        ls, le = line.span()
        piece_start = ls
        for b in _BOUNDARY.finditer(text, ls, le):
            opener = b.group(2)
            if not (opener.isupper() or opener.isdigit()):
                continue
            punct_end = b.start(1)
            # the last terminal punctuation mark before any closing quotes
            p = punct_end - 1
            while p > b.start() and text[p] not in ".!?…":
                p -= 1
            if _is_abbreviation(text, ls, p):
                continue
            piece = trimmed(text, piece_start, punct_end)
            if piece:
                out.append(piece)
            piece_start = b.end(1)
        piece = trimmed(text, piece_start, le)
        if piece:
            out.append(piece)
    return out


def sentence_spans(doc: "Document") -> list[tuple[int, int]]:
    """The sentences of the analysable text: the sentence stage's spans when it ran, so the text
    is segmented once per analysis, else segmented here (detectors called on their own)."""
    from spinscope.document import SENTENCE

    group = doc.spans.get(SENTENCE)
    if group is not None:
        return [(s.start, s.end) for s in group]
    return sentences(doc.text, 0, doc.content_end)

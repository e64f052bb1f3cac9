"""Heading-like lines of a plain text, so the report can show an article's headings as headings.

The analysed text has no markup: a heading is guessed as a short line (at most ``MAX_WORDS``
words) with no sentence-final punctuation, set off by blank lines or standing first. The guess
only changes how the line looks; the text and every offset stay the document's.
"""

from __future__ import annotations

import re

MAX_WORDS = 12
_LINE = re.compile(r"[^\r\n]+")
_SENTENCE_END = ".!?;:,…"
_CLOSERS = "\"'”’»)]"


def _looks_like_heading(line: str) -> bool:
    words = line.split()
    return 0 < len(words) <= MAX_WORDS and any(c.isalpha() for c in line) and not line.rstrip(_CLOSERS).endswith(tuple(_SENTENCE_END))


def heading_lines(text: str, end: int) -> list[tuple[int, int]]:
    """(start, end) of each heading-like line before ``end`` (where boilerplate begins), without
    its surrounding spaces; none where the text has a single line, which is a sentence, not a heading."""
    lines = [(m.start(), m.end()) for m in _LINE.finditer(text) if text[m.start():m.end()].strip()]
    if len(lines) < 2:
        return []
    found = []
    for i, (a, b) in enumerate(lines):
        line = text[a:b]
        set_off_before = i == 0 or text.count("\n", lines[i - 1][1], a) >= 2
        set_off_after = i == len(lines) - 1 or text.count("\n", b, lines[i + 1][0]) >= 2
        if b <= end and set_off_before and set_off_after and _looks_like_heading(line):
            start = a + len(line) - len(line.lstrip())
            found.append((start, b - (len(line) - len(line.rstrip()))))
    return found


def same_title(line: str, title: str) -> bool:
    """Whether a line of the text is the document's title, spacing and case aside."""
    return " ".join(line.split()).casefold() == " ".join(title.split()).casefold()

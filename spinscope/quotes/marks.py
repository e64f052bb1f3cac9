"""Where double-quoted runs start and end, from the characters alone.

News text uses straight ("), curly (“ ”) and low („) marks, and scraped text mixes them up: a
closing mark serves as the opening one (``as he said:”During ...``), marks stick to words. Each
mark is read by its type and its shape (what touches it on either side):

* outside a quote, an opening mark opens; a closing or straight mark opens unless it is shaped
  like a closer (a non-space before it, a space or punctuation after it), which makes it a stray;
* inside a quote, a closing or straight mark closes; an opening mark closes where shaped like a
  closer and otherwise starts the quote again (the earlier mark was a stray);
* a quote still open at a paragraph's end goes on only where the next paragraph opens with a
  mark (the convention for quotes over several paragraphs); otherwise it is dropped.

Single quotes are left out: they double as apostrophes and mostly mark scare quotes; two
apostrophes ('') count as one double mark.
"""

from __future__ import annotations

import re

OPENING = frozenset("“„«")
CLOSING = frozenset("”»")
# Two apostrophes ('') stand for a double quote mark in some archives (the New York Times texts
# of PolNeAR); like the straight mark they open or close by shape.
MARKS = re.compile(r"''|[\"“”„«»]")
_AFTER_CLOSER = frozenset(".,;:!?)]}—–-…'’")
_BEFORE_OPENER = frozenset("([{—–-/:;")
_PARAGRAPH = re.compile(r"\n")


def _shapes(text: str, i: int, j: int) -> tuple[bool, bool]:
    """(opener-shaped, closer-shaped) for the mark at ``text[i:j]``."""
    before = text[i - 1] if i > 0 else " "
    after = text[j] if j < len(text) else " "
    opener = not after.isspace() and (before.isspace() or before in _BEFORE_OPENER)
    closer = not before.isspace() and (after.isspace() or after in _AFTER_CLOSER)
    return opener, closer


def _paragraph_initial(text: str, since: int, i: int) -> bool | None:
    """None when no line break lies between ``since`` and ``i``; else whether the mark at ``i``
    is the first non-space character of its line."""
    if _PARAGRAPH.search(text, since, i) is None:
        return None
    line_start = text.rfind("\n", since, i) + 1
    return text[line_start:i].strip() == ""


def quoted_runs(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """``(start, end)`` of each double-quoted run in ``text[start:end]``, marks included."""
    end = len(text) if end is None else end
    runs: list[tuple[int, int]] = []
    open_at: int | None = None
    line_of_open = start  # where the open quote's current paragraph starts to be searched from
    for m in MARKS.finditer(text, start, end):
        i, ch = m.start(), m.group()
        opener, closer = _shapes(text, i, m.end())
        if open_at is not None:
            initial = _paragraph_initial(text, line_of_open, i)
            if initial is not None:
                if initial and opener:
                    line_of_open = i
                    continue  # the next paragraph of the same quote
                open_at = None  # never closed in its paragraph: a stray
        if open_at is None:
            if ch in OPENING or opener or not closer:
                open_at = line_of_open = i
            continue
        if ch in OPENING and not closer:
            open_at = line_of_open = i
            continue
        runs.append((open_at, m.end()))
        open_at = None
    return runs

"""How a claim's wording drifted: the words a later telling added to, and dropped from, the first."""

from __future__ import annotations

import difflib
import re

_WORD = re.compile(r"\w+(?:['’.,-]\w+)*")
# The diff is quadratic in the worst case; a claim is a sentence, but a broken segmentation can
# hand over a page: beyond this many words each side, the rest is left out of the comparison.
MAX_WORDS = 300


def drift(first: str, later: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(added, removed): the words of ``later`` that the word-level diff against ``first`` marks
    as inserted or replacing, and the words of ``first`` it marks as deleted or replaced, each in
    text order and as written. Case is ignored when aligning ("The" and "the" are one word); only
    the first ``MAX_WORDS`` words of each are compared."""
    a = _WORD.findall(first)[:MAX_WORDS]
    b = _WORD.findall(later)[:MAX_WORDS]
    matcher = difflib.SequenceMatcher(None, [w.lower() for w in a], [w.lower() for w in b], autojunk=False)
    added: list[str] = []
    removed: list[str] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op != "equal":
            removed += a[i1:i2]
            added += b[j1:j2]
    return tuple(added), tuple(removed)

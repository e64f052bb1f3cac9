"""Technique spans that start and end where an annotator's would, and one underline per phrase
and technique.

The detectors decode spans from their own tokens, and MiniLM's split words at hyphens and
apostrophes: 2% of the transformer's spans on the validation split (3% on the unlabeled
articles) began or ended inside a word ("s misery" out of "May’s misery", "Nazis" out of
"Neo-Nazis"), and both detectors' spans began or ended with words gold spans avoid ("of",
a trailing "the"). Both detectors pass their final spans through `at_word_edges`, so they follow
one rule. Their extents and their short phrases inside them also underline one phrase two or
three times with the same technique, which the technique stage folds into one (`outermost`).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass, replace

from spinscope.document import Span

# A word: letters and digits, hyphenated compounds as one ("Neo-Nazis", "no-deal"), initialisms
# as one ("U.S.-led"), contractions as one ("won’t"); the possessive "’s" is a word of its own,
# because gold spans often end before it ("Mr. Trump" in "Mr. Trump’s withdrawal"); every other
# character is its own token.
_TOKEN = re.compile(r"(?:[^\W\d_]\.){2,}(?:[-‐]\w+)*|\w+(?:[-‐]\w+|['’](?!s\b)\w+)*|['’]s\b|[^\w\s]")

# Tokens trimmed off a span's edges: those that PTC gold spans (train, 6,128) begin or end with
# less than a tenth as often as the tokens' share of the text would have them (so "the" stays
# at the start, where gold has it 1.7 times its share, and goes at the end, where gold has it
# once in 6,128); tests/test_techniques_edges.py measures it again on the data.
LEADING = frozenset(
    ["of", "into", "onto", "than", "between", "within", "upon", "be", "been", "am", "shall", "might", "him", "though"]
    + [",", ".", ";", ":", "!", "?", "(", ")", "[", "]", "-", "–", "—", "”", "’", "’s", "'s"]
)
TRAILING = frozenset(
    ["the", "a", "an", "these", "his", "its", "their", "my", "your", "and", "or", "but", "nor", "of", "to", "in", "at"]
    + ["by", "for", "from", "with", "into", "onto", "as", "under", "between", "through", "without", "are", "was"]
    + ["were", "be", "been", "am", "has", "have", "had", "would", "shall", "should", "can", "might", "i", "he"]
    + ["she", "we", "they", "who", "which", "what", "whose", "whom", "when", "where", "while", "if", "although"]
    + ["though", "since", ",", ".", ";", ":", "(", "]", "-", "–", "“", "‘", "’s"]
)


@dataclass(frozen=True, slots=True)
class Words:
    """A text's tokens (`_TOKEN`), made once per document so that each span costs a bisection."""

    starts: list[int]
    ends: list[int]
    low: list[str]

    @classmethod
    def of(cls, text: str) -> "Words":
        found = list(_TOKEN.finditer(text))
        return cls([m.start() for m in found], [m.end() for m in found], [m.group().lower() for m in found])

    def edges(self, start: int, end: int) -> tuple[int, int] | None:
        """``[start, end)`` grown to whole words, less the edge tokens in `LEADING`/`TRAILING`;
        None where nothing is left."""
        a = bisect_right(self.ends, start)  # the first token ending after start
        b = bisect_left(self.starts, end)  # one past the last token starting before end
        if a < b and self.low[a] in ("’s", "'s") and self.starts[a] < start and a and self.ends[a - 1] == self.starts[a]:
            a -= 1  # "s misery" grows to "May’s misery", not to "’s misery"
        while a < b and self.low[a] in LEADING:
            a += 1
        while b > a and self.low[b - 1] in TRAILING:
            b -= 1
        return (self.starts[a], self.ends[b - 1]) if a < b else None


def at_word_edges(text: str, spans: list[Span]) -> list[Span]:
    """``spans`` at word edges (`Words.edges`), in text order; where two become the same span,
    the higher-scored one."""
    words = Words.of(text)
    out: dict[tuple[int, int, str], Span] = {}
    for span in spans:
        found = words.edges(span.start, span.end)
        if found is None:
            continue
        key = (*found, span.label)
        if key not in out or _score(span) > _score(out[key]):
            out[key] = replace(span, start=found[0], end=found[1])
    return [out[key] for key in sorted(out)]


def outermost(spans: list[Span]) -> list[Span]:
    """One span where spans of a technique nest: the outer extent, with the score (and the
    evidence behind it) of whichever scored higher, since the outer span is right whenever the
    inner one is. In text order.

    What a reader sees (`TechniqueStage`), not what the detectors predict: the official FLC
    scorer counts every overlapping prediction in recall, so on the validation split this costs
    the transformer 0.031 FLC F1 and the baseline 0.022 (SI is unchanged).
    """
    by_label: dict[str, list[Span]] = defaultdict(list)
    for span in spans:
        by_label[span.label].append(span)
    out: list[Span] = []
    for group in by_label.values():
        kept: list[Span] = []
        widest = -1  # the kept span reaching furthest right: a span nested in any kept one is nested in it
        for span in sorted(group, key=lambda s: (s.start, -s.end)):
            if widest >= 0 and span.end <= kept[widest].end:
                outer = kept[widest]
                kept[widest] = replace(max(outer, span, key=_score), start=outer.start, end=outer.end)
                continue
            kept.append(span)
            widest = len(kept) - 1
        out += kept
    return sorted(out, key=lambda s: (s.start, s.end, s.label))


def _score(span: Span) -> float:
    return span.score if span.score is not None else 0.0

"""Measured evidence for a technique span: the words whose removal lowers its technique
probability most (occlusion), for a reader to check against the text.

Why occlusion: it is measured on the model that made the call, not guessed from weights, and it
means the same for every detector (the transformer mixes two models; the baseline's feature
weights said nothing about the transformer). Each word of a span (or, past `MAX_PIECES` words,
each of `MAX_PIECES` contiguous chunks) is replaced by as many spaces, so every offset stays valid,
and the span's probability of its chosen technique is measured again; the drop is the original
probability less the occluded one. The `TOP_EVIDENCE` largest positive drops are kept.

Why a window: an occluded variant is a new text, and rebuilding the detectors' view of the whole
article (the baseline's tokens and counts, MiniLM's phrase counts) for each of a few hundred
variants would cost time quadratic in the article's length. Each span is measured instead in a
`Window` of whole sentences reaching `EVIDENCE_REACH` characters either side of it, original and
variants alike, so a drop compares like with like. A window of an article that short is the whole
analysable text, and then the figures are exactly those of the full article; in a longer one,
signals from outside the window (a phrase recurring further away, the title's position) are not
part of the measurement. Both detectors read a span's line and its immediate sentence context,
which every window holds.

Why cheaper inputs than detection's: every occluded variant is a model run, and evidence at the
detectors' own settings cost more than the rest of the analysis (`EVIDENCE_TOKENS`). MiniLM reads
each variant, and the unoccluded span it is compared with, with `EVIDENCE_TOKENS` tokens of input,
so a drop is measured on that reading: the probability it starts from is close to, but not, the
span's ``technique_probability``.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Protocol

import numpy as np

from spinscope.document import Span
from spinscope.techniques.edges import Words

# Occlusions a span at most: past this many words, runs of neighbouring words are occluded
# together. Fewer would save little: 8 instead of 12 saves 2 of the aleppo example's 61.
MAX_PIECES = 12
TOP_EVIDENCE = 3
EVIDENCE_REACH = 1_500
# MiniLM input per occluded sequence (span and context), against the 96 it reads to label a span:
# its cost is linear in tokens, and at 96 the evidence cost 2.5 times the rest of the analysis of
# the aleppo example (CPU seconds). The span keeps up to half, so words past a long span's 16th
# word piece are measured through the baseline's share of the mix alone.
EVIDENCE_TOKENS = 32
# Words not tried: occluding them moves the model for grammar, not for the technique (and saves
# one sequence in eight on the demo). Pronouns stay ("our" is Flag-Waving's word).
FUNCTION_WORDS = frozenset(
    "a an the of to in on at by for from with as into than and or but nor so if that which is are was were be been being".split()
)


@dataclass(frozen=True, slots=True)
class Window:
    """A stretch of an article around one span, in its own coordinates: ``text`` is the
    article's ``text[offset:offset + len(text)]`` (perhaps with words blanked), ``start``/``end``
    the span in it and ``sents`` the article's sentences that lie in it."""

    text: str
    offset: int
    start: int
    end: int
    sents: list[tuple[int, int]]

    def blanked(self, start: int, end: int) -> "Window":
        """This window with the article's characters ``[start, end)`` replaced by spaces."""
        a, b = start - self.offset, end - self.offset
        return replace(self, text=self.text[:a] + " " * (b - a) + self.text[b:])


class WindowProbs(Protocol):
    """A detector's technique probabilities, (len(windows), n_labels), for each window's span;
    one call for all windows, so that a detector can share work between them (the baseline
    scores them all in one matrix product)."""

    def __call__(self, windows: list[Window]) -> np.ndarray: ...


@dataclass(frozen=True, slots=True)
class Sentences:
    """An article's sentences (sorted, not overlapping) with their edges as lists, so that a
    span's window costs two bisections however long the article is."""

    spans: Sequence[tuple[int, int]]
    starts: list[int]
    ends: list[int]

    @classmethod
    def of(cls, sents: Sequence[tuple[int, int]]) -> "Sentences":
        return cls(sents, [s for s, _ in sents], [e for _, e in sents])

    def window(self, text: str, end: int, start: int, stop: int) -> Window:
        """The `Window` of span ``[start, stop)`` in ``text[:end]``: whole sentences within
        `EVIDENCE_REACH` characters of the span, and those the span touches, reaching the text's
        edges where they are that near."""
        n = len(self.starts)
        first = 0 if start <= EVIDENCE_REACH else min(bisect_left(self.starts, start - EVIDENCE_REACH), bisect_right(self.ends, start))
        last = n if stop + EVIDENCE_REACH >= end else max(bisect_left(self.starts, stop), bisect_right(self.ends, stop + EVIDENCE_REACH))
        lo = 0 if start <= EVIDENCE_REACH else min(self.starts[first] if first < n else start, start)
        hi = end if stop + EVIDENCE_REACH >= end else max(self.ends[last - 1] if last else stop, stop)
        inside = [(s - lo, e - lo) for s, e in self.spans[first:last] if lo <= s and e <= hi]
        return Window(text[lo:hi], lo, start - lo, stop - lo, inside)


def pieces(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The words of ``text[start:end]`` (`edges.Words`: compounds and contractions whole;
    punctuation and `FUNCTION_WORDS` left out) as offsets into ``text``; past `MAX_PIECES`
    words, `MAX_PIECES` or fewer runs of neighbouring words, so a long span costs no more than
    a short one."""
    words = Words.of(text[start:end])
    found = [
        (start + s, start + e)
        for s, e, low in zip(words.starts, words.ends, words.low)
        if any(c.isalnum() for c in low) and low not in FUNCTION_WORDS
    ]
    size = max(1, -(-len(found) // MAX_PIECES))  # ceiling: words per piece
    return [(found[i][0], found[min(i + size, len(found)) - 1][1]) for i in range(0, len(found), size)]


def with_evidence(
    text: str, end: int, sents: Sequence[tuple[int, int]], spans: list[Span], labels: Sequence[str], probs: WindowProbs
) -> list[Span]:
    """``spans`` with ``attributes["evidence"]``: up to `TOP_EVIDENCE` pieces whose occlusion
    lowers the span's probability of its own label, strongest first, as ``{"start", "end",
    "text", "drop"}`` with offsets into ``text``."""
    windows: list[Window] = []
    tried: list[list[tuple[int, int]]] = []
    sentences = Sentences.of(sents)
    for span in spans:
        home = sentences.window(text, end, span.start, span.end)
        tried.append(pieces(text, span.start, span.end))
        windows += [home, *(home.blanked(a, b) for a, b in tried[-1])]
    p = probs(windows) if windows else np.zeros((0, len(labels)))
    out = []
    row = 0
    for span, found in zip(spans, tried):
        k = list(labels).index(span.label)
        drops = [(float(p[row, k] - p[row + 1 + i, k]), a, b) for i, (a, b) in enumerate(found)]
        row += 1 + len(found)
        top = sorted((d for d in drops if round(d[0], 4) > 0), key=lambda d: (-d[0], d[1]))[:TOP_EVIDENCE]
        evidence = [{"start": a, "end": b, "text": text[a:b], "drop": round(d, 4)} for d, a, b in top]
        out.append(replace(span, attributes={**span.attributes, "evidence": evidence}))
    return out

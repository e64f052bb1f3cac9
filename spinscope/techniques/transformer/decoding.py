"""Word probabilities → technique spans and their scores, for the MiniLM model.

Runs of words at or over a threshold within a line, merged across short gaps, kept where a word
reaches a peak threshold and the span is long enough (most wrong spans are short fragments);
whole lines where their mean probability is high; short *phrase* runs inside them. A span's
score is calibrated (`Calibration`, fitted on the validation split by the trainer).

The baseline decodes differently (token runs within sentences, whole sentences from a sentence
model: `spinscope.techniques.baseline.decode_tokens`), hence the two names.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np

from spinscope.techniques.transformer.inputs import ArticleTokens

_EDGE_PUNCT = frozenset(".,;:!?…-–—\"'“”‘’()[]")


@dataclass(frozen=True, slots=True)
class WordDecodeParams:
    """How word probabilities become spans; chosen on the validation split by the trainer."""

    threshold: float = 0.4
    max_gap: int = 1
    min_chars: int = 9
    peak_threshold: float = 0.0
    line_threshold: float = 1.01  # a whole line is one span where its mean word probability reaches this
    # short *phrase* spans inside the extents: SI (overlaps merge) hardly moves, but a technique
    # label can land on the phrase itself (FLC); a threshold over 1 switches them off
    phrase_threshold: float = 1.01
    phrase_max_gap: int = 0
    phrase_min_chars: int = 8

    def to_dict(self) -> dict[str, float | int]:
        return asdict(self)


def pieces_to_words(art: ArticleTokens, piece_probs: np.ndarray) -> np.ndarray:
    """Mean piece probability per word: the model reads pieces, spans are made of words."""
    m = len(art.words)
    if not m:
        return np.zeros(0)
    sums = np.bincount(art.word_of, weights=piece_probs, minlength=m)
    counts = np.bincount(art.word_of, minlength=m)
    return sums / np.maximum(counts, 1)


def run_ranges(art: ArticleTokens, p_word: np.ndarray, threshold: float, max_gap: int) -> tuple[np.ndarray, np.ndarray]:
    """Word ranges [a, b) at or over ``threshold``, merged across gaps of at most ``max_gap``
    words but never across a line break, as two arrays (numpy: the span scorer asks for many
    thresholds and gaps an article)."""
    idx = np.flatnonzero(p_word >= threshold)
    if not len(idx):
        return idx, idx
    line = art.word_line[idx]
    new = np.concatenate([[True], (np.diff(idx) - 1 > max_gap) | (line[1:] != line[:-1])])
    first = np.flatnonzero(new)
    last = np.concatenate([first[1:], [len(idx)]]) - 1
    return idx[first], idx[last] + 1


def _runs_in_lines(art: ArticleTokens, p_word: np.ndarray, threshold: float, max_gap: int) -> list[list[int]]:
    """`run_ranges` as [a, b] lists."""
    a, b = run_ranges(art, p_word, threshold, max_gap)
    return [[x, y] for x, y in zip(a.tolist(), b.tolist())]


def decode_words(text: str, art: ArticleTokens, p_word: np.ndarray, params: WordDecodeParams) -> list[tuple[int, int, float]]:
    """Word probabilities → (start, end, mean probability) spans in text order."""
    runs = _runs_in_lines(art, p_word, params.threshold, params.max_gap)
    if params.line_threshold <= 1 and len(p_word):
        lines = art.word_line
        cuts = np.flatnonzero(np.diff(lines)) + 1
        starts = np.concatenate([[0], cuts])
        ends = np.concatenate([cuts, [len(lines)]])
        keep = []
        for a, b in zip(starts, ends):
            if p_word[a:b].mean() >= params.line_threshold:
                keep.append([int(a), int(b)])
        # a whole line replaces the runs inside it
        covered = {int(lines[a]) for a, _ in keep}
        runs = [r for r in runs if int(lines[r[0]]) not in covered] + keep
        runs.sort()
    found: dict[tuple[int, int], float] = {}

    def add(a: int, b: int, peak: float, min_chars: int) -> None:
        while a < b and text[art.words[a, 0] : art.words[a, 1]] in _EDGE_PUNCT:
            a += 1
        while b > a and text[art.words[b - 1, 0] : art.words[b - 1, 1]] in _EDGE_PUNCT:
            b -= 1
        if a >= b:
            return
        seg = p_word[a:b]
        if seg.max() < peak:
            return
        s, e = int(art.words[a, 0]), int(art.words[b - 1, 1])
        if e - s < min_chars:
            return
        found[(s, e)] = max(float(seg.mean()), found.get((s, e), 0.0))

    for a, b in runs:
        add(a, b, params.peak_threshold, params.min_chars)
    if params.phrase_threshold <= 1:
        for a, b in _runs_in_lines(art, p_word, params.phrase_threshold, params.phrase_max_gap):
            add(a, b, 0.0, params.phrase_min_chars)
    return [(s, e, c) for (s, e), c in sorted(found.items())]


@dataclass(frozen=True, slots=True)
class Calibration:
    """``tc_temperature`` divides the technique logits; the span score is
    sigmoid(a * logit(span probability) + b * log(technique probability) + c), fitted on the
    validation split to P(the span overlaps a gold span of the predicted technique)."""

    tc_temperature: float = 1.0
    a: float = 1.0
    b: float = 1.0
    c: float = 0.0

    def score(self, span_prob: float, tech_prob: float) -> float:
        sp = min(max(span_prob, 1e-6), 1 - 1e-6)
        z = self.a * math.log(sp / (1 - sp)) + self.b * math.log(max(tech_prob, 1e-6)) + self.c
        return 1.0 / (1.0 + math.exp(-z))

    def to_dict(self) -> dict[str, float]:
        return asdict(self)

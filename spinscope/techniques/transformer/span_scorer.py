"""A learned span scorer: SI decoding that picks among candidate spans instead of keeping
thresholded word runs (`decode_words`).

The candidates of an article (`candidates`) are the runs `decode_words` finds at several
thresholds and gaps, the shipped decoding's spans, whole lines, whole sentences and their
clauses. Each is described by its word probabilities and shape (`features`), scored by a
logistic model of "overlaps a gold span at F1 >= 0.5" (`SpanScorer`, weights in the model
folder's ``span_scorer.json``, fitted by `spinscope.training.span_scorer`), and the best
non-overlapping candidates at or over the model's threshold are kept (`select`).

Why: out of fold on the 74 validation articles it reached SI F1 0.4553 against 0.4348 for the
run decoding re-tuned the same way (``benchmarks/span_scorer.py``). The features are computed
for all candidates at once with numpy (no per-candidate Python beyond the candidates
themselves): the scorer must stay a small part of the detector's time.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from spinscope.errors import ModelError
from spinscope.techniques.transformer.decoding import _EDGE_PUNCT, WordDecodeParams, decode_words, run_ranges
from spinscope.techniques.transformer.inputs import ArticleTokens

RUN_THRESHOLDS = (0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 0.6)
RUN_GAPS = (0, 2, 5)
CLAUSE_BREAKS = frozenset(",;:—–()")
SENTENCE_END = frozenset(".!?\n")
QUOTES = frozenset("\"“”")
OPENERS = frozenset(" \t\"'“‘")  # skipped when looking for what precedes a span
MAX_CLAUSES = 3  # a clause candidate joins at most this many adjacent clauses
SOURCES = ("run", "shipped", "line", "sentence", "clause")  # a bit each, in this order

FEATURES = (
    "mean", "max", "min", "median", "frac_25", "frac_40", "minilm_mean", "baseline_mean", "baseline_max",
    "left_1", "right_1", "left_3", "right_3", "sentence_mean", "line_mean", "log_words", "log_chars",
    "starts_sentence", "ends_sentence", "ends_punct", "whole_line", "whole_sentence", "quote",
    "run_threshold", "position", *[f"source_{k}" for k in range(len(SOURCES))],
)  # fmt: skip


@dataclass(frozen=True)
class WordView:
    """What the scorer reads of an article: its text (up to ``end``), sentences, words, their
    mixed P(in a span) and the baseline's share of that mix (zeros where no baseline is mixed)."""

    text: str
    end: int
    sents: list[tuple[int, int]]
    art: ArticleTokens
    p_word: np.ndarray
    p_base: np.ndarray


@dataclass(frozen=True)
class Candidates:
    """Candidate spans, one per row: words ``[a, b)``, characters ``[start, end)``, which
    generators proposed it (bit k for `SOURCES`[k]) and the lowest run threshold that found it
    (1.0 where no run did); sorted by (a, b), each once."""

    a: np.ndarray
    b: np.ndarray
    start: np.ndarray
    end: np.ndarray
    sources: np.ndarray
    run_threshold: np.ndarray

    def __len__(self) -> int:
        return len(self.a)

    def spans(self) -> list[tuple[int, int]]:
        return list(zip(self.start.tolist(), self.end.tolist()))


def _word_ranges(words: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The words of each ``text[start:end]``: those that start inside it."""
    return np.searchsorted(words[:, 0], starts), np.searchsorted(words[:, 0], ends)


def candidates(v: WordView, shipped: WordDecodeParams) -> Candidates:
    """Every span the scorer may choose in ``v``, each once, trimmed of edge punctuation."""
    words = v.art.words
    n = len(v.p_word)
    if not n:
        empty = np.zeros(0, dtype=np.int64)
        return Candidates(empty, empty, empty, empty, empty, np.zeros(0))
    word_text = [v.text[s:e] for s, e in words.tolist()]
    edge = np.array([w in _EDGE_PUNCT for w in word_text])
    pieces: list[tuple[np.ndarray, np.ndarray, int, float]] = []  # (a, b, source bit, threshold)

    for th in RUN_THRESHOLDS:  # the runs decode_words keeps with no minimum length or peak (trimmed below, as it trims them)
        for gap in RUN_GAPS:
            pieces.append((*run_ranges(v.art, v.p_word, th, gap), 1, th))
    found = decode_words(v.text, v.art, v.p_word, shipped)
    if found:
        spans = np.array([(s, e) for s, e, _ in found], dtype=np.int64)
        pieces.append((*_word_ranges(words, spans[:, 0], spans[:, 1]), 2, 1.0))
    cuts = np.flatnonzero(np.diff(v.art.word_line)) + 1
    pieces.append((np.concatenate([[0], cuts]), np.concatenate([cuts, [n]]), 4, 1.0))
    if v.sents:
        sa, sb = _word_ranges(words, *np.array(v.sents, dtype=np.int64).T)
        pieces.append((sa, sb, 8, 1.0))
        breaks = np.array([w in CLAUSE_BREAKS for w in word_text])
        ca, cb = [], []
        for a, b in zip(sa.tolist(), sb.tolist()):
            edges = [a, *(np.flatnonzero(breaks[a:b]) + a).tolist(), b]
            parts = [(edges[k] + (k > 0), edges[k + 1]) for k in range(len(edges) - 1)]
            for i in range(len(parts)):  # clauses and runs of adjacent clauses, short of the sentence
                for j in range(i + 1, min(i + MAX_CLAUSES, len(parts) - (i == 0)) + 1):
                    ca.append(parts[i][0])
                    cb.append(parts[j - 1][1])
        pieces.append((np.array(ca, dtype=np.int64), np.array(cb, dtype=np.int64), 16, 1.0))
    a = np.concatenate([p[0] for p in pieces]).astype(np.int64)
    b = np.concatenate([p[1] for p in pieces]).astype(np.int64)
    bits = np.concatenate([np.full(len(p[0]), p[2], dtype=np.int64) for p in pieces])
    ths = np.concatenate([np.full(len(p[0]), p[3]) for p in pieces])
    a, b = _trim(edge, a, b)
    keep = a < b
    a, b, bits, ths = a[keep], b[keep], bits[keep], ths[keep]
    key = a * (n + 1) + b
    uniq, inverse = np.unique(key, return_inverse=True)
    sources = np.zeros(len(uniq), dtype=np.int64)
    np.bitwise_or.at(sources, inverse, bits)
    run_threshold = np.ones(len(uniq))
    np.minimum.at(run_threshold, inverse, ths)
    ua, ub = uniq // (n + 1), uniq % (n + 1)
    return Candidates(ua, ub, words[ua, 0].astype(np.int64), words[ub - 1, 1].astype(np.int64), sources, run_threshold)


def _trim(edge: np.ndarray, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Word ranges with edge punctuation words dropped from both ends (empty where a >= b)."""
    n = len(edge)
    idx = np.arange(n)
    next_word = np.minimum.accumulate(np.where(~edge, idx, n)[::-1])[::-1]  # first non-punctuation word at or after i
    prev_word = np.maximum.accumulate(np.where(~edge, idx, -1))  # last non-punctuation word at or before i
    a2 = np.where(a < n, next_word[np.minimum(a, n - 1)], n)
    b2 = np.where(b > 0, prev_word[np.maximum(b - 1, 0)] + 1, 0)
    return a2, b2


def _codes(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)


def _in(codes: np.ndarray, chars: frozenset[str]) -> np.ndarray:
    return np.isin(codes, np.array([ord(c) for c in chars], dtype=np.uint32))


def _segment_mean(cum: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Means of ``x[a:b]`` from ``cum`` = cumsum of x with a leading 0 (0 where empty)."""
    count = b - a
    return np.where(count > 0, (cum[b] - cum[a]) / np.maximum(count, 1), 0.0)


def features(v: WordView, c: Candidates, si_weight: float) -> np.ndarray:
    """(len(c), len(`FEATURES`)) features of the candidates of ``v``."""
    pw = v.p_word
    n = len(pw)
    if not len(c):
        return np.zeros((0, len(FEATURES)))
    pb = v.p_base if len(v.p_base) == n else np.zeros(n)
    pm = (pw - si_weight * pb) / max(1 - si_weight, 1e-6)
    a, b = c.a, c.b
    length = b - a
    # every candidate's words side by side, padded: the order statistics of each at once
    cols = np.arange(int(length.max()))
    inside = cols[None, :] < length[:, None]
    at = np.minimum(a[:, None] + cols[None, :], n - 1)
    seg = np.where(inside, pw[at], np.inf)
    seg.sort(axis=1)
    rows = np.arange(len(c))
    median = (seg[rows, (length - 1) // 2] + seg[rows, length // 2]) / 2
    low = seg[:, 0]
    high = np.where(inside, pw[at], -np.inf).max(1)
    frac_25 = (inside & (pw[at] >= 0.25)).sum(1) / length
    frac_40 = (inside & (pw[at] >= 0.4)).sum(1) / length
    base_max = np.where(inside, pb[at], -np.inf).max(1)
    cw, cm, cb = (np.concatenate([[0.0], np.cumsum(x)]) for x in (pw, pm, pb))
    left_a = np.maximum(a - 3, 0)
    right_b = np.minimum(b + 3, n)
    padded = np.concatenate([pw, [0.0]])
    # the sentence and line of each candidate's first word, and their mean probabilities
    words = v.art.words
    if v.sents:
        sa, sb = _word_ranges(words, *np.array(v.sents, dtype=np.int64).T)
        k = np.searchsorted(sa, a, side="right") - 1
        ok = (k >= 0) & (a < sb[np.maximum(k, 0)])
        sentence_mean = np.where(ok, _segment_mean(cw, sa, sb)[np.maximum(k, 0)], 0.0)
    else:
        sentence_mean = np.zeros(len(c))
    lines = v.art.word_line
    _, line_of = np.unique(lines, return_inverse=True)
    line_mean = (np.bincount(line_of, weights=pw) / np.bincount(line_of))[line_of[a]]
    # characters around and inside each candidate
    codes = _codes(v.text)
    m = len(codes)
    pos = np.arange(m)
    last_kept = np.maximum.accumulate(np.where(~_in(codes, OPENERS), pos, -1))  # last character not an opener, at or before i
    before = np.where(c.start > 0, last_kept[np.maximum(c.start - 1, 0)], -1)
    is_end = np.concatenate([_in(codes, SENTENCE_END), [False]])
    starts_sentence = (before < 0) | is_end[np.maximum(before, 0)] & (before >= 0)
    space = np.concatenate([np.array([ch.isspace() for ch in v.text]) if m else np.zeros(0, bool), [True, True]])
    e = c.end
    ends_sentence = (space[e] & space[e + 1]) | is_end[np.minimum(e, m)] & (e < m)
    punct = np.concatenate([_in(codes, _EDGE_PUNCT), [False]])
    ends_punct = punct[np.minimum(e, m)] & (e < m)
    quotes = np.concatenate([[0], np.cumsum(_in(codes, QUOTES))])
    bits = (c.sources[:, None] >> np.arange(len(SOURCES))[None, :]) & 1
    out = np.column_stack([
        _segment_mean(cw, a, b), high, low, median, frac_25, frac_40,
        _segment_mean(cm, a, b), _segment_mean(cb, a, b), base_max,
        np.where(a > 0, padded[a - 1], 0.0), padded[np.minimum(b, n)],
        _segment_mean(cw, left_a, a), _segment_mean(cw, b, right_b),
        sentence_mean, line_mean, np.log(length), np.log(c.end - c.start),
        starts_sentence, ends_sentence, ends_punct, (c.sources & 4) > 0, (c.sources & 8) > 0,
        quotes[c.end] > quotes[c.start], c.run_threshold, c.start / max(v.end, 1), bits,
    ]).astype(float)  # fmt: skip
    return out


def select(c: Candidates, scores: np.ndarray, threshold: float) -> list[int]:
    """Indices of the best-scored candidates at or over ``threshold`` that overlap none better
    scored (candidates share characters exactly when they share words), in text order."""
    if not len(c):
        return []
    taken = np.zeros(int(c.b.max()), dtype=bool)
    chosen = []
    for i in np.argsort(-scores, kind="stable").tolist():
        if scores[i] < threshold:
            break
        a, b = int(c.a[i]), int(c.b[i])
        if not taken[a:b].any():
            taken[a:b] = True
            chosen.append(i)
    return sorted(chosen, key=lambda i: int(c.start[i]))


@dataclass(frozen=True)
class SpanScorer:
    """A logistic model over standardised `FEATURES` and the threshold its spans must reach."""

    means: np.ndarray
    scales: np.ndarray
    coef: np.ndarray
    intercept: float
    threshold: float

    def score(self, X: np.ndarray) -> np.ndarray:
        """P(a candidate overlaps a gold span at F1 >= 0.5), per row of ``X``."""
        z = ((X - self.means) / self.scales) @ self.coef + self.intercept
        return np.asarray(1.0 / (1.0 + np.exp(-z)))

    def spans(self, v: WordView, shipped: WordDecodeParams, si_weight: float) -> list[tuple[int, int, float]]:
        """(start, end, mean word probability) of the chosen candidates of ``v``, in text order."""
        c = candidates(v, shipped)
        if not len(c):
            return []
        X = features(v, c, si_weight)
        return [(int(c.start[i]), int(c.end[i]), float(X[i, 0])) for i in select(c, self.score(X), self.threshold)]

    def to_dict(self) -> dict[str, object]:
        return {
            "features": list(FEATURES),
            "means": self.means.tolist(),
            "scales": self.scales.tolist(),
            "coefficients": self.coef.tolist(),
            "intercept": self.intercept,
            "threshold": self.threshold,
        }

    @classmethod
    def load(cls, path: Path) -> "SpanScorer":
        """The scorer written by `write`; a file made for other features is refused."""
        try:
            d = json.loads(path.read_text())
            if tuple(d["features"]) != FEATURES:
                raise ModelError(f"{path} scores features {d['features']}, this version computes {list(FEATURES)}")
            means, scales, coef = (np.asarray(d[k], dtype=float) for k in ("means", "scales", "coefficients"))
            if any(x.shape != (len(FEATURES),) for x in (means, scales, coef)) or not math.isfinite(float(d["intercept"])):
                raise ModelError(f"{path} holds weights of the wrong shape")
            return cls(means, scales, coef, float(d["intercept"]), float(d["threshold"]))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ModelError(f"cannot read the span scorer {path}: {exc}") from exc

    def write(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_dict(), indent=2) + "\n")

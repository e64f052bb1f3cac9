"""A sentence as TF-IDF weighted word and character n-grams in hashed columns, numpy only.

Shared by the trainer (spinscope.training.checkworthy) and the run-time model, so the two can
never drift: `ngram_rows` hashes the n-grams of a batch of sentences (CRC-32, as
`spinscope.techniques.hashing` does, so the model ships no vocabulary), and `tfidf` weights them
as scikit-learn's ``TfidfVectorizer(sublinear_tf=True)`` would: ``(1 + log tf) * idf``, each
block (words, characters) scaled to unit length on its own. A column seen in fewer than
``MIN_DF`` training sentences has idf 0, so words never seen in training (most names in news)
neither score nor dilute the rest.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

BITS = 18  # 262,144 columns; about 90,000 n-grams survive MIN_DF, so collisions are rare
MIN_DF = 2
CHAR_NGRAMS = (2, 5)
MAX_CHARS = 2_000  # of a sentence, read for features: bounds the cost of a hostile line
_WORD = re.compile(r"\w\w+")  # scikit-learn's token pattern: words of two or more characters
_BASE = np.uint64(1_000_003)
_MIX = np.uint64(0x9E3779B97F4A7C15)  # Fibonacci hashing: the top BITS bits of the product are well spread


@dataclass(frozen=True, slots=True)
class NgramRows:
    """Hashed n-gram counts of a batch of sentences, one entry per (sentence, block, column)."""

    rows: np.ndarray  # int64: the sentence of each entry
    blocks: np.ndarray  # int8: 0 words, 1 characters
    columns: np.ndarray  # int64: the hashed column
    counts: np.ndarray  # float64
    n: int  # sentences


def _word_keys(texts: Sequence[str]) -> tuple[list[int], list[int]]:
    """(sentence, column) of every word unigram and bigram, CRC-32 hashed."""
    mask = (1 << BITS) - 1
    cache: dict[str, int] = {}
    rows: list[int] = []
    columns: list[int] = []
    for i, text in enumerate(texts):
        words = _WORD.findall(text)
        for gram in words + [f"{a} {b}" for a, b in zip(words, words[1:])]:
            col = cache.get(gram)
            if col is None:
                col = cache[gram] = zlib.crc32(gram.encode("utf-8")) & mask
            rows.append(i)
            columns.append(col)
    return rows, columns


def _char_keys(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """(sentence, column) of every character n-gram inside a space-padded word (scikit-learn's
    ``char_wb``), hashed in numpy: a polynomial over the code points, mixed by multiplication.

    The sentences are joined, each as its words between single spaces and padded with one, with
    NUL between sentences; a window is an n-gram when it holds no NUL and no space but at its ends.
    """
    pieces = [" " + " ".join(t.split()) + " " for t in texts]
    joined = "\0".join(pieces)
    codes = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.uint64)
    owner = np.repeat(np.arange(len(pieces), dtype=np.int64), [len(p) + 1 for p in pieces])[: len(codes)]
    space, nul = codes == 32, codes == 0
    rows: list[np.ndarray] = []
    columns: list[np.ndarray] = []
    lo, hi = CHAR_NGRAMS
    for n in range(lo, hi + 1):
        m = len(codes) - n + 1
        if m <= 0:
            break
        h = np.zeros(m, dtype=np.uint64)
        bad = np.zeros(m, dtype=bool)
        for k in range(n):
            h = h * _BASE + codes[k : k + m]
            bad |= nul[k : k + m]
            if 0 < k < n - 1:
                bad |= space[k : k + m]
        mixed = (h + np.uint64(n)) * _MIX
        columns.append((mixed >> np.uint64(64 - BITS))[~bad].astype(np.int64))
        rows.append(owner[:m][~bad])
    if not rows:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return np.concatenate(rows), np.concatenate(columns)


def ngram_rows(texts: Sequence[str]) -> NgramRows:
    """The hashed n-gram counts of each text (lowercased, at most MAX_CHARS characters)."""
    lowered = [t[:MAX_CHARS].lower() for t in texts]
    word_rows, word_columns = _word_keys(lowered)
    char_rows, char_columns = _char_keys(lowered)
    rows = np.concatenate([np.asarray(word_rows, dtype=np.int64), char_rows])
    columns = np.concatenate([np.asarray(word_columns, dtype=np.int64), char_columns])
    blocks = np.concatenate([np.zeros(len(word_rows), dtype=np.int64), np.ones(len(char_rows), dtype=np.int64)])
    keys, counts = np.unique((rows << (BITS + 1)) | (blocks << BITS) | columns, return_counts=True)
    return NgramRows(
        rows=keys >> (BITS + 1),
        blocks=((keys >> BITS) & 1).astype(np.int8),
        columns=keys & ((1 << BITS) - 1),
        counts=counts.astype(np.float64),
        n=len(texts),
    )


def document_frequency_idf(x: NgramRows) -> np.ndarray:
    """scikit-learn's smooth idf, ``ln((1 + n) / (1 + df)) + 1``, per column; 0 below MIN_DF."""
    df = np.bincount(x.columns, minlength=1 << BITS).astype(np.float64)
    idf = np.log((1.0 + x.n) / (1.0 + df)) + 1.0
    idf[df < MIN_DF] = 0.0
    return idf.astype(np.float32)


def tfidf(x: NgramRows, idf: np.ndarray) -> np.ndarray:
    """Each entry's weight: ``(1 + log count) * idf``, each (sentence, block) scaled to unit length."""
    values = (1.0 + np.log(x.counts)) * idf[x.columns].astype(np.float64)
    group = x.rows * 2 + x.blocks
    norms = np.sqrt(np.bincount(group, weights=values * values, minlength=2 * x.n))
    scale = np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)
    weighted: np.ndarray = values * scale[group]
    return weighted

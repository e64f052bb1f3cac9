"""Okapi BM25 over a collection's words: the exact-word evidence a sentence vector blurs (a rare
name, a product, a slogan), fused with the vector's cosine in ``matching``.

A few lines over an inverted index; no dependency. Parameters are the usual k1 = 1.2, b = 0.75
(Robertson and Zaragoza 2009), idf with the +1 inside the log so that no word scores below zero.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

K1 = 1.2
B = 0.75


@dataclass(frozen=True, slots=True)
class BM25Index:
    postings: dict[str, tuple[np.ndarray, np.ndarray]]  # word -> (document indices, term frequencies)
    idf: dict[str, float]
    lengths: np.ndarray
    average: float


def bm25_index(documents: Sequence[Sequence[str]]) -> BM25Index:
    rows: dict[str, list[tuple[int, int]]] = {}
    for i, words in enumerate(documents):
        for word, tf in Counter(words).items():
            rows.setdefault(word, []).append((i, tf))
    n = len(documents)
    postings = {w: (np.array([i for i, _ in r], dtype=np.int64), np.array([tf for _, tf in r], dtype=np.float32)) for w, r in rows.items()}
    idf = {w: math.log(1.0 + (n - len(r) + 0.5) / (len(r) + 0.5)) for w, r in rows.items()}
    lengths = np.array([len(d) for d in documents], dtype=np.float32)
    return BM25Index(postings, idf, lengths, float(lengths.mean()) if n else 0.0)


def bm25_scores(index: BM25Index, query: Sequence[str]) -> np.ndarray:
    """The query's BM25 score against every document, (n_documents,) float32; a word repeated
    in the query counts once."""
    scores = np.zeros(len(index.lengths), dtype=np.float32)
    if not len(index.lengths):
        return scores
    norm = K1 * (1.0 - B + B * index.lengths / max(index.average, 1e-9))
    for word in dict.fromkeys(query):
        if word in index.postings:
            docs, tf = index.postings[word]
            scores[docs] += index.idf[word] * tf * (K1 + 1.0) / (tf + norm[docs])
    return scores

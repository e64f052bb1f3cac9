"""Feature names as columns: hashed sparse rows and their linear scores, numpy only.

Why hashing: a feature name ("w0=regime") maps to a column with a stable hash (CRC-32 of its
UTF-8 bytes), so the shipped model is just weight arrays: no vocabulary to pickle, nothing to
keep in sync between training and inference except this module. Python's ``hash()`` is salted
per process and must never be used here.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Iterable, Sequence

import numpy as np


def hash_index(name: str, bits: int) -> int:
    """Stable column of a feature name: CRC-32 of its UTF-8 bytes, masked to ``bits`` bits."""
    return zlib.crc32(name.encode("utf-8")) & ((1 << bits) - 1)


class Rows:
    """Hashed sparse rows in CSR arrays; a feature repeated in a row adds up (a count).

    Training turns these into a ``scipy.sparse.csr_matrix``; inference scores them with numpy.
    """

    def __init__(self, bits: int) -> None:
        self.bits = bits
        self._mask = (1 << bits) - 1
        self._cache: dict[str, int] = {}
        self.indices: list[int] = []
        self.values: list[float] = []
        self.indptr: list[int] = [0]

    def add(self, names: Iterable[str], extra: Iterable[tuple[str, float]] = ()) -> None:
        cache, mask = self._cache, self._mask
        for name in names:
            idx = cache.get(name)
            if idx is None:
                idx = cache[name] = zlib.crc32(name.encode("utf-8")) & mask
            self.indices.append(idx)
            self.values.append(1.0)
        for name, value in extra:
            idx = cache.get(name)
            if idx is None:
                idx = cache[name] = zlib.crc32(name.encode("utf-8")) & mask
            self.indices.append(idx)
            self.values.append(value)
        self.indptr.append(len(self.indices))

    def __len__(self) -> int:
        return len(self.indptr) - 1

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return (
            np.asarray(self.indices, dtype=np.int32),
            np.asarray(self.values, dtype=np.float32),
            np.asarray(self.indptr, dtype=np.int64),
        )


def linear_scores(rows: Rows, weights: np.ndarray, bias: np.ndarray) -> np.ndarray:
    """``X @ W + b`` for hashed rows without scipy: (n_rows, n_outputs) float64."""
    indices, values, indptr = rows.arrays()
    w = weights.reshape(weights.shape[0], -1)
    contrib = w[indices].astype(np.float64) * values[:, None]
    cum = np.vstack([np.zeros((1, w.shape[1])), np.cumsum(contrib, axis=0)])
    scores: np.ndarray = cum[indptr[1:]] - cum[indptr[:-1]] + bias.reshape(1, -1)
    return scores


def stacked(probs: Sequence[float]) -> list[tuple[str, float]]:
    """Real-valued and binned encodings of upstream probabilities (sentence models → tokens)."""
    out = []
    for k, p in enumerate(probs):
        logit = math.log(max(p, 1e-6) / max(1 - p, 1e-6))
        out += [(f"ps{k}_logit", logit), (f"ps{k}_bin={min(int(p * 10), 9)}", 1.0)]
    return out

"""Claims' sentence vectors kept in the store, so that each wording is embedded once.

Embedding is most of the cost of repeated claims (about 9 ms a claim on one core, so 20 s for the
newest 2,000 of a corpus), and a text's vector depends on its text and the encoder alone. Vectors
are kept by the text's SHA-256 and the encoder's, as float16: half the bytes, and a cosine moves by
less than 0.002, far below the gap between a repeat and another claim.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Sequence

import numpy as np

_BATCH = 500  # texts per SELECT: SQLite's default limit on host parameters is 999 or more


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def as_kept(vectors: np.ndarray) -> np.ndarray:
    """``vectors`` (rows) as the store gives them back: rounded to float16, then unit length again
    in float32; the same rows whether just embedded or read back."""
    rows: np.ndarray = np.asarray(vectors, dtype="<f2").astype(np.float32)
    rows /= np.maximum(np.linalg.norm(rows, axis=1, keepdims=True), np.float32(1e-12))
    return rows


def stored_vectors(conn: sqlite3.Connection, texts: Sequence[str], encoder_sha256: str, dim: int) -> dict[str, np.ndarray]:
    """The kept vectors of ``texts`` (unit length, float32), by text; a row of the wrong size is
    left out, to be embedded again."""
    keys = {text_key(t): t for t in texts}
    found: dict[str, np.ndarray] = {}
    shas = list(keys)
    for start in range(0, len(shas), _BATCH):
        part = shas[start : start + _BATCH]
        rows = conn.execute(
            f"SELECT text_sha256, vector FROM claim_vectors WHERE encoder_sha256 = ? AND text_sha256 IN ({', '.join('?' * len(part))})",
            [encoder_sha256, *part],
        )
        for sha, blob in rows:
            if isinstance(blob, bytes) and len(blob) == 2 * dim:
                vector = np.frombuffer(blob, dtype="<f2")
                if np.isfinite(vector).all() and vector.any():
                    found[keys[sha]] = as_kept(vector[None])[0]
    return found


def keep_vectors(conn: sqlite3.Connection, vectors: dict[str, np.ndarray], encoder_sha256: str) -> None:
    """Store ``vectors`` (by text) on the open transaction; a text kept already keeps its row."""
    conn.executemany(
        "INSERT OR IGNORE INTO claim_vectors (text_sha256, encoder_sha256, vector) VALUES (?, ?, ?)",
        [(text_key(t), encoder_sha256, np.asarray(v, dtype="<f2").tobytes()) for t, v in vectors.items()],
    )

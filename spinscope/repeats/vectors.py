"""A collection's sentence vectors, computed once and kept in a ``.npy`` named for what it holds.

Embedding the 10,375 verified claims takes minutes on two busy cores, and a corpus store will ask
for its claims' vectors again and again, so they are written beside whatever asked. The file's
name carries a hash of the texts (in order) and of the encoder's sha256: a collection that changed
by one character, or a new encoder, names another file, so a stale one is never read. Writing a
new file removes the older ones of the same stem, so a folder keeps one per collection.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from spinscope.nlp.embed import Encoder, embed, encoder

KEY_CHARS = 20


def vectors_key(texts: Sequence[str], encoder_sha256: str) -> str:
    """Hex digest of the encoder's hash and every text, each length-prefixed so that no two
    different lists of texts share a key."""
    digest = hashlib.sha256(encoder_sha256.encode("ascii"))
    for text in texts:
        data = text.encode("utf-8", "surrogatepass")
        digest.update(len(data).to_bytes(8, "little"))
        digest.update(data)
    return digest.hexdigest()[:KEY_CHARS]


def cache_path(folder: Path, stem: str, key: str) -> Path:
    return folder / f"{stem}.{key}.npy"


def read_vectors(path: Path, count: int) -> np.ndarray | None:
    """The vectors stored at ``path``, or None when there is no such file or it does not hold
    ``count`` finite float32 rows (a torn or foreign file is recomputed, not trusted)."""
    try:
        vectors: np.ndarray = np.load(path, allow_pickle=False)
    except (OSError, ValueError):
        return None
    if vectors.dtype != np.float32 or vectors.ndim != 2 or vectors.shape[0] != count or not np.isfinite(vectors).all():
        return None
    return vectors


def write_vectors(path: Path, vectors: np.ndarray, stem: str) -> None:
    """Write atomically (a reader finds no file or the whole file, also when two processes write
    it at once), then drop the files of other collections under the same stem."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
    with partial.open("wb") as f:
        np.save(f, vectors.astype(np.float32, copy=False), allow_pickle=False)
    os.replace(partial, path)
    ours = re.compile(re.escape(stem) + rf"\.[0-9a-f]{{{KEY_CHARS}}}\.npy")
    for old in path.parent.iterdir():
        if old != path and ours.fullmatch(old.name):
            old.unlink(missing_ok=True)


def cached_embed(
    texts: Sequence[str],
    folder: Path | None,
    stem: str,
    model: Encoder | None = None,
) -> np.ndarray:
    """``embed(texts)``, read from ``folder/<stem>.<key>.npy`` when that collection was embedded
    before with this encoder, else computed and written there (``folder`` None: never cached)."""
    model = model or encoder()
    if folder is None:
        return embed(texts, model)
    path = cache_path(folder, stem, vectors_key(texts, model.sha256))
    cached = read_vectors(path, len(texts))
    if cached is not None and (len(texts) == 0 or cached.shape[1] == model.dim):
        return cached
    vectors = embed(texts, model)
    write_vectors(path, vectors, stem)
    return vectors

"""Sentence vectors from the shared encoder (all-MiniLM-L6-v2, int8 ONNX, ``models/sentence/``).

One encoder serves every stage that compares or classifies sentences (check-worthy claims, actor
roles, repeated claims across a corpus), so it loads once per process, lazily and thread-safely,
and its files are checked against their manifest on load. Vectors are mean-pooled and
L2-normalised inside the graph: a dot product is a cosine.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from spinscope.errors import ModelError

FOLDER = "sentence"


@dataclass(frozen=True)
class Encoder:
    session: Any
    tokenizer: Any
    max_tokens: int
    dim: int
    sha256: str
    name: str
    version: str


_lock = threading.Lock()
_encoder: Encoder | None = None


def load_tokenizer(path: Path) -> Any:
    from spinscope.techniques.transformer.inputs import load_tokenizer as plain

    return plain(path)


def encode_batch(tokenizer: Any, texts: Sequence[str], max_tokens: int) -> tuple[np.ndarray, np.ndarray]:
    """Word-piece ids and attention mask, (n, longest) int64, each text cut to ``max_tokens``
    (its [CLS] and [SEP] included)."""
    rows = [e.ids for e in tokenizer.encode_batch(list(texts))]
    rows = [r if len(r) <= max_tokens else r[: max_tokens - 1] + r[-1:] for r in rows]
    width = max(len(r) for r in rows)
    ids = np.zeros((len(rows), width), dtype=np.int64)
    mask = np.zeros((len(rows), width), dtype=np.int64)
    for i, r in enumerate(rows):
        ids[i, : len(r)] = r
        mask[i, : len(r)] = 1
    return ids, mask


def encoder(directory: Path | None = None) -> Encoder:
    """The shipped encoder, loaded once (``directory`` only for tests and trainers)."""
    global _encoder
    if directory is not None:
        return _load(directory)
    with _lock:
        if _encoder is None:
            from spinscope.techniques.model_files import models_root

            _encoder = _load(models_root() / FOLDER)
        return _encoder


def _load(directory: Path) -> Encoder:
    from spinscope.pipeline.children import cores
    from spinscope.techniques.model_files import verified_files
    from spinscope.techniques.transformer.model import onnx_session

    digest = verified_files(directory)
    try:
        config = json.loads((directory / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelError(f"{directory / 'config.json'} is unreadable: {exc}") from exc
    return Encoder(
        session=onnx_session(directory / "model.onnx", cores()),
        tokenizer=load_tokenizer(directory / "tokenizer.json"),
        max_tokens=int(config["max_tokens"]),
        dim=int(config["dim"]),
        sha256=digest,
        name=str(config["name"]),
        version=str(config["version"]),
    )


def embed(texts: Sequence[str], model: Encoder | None = None) -> np.ndarray:
    """(len(texts), dim) float32 unit vectors, in the order given.

    One text per call: the int8 graph quantises activations over the whole batch, so a batched
    text's vector depended on its neighbours and their padding (cosine 0.987 to itself alone), and
    on 2 cores single calls were also faster (the example article's 29 sentences: 0.25 s against
    0.46 s batched by length). A sentence's vector is now the same in any article.
    """
    model = model or encoder()
    out = np.zeros((len(texts), model.dim), dtype=np.float32)
    for i, text in enumerate(texts):
        ids, mask = encode_batch(model.tokenizer, [text], model.max_tokens)
        out[i] = model.session.run(None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)})[0][0]
    return out

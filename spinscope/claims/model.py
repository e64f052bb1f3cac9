"""The check-worthiness model: a logistic regression over a sentence's features, run with numpy.

P(check-worthy) = sigmoid(n-gram TF-IDF · w + cues · v + b) (`spinscope.claims.features`,
`spinscope.claims.cues`), trained on CheckThat! 2024 English (spinscope.training.checkworthy).
The folder ``models/checkworthy`` holds ``weights.npz`` and ``config.json`` (the threshold chosen
on validation, the features' order) and a manifest whose hashes are checked on load, so an
altered file fails loudly (`spinscope.techniques.model_files.verified_files`). Loaded once per
process, on first use.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from spinscope.claims.cues import HAND_FEATURES, find_cues, hand_features
from spinscope.claims.features import BITS, ngram_rows, tfidf
from spinscope.errors import ModelError
from spinscope.techniques.activations import sigmoid
from spinscope.techniques.model_files import models_root, verified_files

FORMAT = "spinscope-checkworthy-linear-1"
FOLDER = "checkworthy"
CONFIG_FILE = "config.json"
WEIGHTS_FILE = "weights.npz"
CHUNK = 256  # sentences scored at once: about 30 MB of n-gram arrays at most


@dataclass(frozen=True)
class CheckworthyModel:
    """The weights of one trained model and the threshold its trainer chose."""

    idf: np.ndarray  # (2**BITS,) float32
    ngram_weights: np.ndarray  # (2**BITS,) float32
    hand_weights: np.ndarray  # (len(HAND_FEATURES),) float32; zeros when trained without cues
    bias: float
    threshold: float
    version: str
    sha256: str | None = None  # the folder hash, when loaded from one

    def scores(self, texts: Sequence[str]) -> np.ndarray:
        """P(check-worthy) of each text, float64; in batches of CHUNK texts, so that a long
        document's n-gram arrays never all exist at once."""
        parts = [self._scores(texts[i : i + CHUNK]) for i in range(0, len(texts), CHUNK)]
        return np.concatenate(parts) if parts else np.zeros(0)

    def _scores(self, texts: Sequence[str]) -> np.ndarray:
        x = ngram_rows(texts)
        logits = np.bincount(x.rows, weights=tfidf(x, self.idf) * self.ngram_weights[x.columns], minlength=x.n)
        if np.any(self.hand_weights):
            logits += np.asarray([hand_features(find_cues(t)) for t in texts]) @ self.hand_weights.astype(np.float64)
        probs: np.ndarray = sigmoid(logits + self.bias)
        return probs


def default_folder() -> Path:
    return models_root() / FOLDER


def read_model(directory: Path) -> CheckworthyModel:
    """The model in ``directory``, its files checked against the manifest first."""
    sha = verified_files(directory)
    try:
        config: dict[str, Any] = json.loads((directory / CONFIG_FILE).read_text(encoding="utf-8"))
        with np.load(directory / WEIGHTS_FILE) as w:
            arrays = {k: w[k] for k in ("idf", "ngram_weights", "hand_weights", "bias")}
    except (OSError, ValueError, KeyError) as exc:
        raise ModelError(f"{directory} does not hold a readable check-worthiness model ({exc!r}): retrain it with python -m spinscope.training.checkworthy") from exc
    if config.get("format") != FORMAT or config.get("bits") != BITS or tuple(config.get("hand_features", ())) != HAND_FEATURES:
        raise ModelError(
            f"{directory / CONFIG_FILE} describes a model this spinscope cannot run (format {config.get('format')!r}, "
            f"bits {config.get('bits')!r}; expected {FORMAT!r}, {BITS}, and features {', '.join(HAND_FEATURES)}): retrain it"
        )
    return CheckworthyModel(
        idf=arrays["idf"],
        ngram_weights=arrays["ngram_weights"],
        hand_weights=arrays["hand_weights"],
        bias=float(arrays["bias"]),
        threshold=float(config["threshold"]),
        version=str(config["version"]),
        sha256=sha,
    )


_lock = threading.Lock()
_loaded: CheckworthyModel | None = None


def shipped_model() -> CheckworthyModel:
    """The shipped model, loaded once per process (thread-safe)."""
    global _loaded
    with _lock:
        if _loaded is None:
            _loaded = read_model(default_folder())
        return _loaded

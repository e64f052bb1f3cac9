"""The squashing functions every detector and trainer share, so the same scores come out of
training and inference whichever model produced the logits."""

from __future__ import annotations

import numpy as np


def sigmoid(x: np.ndarray) -> np.ndarray:
    """The logistic function in its tanh form, which never overflows for large ``-x``."""
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def softmax(z: np.ndarray) -> np.ndarray:
    """Probabilities over the last axis; the maximum is subtracted first so ``exp`` cannot overflow."""
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    p: np.ndarray = e / e.sum(axis=-1, keepdims=True)
    return p

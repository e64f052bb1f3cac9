"""From technique probabilities to one label per requested span, shared by every detector."""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence

import numpy as np


def rank_labels(keys: Sequence[Hashable], probs: np.ndarray, labels: Sequence[str]) -> list[tuple[str, float]]:
    """One (label, probability) per row of ``probs``.

    The n-th time the same key (a span) is asked for, it gets its n-th most likely label:
    SemEval TC lists a span once per gold technique, and the same answer twice could never be
    right twice.
    """
    seen: Counter[Hashable] = Counter()
    out = []
    for key, p in zip(keys, probs, strict=True):
        order = np.argsort(-p, kind="stable")
        k = int(order[min(seen[key], len(order) - 1)])
        seen[key] += 1
        out.append((labels[k], float(p[k])))
    return out

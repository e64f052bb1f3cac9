"""From technique probabilities to the labels of a span: one per requested span, shared by every
detector (`rank_labels`), and a detected span's one or two (`detected_labels`)."""

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


def detected_labels(p: np.ndarray, second_min: float) -> list[int]:
    """The technique indices a detected span is labelled with: the most likely one and, where
    the runner-up's probability reaches ``second_min`` (over 1: never), the runner-up too.

    Why two: 23% of gold spans on the validation split overlap a gold span of another
    technique, and SemEval FLC credits each (span, technique) pair, so a span whose two most
    likely techniques are both plausible is more often right twice than wrong once
    (models/minilm/card.json, "flc_levers")."""
    order = np.argsort(-p, kind="stable")
    top = [int(order[0])]
    if len(order) > 1 and p[order[1]] >= second_min:
        top.append(int(order[1]))
    return top

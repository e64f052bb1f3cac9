"""CheckThat! 2024 Task 1 English (check-worthiness): reading its files and its official figure.

The files are TAB-separated with CSV quoting (a sentence holding double quotes is quoted), so
they are read with a CSV reader, never split on tabs. The official metric is the F1 of the
``Yes`` class.
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

TRAIN_FILE = "CT24_checkworthy_english_train.tsv"
DEV_FILE = "CT24_checkworthy_english_dev.tsv"


def default_folder() -> Path:
    """``$SPINSCOPE_SHARED/data/checkworthy``, else the workplace's shared folder."""
    return Path(os.environ.get("SPINSCOPE_SHARED", "/work/shared")) / "data" / "checkworthy"


@dataclass(frozen=True)
class Sentences:
    """One CT24 file: ids, texts and labels (1 = Yes, check-worthy), in file order."""

    ids: tuple[str, ...]
    texts: tuple[str, ...]
    labels: np.ndarray  # int64, (n,)


def read_ct24(path: Path) -> Sentences:
    """A CT24 file; its header must be ``Sentence_id, Text, class_label``."""
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f, delimiter="\t"))
    if not rows or rows[0] != ["Sentence_id", "Text", "class_label"]:
        raise ValueError(f"{path} is not a CT24 check-worthiness file (header {rows[:1]!r})")
    body = rows[1:]
    bad = [r for r in body if len(r) != 3 or r[2] not in ("Yes", "No")]
    if bad:
        raise ValueError(f"{path}: {len(bad)} rows are not (id, text, Yes|No), the first {bad[0]!r}")
    return Sentences(
        ids=tuple(r[0] for r in body),
        texts=tuple(r[1] for r in body),
        labels=np.asarray([r[2] == "Yes" for r in body], dtype=np.int64),
    )


@dataclass(frozen=True)
class Figures:
    """F1, precision and recall of the Yes class at one threshold."""

    f1: float
    precision: float
    recall: float

    def rounded(self) -> dict[str, float]:
        return {"f1": round(self.f1, 4), "precision": round(self.precision, 4), "recall": round(self.recall, 4)}


def yes_figures(labels: np.ndarray, scores: np.ndarray, threshold: float) -> Figures:
    """The official figures: the Yes class is predicted where ``scores >= threshold``."""
    predicted = scores >= threshold
    tp = float(np.sum(predicted & (labels == 1)))
    p = tp / max(float(predicted.sum()), 1.0)
    r = tp / max(float((labels == 1).sum()), 1.0)
    return Figures(f1=2 * p * r / (p + r) if p + r else 0.0, precision=p, recall=r)

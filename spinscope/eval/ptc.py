"""The PTC training release as training and evaluation read it, and the one validation split.

Every model is selected and reported on the same split (sorted article ids, every 5th held out)
so that figures in model cards compare; the hash pins which data they came from.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from spinscope.errors import UnsupportedInputError
from spinscope.eval.formats import Labelled, read_si, read_tc

SPLIT_RULE = "article ids sorted as strings; every 5th (sorted positions 4, 9, 14, ...) is validation, the rest train"


@dataclass(frozen=True, slots=True)
class PTCData:
    articles: dict[str, str]
    si: list[Labelled]
    tc: list[Labelled]
    sha256: str


def load_ptc(folder: Path) -> PTCData:
    """Read ``folder`` (holding articles/, labels-si.tsv, labels-tc.tsv) with a hash of all of it."""
    missing = [name for name in ("articles", "labels-si.tsv", "labels-tc.tsv") if not (folder / name).exists()]
    if missing:
        raise UnsupportedInputError(f"{folder}: not a PTC training folder ({', '.join(missing)} missing)")
    articles = {}
    digest = hashlib.sha256()
    for name in ("labels-si.tsv", "labels-tc.tsv"):
        digest.update(name.encode() + b"\0" + (folder / name).read_bytes())
    for path in sorted((folder / "articles").glob("article*.txt")):
        raw = path.read_bytes()
        digest.update(path.name.encode() + b"\0" + raw)
        articles[path.stem.removeprefix("article")] = raw.decode("utf-8")
    return PTCData(articles, read_si(folder / "labels-si.tsv"), read_tc(folder / "labels-tc.tsv"), digest.hexdigest())


def training_data_card(sha256: str, articles: int, train: int, validation: int) -> dict[str, object]:
    """The ``training_data`` block of a model card: which data, and how it was split."""
    return {
        "source": "PTC, SemEval-2020 Task 11 training release",
        "sha256": sha256,
        "sha256_of": "labels-si.tsv, labels-tc.tsv, then every articles/article*.txt sorted by name; each as name, NUL, bytes",
        "articles": articles,
        "train_articles": train,
        "validation_articles": validation,
    }


def validation_split(ids: list[str]) -> tuple[list[str], list[str]]:
    """(train ids, validation ids) by SPLIT_RULE."""
    ordered = sorted(ids)
    held_out = set(ordered[4::5])
    return [a for a in ordered if a not in held_out], [a for a in ordered if a in held_out]

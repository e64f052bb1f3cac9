"""What both trainers share: the PTC split they train and tune on, and timestamped progress lines."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from spinscope.eval.formats import Labelled
from spinscope.eval.ptc import load_ptc, validation_split

T0 = time.time()


def log(msg: str) -> None:
    """A progress line with the seconds since the trainer was imported."""
    print(f"[{time.time() - T0:7.1f}s] {msg}", flush=True)


def elapsed() -> float:
    return time.time() - T0


@dataclass(frozen=True)
class TrainingData:
    """The PTC training release cut by `validation_split`, gold labels grouped the ways the trainers read them."""

    articles: dict[str, str]
    train: list[str]
    val: list[str]
    gold_si: dict[str, list[Labelled]]  # SI gold spans by article
    tc_train: list[Labelled]  # TC gold of the train articles, in file order
    tc_val: list[Labelled]  # TC gold of the validation articles, in file order
    sha256: str

    @property
    def gold_si_val(self) -> list[Labelled]:
        """SI gold of the validation articles, article by article."""
        return [r for a in self.val for r in self.gold_si.get(a, [])]

    @property
    def tc_val_by_article(self) -> list[Labelled]:
        """``tc_val`` article by article in ``val`` order: the order validation passes produce."""
        return [r for a in self.val for r in self.tc_val if r.article_id == a]


def load_training_data(data: Path, max_train: int | None = None, max_val: int | None = None) -> TrainingData:
    """``data`` is the PTC folder or its ``train/``; ``max_*`` keep the first articles of each
    part only (smoke runs)."""
    ptc = load_ptc(data / "train" if (data / "train").is_dir() else data)
    train, val = validation_split(list(ptc.articles))
    train, val = train[:max_train], val[:max_val]
    gold_si: dict[str, list[Labelled]] = {}
    for r in ptc.si:
        gold_si.setdefault(r.article_id, []).append(r)
    train_set, val_set = set(train), set(val)
    return TrainingData(
        articles=ptc.articles,
        train=train,
        val=val,
        gold_si=gold_si,
        tc_train=[r for r in ptc.tc if r.article_id in train_set],
        tc_val=[r for r in ptc.tc if r.article_id in val_set],
        sha256=ptc.sha256,
    )

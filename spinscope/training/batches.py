"""The transformer's training examples and batches: SI windows of word pieces with their
in-span targets, TC spans with their technique, shuffled together each epoch.

With a teacher's soft labels (`spinscope.training.distil.SoftLabels`) the SI targets become a
mix of the gold IO labels and the teacher's probabilities, the unlabeled articles join with the
teacher's targets only, and each TC span carries the teacher's softened distribution."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from spinscope.eval.formats import Labelled
from spinscope.nlp.align import char_span
from spinscope.techniques.base import TECHNIQUES
from spinscope.techniques.transformer.inputs import (
    BERT_SPECIALS,
    N_FEATS,
    ArticleTokens,
    SpecialIds,
    TcSequence,
    article_tokens,
    tc_batch,
    tc_sequences,
    window_batch,
    windows,
)
from spinscope.training.common import TrainingData
from spinscope.training.config import TrainConfig

if TYPE_CHECKING:
    from spinscope.training.distil import SoftLabels


@dataclass(frozen=True, slots=True)
class SiItem:
    """One window of word pieces and, per piece, 1.0 where it lies in a gold span."""

    ids: np.ndarray
    targets: np.ndarray


@dataclass(frozen=True, slots=True)
class TcItem:
    """One gold span: its classifier input, numeric features and technique index."""

    seq: TcSequence
    feats: np.ndarray
    label: int
    soft: np.ndarray | None = None  # the teacher's softened technique distribution
    gold: bool = True  # False: a span the teacher found in an unlabeled article (soft target only)


Batch = dict[str, np.ndarray]


def piece_targets(art: ArticleTokens, gold: list[Labelled]) -> np.ndarray:
    """1.0 for every word piece a gold span overlaps (IO tagging), else 0.0."""
    y = np.zeros(len(art.ids), dtype=np.float32)
    starts, ends = art.offsets[:, 0].tolist(), art.offsets[:, 1].tolist()
    for r in gold:
        a, b = char_span(starts, ends, r.start, r.end, "expand")
        y[a:b] = 1.0
    return y


def training_items(
    cfg: TrainConfig, data: TrainingData, tokenizer: Any, specials: SpecialIds = BERT_SPECIALS, soft: SoftLabels | None = None
) -> tuple[list[SiItem], list[TcItem]]:
    """The SI windows and TC spans of the train articles, before shuffling; with ``soft``, the
    teacher's targets mixed in and the unlabeled articles' items appended."""
    if soft is not None:
        from spinscope.training.distil import distil_items

        return distil_items(cfg, data, tokenizer, specials, soft)
    si_items = []
    for a in data.train:
        art = article_tokens(tokenizer, data.articles[a])
        y = piece_targets(art, data.gold_si.get(a, []))
        si_items += [SiItem(art.ids[s:e], y[s:e]) for s, e in windows(len(art.ids), cfg.window, cfg.stride)]
    label_ix = {t: i for i, t in enumerate(TECHNIQUES)}
    by_article: dict[str, list[Labelled]] = {}
    for r in data.tc_train:
        by_article.setdefault(r.article_id, []).append(r)
    tc_items = []
    for a, rows in by_article.items():
        seqs, feats = tc_sequences(tokenizer, data.articles[a], [(r.start, r.end) for r in rows], cfg.tc_max_len, specials)
        tc_items += [TcItem(seq, f, label_ix[str(r.technique)]) for seq, f, r in zip(seqs, feats, rows)]
    return si_items, tc_items


def collate_si(items: list[SiItem], specials: SpecialIds = BERT_SPECIALS) -> Batch:
    x, m = window_batch([it.ids for it in items], specials)
    y = np.zeros(x.shape, np.float32)
    loss_mask = np.zeros(x.shape, np.float32)
    for r, it in enumerate(items):
        y[r, 1 : 1 + len(it.ids)] = it.targets
        loss_mask[r, 1 : 1 + len(it.ids)] = 1
    return {"input_ids": x, "attention_mask": m, "token_type_ids": np.zeros_like(x), "feats": np.zeros((len(items), N_FEATS), np.float32),
            "y": y, "loss_mask": loss_mask}  # fmt: skip


def collate_tc(items: list[TcItem], specials: SpecialIds = BERT_SPECIALS) -> Batch:
    """With soft labels, also "soft" (the teacher's distributions), "has_soft" (1.0 where there is
    one) and "gold" (1.0 for a gold span)."""
    x, m, t = tc_batch([it.seq for it in items], specials)
    b = {"input_ids": x, "attention_mask": m, "token_type_ids": t, "feats": np.stack([it.feats for it in items]).astype(np.float32),
         "y": np.array([it.label for it in items], np.int64)}  # fmt: skip
    if any(it.soft is not None for it in items):
        uniform = np.full(len(TECHNIQUES), 1 / len(TECHNIQUES), np.float32)
        b["soft"] = np.stack([uniform if it.soft is None else it.soft for it in items]).astype(np.float32)
        b["has_soft"] = np.array([0.0 if it.soft is None else 1.0 for it in items], np.float32)  # a gold span the teacher never saw: CE only
        b["gold"] = np.array([1.0 if it.gold else 0.0 for it in items], np.float32)
    return b


def epoch_batches(
    cfg: TrainConfig, si_items: list[SiItem], tc_items: list[TcItem], rng: random.Random, specials: SpecialIds = BERT_SPECIALS
) -> list[tuple[str, Batch]]:
    """One epoch's ("si" | "tc", batch) pairs in random order; a quick run keeps three of each."""
    si = si_items[:]
    rng.shuffle(si)
    batches = [("si", collate_si(si[i : i + cfg.si_batch], specials)) for i in range(0, len(si), cfg.si_batch)]
    tc = tc_items[:]
    rng.shuffle(tc)
    # length buckets: sort within chunks of 50 batches, then batch (less padding, still random)
    chunk = cfg.tc_batch * 50
    for c in range(0, len(tc), chunk):
        part = sorted(tc[c : c + chunk], key=lambda it: len(it.seq.ids))
        batches += [("tc", collate_tc(part[i : i + cfg.tc_batch], specials)) for i in range(0, len(part), cfg.tc_batch)]
    rng.shuffle(batches)
    if cfg.quick:
        batches = [b for b in batches if b[0] == "si"][:3] + [b for b in batches if b[0] == "tc"][:3]
    return batches

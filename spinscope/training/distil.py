"""A teacher's soft labels and the student's training items made from them.

The teacher (MPNet, `spinscope.training.teacher`) and the student (MiniLM) cut text into
different word pieces, so the teacher's SI output travels as a probability per *character*:
each teacher piece's probability (averaged over the overlapping inference windows) spread over
its characters; the student's target for one of its pieces is the mean over the piece's
characters. Characters no teacher piece covers (spaces) are NaN and never averaged in.

TC travels per span: the teacher's technique distribution softened by a temperature, for the
gold spans of the train articles and for the spans the teacher itself decodes on the unlabeled
articles (self-training, as ApplicaAI did for SemEval-2020 Task 11). Validation articles get
none: the student's validation figures stay honest.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from spinscope.eval.formats import Labelled
from spinscope.techniques.activations import softmax
from spinscope.techniques.base import TECHNIQUES
from spinscope.techniques.transformer.decoding import WordDecodeParams, decode_words, pieces_to_words
from spinscope.techniques.transformer.inputs import ArticleTokens, SpecialIds, article_tokens, tc_sequences, windows
from spinscope.techniques.transformer.model import MiniLMModel
from spinscope.training.batches import SiItem, TcItem, piece_targets
from spinscope.training.common import TrainingData, log
from spinscope.training.config import TrainConfig


@dataclass
class SoftLabels:
    """Per article: P(in a span) per character; spans with the teacher's softened technique
    distribution. ``unlabeled`` holds the texts of the articles that have no gold labels."""

    temperature: float
    char_probs: dict[str, np.ndarray] = field(default_factory=dict)
    tc_spans: dict[str, np.ndarray] = field(default_factory=dict)  # (n, 2) int64
    tc_probs: dict[str, np.ndarray] = field(default_factory=dict)  # (n, 14) float32
    unlabeled: dict[str, str] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)

    def save(self, path: Path) -> None:
        """One .npz, no pickles: arrays by "si/", "tcs/", "tcp/" + article id, texts as unicode arrays."""
        arrays: dict[str, np.ndarray] = {"meta": np.array(json.dumps({**self.meta, "temperature": self.temperature, "techniques": list(TECHNIQUES)}))}
        for a, p in self.char_probs.items():
            arrays[f"si/{a}"] = p.astype(np.float16)
        for a, s in self.tc_spans.items():
            arrays[f"tcs/{a}"] = s.astype(np.int64)
            arrays[f"tcp/{a}"] = self.tc_probs[a].astype(np.float32)
        for a, t in self.unlabeled.items():
            arrays[f"text/{a}"] = np.array(t)
        path.parent.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(path, **arrays)  # type: ignore[arg-type]

    @classmethod
    def load(cls, path: Path) -> SoftLabels:
        with np.load(path, allow_pickle=False) as z:
            meta = json.loads(str(z["meta"]))
            if meta.get("techniques") != list(TECHNIQUES):
                raise SystemExit(f"{path}: soft labels over other techniques than {TECHNIQUES}")
            out = cls(float(meta["temperature"]), meta=meta)
            for key in z.files:
                kind, _, a = key.partition("/")
                if kind == "si":
                    out.char_probs[a] = z[key].astype(np.float32)
                elif kind == "tcs":
                    out.tc_spans[a] = z[key]
                elif kind == "tcp":
                    out.tc_probs[a] = z[key]
                elif kind == "text":
                    out.unlabeled[a] = str(z[key])
        return out


def spread_to_chars(n_chars: int, offsets: np.ndarray, piece_probs: np.ndarray) -> np.ndarray:
    """(n_chars,) float32: each piece's probability on its characters, NaN elsewhere."""
    out = np.full(n_chars, np.nan, np.float32)
    for (s, e), p in zip(offsets.tolist(), piece_probs.tolist()):
        out[s:e] = p
    return out


def chars_to_pieces(char_probs: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """(n_pieces,) mean of ``char_probs`` over each piece's characters, ignoring NaN; NaN
    where a piece has no covered character."""
    covered = ~np.isnan(char_probs)
    vals = np.where(covered, char_probs, 0.0).astype(np.float64)
    csum = np.concatenate([[0.0], np.cumsum(vals)])
    ccount = np.concatenate([[0], np.cumsum(covered)])
    s = np.clip(offsets[:, 0], 0, len(char_probs))
    e = np.clip(offsets[:, 1], 0, len(char_probs))
    n = ccount[e] - ccount[s]
    with np.errstate(invalid="ignore", divide="ignore"):
        out = (csum[e] - csum[s]) / n
    return np.where(n > 0, out, np.nan).astype(np.float32)


def teacher_soft_labels(
    teacher: MiniLMModel, data: TrainingData, unlabeled: dict[str, str], temperature: float, decode: WordDecodeParams | None = None
) -> SoftLabels:
    """The trained teacher's soft labels for the train articles and the unlabeled ones (its
    spans there decoded with ``decode``, default settings when None)."""
    decode = decode or WordDecodeParams()
    out = SoftLabels(temperature, unlabeled=dict(unlabeled))
    gold_spans: dict[str, list[tuple[int, int]]] = {}
    for r in data.tc_train:
        spans = gold_spans.setdefault(r.article_id, [])
        if (r.start, r.end) not in spans:
            spans.append((r.start, r.end))
    texts = {a: data.articles[a] for a in data.train} | unlabeled
    n_teacher_spans = 0
    for a, text in texts.items():
        art = article_tokens(teacher.tokenizer, text)
        p = teacher.piece_probs(art) if len(art.ids) else np.zeros(0)
        out.char_probs[a] = spread_to_chars(len(text), art.offsets, p)
        if a in unlabeled:
            spans = [(s, e) for s, e, _ in decode_words(text, art, pieces_to_words(art, p), decode)] if len(art.ids) else []
            n_teacher_spans += len(spans)
        else:
            spans = gold_spans.get(a, [])
        out.tc_spans[a] = np.asarray(spans, np.int64).reshape(-1, 2)
        logits = teacher.technique_logits(text, spans)
        out.tc_probs[a] = softmax(logits / temperature).astype(np.float32).reshape(-1, len(TECHNIQUES))
    log(f"soft labels: {len(texts)} articles ({len(unlabeled)} unlabeled, {n_teacher_spans} teacher spans there), temperature {temperature}")
    return out


def distil_items(cfg: TrainConfig, data: TrainingData, tokenizer: Any, specials: SpecialIds, soft: SoftLabels) -> tuple[list[SiItem], list[TcItem]]:
    """The student's items: gold mixed with the teacher on the train articles, the teacher only
    on the unlabeled ones (see the module's docstring)."""
    a_ = cfg.distil_alpha
    label_ix = {t: i for i, t in enumerate(TECHNIQUES)}
    si_items: list[SiItem] = []
    tc_items: list[TcItem] = []

    def add_si(art: ArticleTokens, y: np.ndarray) -> None:
        si_items.extend(SiItem(art.ids[s:e], y[s:e]) for s, e in windows(len(art.ids), cfg.window, cfg.stride))

    by_article: dict[str, list[Labelled]] = {}
    for r in data.tc_train:
        by_article.setdefault(r.article_id, []).append(r)
    for a in data.train:
        text = data.articles[a]
        art = article_tokens(tokenizer, text)
        gold = piece_targets(art, data.gold_si.get(a, []))
        t = chars_to_pieces(soft.char_probs[a], art.offsets) if a in soft.char_probs else np.full(len(gold), np.nan, np.float32)
        t = np.where(np.isnan(t), gold, t)
        add_si(art, ((1 - a_) * gold + a_ * t).astype(np.float32))
        rows = by_article.get(a, [])
        if rows:
            teacher = {(int(s), int(e)): p for (s, e), p in zip(soft.tc_spans.get(a, np.zeros((0, 2))).tolist(), soft.tc_probs.get(a, []))}
            seqs, feats = tc_sequences(tokenizer, text, [(r.start, r.end) for r in rows], cfg.tc_max_len, specials)
            tc_items += [TcItem(q, f, label_ix[str(r.technique)], teacher.get((r.start, r.end))) for q, f, r in zip(seqs, feats, rows)]
    n_gold_si, n_gold_tc = len(si_items), len(tc_items)
    for a, text in soft.unlabeled.items():
        art = article_tokens(tokenizer, text)
        if not len(art.ids):
            continue
        add_si(art, np.nan_to_num(chars_to_pieces(soft.char_probs[a], art.offsets), nan=0.0))
        spans = [(int(s), int(e)) for s, e in soft.tc_spans[a].tolist()]
        if spans:
            seqs, feats = tc_sequences(tokenizer, text, spans, cfg.tc_max_len, specials)
            tc_items += [TcItem(q, f, int(np.argmax(p)), p, gold=False) for q, f, p in zip(seqs, feats, soft.tc_probs[a])]
    log(f"distillation (alpha {a_}, T {cfg.distil_temperature}): {n_gold_si} + {len(si_items) - n_gold_si} unlabeled SI windows, "
        f"{n_gold_tc} gold + {len(tc_items) - n_gold_tc} teacher TC spans")  # fmt: skip
    return si_items, tc_items


def read_unlabeled(data: Path, limit: int | None = None) -> dict[str, str]:
    """The unlabeled PTC articles (``data/unlabeled/articles``) by id, the first ``limit`` only."""
    folder = data / "unlabeled" / "articles"
    paths = sorted(folder.glob("article*.txt"))[:limit]
    return {p.stem.removeprefix("article"): p.read_bytes().decode("utf-8") for p in paths}  # as load_ptc: no newline translation

"""The MiniLM model's passes over the validation split, made once per model and reused by
every choice the trainer makes, and the SI and TC figures read off them; all through the
run-time code (`MiniLMModel`, `decode_words`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from spinscope.eval.formats import Labelled
from spinscope.eval.scorers import score_si, score_tc
from spinscope.techniques.activations import softmax
from spinscope.techniques.base import TECHNIQUES
from spinscope.techniques.ranking import rank_labels
from spinscope.techniques.transformer.decoding import WordDecodeParams, decode_words
from spinscope.techniques.transformer.inputs import BERT_SPECIALS, ArticleTokens, SpecialIds
from spinscope.techniques.transformer.model import MiniLMModel
from spinscope.training.common import TrainingData
from spinscope.training.config import TrainConfig


def runtime(session: Any, tokenizer: Any, cfg: TrainConfig, specials: SpecialIds = BERT_SPECIALS) -> MiniLMModel:
    """The run-time model around a training session (torch or onnxruntime)."""
    return MiniLMModel(session=session, tokenizer=tokenizer, labels=TECHNIQUES, window=cfg.window, stride=cfg.infer_stride, tc_max_len=cfg.tc_max_len,
                       specials=specials)  # fmt: skip


@dataclass
class ValCache:
    """Per validation article: word-piece tokens and word probabilities; TC logits of gold spans."""

    arts: dict[str, ArticleTokens]
    p_word: dict[str, np.ndarray]
    tc_logits: np.ndarray


def val_cache(model: MiniLMModel, data: TrainingData, progress: bool = True) -> ValCache:
    from tqdm import tqdm

    arts, p_word = {}, {}
    for a in tqdm(data.val, desc="validation SI", disable=not progress, leave=False):
        arts[a], p_word[a] = model.word_probs(data.articles[a], len(data.articles[a]))
    logits = []
    for a in tqdm(data.val, desc="validation TC", disable=not progress, leave=False):
        rows = [r for r in data.tc_val if r.article_id == a]
        logits.append(model.technique_logits(data.articles[a], [(r.start, r.end) for r in rows]))
    return ValCache(arts, p_word, np.concatenate(logits) if logits else np.zeros((0, len(TECHNIQUES))))


def si_f1(cache: ValCache, data: TrainingData, params: WordDecodeParams) -> float:
    pred = [Labelled(a, s, e) for a in data.val for s, e, _ in decode_words(data.articles[a], cache.arts[a], cache.p_word[a], params)]
    return score_si(data.gold_si_val, pred).f1


def tc_f1(cache: ValCache, tc_rows: list[Labelled], temperature: float = 1.0) -> float:
    keys = [(r.article_id, r.start, r.end) for r in tc_rows]
    pred = [label for label, _p in rank_labels(keys, softmax(cache.tc_logits / temperature), TECHNIQUES)]
    return score_tc(tc_rows, [Labelled(a, s, e, t) for (a, s, e), t in zip(keys, pred)]).f1

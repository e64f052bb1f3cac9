"""The shipped detector's passes over the 74 validation articles, made once and cached: what the
decoding benchmarks (`flc_levers.py`, `span_scorer.py`) re-decode and re-label without the model.

A `Pass` holds an article's words and their mixed P(in a span), the baseline's share of that mix,
the spans the shipped decoding finds (with model 1.1.0's phrase settings, `BEFORE`, then the
shipped ones) with MiniLM's and the baseline's technique distributions of each, and the same
distributions of the gold spans. `load_passes` reads a pickle where one is given and present,
else builds the passes with the model; `save_passes` writes them back.
"""

from __future__ import annotations

import os
import pickle
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
SHARED = Path(os.environ.get("SPINSCOPE_SHARED", REPO.parent / "shared"))

from spinscope.eval.formats import Labelled  # noqa: E402
from spinscope.eval.ptc import load_ptc, validation_split  # noqa: E402
from spinscope.ingest import document_from_text  # noqa: E402
from spinscope.nlp.segment import sentence_spans  # noqa: E402
from spinscope.techniques.activations import softmax  # noqa: E402
from spinscope.techniques.base import TECHNIQUES, classify_extent  # noqa: E402
from spinscope.techniques.ensemble import Ensemble  # noqa: E402
from spinscope.techniques.features import ArticleView  # noqa: E402
from spinscope.techniques.transformer.decoding import decode_words  # noqa: E402
from spinscope.techniques.transformer.inputs import ArticleTokens  # noqa: E402

K = len(TECHNIQUES)
BEFORE: dict[str, Any] = {"phrase_threshold": 0.5, "phrase_max_gap": 1}  # model 1.1.0's phrase settings, where the FLC levers start


@dataclass
class Pass:
    """One validation article as the shipped detector sees it, with both models' technique
    distributions of every span tried (by (start, end)) and of the gold spans."""

    id: str
    text: str
    end: int
    sents: list[tuple[int, int]]
    art: ArticleTokens
    p_word: np.ndarray
    tr: dict[tuple[int, int], np.ndarray]  # MiniLM, temperature applied
    bl: dict[tuple[int, int], np.ndarray]  # the baseline, in MiniLM's label order
    gold_spans: list[tuple[int, int]]
    gold_tr: np.ndarray
    gold_bl: np.ndarray
    p_base: np.ndarray = field(default_factory=lambda: np.zeros(0))  # the baseline's word probabilities mixed into p_word (empty in older caches)


@dataclass
class Passes:
    """The cached passes and the validation articles' gold rows (SI, TC)."""

    passes: list[Pass]
    gold_si: list[Labelled]
    gold_tc: list[Labelled]


def technique_parts(model: Ensemble, p: Pass, spans: list[tuple[int, int]], view: ArticleView | None = None) -> None:
    """Add the two models' distributions of ``spans`` (those not yet in ``p``), in one call each
    as the detector makes it."""
    need = [s for s in spans if s not in p.tr]
    if not need:
        return
    view = view or ArticleView.build(p.text, p.end, p.sents)
    tr = softmax(model.minilm.technique_logits(p.text, need) / model.calibration.tc_temperature)
    bl = model.baseline_probs(need, view)
    for k, s in enumerate(need):
        p.tr[s], p.bl[s] = tr[k], bl[k]


def build_passes(model: Ensemble, data: Path) -> Passes:
    ptc = load_ptc(data)
    _train, val = validation_split(list(ptc.articles))
    held = set(val)
    gold_si = [r for r in ptc.si if r.article_id in held]
    gold_tc = [r for r in ptc.tc if r.article_id in held]
    passes = []
    for a in val:
        doc = document_from_text(ptc.articles[a], id=a, source=f"article{a}.txt")
        sents = sentence_spans(doc)
        view = model.baseline_view(doc.text, doc.content_end, sents)
        art, p_word, p_base = model.word_parts(doc.text, doc.content_end, view)
        gold = [(r.start, r.end) for r in gold_tc if r.article_id == a]
        cend, csents = classify_extent(doc, gold) if gold else (doc.content_end, sents)
        cview = ArticleView.build(doc.text, cend, csents)
        gold_tr = softmax(model.minilm.technique_logits(doc.text, gold) / model.calibration.tc_temperature)
        gold_bl = model.baseline_probs(gold, cview) if gold else np.zeros((0, K))
        p = Pass(a, doc.text, doc.content_end, sents, art, p_word, {}, {}, gold, gold_tr, gold_bl, p_base)
        for params in (replace(model.decode, **BEFORE), model.decode):  # as 1.1.0's detector batched them, then the rest
            found = decode_words(doc.text, art, p_word, params) if len(p_word) else []
            technique_parts(model, p, [(s, e) for s, e, _ in found], view)
        passes.append(p)
        print(f"cached {a}", file=sys.stderr)
    return Passes(passes, gold_si, gold_tc)


def load_passes(model: Ensemble, data: Path, cache: Path | None) -> Passes:
    """The cached passes where ``cache`` holds them, else new ones."""
    if cache is not None and cache.is_file():
        return read_passes(cache)
    return build_passes(model, data)


def read_passes(cache: Path) -> Passes:
    """Passes as `save_passes` wrote them (older caches, without ``p_base``, too)."""
    stored, gold_si, gold_tc = pickle.loads(cache.read_bytes())
    return Passes([Pass(**d) for d in stored], gold_si, gold_tc)


def save_passes(passes: Passes, cache: Path) -> None:
    cache.write_bytes(pickle.dumps(([vars(p) for p in passes.passes], passes.gold_si, passes.gold_tc)))


def spans_tried(passes: Passes) -> int:
    """How many spans' technique distributions are cached: a cache has grown when this has."""
    return sum(len(p.tr) for p in passes.passes)

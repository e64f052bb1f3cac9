"""The ensemble steps of transformer training, on the validation split: how much of the
baseline to mix into SI and TC, then the phrase spans and the second techniques that suit FLC,
each through the run-time `Ensemble`."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from spinscope.eval.formats import Labelled
from spinscope.eval.scorers import score_flc, score_si, score_tc
from spinscope.techniques.activations import softmax
from spinscope.techniques.base import TECHNIQUES
from spinscope.techniques.baseline import BaselineModel
from spinscope.techniques.ensemble import NO_SECOND, Ensemble, baseline_dir, mix
from spinscope.techniques.features import ArticleView
from spinscope.techniques.ranking import detected_labels, rank_labels
from spinscope.techniques.transformer.decoding import WordDecodeParams, decode_words
from spinscope.training.calibration import SpanKey
from spinscope.training.common import TrainingData, log
from spinscope.training.config import FLC_TOLERANCE, TrainConfig
from spinscope.training.tuning import Variant, tune_decode


def load_baseline(cfg: TrainConfig) -> BaselineModel | None:
    """The baseline the detector will mix in (see `baseline_dir`), or None: without one the
    transformer stands alone."""
    try:
        return BaselineModel.load(baseline_dir(cfg.out))
    except Exception as exc:
        log(f"no baseline technique model to mix in: {exc}")
        return None


def choose_si_weight(cfg: TrainConfig, ensemble: Ensemble, v: Variant, data: TrainingData) -> None:
    """A linear mix of word probabilities with the baseline's token model, kept where it adds
    over 0.002 SI F1 (decoding retuned for each weight); sets ``ensemble.si_weight`` and leaves
    the mixed probabilities in ``v.cache``."""
    views = {a: ArticleView.build(data.articles[a]) for a in data.val}
    bl_word = {a: ensemble.baseline_word_probs(v.cache.arts[a], views[a]) for a in data.val}
    own = dict(v.cache.p_word)
    best_si = (v.si_f1, 0.0, v.decode)
    mix_scores = {"0.0": round(v.si_f1, 4)}
    for w in [0.4] if cfg.quick else [0.2, 0.35, 0.5]:
        v.cache.p_word = {a: (1 - w) * own[a] + w * bl_word[a] for a in data.val}
        params, f1 = tune_decode(v.cache, data, cfg.quick, start=v.decode)
        mix_scores[str(w)] = round(f1, 4)
        log(f"SI mix with the baseline, weight {w}: SI F1 {f1:.4f}")
        if f1 > best_si[0] + 0.002:
            best_si = (f1, w, params)
    ensemble.si_weight, v.decode = best_si[1], best_si[2]
    v.si_mix_scores = mix_scores
    v.cache.p_word = {a: (1 - ensemble.si_weight) * own[a] + ensemble.si_weight * bl_word[a] for a in data.val}
    log(f"SI mix weight {ensemble.si_weight}: SI F1 {best_si[0]:.4f}")


def choose_tc_weight(ensemble: Ensemble, v: Variant, data: TrainingData) -> None:
    """A log-linear mix of technique probabilities with the baseline's technique model: the
    weight with the best validation TC micro-F1, the smallest on ties; sets ``ensemble.tc_weight``."""
    tc_rows = data.tc_val_by_article
    p_tr = softmax(v.cache.tc_logits / v.temperature)
    p_bl = np.concatenate([ensemble.baseline_probs([(r.start, r.end) for r in tc_rows if r.article_id == a], ArticleView.build(data.articles[a]))
                           for a in data.val if any(r.article_id == a for r in tc_rows)])  # fmt: skip
    keys = [(r.article_id, r.start, r.end) for r in tc_rows]
    scores = {}
    for w in (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7):
        pred = [label for label, _p in rank_labels(keys, mix(p_tr, p_bl, w) if w else p_tr, TECHNIQUES)]
        scores[w] = score_tc(tc_rows, [Labelled(a, s_, e, t) for (a, s_, e), t in zip(keys, pred)]).f1
    ensemble.tc_weight = max(scores, key=lambda w: (round(scores[w], 6), -w))
    log("TC mix with the baseline, validation micro-F1 by weight: " + ", ".join(f"{w}: {f:.4f}" for w, f in scores.items())
        + f" -> weight {ensemble.tc_weight}")  # fmt: skip
    v.tc_mix_scores = {str(w): round(f, 4) for w, f in scores.items()}


def choose_phrases(cfg: TrainConfig, ensemble: Ensemble, v: Variant, data: TrainingData) -> dict[SpanKey, np.ndarray]:
    """Short phrase spans inside the extents, for FLC, as the baseline has (SI may drop at most
    half a point). Each span costs the detector a technique pass, so among settings within
    FLC_TOLERANCE of the best FLC F1 the one with the fewest spans wins (speed is a target too).
    Sets ``v.decode`` and ``ensemble.decode``; returns the technique probabilities of every
    span tried, by (article, start, end)."""
    tc_cache: dict[SpanKey, np.ndarray] = {}
    gold_si_val = data.gold_si_val

    def flc_si(params: WordDecodeParams) -> tuple[float, float, int]:
        si_p, flc_p = [], []
        for a in data.val:
            found = decode_words(data.articles[a], v.cache.arts[a], v.cache.p_word[a], params)
            need = [(s_, e) for s_, e, _ in found if (a, s_, e) not in tc_cache]
            if need:
                for (s_, e), p in zip(need, ensemble.technique_probs(data.articles[a], need)):
                    tc_cache[(a, s_, e)] = p
            for s_, e, _ in found:
                si_p.append(Labelled(a, s_, e))
                flc_p.append(Labelled(a, s_, e, TECHNIQUES[int(np.argmax(tc_cache[(a, s_, e)]))]))
        return score_si(gold_si_val, si_p).f1, score_flc(data.tc_val, flc_p).f1, len(flc_p)

    si_ref, flc_ref, n_ref = flc_si(v.decode)
    log(f"extent spans: SI F1 {si_ref:.4f}, FLC F1 {flc_ref:.4f}, {n_ref} spans")
    candidates = [(flc_ref, n_ref, v.decode)]
    for th in [0.4] if cfg.quick else [0.3, 0.4, 0.45, 0.5, 0.6, 0.7]:
        for min_chars in (0, 4, 8, 16):
            for gap in (0, 1):
                cand = replace(v.decode, phrase_threshold=th, phrase_min_chars=min_chars, phrase_max_gap=gap)
                si_f, flc_f, n = flc_si(cand)
                if si_f >= si_ref - 0.005:
                    candidates.append((flc_f, n, cand))
    flc_top = max(f for f, _, _ in candidates)
    flc_best, n_best, v.decode = min((c for c in candidates if c[0] >= flc_top - FLC_TOLERANCE), key=lambda c: (c[1], -c[0]))
    v.phrase_search = [{"flc_f1": round(f, 4), "spans": n, **{k: val for k, val in d.to_dict().items() if k.startswith("phrase")}}
                       for f, n, d in sorted(candidates, key=lambda c: -c[0])]  # fmt: skip
    log(f"phrase spans: FLC F1 {flc_best:.4f} with {n_best} spans (best {flc_top:.4f}) with {v.decode.to_dict()}")
    ensemble.decode = v.decode
    return tc_cache


SECOND_GRID = (NO_SECOND, 0.4, 0.35, 0.3, 0.25, 0.2, 0.15)


def choose_second(ensemble: Ensemble, v: Variant, data: TrainingData, technique_probs: dict[SpanKey, np.ndarray]) -> None:
    """The runner-up probability at which a detected span also gets its second technique
    (`detected_labels`): the best validation FLC F1, the higher threshold (fewer spans) on ties.
    ``technique_probs`` holds every decoded span's (`choose_phrases`); sets
    ``ensemble.second_min`` and ``v.second_search``. benchmarks/flc_levers.py measures the same
    rule out of fold."""
    found = {a: decode_words(data.articles[a], v.cache.arts[a], v.cache.p_word[a], v.decode) for a in data.val}
    scores = {}
    for t in SECOND_GRID:
        pred = [Labelled(a, s_, e, TECHNIQUES[k]) for a in data.val for s_, e, _ in found[a] for k in detected_labels(technique_probs[(a, s_, e)], t)]
        scores[t] = score_flc(data.tc_val, pred).f1
    ensemble.second_min = max(scores, key=lambda t: (round(scores[t], 6), t))
    v.second_search = {str(t): round(f, 4) for t, f in scores.items()}
    log("second technique, validation FLC F1 by threshold: " + ", ".join(f"{t}: {f:.4f}" for t, f in scores.items()) + f" -> {ensemble.second_min}")

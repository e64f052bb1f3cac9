#!/usr/bin/env python
"""Levers on the transformer's FLC figure that need no retraining, measured out of fold.

The shipped detector's passes over the 74 validation articles are made once
(`validation_passes.load_passes`): word probabilities, the spans it decodes (with model
1.1.0's phrase settings, `BEFORE`, then the shipped ones), and MiniLM's and the baseline's
technique distributions for those spans and for the gold spans. Each lever then re-labels or
filters spans, starting from 1.1.0:

* ``second`` (``second-fine``: a finer grid): a second technique on a span whose runner-up
  technique's probability reaches a threshold (`ranking.detected_labels`, what the detector does);
  ``ratio``: the same where the runner-up reaches a share of the top probability;
* ``bias``: one additive bias per technique on the mixed log-probabilities (detect and classify
  alike); ``prior``: one scalar times the log of the train part's technique shares;
* ``weight``: the baseline's share in the technique mix of detected spans alone;
* ``repeat``: Repetition as an extra label on spans whose text recurs in the article;
* ``scorer``: a logistic span scorer over span features that drops spans unlikely to be right;
* ``phrases``: the phrase-span decoding settings re-tuned for FLC (technique passes for new spans);
* ``a+b``: lever a, then lever b on top.

Honesty: each lever's settings are chosen on one half of the validation articles (sorted ids,
alternating: `training.calibration.halves`) and scored on the other, then the halves swap; the
table prints those out-of-fold figures (both halves' predictions pooled and scored together)
beside the in-sample figure (settings chosen and scored on all 74), then the out-of-fold FLC F1
of each technique. The figures are models/minilm/card.json's "flc_levers";
``--refit-calibration`` prints the span-score calibration for the shipped settings.

    SPINSCOPE_MODELS=models OMP_NUM_THREADS=1 .venv/bin/python benchmarks/flc_levers.py [--data ../shared/data/ptc/train] [--cache /tmp/flc-cache.pkl] [--levers second,phrases+second]
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from validation_passes import BEFORE, SHARED, Pass, load_passes, save_passes, spans_tried, technique_parts  # noqa: E402  (the same cached passes as span_scorer.py)

from spinscope.document import Span  # noqa: E402
from spinscope.eval.evaluate import per_technique_flc  # noqa: E402
from spinscope.eval.formats import Labelled  # noqa: E402
from spinscope.eval.ptc import load_ptc, validation_split  # noqa: E402
from spinscope.eval.scorers import score_flc, score_si, score_tc  # noqa: E402
from spinscope.techniques.activations import softmax  # noqa: E402
from spinscope.techniques.base import TECHNIQUES  # noqa: E402
from spinscope.techniques.edges import at_word_edges  # noqa: E402
from spinscope.techniques.ensemble import Ensemble, mix  # noqa: E402
from spinscope.techniques.model_files import models_root  # noqa: E402
from spinscope.techniques.ranking import detected_labels, rank_labels  # noqa: E402
from spinscope.techniques.transformer.decoding import Calibration, WordDecodeParams, decode_words  # noqa: E402
from spinscope.training.calibration import halves  # noqa: E402

K = len(TECHNIQUES)
REPETITION = TECHNIQUES.index("Repetition")


# -- the levers -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Setting:
    """Everything a trial can change; the defaults reproduce the shipped detector."""

    decode: WordDecodeParams
    tc_weight: float
    calibration: Calibration
    bias: tuple[float, ...] = (0.0,) * K
    second_ratio: float = 2.0  # a second technique where the runner-up reaches this share of the top one (over 1: off)
    second_min: float = 1.01  # a second technique where the runner-up's probability reaches this (over 1: off)
    drop_below: float = -1.0  # span scorer threshold; negative: keep every span
    detect_weight: float | None = None  # the baseline's share in detected spans' techniques (None: tc_weight)
    repeat_min: int = 0  # a span whose text occurs this often in the article also gets Repetition (0: off)
    scorer: Any = None


def mixed(p: Pass, s: tuple[int, int], st: Setting) -> np.ndarray:
    return biased(mix(p.tr[s], p.bl[s], st.tc_weight if st.detect_weight is None else st.detect_weight), st.bias)


def biased(q: np.ndarray, bias: Sequence[float]) -> np.ndarray:
    return softmax(np.log(np.maximum(q, 1e-9)) + np.asarray(bias))


def span_rows(p: Pass, found: list[tuple[int, int, float]], st: Setting) -> list[list[float]]:
    """Span-scorer features of each found span."""
    rows = []
    inside = [any(s2 <= s and e <= e2 and (s2, e2) != (s, e) for s2, e2, _ in found) for s, e, _ in found]
    for (s, e, conf), nested in zip(found, inside):
        q = mixed(p, (s, e), st)
        k = int(np.argmax(q))
        order = np.sort(q)[::-1]
        a = np.searchsorted(p.art.words[:, 0], s)
        b = np.searchsorted(p.art.words[:, 1], e, side="right")
        seg = p.p_word[a:max(b, a + 1)]
        tr, bl = p.tr[(s, e)], p.bl[(s, e)]
        rows.append([
            _logit(conf), _logit(float(seg.max())), math.log(e - s), math.log(max(order[0], 1e-6)), math.log(max(order[1], 1e-6)),
            float(-(q * np.log(np.maximum(q, 1e-12))).sum()), float(int(np.argmax(bl)) == k), float(int(np.argmax(tr)) == k),
            math.log(max(float(bl[k]), 1e-6)), float(nested), *[float(k == j) for j in range(K)],
        ])  # fmt: skip
    return rows


def _logit(x: float) -> float:
    x = min(max(x, 1e-6), 1 - 1e-6)
    return math.log(x / (1 - x))


def predict(passes: list[Pass], st: Setting) -> tuple[list[Labelled], list[Labelled]]:
    """(FLC rows, TC rows on gold spans)."""
    flc: list[Labelled] = []
    tc: list[Labelled] = []
    for p in passes:
        found = decode_words(p.text, p.art, p.p_word, st.decode) if len(p.p_word) else []
        rows = span_rows(p, found, st) if st.scorer is not None and st.drop_below >= 0 else []
        spans = []
        for i, (s, e, conf) in enumerate(found):
            if st.scorer is not None and st.drop_below >= 0 and st.scorer(np.array([rows[i]]))[0] < st.drop_below:
                continue
            q = mixed(p, (s, e), st)
            ks = detected_labels(q, min(st.second_min, st.second_ratio * float(q.max())))
            spans += [Span(s, e, TECHNIQUES[k], score=st.calibration.score(conf, float(q[k]))) for k in ks]
            if st.repeat_min and ks[0] != REPETITION and p.text[: p.end].lower().count(p.text[s:e].lower()) >= st.repeat_min:
                spans.append(Span(s, e, TECHNIQUES[REPETITION], score=st.calibration.score(conf, float(q[REPETITION]))))
        flc += [Labelled(p.id, sp.start, sp.end, sp.label) for sp in at_word_edges(p.text, spans)]
        if p.gold_spans:
            q = biased(mix(p.gold_tr, p.gold_bl, st.tc_weight), st.bias) if len(p.gold_tr) else p.gold_tr
            tc += [Labelled(p.id, s, e, lab) for (s, e), (lab, _) in zip(p.gold_spans, rank_labels([(p.id, *g) for g in p.gold_spans], q, TECHNIQUES))]
    return flc, tc


@dataclass(frozen=True)
class Figures:
    si: float
    tc: float
    flc: float
    spans: int
    per_technique: dict[str, float]


def figures(passes: list[Pass], st: Setting, gold_si: list[Labelled], gold_tc: list[Labelled]) -> Figures:
    ids = {p.id for p in passes}
    g_si = [r for r in gold_si if r.article_id in ids]
    g_tc = [r for r in gold_tc if r.article_id in ids]
    flc, tc = predict(passes, st)
    return Figures(score_si(g_si, flc).f1, score_tc(g_tc, tc).f1, score_flc(g_tc, flc).f1, len(flc), per_technique_flc(g_tc, flc))


def pooled(parts: list[tuple[list[Pass], Setting]], gold_si: list[Labelled], gold_tc: list[Labelled]) -> Figures:
    """Figures of several (articles, setting) parts scored together: the out-of-fold figure."""
    flc: list[Labelled] = []
    tc: list[Labelled] = []
    for passes, st in parts:
        f, t = predict(passes, st)
        flc, tc = flc + f, tc + t
    return Figures(score_si(gold_si, flc).f1, score_tc(gold_tc, tc).f1, score_flc(gold_tc, flc).f1, len(flc), per_technique_flc(gold_tc, flc))


def choose_ratio(passes: list[Pass], st: Setting, gold_si: list[Labelled], gold_tc: list[Labelled]) -> Setting:
    grid = [2.0, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.25, 0.2, 0.15, 0.1]
    return max((replace(st, second_ratio=r) for r in grid), key=lambda c: (round(figures(passes, c, gold_si, gold_tc).flc, 6), c.second_ratio))


SECOND_GRID = (1.01, 0.4, 0.35, 0.3, 0.25, 0.2, 0.15)


def choose_second(passes: list[Pass], st: Setting, gold_si: list[Labelled], gold_tc: list[Labelled], grid: Sequence[float] = SECOND_GRID) -> Setting:
    """The runner-up probability at which a span gets a second technique; ties go to the higher
    threshold (fewer spans)."""
    return max((replace(st, second_min=t) for t in grid), key=lambda c: (round(figures(passes, c, gold_si, gold_tc).flc, 6), c.second_min))


def choose_weight(passes: list[Pass], st: Setting, gold_si: list[Labelled], gold_tc: list[Labelled]) -> Setting:
    grid = [None, 0.2, 0.3, 0.4, 0.6, 0.7, 0.8]
    return max((replace(st, detect_weight=w) for w in grid), key=lambda c: (round(figures(passes, c, gold_si, gold_tc).flc, 6), c.detect_weight is None))


def choose_repeat(passes: list[Pass], st: Setting, gold_si: list[Labelled], gold_tc: list[Labelled]) -> Setting:
    grid = [0, 2, 3, 4, 5, 6]
    return max((replace(st, repeat_min=n) for n in grid), key=lambda c: (round(figures(passes, c, gold_si, gold_tc).flc, 6), -c.repeat_min))


def choose_prior(passes: list[Pass], st: Setting, gold_si: list[Labelled], gold_tc: list[Labelled], prior: np.ndarray) -> Setting:
    """One scalar: bias = weight * log(the techniques' shares in the train part's gold), so that
    the minority techniques that class weights pushed up are pulled back (weight > 0) or pushed
    further (weight < 0); a weight is kept where FLC rises and TC does not fall."""
    log_prior = np.log(prior) - np.log(prior).mean()
    best, best_f = st, figures(passes, st, gold_si, gold_tc)
    for w in (-0.6, -0.4, -0.2, -0.1, 0.1, 0.2, 0.3, 0.4, 0.6, 0.8):
        cand = replace(st, bias=tuple(float(x) for x in np.asarray(st.bias) + w * log_prior))
        f = figures(passes, cand, gold_si, gold_tc)
        if f.flc > best_f.flc + 1e-4 and f.tc >= best_f.tc - 1e-9:
            best, best_f = cand, f
    return best


def choose_bias(passes: list[Pass], st: Setting, gold_si: list[Labelled], gold_tc: list[Labelled], rounds: int = 2) -> Setting:
    """Coordinate search over one bias per technique; a change is kept where FLC rises and TC
    does not fall."""
    best = figures(passes, st, gold_si, gold_tc)
    for _ in range(rounds):
        changed = False
        for k in range(K):
            for b in (-1.0, -0.5, -0.25, 0.25, 0.5, 1.0):
                bias = list(st.bias)
                bias[k] += b
                cand = replace(st, bias=tuple(bias))
                f = figures(passes, cand, gold_si, gold_tc)
                if f.flc > best.flc + 1e-4 and f.tc >= best.tc - 1e-9:
                    st, best, changed = cand, f, True
        if not changed:
            break
    return st


def fit_scorer(passes: list[Pass], st: Setting, gold_tc: list[Labelled]) -> Callable[[np.ndarray], np.ndarray]:
    """A logistic model of P(the span overlaps a gold span of its technique) over `span_rows`."""
    from sklearn.linear_model import LogisticRegression

    X, Y = [], []
    gold_by: dict[str, list[Labelled]] = {}
    for r in gold_tc:
        gold_by.setdefault(r.article_id, []).append(r)
    for p in passes:
        found = decode_words(p.text, p.art, p.p_word, st.decode) if len(p.p_word) else []
        for (s, e, _), row in zip(found, span_rows(p, found, st)):
            lab = TECHNIQUES[int(np.argmax(mixed(p, (s, e), st)))]
            X.append(row)
            Y.append(int(any(g.start < e and g.end > s and g.technique == lab for g in gold_by.get(p.id, []))))
    mu, sd = np.mean(X, 0), np.std(X, 0) + 1e-6
    clf = LogisticRegression(C=1.0, max_iter=2000).fit((np.array(X) - mu) / sd, Y)
    return lambda x: clf.predict_proba((x - mu) / sd)[:, 1]


def choose_scorer(passes: list[Pass], st: Setting, gold_si: list[Labelled], gold_tc: list[Labelled]) -> Setting:
    st = replace(st, scorer=fit_scorer(passes, st, gold_tc))
    grid = [-1.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3]
    return max((replace(st, drop_below=t) for t in grid), key=lambda c: (round(figures(passes, c, gold_si, gold_tc).flc, 6), -c.drop_below))


def choose_phrases(model: Ensemble, passes: list[Pass], st: Setting, gold_si: list[Labelled], gold_tc: list[Labelled]) -> Setting:
    """The phrase settings with the best FLC among those keeping SI within 0.005 of the shipped."""
    si_ref = figures(passes, st, gold_si, gold_tc).si
    best, best_flc = st, figures(passes, st, gold_si, gold_tc).flc
    for th in (0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 1.01):
        for min_chars in (0, 4, 8, 16):
            for gap in (0, 1, 2):
                cand = replace(st, decode=replace(st.decode, phrase_threshold=th, phrase_min_chars=min_chars, phrase_max_gap=gap))
                for p in passes:
                    technique_parts(model, p, [(s, e) for s, e, _ in decode_words(p.text, p.art, p.p_word, cand.decode)])
                f = figures(passes, cand, gold_si, gold_tc)
                if f.si >= si_ref - 0.005 and f.flc > best_flc + 1e-6:
                    best, best_flc = cand, f.flc
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=SHARED / "data" / "ptc" / "train")
    parser.add_argument("--cache", type=Path, default=None, help="keep the model's passes here and reuse them")
    parser.add_argument("--refit-calibration", action="store_true", help="print the span-score calibration refitted to the shipped settings' spans, as the trainer fits it")
    parser.add_argument("--levers", default="ratio,second,second-fine,weight,prior,bias,repeat,scorer,phrases,phrases+second,phrases+second+prior")
    args = parser.parse_args()
    model = Ensemble.load(models_root() / "minilm", threads=1)
    cache = load_passes(model, args.data, args.cache)
    passes, gold_si, gold_tc = cache.passes, cache.gold_si, cache.gold_tc
    cached = spans_tried(cache)
    ptc = load_ptc(args.data)
    train, _val = validation_split(list(ptc.articles))
    in_train = set(train)
    counts = np.array([sum(1 for r in ptc.tc if r.article_id in in_train and r.technique == t) for t in TECHNIQUES], dtype=float)
    prior = counts / counts.sum()
    base = Setting(decode=replace(model.decode, **BEFORE), tc_weight=model.tc_weight, calibration=model.calibration)
    shipped = replace(base, decode=model.decode, second_min=model.second_min)
    fold = halves([p.id for p in passes], [p.id for p in passes])
    parts = [[p for p, f in zip(passes, fold) if f == k] for k in (0, 1)]

    def choose(lever: str, ps: list[Pass]) -> Setting:
        st = base
        for step in lever.split("+"):
            if step == "second":
                st = choose_second(ps, st, gold_si, gold_tc)
            elif step == "second-fine":
                st = choose_second(ps, st, gold_si, gold_tc, [1.01] + [round(0.4 - 0.025 * i, 3) for i in range(11)])
            elif step == "ratio":
                st = choose_ratio(ps, st, gold_si, gold_tc)
            elif step == "bias":
                st = choose_bias(ps, st, gold_si, gold_tc)
            elif step == "scorer":
                st = choose_scorer(ps, st, gold_si, gold_tc)
            elif step == "weight":
                st = choose_weight(ps, st, gold_si, gold_tc)
            elif step == "repeat":
                st = choose_repeat(ps, st, gold_si, gold_tc)
            elif step == "prior":
                st = choose_prior(ps, st, gold_si, gold_tc, prior)
            elif step == "phrases":
                st = choose_phrases(model, ps, st, gold_si, gold_tc)
        return st

    header = f"{'lever':<24} {'SI oof':>7} {'TC oof':>7} {'FLC oof':>7} {'SI in':>7} {'TC in':>7} {'FLC in':>7} {'spans':>6}"
    print(header)
    results: dict[str, tuple[Figures, Figures, list[Setting], Setting]] = {}
    for lever in ["1.1.0", "shipped"] + [name for name in args.levers.split(",") if name]:
        if lever in ("1.1.0", "shipped"):  # fixed settings: nothing chosen, so out of fold = in sample
            whole = base if lever == "1.1.0" else shipped
            sts = [whole, whole]
        else:
            sts = [choose(lever, parts[1 - k]) for k in (0, 1)]  # chosen on the other half
            whole = choose(lever, passes)
        oof = pooled([(parts[k], sts[k]) for k in (0, 1)], gold_si, gold_tc)
        ins = figures(passes, whole, gold_si, gold_tc)
        results[lever] = (oof, ins, sts, whole)
        print(f"{lever:<24} {oof.si:7.4f} {oof.tc:7.4f} {oof.flc:7.4f} {ins.si:7.4f} {ins.tc:7.4f} {ins.flc:7.4f} {ins.spans:6d}", flush=True)
        for name, s in (("half0", sts[0]), ("half1", sts[1]), ("all", whole)):
            print(f"    {name}: {describe(s, base)}")
    print("\nper-technique FLC F1 (out of fold)")
    print(f"{'technique':<36}" + "".join(f"{lev[:12]:>13}" for lev in results))
    for t in TECHNIQUES:
        print(f"{t:<36}" + "".join(f"{results[lev][0].per_technique[t]:13.4f}" for lev in results))
    if args.refit_calibration:
        refit_calibration(model, passes, args.data)
    if args.cache is not None and (not args.cache.is_file() or spans_tried(cache) > cached):
        save_passes(cache, args.cache)


def refit_calibration(model: Ensemble, passes: list[Pass], data: Path) -> None:
    """The trainer's Platt scaling (`fit_span_calibration`) over the spans the shipped settings
    decode, each once per technique they get: the ``calibration`` block of config.json."""
    from spinscope.training.calibration import decoded_spans, fit_span_calibration
    from spinscope.training.common import load_training_data
    from spinscope.training.validation import ValCache

    cache = ValCache({p.id: p.art for p in passes}, {p.id: p.p_word for p in passes}, np.zeros((0, K)))
    probs = {(p.id, *s): mix(p.tr[s], p.bl[s], model.tc_weight) for p in passes for s in p.tr}
    training = load_training_data(data)
    found = decoded_spans(training, cache, model.decode)
    cal, span_ece = fit_span_calibration(found, probs, training.tc_val, model.calibration.tc_temperature, model.second_min)
    print(json.dumps({"calibration": cal.to_dict(), "span_score_ece": span_ece}, indent=2))


def describe(st: Setting, base: Setting) -> str:
    out = []
    if st.second_ratio <= 1:
        out.append(f"second_ratio={st.second_ratio}")
    if st.second_min <= 1:
        out.append(f"second_min={st.second_min}")
    if any(st.bias):
        out.append("bias={" + ", ".join(f"{TECHNIQUES[k]}: {b:+.2f}" for k, b in enumerate(st.bias) if b) + "}")
    if st.drop_below >= 0:
        out.append(f"drop_below={st.drop_below}")
    if st.detect_weight is not None:
        out.append(f"detect_weight={st.detect_weight}")
    if st.repeat_min:
        out.append(f"repeat_min={st.repeat_min}")
    if st.decode != base.decode:
        out.append(str({k: v for k, v in st.decode.to_dict().items() if k.startswith("phrase")}))
    return ", ".join(out) or "as shipped"


if __name__ == "__main__":
    main()

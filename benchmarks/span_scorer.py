#!/usr/bin/env python
"""Issue 9's span-level decoding lever, measured out of fold: a learned span scorer instead of
thresholded word runs.

The shipped decoding (`decode_words`) keeps runs of words whose mixed probability passes a
threshold. The scorer (`spinscope.techniques.transformer.span_scorer`, fitted by
`spinscope.training.span_scorer`) instead looks at many candidate spans of an article (`candidates`: the
runs `decode_words` finds at several thresholds and gaps, the shipped decoding's spans, whole
lines, whole sentences and their clauses), describes each by its word probabilities and shape
(`features`: mean/max/min probability, MiniLM's and the baseline's share, the probability just
outside each edge, length, whether it is a whole line/sentence/clause, punctuation at its
edges, ...), predicts how well it matches a gold span (`overlap_target`: the F1 of its
character overlap with the best gold span) with a small scikit-learn model, and keeps the best
non-overlapping candidates above a threshold (`select`).

Honesty, as `flc_levers.py`: the validation articles are split in two halves (sorted ids,
alternating: `training.calibration.halves`); the scorer is fitted on one half, its threshold
chosen on that half from scores predicted out of fold inside it (an inner alternating split), and
it predicts the other half; then the halves swap and both halves' predictions are pooled and
scored together. The shipped decoding is compared as it ships (nothing chosen) and with its
run settings re-chosen the same 2-fold way, as the trainer chooses them (`choose_decode`). FLC labels each span
with the detector's mixed technique distribution (and its second technique), as it ships.

The table: SI precision/recall/F1 pooled over both halves and on each half, the number of
merged SI spans, FLC F1 of the spans as chosen, FLC F1 with the shipped decoding's spans that lie
inside a chosen span added (``FLC+in``: the phrase spans FLC credits; SI unchanged), FLC rows.
Measured on model 1.1.0 (2026-11-26, one core, 45 s with the passes cached):

    decoding                      SI P    SI R   SI F1   half0   half1   SI n  FLC F1  FLC+in  FLC n
    current (fixed)             0.4196  0.4832  0.4492  0.4108  0.4998    916  0.2739  0.2739   2059
    current re-tuned 2-fold     0.3949  0.4836  0.4348  0.3991  0.4757    898  0.2478  0.2662   2004
    scorer gbm 2-fold           0.4130  0.4838  0.4456  0.4058  0.4959   1021  0.2039  0.2874   1062
    scorer logistic 2-fold      0.3961  0.5351  0.4553  0.4208  0.5046   1071  0.1942  0.2860   1102
    scorer chosen 2-fold        0.3961  0.5351  0.4553  0.4208  0.5046   1071  0.1942  0.2860   1102

("fixed" is partly in sample: the trainer chose the shipped decoding on these 74 articles.)
``--splits 8`` repeats the SI comparison on 8 random halvings: the scorer's SI F1 minus the
re-tuned decoding's, +0.0143 +0.0093 -0.0049 +0.0132 +0.0275 +0.0131 +0.0094 +0.0137 (mean
+0.0119, sd 0.0083; ahead in 7 of 8; 4.6 minutes in all).

``--write models/minilm`` then fits the model's span decoding as ``spinscope train`` does
(`spinscope.training.span_decoding`: the logistic scorer on all 74 articles, its threshold
chosen 2-fold inside them as each half's is above, then the span-score calibration over the
spans the detector finds with it), writes ``span_scorer.json`` and the calibration there, names
the scorer in config.json, rewrites the manifest and records the figures in card.json; the row
"written (in sample)" is that scorer on the articles it was fitted on (SI 0.4602, FLC+in 0.2840
at threshold 0.225; not a held-out figure).

    SPINSCOPE_MODELS=models OMP_NUM_THREADS=1 .venv/bin/python benchmarks/span_scorer.py [--data ../shared/data/ptc/train] [--cache /tmp/flc-cache.pkl] [--splits 8] [--write models/minilm]
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from validation_passes import SHARED, Pass, Passes, load_passes, save_passes, spans_tried, technique_parts  # noqa: E402  (the same cached passes as flc_levers.py)

from spinscope.document import Span  # noqa: E402
from spinscope.eval.formats import Labelled  # noqa: E402
from spinscope.eval.scorers import Scores as Scores_  # noqa: E402
from spinscope.eval.scorers import merge_overlapping, score_flc, score_si  # noqa: E402
from spinscope.techniques.base import TECHNIQUES  # noqa: E402
from spinscope.techniques.edges import at_word_edges  # noqa: E402
from spinscope.techniques.ensemble import Ensemble, mix  # noqa: E402
from spinscope.techniques.model_files import models_root  # noqa: E402
from spinscope.techniques.ranking import detected_labels  # noqa: E402
from spinscope.techniques.transformer.decoding import WordDecodeParams, decode_words  # noqa: E402
from spinscope.techniques.transformer.span_scorer import WordView  # noqa: E402
from spinscope.training.calibration import halves  # noqa: E402
from spinscope.training.card import record_span_decoding  # noqa: E402
from spinscope.training.span_decoding import detector_technique_probs, fit_span_decoding, write_span_decoding  # noqa: E402
from spinscope.training.span_scorer import Scores, ScorerArticle, as_rows, fit_logistic, inner_threshold, overlap_target, picked, scorer_articles  # noqa: E402
from spinscope.training.search import coordinate_search  # noqa: E402
from spinscope.training.tuning import DECODE_GRIDS  # noqa: E402

def view(p: Pass) -> WordView:
    """What the scorer reads of a cached pass."""
    return WordView(p.text, p.end, p.sents, p.art, p.p_word, p.p_base)


def articles(data: Passes, shipped: WordDecodeParams, si_weight: float) -> list[ScorerArticle]:
    return scorer_articles(((p.id, view(p)) for p in data.passes), data.gold_si, shipped, si_weight)


# -- fitting, selection, scoring --------------------------------------------------------------


def fit_gbm(arts: list[ScorerArticle]) -> Scores:
    """Gradient-boosted trees regressing the overlap target."""
    from sklearn.ensemble import HistGradientBoostingRegressor

    X, y = np.vstack([a.X for a in arts]), np.concatenate([a.y for a in arts])
    reg = HistGradientBoostingRegressor(max_iter=200, learning_rate=0.05, max_leaf_nodes=15, min_samples_leaf=40, random_state=0).fit(X, y)
    return lambda x: np.asarray(reg.predict(x))


FITTERS: dict[str, Callable[[list[ScorerArticle]], Scores]] = {"gbm": fit_gbm, "logistic": lambda arts: fit_logistic(arts).score}


def as_pass_rows(p: Pass, spans: Iterable[tuple[int, int]]) -> list[Labelled]:
    return as_rows(p.id, p.text, spans)


def si(rows: list[Labelled], gold_si: list[Labelled], ids: set[str]) -> Scores_:
    return score_si([r for r in gold_si if r.article_id in ids], rows)


def fit_half(arts: list[ScorerArticle], fitter: Callable[[list[ScorerArticle]], Scores], gold_si: list[Labelled]) -> tuple[Scores, float, float]:
    """A scorer fitted on ``arts``, its threshold and the SI F1 it reached there, both out of
    fold inside ``arts`` (`inner_threshold`: neither the threshold nor the figure that picks a
    model is read off fitted rows)."""
    return fitter(arts), *inner_threshold(arts, fitter, gold_si)


def decoded(p: Pass, params: WordDecodeParams) -> list[tuple[int, int]]:
    return [(s, e) for s, e, _ in decode_words(p.text, p.art, p.p_word, params)] if len(p.p_word) else []


def choose_decode(passes: list[Pass], shipped: WordDecodeParams, gold_si: list[Labelled]) -> WordDecodeParams:
    """The run settings as the trainer chooses them (`tune_decode`'s search and grids, from the
    default settings, so that nothing chosen on the other half leaks in), the phrase settings
    kept as shipped (SI hardly moves with them)."""
    ids = {p.id for p in passes}

    def f1(params: WordDecodeParams) -> float:
        return si([r for p in passes for r in as_pass_rows(p, decoded(p, params))], gold_si, ids).f1

    start = replace(WordDecodeParams(), phrase_threshold=shipped.phrase_threshold, phrase_max_gap=shipped.phrase_max_gap, phrase_min_chars=shipped.phrase_min_chars)
    return coordinate_search(f1, start, DECODE_GRIDS, 4)[0]


def flc_rows(model: Ensemble, p: Pass, spans: list[tuple[int, int]]) -> list[Labelled]:
    """FLC rows of ``spans`` labelled as the detector labels them: the mixed technique
    distribution's top technique, and its runner-up where likely enough."""
    technique_parts(model, p, spans)
    out = []
    for s, e in spans:
        q = mix(p.tr[(s, e)], p.bl[(s, e)], model.tc_weight)
        out += [Span(s, e, TECHNIQUES[k]) for k in detected_labels(q, model.second_min)]
    return [Labelled(p.id, sp.start, sp.end, sp.label) for sp in at_word_edges(p.text, out)]


@dataclass(frozen=True)
class Row:
    name: str
    si: Scores
    si_halves: tuple[float, float]
    flc: float
    flc_nested: float
    flc_rows: int
    settings: str


def nested(p: Pass, spans: list[tuple[int, int]], shipped: WordDecodeParams) -> list[tuple[int, int]]:
    """``spans`` and the shipped decoding's spans (its phrase spans among them) that lie inside
    one: more chances of the right technique on the same words, SI unchanged."""
    inside = [d for d in decoded(p, shipped) if any(s <= d[0] and d[1] <= e for s, e in spans)]
    return sorted(set(spans) | set(inside))


def evaluate(name: str, model: Ensemble, data: Passes, parts: list[list[Pass]], picks: dict[str, list[tuple[int, int]]], settings: str) -> Row:
    ids = {p.id for p in data.passes}
    gold_tc = [r for r in data.gold_tc if r.article_id in ids]
    si_rows = {p.id: as_pass_rows(p, picks[p.id]) for p in data.passes}
    flc = [r for p in data.passes for r in flc_rows(model, p, picks[p.id])]
    flc_in = [r for p in data.passes for r in flc_rows(model, p, nested(p, picks[p.id], model.decode))]
    halves_f1 = tuple(si([r for p in part for r in si_rows[p.id]], data.gold_si, {p.id for p in part}).f1 for part in parts)
    return Row(name, si([r for rows in si_rows.values() for r in rows], data.gold_si, ids), (halves_f1[0], halves_f1[1]),
               score_flc(gold_tc, flc).f1, score_flc(gold_tc, flc_in).f1, len(flc), settings)


Picks = dict[str, list[tuple[int, int]]]


def retuned_picks(passes: list[Pass], fold: np.ndarray, shipped: WordDecodeParams, gold_si: list[Labelled]) -> tuple[Picks, str]:
    """Each half decoded with the settings `choose_decode` picks on the other half."""
    parts = [[p for p, f in zip(passes, fold) if f == k] for k in (0, 1)]
    chosen = [choose_decode(parts[1 - k], shipped, gold_si) for k in (0, 1)]
    notes = " | ".join(f"half{k}: th={d.threshold} gap={d.max_gap} min_chars={d.min_chars} peak={d.peak_threshold} line={d.line_threshold}" for k, d in enumerate(chosen))
    return {p.id: decoded(p, chosen[k]) for k in (0, 1) for p in parts[k]}, notes


def scorer_picks(arts: list[ScorerArticle], fold: np.ndarray, gold_si: list[Labelled]) -> dict[str, tuple[Picks, str]]:
    """Each half's spans chosen by each scorer model fitted on the other half, and (``chosen``)
    by the model whose inner out-of-fold SI F1 on the fitting half is the best."""
    by_half = [[a for a, f in zip(arts, fold) if f == k] for k in (0, 1)]
    fits = {name: [fit_half(by_half[1 - k], fitter, gold_si) for k in (0, 1)] for name, fitter in FITTERS.items()}
    out = {}
    for name in [*FITTERS, "chosen"]:
        chosen: Picks = {}
        notes = []
        for k in (0, 1):
            use = name if name != "chosen" else max(FITTERS, key=lambda n: fits[n][k][2])
            scorer, threshold, inner_f1 = fits[use][k]
            notes.append(f"half{k}: {use} threshold={threshold} (fitting half's inner out-of-fold SI F1 {inner_f1:.4f})")
            for a in by_half[k]:
                chosen[a.id] = picked(a, scorer(a.X), threshold) if len(a.cands) else []
        out[name] = (chosen, " | ".join(notes))
    return out


def other_splits(data: Passes, arts: list[ScorerArticle], shipped: WordDecodeParams, seeds: int) -> None:
    """The same comparison (SI only) on random halvings of the articles: is the gain the split's?"""
    ids = [p.id for p in data.passes]
    every = set(ids)
    print(f"\nSI F1 on {seeds} random halvings (seed: re-tuned, scorer chosen, difference)")
    diffs = []
    for seed in range(seeds):
        fold = np.random.default_rng(seed).permutation(len(ids)) % 2
        retuned, _ = retuned_picks(data.passes, fold, shipped, data.gold_si)
        chosen, _ = scorer_picks(arts, fold, data.gold_si)["chosen"]
        a, b = (si([r for p in data.passes for r in as_pass_rows(p, ps[p.id])], data.gold_si, every).f1 for ps in (retuned, chosen))
        diffs.append(b - a)
        print(f"    {seed}: {a:.4f} {b:.4f} {b - a:+.4f}", flush=True)
    print(f"    mean difference {np.mean(diffs):+.4f} (sd {np.std(diffs):.4f}); scorer ahead in {sum(d > 0 for d in diffs)} of {seeds}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=SHARED / "data" / "ptc" / "train")
    parser.add_argument("--cache", type=Path, default=None, help="keep the model's passes here and reuse them (flc_levers.py's cache serves)")
    parser.add_argument("--splits", type=int, default=0, help="also compare (SI only) on this many random halvings")
    parser.add_argument("--write", type=Path, default=None, help="fit the logistic scorer on all the articles (threshold chosen 2-fold inside them) and write it into this model folder (config.json names it)")
    args = parser.parse_args()
    model = Ensemble.load(models_root() / "minilm", threads=1)
    data = load_passes(model, args.data, args.cache)
    cached = spans_tried(data)
    shipped = model.decode
    fold = halves([p.id for p in data.passes], [p.id for p in data.passes])
    parts = [[p for p, f in zip(data.passes, fold) if f == k] for k in (0, 1)]

    rows = [evaluate("current (fixed)", model, data, parts, {p.id: decoded(p, shipped) for p in data.passes}, "as shipped")]
    rows.append(evaluate("current re-tuned 2-fold", model, data, parts, *retuned_picks(data.passes, fold, shipped, data.gold_si)))
    arts = articles(data, shipped, model.si_weight)
    gold = [merge_overlapping((r.start, r.end) for r in data.gold_si if r.article_id == a.id) for a in arts]
    reach = [max((overlap_target(*g, [c]) for c in a.cands.spans()), default=0.0) >= 0.5 for a, gs in zip(arts, gold) for g in gs]
    print(f"candidates: {sum(len(a.cands) for a in arts)} over {len(arts)} articles; {np.mean(reach):.3f} of the {len(reach)} merged gold spans "
          f"have a candidate at overlap F1 >= 0.5", file=sys.stderr)
    rows += [evaluate(f"scorer {name} 2-fold", model, data, parts, picks, notes) for name, (picks, notes) in scorer_picks(arts, fold, data.gold_si).items()]
    if args.write is not None:
        views = {p.id: view(p) for p in data.passes}
        fit = fit_span_decoding(model, views, data.gold_si, data.gold_tc, detector_technique_probs(model, views))
        write_span_decoding(fit, args.write)
        record_span_decoding(args.write, fit, f"benchmarks/span_scorer.py --write {args.write}")
        scorer = fit.scorer
        in_sample = {a.id: picked(a, scorer.score(a.X), scorer.threshold) for a in arts}
        rows.append(evaluate("written (in sample)", model, data, parts, in_sample,
                             f"threshold={scorer.threshold} (inner out-of-fold SI F1 {fit.figures['si_inner_out_of_fold']:.4f}); "
                             f"calibration refitted over its spans; written to {args.write}"))
    print(f"{'decoding':<26} {'SI P':>7} {'SI R':>7} {'SI F1':>7} {'half0':>7} {'half1':>7} {'SI n':>6} {'FLC F1':>7} {'FLC+in':>7} {'FLC n':>6}")
    for r in rows:
        print(f"{r.name:<26} {r.si.precision:7.4f} {r.si.recall:7.4f} {r.si.f1:7.4f} {r.si_halves[0]:7.4f} {r.si_halves[1]:7.4f} {r.si.predicted:6d} "
              f"{r.flc:7.4f} {r.flc_nested:7.4f} {r.flc_rows:6d}")
    for r in rows:
        print(f"    {r.name}: {r.settings}")
    if args.cache is not None and (not args.cache.is_file() or spans_tried(data) > cached):
        save_passes(data, args.cache)
    if args.splits:
        other_splits(data, arts, shipped, args.splits)


if __name__ == "__main__":
    main()

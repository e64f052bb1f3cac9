#!/usr/bin/env python
"""Issue 9's span-level decoding lever, measured out of fold: a learned span scorer instead of
thresholded word runs.

The shipped decoding (`decode_words`) keeps runs of words whose mixed probability passes a
threshold. The scorer instead looks at many candidate spans of an article (`candidates`: the
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

    SPINSCOPE_MODELS=models OMP_NUM_THREADS=1 .venv/bin/python benchmarks/span_scorer.py [--data ../shared/data/ptc/train] [--cache /tmp/flc-cache.pkl] [--splits 8]
"""

from __future__ import annotations

import argparse
import itertools
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
from spinscope.eval.scorers import Scores, merge_overlapping, score_flc, score_si  # noqa: E402
from spinscope.techniques.base import TECHNIQUES  # noqa: E402
from spinscope.techniques.edges import at_word_edges  # noqa: E402
from spinscope.techniques.ensemble import Ensemble, mix  # noqa: E402
from spinscope.techniques.model_files import models_root  # noqa: E402
from spinscope.techniques.ranking import detected_labels  # noqa: E402
from spinscope.techniques.transformer.decoding import _EDGE_PUNCT, WordDecodeParams, decode_words  # noqa: E402  (the decoding's own edge trim)
from spinscope.training.calibration import halves  # noqa: E402
from spinscope.training.search import coordinate_search  # noqa: E402
from spinscope.training.tuning import DECODE_GRIDS  # noqa: E402

RUN_THRESHOLDS = (0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 0.6)
RUN_GAPS = (0, 2, 5)
CLAUSE_BREAKS = frozenset(",;:—–()")
SENTENCE_END = frozenset(".!?\n")
SELECT_GRID = tuple(round(0.05 + 0.025 * i, 3) for i in range(31))
N_SOURCES = 5  # run, shipped, line, sentence, clause


@dataclass(frozen=True)
class Candidate:
    """Words ``[a, b)`` of an article, ``text[start:end]``, and which generators proposed it
    (a bit per source: 1 run, 2 the shipped decoding, 4 line, 8 sentence, 16 clause), with the
    lowest run threshold that found it (1.0 where no run did)."""

    a: int
    b: int
    start: int
    end: int
    sources: int
    run_threshold: float


# -- candidates and their features ------------------------------------------------------------


def _word_text(p: Pass, i: int) -> str:
    return p.text[int(p.art.words[i, 0]) : int(p.art.words[i, 1])]


def _trim(p: Pass, a: int, b: int) -> tuple[int, int]:
    while a < b and _word_text(p, a) in _EDGE_PUNCT:
        a += 1
    while b > a and _word_text(p, b - 1) in _EDGE_PUNCT:
        b -= 1
    return a, b


def _word_range(p: Pass, start: int, end: int) -> tuple[int, int]:
    """The words of ``text[start:end]``: those that start inside it."""
    words = p.art.words
    return int(np.searchsorted(words[:, 0], start)), int(np.searchsorted(words[:, 0], end))


def candidates(p: Pass, shipped: WordDecodeParams) -> list[Candidate]:
    """Every span the scorer may choose in article ``p``, each once."""
    found: dict[tuple[int, int], tuple[int, float]] = {}

    def add(a: int, b: int, source: int, threshold: float = 1.0) -> None:
        a, b = _trim(p, a, b)
        if a >= b:
            return
        bits, th = found.get((a, b), (0, 1.0))
        found[(a, b)] = (bits | source, min(th, threshold))

    if not len(p.p_word):
        return []
    for th, gap in itertools.product(RUN_THRESHOLDS, RUN_GAPS):
        params = WordDecodeParams(threshold=th, max_gap=gap, min_chars=0, peak_threshold=0.0)
        for s, e, _ in decode_words(p.text, p.art, p.p_word, params):
            add(*_word_range(p, s, e), 1, th)
    for s, e, _ in decode_words(p.text, p.art, p.p_word, shipped):
        add(*_word_range(p, s, e), 2)
    lines = p.art.word_line
    cuts = np.flatnonzero(np.diff(lines)) + 1
    for a, b in zip(np.concatenate([[0], cuts]), np.concatenate([cuts, [len(lines)]])):
        add(int(a), int(b), 4)
    for s, e in p.sents:
        a, b = _word_range(p, s, e)
        if a >= b:
            continue
        add(a, b, 8)
        breaks = [i for i in range(a, b) if _word_text(p, i) in CLAUSE_BREAKS]
        edges = [a] + breaks + [b]
        pieces = [(edges[k] + (k > 0), edges[k + 1]) for k in range(len(edges) - 1)]
        if len(pieces) > 1:
            for i, j in itertools.combinations(range(len(pieces) + 1), 2):  # clauses and runs of adjacent clauses, short of the sentence
                if j - i < len(pieces) and j - i <= 3:
                    add(pieces[i][0], pieces[j - 1][1], 16)
    return [Candidate(a, b, int(p.art.words[a, 0]), int(p.art.words[b - 1, 1]), bits, th) for (a, b), (bits, th) in sorted(found.items())]


FEATURES = (
    "mean", "max", "min", "median", "frac_25", "frac_40", "minilm_mean", "baseline_mean", "baseline_max",
    "left_1", "right_1", "left_3", "right_3", "sentence_mean", "line_mean", "log_words", "log_chars",
    "starts_sentence", "ends_sentence", "ends_punct", "whole_line", "whole_sentence", "quote",
    "run_threshold", "position", *[f"source_{k}" for k in range(N_SOURCES)],
)  # fmt: skip


def features(p: Pass, cands: list[Candidate], si_weight: float) -> np.ndarray:
    """(len(cands), len(FEATURES)) features of the candidates of article ``p``."""
    pw = p.p_word
    pb = p.p_base if len(p.p_base) == len(pw) else np.zeros(len(pw))
    pm = (pw - si_weight * pb) / max(1 - si_weight, 1e-6)
    n = len(pw)
    lines = p.art.word_line
    line_mean = {int(k): float(pw[lines == k].mean()) for k in np.unique(lines)}
    sent_of = np.zeros(n, dtype=np.int64) - 1
    sent_mean: list[float] = []
    for k, (s, e) in enumerate(p.sents):
        a, b = _word_range(p, s, e)
        sent_of[a:b] = k
        sent_mean.append(float(pw[a:b].mean()) if b > a else 0.0)
    rows = []
    for c in cands:
        seg = pw[c.a : c.b]
        left = pw[max(c.a - 3, 0) : c.a]
        right = pw[c.b : c.b + 3]
        before = p.text[: c.start].rstrip(" \t\"'“‘")
        after = p.text[c.end : c.end + 2]
        k = int(sent_of[c.a])
        rows.append([
            float(seg.mean()), float(seg.max()), float(seg.min()), float(np.median(seg)), float((seg >= 0.25).mean()), float((seg >= 0.4).mean()),
            float(pm[c.a : c.b].mean()), float(pb[c.a : c.b].mean()), float(pb[c.a : c.b].max()),
            float(left[-1]) if len(left) else 0.0, float(right[0]) if len(right) else 0.0,
            float(left.mean()) if len(left) else 0.0, float(right.mean()) if len(right) else 0.0,
            sent_mean[k] if k >= 0 else 0.0, line_mean[int(lines[c.a])], math.log(c.b - c.a), math.log(c.end - c.start),
            float(not before or before[-1] in SENTENCE_END), float(not after.strip() or after[0] in SENTENCE_END),
            float(bool(after) and after[0] in _EDGE_PUNCT), float(bool(c.sources & 4)), float(bool(c.sources & 8)),
            float(any(q in p.text[c.start : c.end] for q in "\"“”")), c.run_threshold, c.start / max(p.end, 1),
            *[float(bool(c.sources & (1 << j))) for j in range(N_SOURCES)],
        ])  # fmt: skip
    return np.array(rows, dtype=float).reshape(len(rows), len(FEATURES))


def overlap_target(start: int, end: int, gold: list[tuple[int, int]]) -> float:
    """How well ``text[start:end]`` matches the merged gold spans: the F1 of (the share of it
    inside gold, the largest share of one gold span it covers), as the SI scorer credits it."""
    inside = sum(max(0, min(end, ge) - max(start, gs)) for gs, ge in gold) / (end - start)
    covers = max((max(0, min(end, ge) - max(start, gs)) / (ge - gs) for gs, ge in gold), default=0.0)
    return 2 * inside * covers / (inside + covers) if inside + covers > 0 else 0.0


@dataclass
class Article:
    """An article's candidates, their features and targets, ready for fitting and selection."""

    pass_: Pass
    cands: list[Candidate]
    X: np.ndarray
    y: np.ndarray


def articles(data: Passes, shipped: WordDecodeParams, si_weight: float) -> list[Article]:
    gold_by: dict[str, list[tuple[int, int]]] = {}
    for r in data.gold_si:
        gold_by.setdefault(r.article_id, []).append((r.start, r.end))
    out = []
    for p in data.passes:
        cands = candidates(p, shipped)
        gold = merge_overlapping(gold_by.get(p.id, []))
        out.append(Article(p, cands, features(p, cands, si_weight), np.array([overlap_target(c.start, c.end, gold) for c in cands])))
    return out


# -- fitting, selection, scoring --------------------------------------------------------------

Scorer = Callable[[np.ndarray], np.ndarray]


def fit_gbm(arts: list[Article]) -> Scorer:
    """Gradient-boosted trees regressing the overlap target."""
    from sklearn.ensemble import HistGradientBoostingRegressor

    X, y = np.vstack([a.X for a in arts]), np.concatenate([a.y for a in arts])
    reg = HistGradientBoostingRegressor(max_iter=200, learning_rate=0.05, max_leaf_nodes=15, min_samples_leaf=40, random_state=0).fit(X, y)
    return lambda x: np.asarray(reg.predict(x))


def fit_logistic(arts: list[Article]) -> Scorer:
    """A logistic model of P(overlap target >= 0.5) over standardised features."""
    from sklearn.linear_model import LogisticRegression

    X, y = np.vstack([a.X for a in arts]), np.concatenate([a.y for a in arts]) >= 0.5
    mu, sd = X.mean(0), X.std(0) + 1e-6
    clf = LogisticRegression(C=1.0, max_iter=3000).fit((X - mu) / sd, y)
    return lambda x: np.asarray(clf.predict_proba((x - mu) / sd)[:, 1])


FITTERS: dict[str, Callable[[list[Article]], Scorer]] = {"gbm": fit_gbm, "logistic": fit_logistic}


def select(cands: list[Candidate], scores: np.ndarray, threshold: float) -> list[tuple[int, int]]:
    """The best-scored candidates at or over ``threshold`` that overlap none better scored, in
    text order."""
    taken: list[tuple[int, int]] = []
    for i in np.argsort(-scores, kind="stable"):
        if scores[i] < threshold:
            break
        c = cands[int(i)]
        if all(c.end <= s or c.start >= e for s, e in taken):
            taken.append((c.start, c.end))
    return sorted(taken)


def as_rows(p: Pass, spans: Iterable[tuple[int, int]]) -> list[Labelled]:
    """SI rows of ``spans`` moved to word edges, as the detector reports them."""
    return [Labelled(p.id, sp.start, sp.end) for sp in at_word_edges(p.text, [Span(s, e, "span") for s, e in spans])]


def si(rows: list[Labelled], gold_si: list[Labelled], ids: set[str]) -> Scores:
    return score_si([r for r in gold_si if r.article_id in ids], rows)


def choose_threshold(arts: list[Article], scores: list[np.ndarray], gold_si: list[Labelled]) -> float:
    """The selection threshold with the best SI F1 on ``arts``; ties go to the higher one."""
    ids = {a.pass_.id for a in arts}

    def f1(t: float) -> float:
        return si([r for a, sc in zip(arts, scores) for r in as_rows(a.pass_, select(a.cands, sc, t))], gold_si, ids).f1

    return max(SELECT_GRID, key=lambda t: (round(f1(t), 6), t))


def fit_half(arts: list[Article], fitter: Callable[[list[Article]], Scorer], gold_si: list[Labelled]) -> tuple[Scorer, float, float]:
    """A scorer fitted on ``arts``, its threshold and the SI F1 it reached there, both from
    scores each of ``arts`` got from a scorer fitted on the other inner half (so neither the
    threshold nor the figure that picks a model is read off fitted rows)."""
    fold = halves([a.pass_.id for a in arts], [a.pass_.id for a in arts])
    inner = [[a for a, f in zip(arts, fold) if f == k] for k in (0, 1)]
    oof: dict[str, np.ndarray] = {}
    for k in (0, 1):
        scorer = fitter(inner[1 - k])
        for a in inner[k]:
            oof[a.pass_.id] = scorer(a.X) if len(a.cands) else np.zeros(0)
    scores = [oof[a.pass_.id] for a in arts]
    threshold = choose_threshold(arts, scores, gold_si)
    ids = {a.pass_.id for a in arts}
    f1 = si([r for a, sc in zip(arts, scores) for r in as_rows(a.pass_, select(a.cands, sc, threshold))], gold_si, ids).f1
    return fitter(arts), threshold, f1


def decoded(p: Pass, params: WordDecodeParams) -> list[tuple[int, int]]:
    return [(s, e) for s, e, _ in decode_words(p.text, p.art, p.p_word, params)] if len(p.p_word) else []


def choose_decode(passes: list[Pass], shipped: WordDecodeParams, gold_si: list[Labelled]) -> WordDecodeParams:
    """The run settings as the trainer chooses them (`tune_decode`'s search and grids, from the
    default settings, so that nothing chosen on the other half leaks in), the phrase settings
    kept as shipped (SI hardly moves with them)."""
    ids = {p.id for p in passes}

    def f1(params: WordDecodeParams) -> float:
        return si([r for p in passes for r in as_rows(p, decoded(p, params))], gold_si, ids).f1

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


def evaluate(name: str, model: Ensemble, data: Passes, parts: list[list[Pass]], picked: dict[str, list[tuple[int, int]]], settings: str) -> Row:
    ids = {p.id for p in data.passes}
    gold_tc = [r for r in data.gold_tc if r.article_id in ids]
    si_rows = {p.id: as_rows(p, picked[p.id]) for p in data.passes}
    flc = [r for p in data.passes for r in flc_rows(model, p, picked[p.id])]
    flc_in = [r for p in data.passes for r in flc_rows(model, p, nested(p, picked[p.id], model.decode))]
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


def scorer_picks(arts: list[Article], fold: np.ndarray, gold_si: list[Labelled]) -> dict[str, tuple[Picks, str]]:
    """Each half's spans chosen by each scorer model fitted on the other half, and (``chosen``)
    by the model whose inner out-of-fold SI F1 on the fitting half is the best."""
    by_half = [[a for a, f in zip(arts, fold) if f == k] for k in (0, 1)]
    fits = {name: [fit_half(by_half[1 - k], fitter, gold_si) for k in (0, 1)] for name, fitter in FITTERS.items()}
    out = {}
    for name in [*FITTERS, "chosen"]:
        picked: Picks = {}
        notes = []
        for k in (0, 1):
            use = name if name != "chosen" else max(FITTERS, key=lambda n: fits[n][k][2])
            scorer, threshold, inner_f1 = fits[use][k]
            notes.append(f"half{k}: {use} threshold={threshold} (fitting half's inner out-of-fold SI F1 {inner_f1:.4f})")
            for a in by_half[k]:
                picked[a.pass_.id] = select(a.cands, scorer(a.X), threshold) if len(a.cands) else []
        out[name] = (picked, " | ".join(notes))
    return out


def other_splits(data: Passes, arts: list[Article], shipped: WordDecodeParams, seeds: int) -> None:
    """The same comparison (SI only) on random halvings of the articles: is the gain the split's?"""
    ids = [p.id for p in data.passes]
    every = set(ids)
    print(f"\nSI F1 on {seeds} random halvings (seed: re-tuned, scorer chosen, difference)")
    diffs = []
    for seed in range(seeds):
        fold = np.random.default_rng(seed).permutation(len(ids)) % 2
        retuned, _ = retuned_picks(data.passes, fold, shipped, data.gold_si)
        picked, _ = scorer_picks(arts, fold, data.gold_si)["chosen"]
        a, b = (si([r for p in data.passes for r in as_rows(p, ps[p.id])], data.gold_si, every).f1 for ps in (retuned, picked))
        diffs.append(b - a)
        print(f"    {seed}: {a:.4f} {b:.4f} {b - a:+.4f}", flush=True)
    print(f"    mean difference {np.mean(diffs):+.4f} (sd {np.std(diffs):.4f}); scorer ahead in {sum(d > 0 for d in diffs)} of {seeds}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=SHARED / "data" / "ptc" / "train")
    parser.add_argument("--cache", type=Path, default=None, help="keep the model's passes here and reuse them (flc_levers.py's cache serves)")
    parser.add_argument("--splits", type=int, default=0, help="also compare (SI only) on this many random halvings")
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
    gold = [merge_overlapping((r.start, r.end) for r in data.gold_si if r.article_id == a.pass_.id) for a in arts]
    reach = [max((overlap_target(*g, [(c.start, c.end)]) for c in a.cands), default=0.0) >= 0.5 for a, gs in zip(arts, gold) for g in gs]
    print(f"candidates: {sum(len(a.cands) for a in arts)} over {len(arts)} articles; {np.mean(reach):.3f} of the {len(reach)} merged gold spans "
          f"have a candidate at overlap F1 >= 0.5", file=sys.stderr)
    rows += [evaluate(f"scorer {name} 2-fold", model, data, parts, picked, notes) for name, (picked, notes) in scorer_picks(arts, fold, data.gold_si).items()]
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

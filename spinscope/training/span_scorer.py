"""Fitting the span scorer (`spinscope.techniques.transformer.span_scorer`) and writing it into a
model folder.

Each candidate span's target is how well it matches a gold span (`overlap_target`); the scorer
is a logistic model of "target >= 0.5" over standardised features (scikit-learn, training only;
the run time reads the weights with numpy). Its selection threshold is the one with the best SI
F1 on scores each article got from a scorer fitted on the other half of the articles (an
alternating split, `calibration.halves`): the threshold is never read off rows the scorer was
fitted on. ``benchmarks/span_scorer.py`` measures the whole out of fold; `training.span_decoding`
fits the scorer a model ships and writes it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

from spinscope.document import Span
from spinscope.eval.formats import Labelled
from spinscope.eval.scorers import Scores as Scores_
from spinscope.eval.scorers import merge_overlapping, score_si
from spinscope.techniques.edges import at_word_edges
from spinscope.techniques.transformer.decoding import WordDecodeParams
from spinscope.techniques.transformer.span_scorer import Candidates, SpanScorer, WordView, candidates, features, select
from spinscope.training.calibration import halves

SCORER_FILE = "span_scorer.json"
CONFIG_KEY = "span_scorer"
SELECT_GRID = tuple(round(0.05 + 0.025 * i, 3) for i in range(31))
POSITIVE = 0.5  # a candidate is a positive when its overlap target reaches this

Scores = Callable[[np.ndarray], np.ndarray]


def overlap_target(start: int, end: int, gold: list[tuple[int, int]]) -> float:
    """How well ``text[start:end]`` matches the merged gold spans: the F1 of (the share of it
    inside gold, the largest share of one gold span it covers), as the SI scorer credits it."""
    inside = sum(max(0, min(end, ge) - max(start, gs)) for gs, ge in gold) / (end - start)
    covers = max((max(0, min(end, ge) - max(start, gs)) / (ge - gs) for gs, ge in gold), default=0.0)
    return 2 * inside * covers / (inside + covers) if inside + covers > 0 else 0.0


@dataclass
class ScorerArticle:
    """An article's candidates, their features and targets, ready for fitting and selection."""

    id: str
    view: WordView
    cands: Candidates
    X: np.ndarray
    y: np.ndarray


def scorer_articles(views: Iterable[tuple[str, WordView]], gold_si: list[Labelled], shipped: WordDecodeParams, si_weight: float) -> list[ScorerArticle]:
    gold_by: dict[str, list[tuple[int, int]]] = {}
    for r in gold_si:
        gold_by.setdefault(r.article_id, []).append((r.start, r.end))
    out = []
    for id_, v in views:
        cands = candidates(v, shipped)
        gold = merge_overlapping(gold_by.get(id_, []))
        y = np.array([overlap_target(s, e, gold) for s, e in cands.spans()])
        out.append(ScorerArticle(id_, v, cands, features(v, cands, si_weight), y))
    return out


def fit_logistic(arts: list[ScorerArticle], threshold: float = POSITIVE) -> SpanScorer:
    """A logistic model of P(overlap target >= 0.5) over standardised features."""
    from sklearn.linear_model import LogisticRegression

    X, y = np.vstack([a.X for a in arts]), np.concatenate([a.y for a in arts]) >= POSITIVE
    mu, sd = X.mean(0), X.std(0) + 1e-6
    clf = LogisticRegression(C=1.0, max_iter=3000).fit((X - mu) / sd, y)
    return SpanScorer(mu, sd, np.asarray(clf.coef_[0], dtype=float), float(clf.intercept_[0]), threshold)


def as_rows(id_: str, text: str, spans: Iterable[tuple[int, int]]) -> list[Labelled]:
    """SI rows of ``spans`` moved to word edges, as the detector reports them."""
    return [Labelled(id_, sp.start, sp.end) for sp in at_word_edges(text, [Span(s, e, "span") for s, e in spans])]


def picked(a: ScorerArticle, scores: np.ndarray, threshold: float) -> list[tuple[int, int]]:
    """The spans `select` keeps in ``a`` at ``threshold``."""
    return [(int(a.cands.start[i]), int(a.cands.end[i])) for i in select(a.cands, scores, threshold)]


def si_scores(arts: list[ScorerArticle], picks: dict[str, list[tuple[int, int]]], gold_si: list[Labelled]) -> Scores_:
    """SI figures of the spans picked in each of ``arts``, against their gold."""
    ids = {a.id for a in arts}
    rows = [r for a in arts for r in as_rows(a.id, a.view.text, picks[a.id])]
    return score_si([r for r in gold_si if r.article_id in ids], rows)


def si_f1(arts: list[ScorerArticle], scores: list[np.ndarray], threshold: float, gold_si: list[Labelled]) -> float:
    return si_scores(arts, {a.id: picked(a, sc, threshold) for a, sc in zip(arts, scores)}, gold_si).f1


def choose_threshold(arts: list[ScorerArticle], scores: list[np.ndarray], gold_si: list[Labelled]) -> float:
    """The selection threshold with the best SI F1 on ``arts``; ties go to the higher one."""
    return max(SELECT_GRID, key=lambda t: (round(si_f1(arts, scores, t, gold_si), 6), t))


def inner_threshold(arts: list[ScorerArticle], fitter: Callable[[list[ScorerArticle]], Scores], gold_si: list[Labelled]) -> tuple[float, float]:
    """The threshold for a scorer fitted on ``arts`` and the SI F1 it reaches there, both from
    scores each article got from a scorer fitted on the other inner half."""
    ids = [a.id for a in arts]
    fold = halves(ids, ids)
    inner = [[a for a, f in zip(arts, fold) if f == k] for k in (0, 1)]
    oof: dict[str, np.ndarray] = {}
    for k in (0, 1):
        score = fitter(inner[1 - k])
        for a in inner[k]:
            oof[a.id] = score(a.X) if len(a.cands) else np.zeros(0)
    scores = [oof[a.id] for a in arts]
    threshold = choose_threshold(arts, scores, gold_si)
    return threshold, si_f1(arts, scores, threshold, gold_si)


def fit_span_scorer(arts: list[ScorerArticle], gold_si: list[Labelled]) -> tuple[SpanScorer, float]:
    """The logistic scorer fitted on all of ``arts`` with the inner out-of-fold threshold, and
    the SI F1 that threshold reached out of fold."""
    threshold, f1 = inner_threshold(arts, lambda arts_: fit_logistic(arts_).score, gold_si)
    return fit_logistic(arts, threshold), f1


def out_of_fold_picks(arts: list[ScorerArticle], gold_si: list[Labelled]) -> dict[str, list[tuple[int, int]]]:
    """Each article's spans picked by the scorer `fit_span_scorer` fits on the other half of
    ``arts`` (alternating, `halves`), its threshold chosen inside that half: a held-out figure
    for a scorer fitted on all of them."""
    ids = [a.id for a in arts]
    fold = halves(ids, ids)
    out: dict[str, list[tuple[int, int]]] = {}
    for k in (0, 1):
        scorer, _ = fit_span_scorer([a for a, f in zip(arts, fold) if f != k], gold_si)
        out |= {a.id: picked(a, scorer.score(a.X), scorer.threshold) for a, f in zip(arts, fold) if f == k}
    return out

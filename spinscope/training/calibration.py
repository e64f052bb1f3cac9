"""Making the transformer's probabilities mean what they say, on the validation split: a
temperature for the technique logits, and Platt scaling of the span score."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from spinscope.eval.formats import Labelled
from spinscope.techniques.activations import softmax
from spinscope.techniques.base import TECHNIQUES
from spinscope.techniques.ensemble import NO_SECOND
from spinscope.techniques.ranking import detected_labels
from spinscope.techniques.transformer.decoding import Calibration, WordDecodeParams, decode_words
from spinscope.training.common import TrainingData, log
from spinscope.training.validation import ValCache

SpanKey = tuple[str, int, int]  # (article id, start, end)


def fit_temperature(logits: np.ndarray, y: np.ndarray) -> float:
    """The temperature (0.3 to 5, log-spaced grid) with the lowest negative log-likelihood."""
    best_t, best_nll = 1.0, float("inf")
    for t in np.exp(np.linspace(np.log(0.3), np.log(5.0), 120)):
        p = softmax(logits / t)
        nll = -float(np.mean(np.log(p[np.arange(len(y)), y] + 1e-12)))
        if nll < best_nll:
            best_t, best_nll = float(t), nll
    return best_t


def reliability(p: np.ndarray, y: np.ndarray, bins: int = 10) -> list[tuple[int, float, float]]:
    """(count, mean confidence, observed rate) in each of ``bins`` equal-width bins of ``p``
    (NaN means where a bin is empty): the reliability diagram the error below sums up."""
    idx = np.minimum((p * bins).astype(int), bins - 1)
    out = []
    for b in range(bins):
        sel = idx == b
        out.append((int(sel.sum()), float(p[sel].mean()) if sel.any() else math.nan, float(y[sel].mean()) if sel.any() else math.nan))
    return out


def ece(p: np.ndarray, y: np.ndarray, bins: int = 10) -> float:
    """Expected calibration error: bin-weighted |mean confidence - accuracy|, equal-width bins."""
    if not len(p):
        return 0.0
    return sum(n / len(p) * abs(conf - rate) for n, conf, rate in reliability(p, y, bins) if n)


def span_hits(found: list[tuple[int, int, float]], labels: list[str], gold: list[Labelled]) -> list[int]:
    """1 where a predicted span overlaps a gold span of its predicted technique."""
    out = []
    for (s, e, _), lab in zip(found, labels):
        out.append(int(any(r.start < e and r.end > s and r.technique == lab for r in gold)))
    return out


def span_features(span_prob: float, tech_prob: float) -> list[float]:
    """What Platt scaling reads of a span: [logit(span probability), log(technique probability)]."""
    sp = min(max(span_prob, 1e-6), 1 - 1e-6)
    return [math.log(sp / (1 - sp)), math.log(max(tech_prob, 1e-6))]


def halves(val: list[str], owner: list[str]) -> np.ndarray:
    """The fold (0 or 1) of each row, by its article: alternate validation articles, so that no
    article's spans are both fitted and judged."""
    half = {a: i % 2 for i, a in enumerate(val)}
    return np.array([half[a] for a in owner])


def platt_out_of_fold(X: np.ndarray, Y: np.ndarray, fold: np.ndarray) -> np.ndarray:
    """P(hit) for each row from Platt scaling fitted on the other fold: what the calibration's
    error is on spans it was not fitted on."""
    from sklearn.linear_model import LogisticRegression

    oof = np.zeros(len(Y))
    for k in (0, 1):
        clf = LogisticRegression(C=100.0).fit(X[fold != k], Y[fold != k])
        oof[fold == k] = clf.predict_proba(X[fold == k])[:, 1]
    return oof


def decoded_spans(data: TrainingData, cache: ValCache, params: WordDecodeParams) -> dict[str, list[tuple[int, int, float]]]:
    """The spans ``params`` decode from ``cache`` in each validation article, in ``data.val`` order."""
    return {a: decode_words(data.articles[a], cache.arts[a], cache.p_word[a], params) for a in data.val}


def fit_span_calibration(found: dict[str, list[tuple[int, int, float]]], technique_probs: dict[SpanKey, np.ndarray], tc_gold: list[Labelled],
                         temperature: float, second_min: float = NO_SECOND) -> tuple[Calibration, dict[str, Any]]:  # fmt: skip
    """Platt scaling on [logit(span probability), log(technique probability)] → P(the span
    overlaps a gold span of its predicted technique), over the (start, end, span probability)
    spans the detector ``found`` in each validation article (``technique_probs`` holds each
    one's technique probabilities), each once per technique the detector gives it
    (`detected_labels` with ``second_min``); its expected calibration error is measured out of
    fold (two halves of the articles, in ``found``'s order) before the refit on all of them."""
    from sklearn.linear_model import LogisticRegression

    feats, hits, owner = [], [], []
    for a, spans in found.items():
        labelled: list[tuple[int, int, float]] = []
        labels: list[str] = []
        probs: list[float] = []
        for s_, e, conf in spans:
            p = technique_probs[(a, s_, e)]
            for k in detected_labels(p, second_min):
                labelled.append((s_, e, conf))
                labels.append(TECHNIQUES[k])
                probs.append(float(p[k]))
        gold = [r for r in tc_gold if r.article_id == a]
        for (s, e, conf), q, h in zip(labelled, probs, span_hits(labelled, labels, gold)):
            feats.append(span_features(conf, q))
            hits.append(h)
            owner.append(a)
    X, Y = np.array(feats), np.array(hits)
    raw = np.array([Calibration(temperature).score(1 / (1 + math.exp(-f[0])), math.exp(f[1])) for f in feats])
    oof = platt_out_of_fold(X, Y, halves(list(found), owner))
    clf = LogisticRegression(C=100.0).fit(X, Y)
    cal = Calibration(tc_temperature=temperature, a=float(clf.coef_[0, 0]), b=float(clf.coef_[0, 1]), c=float(clf.intercept_[0]))
    span_ece = {"uncalibrated_product": round(ece(raw, Y), 4), "platt_out_of_fold": round(ece(oof, Y), 4),
                "platt_in_sample": round(ece(clf.predict_proba(X)[:, 1], Y), 4), "spans": int(len(Y)), "hit_rate": round(float(Y.mean()), 4)}  # fmt: skip
    log(f"span-score calibration: {cal.to_dict()}, ECE {span_ece}")
    return cal, span_ece

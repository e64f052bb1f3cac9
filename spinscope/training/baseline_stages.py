"""The baseline's training rows, targets and logistic regressions (scikit-learn, scipy), one
function per stage of the detector: sentence, token, technique."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression

from spinscope.eval.formats import Labelled
from spinscope.nlp.align import char_span
from spinscope.techniques.features import ArticleView, all_token_features, sentence_features, span_feature_names
from spinscope.techniques.hashing import Rows, stacked
from spinscope.training.common import log

SEED = 13
BITS = {"sentence": 18, "token": 20, "span": 18}


class Compact:
    """Keeps only the hashed columns the training rows use: the solvers' cost grows with the
    column count, and a never-seen column gets a zero weight anyway."""

    def __init__(self, x_train: sp.csr_matrix) -> None:
        self.width = x_train.shape[1]
        self.cols = np.unique(x_train.indices)
        self._map = np.full(self.width, -1, dtype=np.int64)
        self._map[self.cols] = np.arange(len(self.cols))

    def __call__(self, x: sp.csr_matrix) -> sp.csr_matrix:
        coo = x.tocoo()
        new = self._map[coo.col]
        keep = new >= 0
        return sp.csr_matrix((coo.data[keep], (coo.row[keep], new[keep])), shape=(x.shape[0], len(self.cols)))

    def expand(self, coef: np.ndarray) -> np.ndarray:
        """(n_used, k) or (n_used,) weights → full hashed width, zeros elsewhere."""
        out = np.zeros((self.width,) + coef.shape[1:], dtype=np.float32)
        out[self.cols] = coef
        return out


def to_csr(rows: Rows) -> sp.csr_matrix:
    indices, values, indptr = rows.arrays()
    m = sp.csr_matrix((values, indices, indptr), shape=(len(rows), 1 << rows.bits), dtype=np.float64)
    m.sum_duplicates()
    return m


def sentence_targets(view: ArticleView, gold: list[Labelled]) -> tuple[list[int], list[int]]:
    """any: a gold span touches the sentence; whole: one gold span covers >= 70% of it."""
    any_, whole = [], []
    for s, e in view.sents:
        touching = [(max(r.start, s), min(r.end, e)) for r in gold if r.start < e and r.end > s]
        any_.append(int(bool(touching)))
        best = max((b - a for a, b in touching), default=0)
        whole.append(int(best >= 0.7 * (e - s)))
    return any_, whole


def fit_binary(x: sp.csr_matrix, y: np.ndarray, c: float) -> tuple[np.ndarray, float]:
    clf = LogisticRegression(C=c, solver="liblinear", max_iter=200, random_state=SEED)
    clf.fit(x, y)
    return clf.coef_[0].astype(np.float32), float(clf.intercept_[0])


def sentence_stage(views: dict[str, ArticleView], gold_si: dict[str, list[Labelled]], train: list[str],
                   c: float) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:  # fmt: skip
    """The sentence model's (any, whole) weights and biases, and out-of-fold (any, whole)
    probabilities of the train sentences (5 folds by article), so the token model learns from
    inputs as honest as the ones it will see."""
    rows = Rows(BITS["sentence"])
    y_any: list[int] = []
    y_whole: list[int] = []
    owner: list[str] = []
    for a in train:
        v = views[a]
        for j in range(len(v.sents)):
            rows.add(sentence_features(v, j))
        ya, yw = sentence_targets(v, gold_si.get(a, []))
        y_any += ya
        y_whole += yw
        owner += [a] * len(ya)
    comp = Compact(to_csr(rows))
    x = comp(to_csr(rows))
    ya_arr, yw_arr = np.array(y_any), np.array(y_whole)
    w_any, b_any = fit_binary(x, ya_arr, c)
    w_whole, b_whole = fit_binary(x, yw_arr, c)
    log(f"sentence model: {x.shape[0]} sentences, {ya_arr.mean():.2f} with propaganda, {yw_arr.mean():.3f} mostly one span")
    fold = {a: i % 5 for i, a in enumerate(train)}
    owner_fold = np.array([fold[a] for a in owner])
    oof = np.zeros((len(y_any), 2))
    for k in range(5):
        tr, te = owner_fold != k, owner_fold == k
        for col, y in enumerate((ya_arr, yw_arr)):
            w, b = fit_binary(x[tr], y[tr], c)
            oof[te, col] = 1 / (1 + np.exp(-(x[te] @ w + b)))
    oof_by: dict[str, np.ndarray] = {}
    pos = 0
    for a in train:
        n = len(views[a].sents)
        oof_by[a] = oof[pos : pos + n]
        pos += n
    log("sentence model: out-of-fold probabilities for the token model done")
    return comp.expand(np.stack([w_any, w_whole], axis=1)), np.array([b_any, b_whole]), oof_by


def token_rows(views: dict[str, ArticleView], ids: list[str], p_any: dict[str, np.ndarray]) -> Rows:
    rows = Rows(BITS["token"])
    for a in ids:
        v = views[a]
        pa = p_any[a]
        for i, names in enumerate(all_token_features(v)):
            rows.add(names, stacked(pa[v.tok_sent[i]].tolist()))
    return rows


def token_targets(views: dict[str, ArticleView], ids: list[str], gold_si: dict[str, list[Labelled]]) -> np.ndarray:
    """1 for every token a gold span overlaps, article by article."""
    out = []
    for a in ids:
        v = views[a]
        y = np.zeros(len(v.toks), dtype=np.int64)
        for r in gold_si.get(a, []):
            t0, t1 = char_span(v.starts, v.ends, r.start, r.end, "expand")
            y[t0:t1] = 1
        out.append(y)
    return np.concatenate(out) if out else np.zeros(0, dtype=np.int64)


def tc_rows(views: dict[str, ArticleView], rows_in: list[Labelled]) -> Rows:
    rows = Rows(BITS["span"])
    for r in rows_in:
        rows.add(span_feature_names(views[r.article_id], r.start, r.end))
    return rows

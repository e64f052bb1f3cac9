#!/usr/bin/env python
"""Train the baseline detector on PTC (SemEval-2020 Task 11) and write models/baseline/.

Why a script and not part of the package: training needs scikit-learn and scipy (the `train`
extra); the shipped model is only numpy arrays that spinscope/techniques/baseline.py scores.

Split: article ids sorted as strings; every 5th one (positions 4, 9, 14, ... in that order) is the
validation split, the rest train. Every choice (C, class weights, decoding thresholds) is made on
the validation split, and the shipped model is the one trained on the train part only, so the
validation figures in card.json describe the shipped model. They are still figures on a split
of the training release, which overstates held-out performance by a few points (PRODUCT.md).

    .venv/bin/python scripts/train_baseline.py [--data ../shared/data/ptc/train] [--out models/baseline]
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import sys
import time
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from spinscope import __version__  # noqa: E402
from spinscope.eval.formats import Labelled  # noqa: E402
from spinscope.eval.ptc import SPLIT_RULE, load_ptc, training_data_card, validation_split  # noqa: E402
from spinscope.eval.evaluate import rounded, score_detector  # noqa: E402
from spinscope.eval.scorers import score_flc, score_si, score_tc  # noqa: E402
from spinscope.techniques.base import TECHNIQUES  # noqa: E402
from spinscope.techniques.ranking import rank_labels  # noqa: E402
from spinscope.techniques.baseline import FORMAT, BaselineDetector, BaselineModel, DecodeParams, decode  # noqa: E402
from spinscope.techniques.model_files import write_manifest  # noqa: E402
from spinscope.techniques.features import (  # noqa: E402
    ArticleView,
    Rows,
    all_token_features,
    sentence_features,
    span_features,
    stacked,
)

SEED = 13
BITS = {"sentence": 18, "token": 20, "span": 18}
MODEL_VERSION = "1.0.0"
T0 = time.time()


def log(msg: str) -> None:
    print(f"[{time.time() - T0:6.1f}s] {msg}", flush=True)


# ---------------------------------------------------------------------------------------------
# data


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


# ---------------------------------------------------------------------------------------------
# targets


def char_mask(text: str, spans: list[Labelled]) -> np.ndarray:
    mask = np.zeros(len(text) + 1, dtype=bool)
    for r in spans:
        mask[r.start : r.end] = True
    return mask


def sentence_targets(view: ArticleView, gold: list[Labelled]) -> tuple[list[int], list[int]]:
    """any: a gold span touches the sentence; whole: one gold span covers >= 70% of it."""
    any_, whole = [], []
    for s, e in view.sents:
        touching = [(max(r.start, s), min(r.end, e)) for r in gold if r.start < e and r.end > s]
        any_.append(int(bool(touching)))
        best = max((b - a for a, b in touching), default=0)
        whole.append(int(best >= 0.7 * (e - s)))
    return any_, whole


# ---------------------------------------------------------------------------------------------
# stages


def fit_binary(x: sp.csr_matrix, y: np.ndarray, c: float) -> tuple[np.ndarray, float]:
    clf = LogisticRegression(C=c, solver="liblinear", max_iter=200, random_state=SEED)
    clf.fit(x, y)
    return clf.coef_[0].astype(np.float32), float(clf.intercept_[0])


def sentence_stage(views: dict[str, ArticleView], gold_si: dict[str, list[Labelled]], train: list[str], c: float):
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
    # out-of-fold P(any) for the train articles, so the token model learns from honest inputs
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
    out = []
    for a in ids:
        v = views[a]
        mask = char_mask(v.text, gold_si.get(a, []))
        csum = np.concatenate([[0], np.cumsum(mask)])
        out.extend(int(csum[e] - csum[s] > 0) for s, e in v.toks)
    return np.array(out)


def tc_rows(views: dict[str, ArticleView], rows_in: list[Labelled]) -> Rows:
    rows = Rows(BITS["span"])
    for r in rows_in:
        rows.add(span_features(views[r.article_id], r.start, r.end))
    return rows


def readme(card: dict, size: int) -> str:
    """models/baseline/README.md, generated so that it always matches card.json."""
    m = card["metrics"]
    lines = [
        "# spinscope baseline detector",
        "",
        "Hashed-feature logistic regressions (sentence, token, technique) run with numpy alone; the",
        "reference later models are measured against. Code: `spinscope/techniques/baseline.py`,",
        "features: `spinscope/techniques/features.py`, training: `scripts/train_baseline.py`.",
        "",
        f"Version {card['version']}, trained {card['date']} in {card['training_seconds']:.0f} s on 2 CPU cores;"
        f" `weights.npz` {size / 1e6:.1f} MB (float16).",
        "",
        "## Validation figures (the shipped model)",
        "",
        f"Split: {card['split_rule']} ({card['training_data']['train_articles']} train /"
        f" {card['training_data']['validation_articles']} validation articles of the PTC training release).",
        "Thresholds and hyper-parameters were chosen on this same split, and it is a split of the",
        "training release: expect held-out figures a few points lower.",
        "",
        "| task | precision | recall | F1 |",
        "|---|---|---|---|",
    ]
    for task, name in (("si", "SI (spans)"), ("tc", "TC (technique of a given span, micro)"), ("flc", "FLC (span + technique)")):
        lines.append(f"| {name} | {m[task]['precision']:.4f} | {m[task]['recall']:.4f} | {m[task]['f1']:.4f} |")
    lines += ["", "TC per technique:", "", "| technique | gold | predicted | F1 |", "|---|---|---|---|"]
    for tech, t in m["tc_per_technique"].items():
        lines.append(f"| {tech} | {t['gold']} | {t['predicted']} | {t['f1']:.3f} |")
    lines += [
        "",
        "Span scores are span confidence (mean token probability) times technique probability.",
        "",
        "## Reproduce",
        "",
        "```",
        ".venv/bin/python scripts/train_baseline.py --data ../shared/data/ptc/train --out models/baseline",
        "```",
        "",
        f"Training data sha256 ({card['training_data']['sha256_of']}):",
        f"`{card['training_data']['sha256']}`. Hyper-parameters and the recipe: `card.json`.",
        "",
    ]
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "ptc" / "train")
    ap.add_argument("--out", type=Path, default=ROOT / "models" / "baseline")
    ap.add_argument("--quick", action="store_true", help="small hyper-parameter grids (for a smoke run)")
    args = ap.parse_args()
    np.random.seed(SEED)

    data = load_ptc(args.data)
    articles, gold_si_rows, gold_tc_rows, data_sha = data.articles, data.si, data.tc, data.sha256
    train, val = validation_split(list(articles))
    log(f"{len(articles)} articles: {len(train)} train, {len(val)} validation ({SPLIT_RULE})")
    gold_si: dict[str, list[Labelled]] = {}
    for r in gold_si_rows:
        gold_si.setdefault(r.article_id, []).append(r)
    views = {a: ArticleView.build(t) for a, t in articles.items()}
    log(f"tokenised: {sum(len(v.toks) for v in views.values())} tokens, {sum(len(v.sents) for v in views.values())} sentences")

    # 1. sentence model
    sent_c = 0.5
    sent_w, sent_b, oof = sentence_stage(views, gold_si, train, sent_c)
    stub = BaselineModel(
        BITS["sentence"], BITS["token"], BITS["span"], sent_w, sent_b,
        np.zeros((1 << BITS["token"], 1), np.float32), np.zeros(1), np.zeros((1 << BITS["span"], len(TECHNIQUES)), np.float32),
        np.zeros(len(TECHNIQUES)), TECHNIQUES, DecodeParams(), {},
    )  # fmt: skip
    p_sent_val = {a: stub.sentence_probs(views[a]) for a in val}

    # 2. token model
    x_tr = to_csr(token_rows(views, train, oof))
    tok_comp = Compact(x_tr)
    x_tr = tok_comp(x_tr)
    y_tr = token_targets(views, train, gold_si)
    x_va = tok_comp(to_csr(token_rows(views, val, p_sent_val)))
    log(f"token rows: train {x_tr.shape[0]} ({y_tr.mean():.3f} positive), validation {x_va.shape[0]}")
    gold_si_val = [r for a in val for r in gold_si.get(a, [])]

    def si_f1(p_tok_all: np.ndarray, params: DecodeParams) -> float:
        pred, pos = [], 0
        for a in val:
            v = views[a]
            n = len(v.toks)
            for s, e, _ in decode(v, p_tok_all[pos : pos + n], p_sent_val[a][:, 1], params):
                pred.append(Labelled(a, s, e))
            pos += n
        return score_si(gold_si_val, pred).f1

    tok_grid = [0.3] if args.quick else [0.1, 0.3]
    best_tok: tuple[float, float, np.ndarray, float, np.ndarray] | None = None
    for c in tok_grid:
        w, b = fit_binary(x_tr, y_tr, c)
        p_va = 1 / (1 + np.exp(-(x_va @ w + b)))
        f1 = max(si_f1(p_va, DecodeParams(token_threshold=t, sentence_threshold=1.01)) for t in (0.25, 0.35, 0.45))
        log(f"token model C={c}: validation SI F1 {f1:.4f} (token-only decoding, best of 3 thresholds)")
        if best_tok is None or f1 > best_tok[0]:
            best_tok = (f1, c, w, b, p_va)
    assert best_tok is not None
    _, tok_c, tok_w, tok_b, p_va = best_tok
    tok_w = tok_comp.expand(tok_w)

    # 3. decoding: coordinate search on the validation split
    params = DecodeParams(token_threshold=0.35, max_gap=1, min_chars=6, sentence_threshold=1.01)
    grids = {
        "token_threshold": [0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6],
        "max_gap": [0, 1, 2, 3, 5, 8, 12, 20, 1000],
        "min_chars": [0, 4, 8, 12, 16, 24, 32],
        "peak_threshold": [0.0, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8],
        "sentence_threshold": [0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 0.6, 0.8, 1.01],
    }
    best_f1 = si_f1(p_va, params)
    for round_ in range(4):
        before = params
        for key, values in grids.items():
            for value in values:
                cand = DecodeParams(**{**params.to_dict(), key: value})
                f1 = si_f1(p_va, cand)
                if f1 > best_f1 + 1e-9:
                    best_f1, params = f1, cand
        log(f"decoding round {round_ + 1}: SI F1 {best_f1:.4f} with {params.to_dict()}")
        if params == before:
            break

    # 4. technique classifier
    tc_tr = [r for r in gold_tc_rows if r.article_id in set(train)]
    tc_va = [r for r in gold_tc_rows if r.article_id in set(val)]
    xt_tr = to_csr(tc_rows(views, tc_tr))
    tc_comp = Compact(xt_tr)
    xt_tr, xt_va = tc_comp(xt_tr), tc_comp(to_csr(tc_rows(views, tc_va)))
    label_ix = {t: i for i, t in enumerate(TECHNIQUES)}
    yt_tr = np.array([label_ix[r.technique] for r in tc_tr])
    counts = np.bincount(yt_tr, minlength=len(TECHNIQUES)).astype(float)
    keys_va = [(r.article_id, r.start, r.end) for r in tc_va]
    weightings = {
        "none": None,
        "sqrt": {i: float(np.sqrt(counts.max() / counts[i])) for i in range(len(TECHNIQUES))},
        "balanced": "balanced",
    }
    tc_grid = [(1.0, "sqrt"), (3.0, "sqrt")] if args.quick else [(c, w) for c in (0.1, 0.3, 1.0) for w in weightings if w != "balanced"]
    best_tc: tuple[float, float, str, np.ndarray, np.ndarray] | None = None
    for c, wname in tc_grid:
        clf = LogisticRegression(C=c, class_weight=weightings[wname], max_iter=300, random_state=SEED)
        clf.fit(xt_tr, yt_tr)
        probs = clf.predict_proba(xt_va)
        pred = [label for label, _p in rank_labels(keys_va, probs, TECHNIQUES)]
        f1 = score_tc(tc_va, [Labelled(a, s, e, t) for (a, s, e), t in zip(keys_va, pred)]).f1
        log(f"technique model C={c} class weights={wname}: validation TC micro-F1 {f1:.4f}")
        if best_tc is None or f1 > best_tc[0]:
            best_tc = (f1, c, wname, tc_comp.expand(clf.coef_.T), clf.intercept_.astype(np.float64))
    assert best_tc is not None
    _, tc_c, tc_wname, span_w, span_b = best_tc

    # 5. phrase spans for FLC, measured with the weights as they will be stored (float16)
    arrays = {
        "sent_w": sent_w.astype(np.float16),
        "sent_b": sent_b,
        "tok_w": tok_w.astype(np.float16).reshape(-1, 1),
        "tok_b": np.array([tok_b]),
        "span_w": span_w.astype(np.float16),
        "span_b": span_b,
    }
    model = BaselineModel(
        BITS["sentence"], BITS["token"], BITS["span"],
        arrays["sent_w"].astype(np.float32), arrays["sent_b"], arrays["tok_w"].astype(np.float32), arrays["tok_b"],
        arrays["span_w"].astype(np.float32), arrays["span_b"], TECHNIQUES, params, {},
    )  # fmt: skip
    cached = {}
    for a in val:
        ps = model.sentence_probs(views[a])
        cached[a] = (ps, model.token_probs(views[a], ps))

    def span_scores(cand: DecodeParams) -> tuple[float, float]:
        si_p, flc_p = [], []
        for a in val:
            v, (ps, pt) = views[a], cached[a]
            found = decode(v, pt, ps[:, 1], cand)
            if not found:
                continue
            probs = model.technique_probs(v, [(s, e) for s, e, _ in found])
            for (s, e, _), p in zip(found, probs):
                si_p.append(Labelled(a, s, e))
                flc_p.append(Labelled(a, s, e, TECHNIQUES[int(np.argmax(p))]))
        return score_si(gold_si_val, si_p).f1, score_flc(tc_va, flc_p).f1

    si_ref, flc_best = span_scores(params)
    log(f"extent + sentence spans: SI F1 {si_ref:.4f}, FLC F1 {flc_best:.4f}")
    p_grid = [0.3, 0.4] if args.quick else [0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5]
    for th in p_grid:
        for min_chars in (0, 4, 8, 12, 16):
            for gap in (0, 1):
                cand = DecodeParams(**{**params.to_dict(), "phrase_threshold": th, "phrase_min_chars": min_chars, "phrase_max_gap": gap})
                si_f, flc_f = span_scores(cand)
                # phrases are for FLC; they may not cost SI more than half a point
                if flc_f > flc_best + 1e-9 and si_f >= si_ref - 0.005:
                    flc_best, params = flc_f, cand
    log(f"phrase spans: FLC F1 {flc_best:.4f} with {params.to_dict()}")

    # 6. write the model, then measure the written model through the public detector
    args.out.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(args.out / "weights.npz", **arrays)
    hyper = {
        "seed": SEED,
        "bits": BITS,
        "sentence_C": sent_c,
        "token_C": tok_c,
        "technique_C": tc_c,
        "technique_class_weights": tc_wname,
        "sentence_whole_rule": "one gold span covers >= 70% of the sentence",
        "decode": params.to_dict(),
    }
    config = {"format": FORMAT, "version": MODEL_VERSION, "labels": list(TECHNIQUES), "bits": BITS, "decode": params.to_dict()}
    (args.out / "config.json").write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    write_manifest(args.out)

    metrics = {"split": "validation", **rounded(score_detector(BaselineDetector(args.out), articles, val, gold_si_val, tc_va))}
    si, tc, flc = metrics["si"], metrics["tc"], metrics["flc"]
    log(f"VALIDATION ({len(val)} articles, shipped model): SI F1 {si['f1']:.4f} (P {si['precision']:.4f} R {si['recall']:.4f}), "
        f"TC micro-F1 {tc['f1']:.4f}, FLC F1 {flc['f1']:.4f} (P {flc['precision']:.4f} R {flc['recall']:.4f}); "
        f"detect {metrics['detect_seconds_validation']:.2f}s")  # fmt: skip
    for tech, m in metrics["tc_per_technique"].items():
        log(f"  TC {tech:38s} F1 {m['f1']:.3f}  gold {m['gold']:4d} predicted {m['predicted']:4d}")
    card = {
        "name": "baseline",
        "version": MODEL_VERSION,
        "spinscope_version": __version__,
        "date": _dt.date.today().isoformat(),
        "training_data": training_data_card(data_sha, len(articles), len(train), len(val)),
        "split_rule": SPLIT_RULE,
        "recipe": (
            "hashed features (CRC-32); sentence logistic regressions (any propaganda / mostly one span); token "
            "logistic regression over a +-2 word window, shapes, recurrence and the out-of-fold sentence probability; "
            "decoding by threshold, gap merging, minimum length and whole-sentence spans; multinomial logistic "
            "regression over span words, edges, length, coverage, context and recurrence for the technique. "
            "Trained on the train part only; every choice made on the validation split."
        ),
        "hyperparameters": hyper,
        "metrics": metrics,
        "training_seconds": round(time.time() - T0, 1),
        "command": "python scripts/train_baseline.py --data ../shared/data/ptc/train --out models/baseline",
    }
    (args.out / "card.json").write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")
    size = (args.out / "weights.npz").stat().st_size
    (args.out / "README.md").write_text(readme(card, size), encoding="utf-8")
    log(f"wrote {args.out} (weights.npz {size / 1e6:.2f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

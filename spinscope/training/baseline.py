"""Train the baseline detector on PTC (SemEval-2020 Task 11) and write its model folder.

Run by ``spinscope train --detector baseline``; needs scikit-learn and scipy (the ``train``
extra), while the shipped model is only numpy arrays that `spinscope.techniques.baseline` scores.

Split: article ids sorted as strings; every 5th one (positions 4, 9, 14, ... in that order) is the
validation split, the rest train. Every choice (C, class weights, decoding thresholds) is made on
the validation split, and the shipped model is the one trained on the train part only, so the
validation figures in card.json describe the shipped model. They are still figures on a split
of the training release, which overstates held-out performance by a few points (PRODUCT.md).
"""

from __future__ import annotations

import datetime as _dt
import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression

from spinscope import __version__
from spinscope.eval.evaluate import rounded, score_detector
from spinscope.eval.formats import Labelled
from spinscope.eval.ptc import SPLIT_RULE, training_data_card
from spinscope.eval.scorers import score_flc, score_si, score_tc
from spinscope.techniques.base import TECHNIQUES
from spinscope.techniques.baseline import FORMAT, WEIGHTS_FILE, BaselineDetector, BaselineModel, TokenDecodeParams, decode_tokens
from spinscope.techniques.features import ArticleView
from spinscope.techniques.model_files import write_manifest
from spinscope.techniques.ranking import rank_labels
from spinscope.training.baseline_stages import BITS, SEED, Compact, fit_binary, sentence_stage, tc_rows, to_csr, token_rows, token_targets
from spinscope.training.common import TrainingData, elapsed, load_training_data, log
from spinscope.training.search import coordinate_search

MODEL_VERSION = "1.0.0"
SENTENCE_C = 0.5
DECODE_GRIDS: dict[str, list[float]] = {
    "token_threshold": [0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6],
    "max_gap": [0, 1, 2, 3, 5, 8, 12, 20, 1000],
    "min_chars": [0, 4, 8, 12, 16, 24, 32],
    "peak_threshold": [0.0, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8],
    "sentence_threshold": [0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 0.6, 0.8, 1.01],
}


@dataclass
class Split:
    """The data as the stages read it: every article tokenised once, and the validation
    sentence probabilities of the sentence model."""

    data: TrainingData
    views: dict[str, ArticleView]
    p_sent_val: dict[str, np.ndarray]


def model_of(arrays: dict[str, np.ndarray], params: TokenDecodeParams) -> BaselineModel:
    """The run-time model over weight arrays (float16 ones as they will be stored)."""
    return BaselineModel(
        BITS["sentence"], BITS["token"], BITS["span"],
        arrays["sent_w"].astype(np.float32), arrays["sent_b"], arrays["tok_w"].astype(np.float32).reshape(-1, 1), arrays["tok_b"],
        arrays["span_w"].astype(np.float32), arrays["span_b"], TECHNIQUES, params, {},
    )  # fmt: skip


def si_scorer(split: Split, p_tok_all: np.ndarray) -> Callable[[TokenDecodeParams], float]:
    """SI F1 on validation of decoding settings, given the token probabilities of every
    validation token (articles in ``val`` order)."""
    gold_si_val = split.data.gold_si_val

    def si_f1(params: TokenDecodeParams) -> float:
        pred, pos = [], 0
        for a in split.data.val:
            v = split.views[a]
            n = len(v.toks)
            pred += [Labelled(a, s, e) for s, e, _ in decode_tokens(v, p_tok_all[pos : pos + n], split.p_sent_val[a][:, 1], params)]
            pos += n
        return score_si(gold_si_val, pred).f1

    return si_f1


def token_stage(split: Split, oof: dict[str, np.ndarray], quick: bool) -> tuple[float, np.ndarray, float, np.ndarray]:
    """The token model with the best validation SI F1 (token-only decoding) over C: (C, full-width
    weights, bias, validation token probabilities)."""
    data, views = split.data, split.views
    x_tr = to_csr(token_rows(views, data.train, oof))
    comp = Compact(x_tr)
    x_tr = comp(x_tr)
    y_tr = token_targets(views, data.train, data.gold_si)
    x_va = comp(to_csr(token_rows(views, data.val, split.p_sent_val)))
    log(f"token rows: train {x_tr.shape[0]} ({y_tr.mean():.3f} positive), validation {x_va.shape[0]}")
    best: tuple[float, float, np.ndarray, float, np.ndarray] | None = None
    for c in [0.3] if quick else [0.1, 0.3]:
        w, b = fit_binary(x_tr, y_tr, c)
        p_va = 1 / (1 + np.exp(-(x_va @ w + b)))
        si_f1 = si_scorer(split, p_va)
        f1 = max(si_f1(TokenDecodeParams(token_threshold=t, sentence_threshold=1.01)) for t in (0.25, 0.35, 0.45))
        log(f"token model C={c}: validation SI F1 {f1:.4f} (token-only decoding, best of 3 thresholds)")
        if best is None or f1 > best[0]:
            best = (f1, c, w, b, p_va)
    assert best is not None
    _, c, w, b, p_va = best
    return c, comp.expand(w), b, p_va


def technique_stage(split: Split, quick: bool) -> tuple[float, str, np.ndarray, np.ndarray]:
    """The multinomial technique model with the best validation TC micro-F1 over C and class
    weights: (C, weighting name, full-width weights (n, 14), biases)."""
    data, views = split.data, split.views
    xt_tr = to_csr(tc_rows(views, data.tc_train))
    comp = Compact(xt_tr)
    xt_tr, xt_va = comp(xt_tr), comp(to_csr(tc_rows(views, data.tc_val)))
    label_ix = {t: i for i, t in enumerate(TECHNIQUES)}
    yt_tr = np.array([label_ix[str(r.technique)] for r in data.tc_train])
    counts = np.bincount(yt_tr, minlength=len(TECHNIQUES)).astype(float)
    keys_va = [(r.article_id, r.start, r.end) for r in data.tc_val]
    weightings: dict[str, dict[int, float] | None] = {"none": None, "sqrt": {i: float(np.sqrt(counts.max() / counts[i])) for i in range(len(TECHNIQUES))}}
    grid = [(1.0, "sqrt"), (3.0, "sqrt")] if quick else [(c, w) for c in (0.1, 0.3, 1.0) for w in weightings]
    best: tuple[float, float, str, np.ndarray, np.ndarray] | None = None
    for c, wname in grid:
        clf = LogisticRegression(C=c, class_weight=weightings[wname], max_iter=300, random_state=SEED)
        clf.fit(xt_tr, yt_tr)
        pred = [label for label, _p in rank_labels(keys_va, clf.predict_proba(xt_va), TECHNIQUES)]
        f1 = score_tc(data.tc_val, [Labelled(a, s, e, t) for (a, s, e), t in zip(keys_va, pred)]).f1
        log(f"technique model C={c} class weights={wname}: validation TC micro-F1 {f1:.4f}")
        if best is None or f1 > best[0]:
            best = (f1, c, wname, comp.expand(clf.coef_.T), clf.intercept_.astype(np.float64))
    assert best is not None
    return best[1], best[2], best[3], best[4]


def phrase_stage(split: Split, model: BaselineModel, params: TokenDecodeParams, quick: bool) -> TokenDecodeParams:
    """Short phrase spans for FLC, kept where they raise validation FLC F1 and cost SI at most
    half a point; measured with ``model``'s (stored-precision) weights."""
    data, views = split.data, split.views
    cached = {}
    for a in data.val:
        ps = model.sentence_probs(views[a])
        cached[a] = (ps, model.token_probs(views[a], ps))
    gold_si_val = data.gold_si_val

    def span_scores(cand: TokenDecodeParams) -> tuple[float, float]:
        si_p, flc_p = [], []
        for a in data.val:
            v, (ps, pt) = views[a], cached[a]
            found = decode_tokens(v, pt, ps[:, 1], cand)
            if not found:
                continue
            for (s, e, _), p in zip(found, model.technique_probs(v, [(s, e) for s, e, _ in found])):
                si_p.append(Labelled(a, s, e))
                flc_p.append(Labelled(a, s, e, TECHNIQUES[int(np.argmax(p))]))
        return score_si(gold_si_val, si_p).f1, score_flc(data.tc_val, flc_p).f1

    si_ref, flc_best = span_scores(params)
    log(f"extent + sentence spans: SI F1 {si_ref:.4f}, FLC F1 {flc_best:.4f}")
    for th in [0.3, 0.4] if quick else [0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5]:
        for min_chars in (0, 4, 8, 12, 16):
            for gap in (0, 1):
                cand = replace(params, phrase_threshold=th, phrase_min_chars=min_chars, phrase_max_gap=gap)
                si_f, flc_f = span_scores(cand)
                if flc_f > flc_best + 1e-9 and si_f >= si_ref - 0.005:
                    flc_best, params = flc_f, cand
    log(f"phrase spans: FLC F1 {flc_best:.4f} with {params.to_dict()}")
    return params


def run(data_path: Path, out: Path, quick: bool = False) -> int:
    """Train every stage, write ``out``, measure the written model; 0 on success."""
    np.random.seed(SEED)
    data = load_training_data(data_path)
    log(f"{len(data.articles)} articles: {len(data.train)} train, {len(data.val)} validation ({SPLIT_RULE})")
    views = {a: ArticleView.build(t) for a, t in data.articles.items()}
    log(f"tokenised: {sum(len(v.toks) for v in views.values())} tokens, {sum(len(v.sents) for v in views.values())} sentences")

    sent_w, sent_b, oof = sentence_stage(views, data.gold_si, data.train, SENTENCE_C)
    stub = model_of({"sent_w": sent_w, "sent_b": sent_b, "tok_w": np.zeros(1 << BITS["token"], np.float32), "tok_b": np.zeros(1),
                     "span_w": np.zeros((1 << BITS["span"], len(TECHNIQUES)), np.float32), "span_b": np.zeros(len(TECHNIQUES))},
                    TokenDecodeParams())  # fmt: skip
    split = Split(data, views, {a: stub.sentence_probs(views[a]) for a in data.val})
    tok_c, tok_w, tok_b, p_va = token_stage(split, oof, quick)
    start = TokenDecodeParams(token_threshold=0.35, max_gap=1, min_chars=6, sentence_threshold=1.01)
    params, _ = coordinate_search(si_scorer(split, p_va), start, DECODE_GRIDS, 4)
    tc_c, tc_wname, span_w, span_b = technique_stage(split, quick)
    arrays = {
        "sent_w": sent_w.astype(np.float16),
        "sent_b": sent_b,
        "tok_w": tok_w.astype(np.float16).reshape(-1, 1),
        "tok_b": np.array([tok_b]),
        "span_w": span_w.astype(np.float16),
        "span_b": span_b,
    }
    params = phrase_stage(split, model_of(arrays, params), params, quick)

    out.mkdir(parents=True, exist_ok=True)
    stored: dict[str, Any] = arrays
    np.savez_compressed(out / WEIGHTS_FILE, **stored)
    config = {"format": FORMAT, "version": MODEL_VERSION, "labels": list(TECHNIQUES), "bits": BITS, "decode": params.to_dict()}
    (out / "config.json").write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    write_manifest(out)
    hyper = {
        "seed": SEED,
        "bits": BITS,
        "sentence_C": SENTENCE_C,
        "token_C": tok_c,
        "technique_C": tc_c,
        "technique_class_weights": tc_wname,
        "sentence_whole_rule": "one gold span covers >= 70% of the sentence",
        "decode": params.to_dict(),
    }
    card = model_card(data, out, hyper)
    (out / "card.json").write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")
    size = (out / WEIGHTS_FILE).stat().st_size
    (out / "README.md").write_text(readme(card, size), encoding="utf-8")
    log(f"wrote {out} ({WEIGHTS_FILE} {size / 1e6:.2f} MB)")
    return 0


def model_card(data: TrainingData, out: Path, hyper: dict[str, Any]) -> dict[str, Any]:
    """card.json, with the figures of the written model measured through the public detector."""
    metrics = {"split": "validation", **rounded(score_detector(BaselineDetector(out), data.articles, data.val, data.gold_si_val, data.tc_val))}
    si, tc, flc = metrics["si"], metrics["tc"], metrics["flc"]
    log(f"VALIDATION ({len(data.val)} articles, shipped model): SI F1 {si['f1']:.4f} (P {si['precision']:.4f} R {si['recall']:.4f}), "
        f"TC micro-F1 {tc['f1']:.4f}, FLC F1 {flc['f1']:.4f} (P {flc['precision']:.4f} R {flc['recall']:.4f}); "
        f"detect {metrics['detect_seconds_validation']:.2f}s")  # fmt: skip
    for tech, m in metrics["tc_per_technique"].items():
        log(f"  TC {tech:38s} F1 {m['f1']:.3f}  gold {m['gold']:4d} predicted {m['predicted']:4d}")
    return {
        "name": "baseline",
        "version": MODEL_VERSION,
        "spinscope_version": __version__,
        "date": _dt.date.today().isoformat(),
        "training_data": training_data_card(data.sha256, len(data.articles), len(data.train), len(data.val)),
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
        "training_seconds": round(elapsed(), 1),
        "command": "spinscope train --detector baseline --data ../shared/data/ptc --out models/baseline",
    }


def readme(card: dict[str, Any], size: int) -> str:
    """models/baseline/README.md, generated so that it always matches card.json."""
    m = card["metrics"]
    lines = [
        "# spinscope baseline detector",
        "",
        "Hashed-feature logistic regressions (sentence, token, technique) run with numpy alone; the",
        "reference later models are measured against. Code: `spinscope/techniques/baseline.py`,",
        "features: `spinscope/techniques/features.py`, training: `spinscope/training/baseline.py`.",
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
        f".venv/bin/{card['command']}",
        "```",
        "",
        f"Training data sha256 ({card['training_data']['sha256_of']}):",
        f"`{card['training_data']['sha256']}`. Hyper-parameters and the recipe: `card.json`.",
        "",
    ]
    return "\n".join(lines)

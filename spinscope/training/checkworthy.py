"""Train the check-worthiness model on CheckThat! 2024 English and write ``models/checkworthy``.

    python -m spinscope.training.checkworthy [--data DIR] [--out DIR] [--embeddings]

Run from the repository root: ``--out`` defaults to ``models/checkworthy`` there (not to
`models_root()`, which in an editable install may be another checkout's folder).

Needs scikit-learn and scipy; the written model is numpy arrays that `spinscope.claims.model`
scores. Split: 15% of the CT24 train file, stratified by label with seed 13, is this trainer's
own validation split; every choice (features, C, threshold) is made on it, and the shipped model
is the one fitted on the other 85%, so the validation figures describe the shipped model. The
CT24 dev file is scored once, at the end, with the chosen setup, and never used to choose.

Candidates: logistic regressions (class weights balanced) over TF-IDF word 1-2-grams and
character 2-5-grams (`spinscope.claims.features`), alone or with the hand cues
(`spinscope.claims.cues`); with ``--embeddings`` also over the shared encoder's sentence vectors
(`spinscope.nlp.embed`), alone and with the rest. Only the encoder-free ones can ship: the
encoder costs about 9 ms a sentence on 2 cores, a quarter of a second an article, for what
the card shows it adds; the others are reported for the comparison.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

from spinscope import __version__
from spinscope.claims.cues import HAND_FEATURES, find_cues, hand_features
from spinscope.claims.features import BITS, CHAR_NGRAMS, MIN_DF, NgramRows, document_frequency_idf, ngram_rows, tfidf
from spinscope.claims.model import CONFIG_FILE, FORMAT, WEIGHTS_FILE, read_model
from spinscope.eval.checkworthy import DEV_FILE, TRAIN_FILE, Figures, default_folder, read_ct24, yes_figures
from spinscope.techniques.model_files import file_sha256, write_manifest
from spinscope.training.common import log

MODEL_VERSION = "1.0.0"
SEED = 13
VALIDATION_SHARE = 0.15
C_GRID = (0.25, 0.5, 1.0, 2.0, 4.0)
THRESHOLDS = np.round(np.arange(0.05, 0.951, 0.01), 2)
SHIPPABLE = ("ngrams", "ngrams+cues")
WITH_ENCODER = ("embedding", "ngrams+cues+embedding")


@dataclass(frozen=True)
class Result:
    """One candidate's best C and threshold on validation, and its figures there."""

    features: str
    c: float
    threshold: float
    figures: Figures


def validation_split(labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Indices of the train file to fit on and to validate on: VALIDATION_SHARE of it,
    stratified by label, with seed SEED (what the card's ``split_rule`` says)."""
    order = np.arange(len(labels))
    fit, val = train_test_split(order, test_size=VALIDATION_SHARE, stratify=labels, random_state=SEED)
    return np.asarray(fit), np.asarray(val)


def _ngram_matrix(x: NgramRows, idf: np.ndarray) -> csr_matrix:
    return csr_matrix((tfidf(x, idf), (x.rows, x.columns)), shape=(x.n, 1 << BITS))


def _design(features: str, ngrams: csr_matrix, cues: np.ndarray, vectors: np.ndarray | None) -> csr_matrix:
    parts: list[Any] = []
    if "ngrams" in features:
        parts.append(ngrams)
    if "cues" in features:
        parts.append(csr_matrix(cues))
    if "embedding" in features:
        assert vectors is not None
        parts.append(csr_matrix(vectors))
    return hstack(parts, format="csr")


def _best_threshold(labels: np.ndarray, scores: np.ndarray) -> tuple[float, Figures]:
    """The threshold of highest Yes-F1 (the lowest of equals)."""
    best = max(THRESHOLDS, key=lambda t: (yes_figures(labels, scores, float(t)).f1, -t))
    return float(best), yes_figures(labels, scores, float(best))


def _fit(x: csr_matrix, y: np.ndarray, c: float) -> LogisticRegression:
    return LogisticRegression(C=c, class_weight="balanced", max_iter=5000, solver="liblinear", random_state=SEED).fit(x, y)


def _vectors(texts: Sequence[str]) -> np.ndarray:
    from spinscope.nlp.embed import embed

    return embed(texts)


def _sha256_of(paths: Sequence[Path]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def train(data: Path, out: Path, embeddings: bool) -> dict[str, Any]:
    """Choose on validation, write the model folder, score CT24 dev once; return the card."""
    corpus = read_ct24(data / TRAIN_FILE)
    dev = read_ct24(data / DEV_FILE)
    fit_idx, val_idx = validation_split(corpus.labels)
    fit_texts = [corpus.texts[i] for i in fit_idx]
    val_texts = [corpus.texts[i] for i in val_idx]
    y_fit, y_val = corpus.labels[fit_idx], corpus.labels[val_idx]
    log(f"{len(fit_texts)} sentences to fit, {len(val_texts)} to validate ({int(y_val.sum())} Yes)")

    fit_rows = ngram_rows(fit_texts)
    idf = document_frequency_idf(fit_rows)
    ngrams = {"fit": _ngram_matrix(fit_rows, idf), "val": _ngram_matrix(ngram_rows(val_texts), idf)}
    cues = {k: np.asarray([hand_features(find_cues(t)) for t in texts]) for k, texts in (("fit", fit_texts), ("val", val_texts))}
    vectors: dict[str, np.ndarray | None] = {"fit": None, "val": None}
    candidates: tuple[str, ...] = SHIPPABLE
    if embeddings:
        log("sentence vectors from the shared encoder")
        vectors = {"fit": _vectors(fit_texts), "val": _vectors(val_texts)}
        candidates = SHIPPABLE + WITH_ENCODER

    results: list[Result] = []
    for features in candidates:
        x_fit = _design(features, ngrams["fit"], cues["fit"], vectors["fit"])
        x_val = _design(features, ngrams["val"], cues["val"], vectors["val"])
        for c in C_GRID:
            scores = _fit(x_fit, y_fit, c).predict_proba(x_val)[:, 1]
            threshold, figures = _best_threshold(y_val, scores)
            results.append(Result(features, c, threshold, figures))
            log(f"{features:>24} C={c:<5} threshold {threshold:.2f}: F1 {figures.f1:.4f} P {figures.precision:.4f} R {figures.recall:.4f}")
    chosen = max((r for r in results if r.features in SHIPPABLE), key=lambda r: (r.figures.f1, -r.c))
    log(f"chosen: {chosen.features}, C={chosen.c}, threshold {chosen.threshold}")

    model = _fit(_design(chosen.features, ngrams["fit"], cues["fit"], None), y_fit, chosen.c)
    weights = model.coef_[0]
    n = 1 << BITS
    hand = weights[n:] if "cues" in chosen.features else np.zeros(len(HAND_FEATURES))
    out.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        out / WEIGHTS_FILE,
        idf=idf,
        ngram_weights=weights[:n].astype(np.float32),
        hand_weights=hand.astype(np.float32),
        bias=np.asarray(model.intercept_[0], dtype=np.float64),
    )
    config = {
        "format": FORMAT,
        "version": MODEL_VERSION,
        "bits": BITS,
        "hand_features": list(HAND_FEATURES),
        "features": chosen.features,
        "threshold": chosen.threshold,
    }
    (out / CONFIG_FILE).write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    write_manifest(out)

    shipped = read_model(out)  # the written files, through the run-time scorer
    val_figures = yes_figures(y_val, shipped.scores(val_texts), shipped.threshold)
    dev_figures = yes_figures(dev.labels, shipped.scores(list(dev.texts)), shipped.threshold)
    log(f"shipped model: validation F1 {val_figures.f1:.4f}; CT24 dev F1 {dev_figures.f1:.4f} P {dev_figures.precision:.4f} R {dev_figures.recall:.4f}")
    return {
        "name": "checkworthy",
        "version": MODEL_VERSION,
        "spinscope_version": __version__,
        "date": _dt.date.today().isoformat(),
        "format": FORMAT,
        "training_data": {
            "source": "CheckThat! 2024 Task 1 English (ClaimBuster: US presidential debates 1960-2016), train and dev files",
            "sha256": _sha256_of([data / TRAIN_FILE, data / DEV_FILE]),
            "sha256_of": f"{TRAIN_FILE} then {DEV_FILE}, each as name, NUL, bytes",
            "train_sentences": len(corpus.texts),
            "dev_sentences": len(dev.texts),
        },
        "split_rule": f"sklearn train_test_split of the train file, test_size={VALIDATION_SHARE}, stratify=label, random_state={SEED}: "
        f"{len(fit_texts)} to fit, {len(val_texts)} to validate; CT24 dev scored once at the end",
        "recipe": f"logistic regression (liblinear, class_weight balanced) over TF-IDF (sublinear tf, smooth idf, min_df {MIN_DF}) word 1-2-grams "
        f"and char_wb {CHAR_NGRAMS[0]}-{CHAR_NGRAMS[1]}-grams hashed into 2^{BITS} columns, each block L2-normalised"
        + (", plus the hand cues: " + ", ".join(HAND_FEATURES) if "cues" in chosen.features else "")
        + "; C and the threshold (highest Yes-F1 on validation) chosen on validation",
        "chosen": {"features": chosen.features, "C": chosen.c, "threshold": chosen.threshold},
        "metrics": {"validation": val_figures.rounded(), "ct24_dev": dev_figures.rounded()},
        "candidates": [{"features": r.features, "C": r.c, "threshold": r.threshold, **r.figures.rounded()} for r in results],
        "files": {p.name: file_sha256(p) for p in sorted(out.iterdir()) if p.name in (WEIGHTS_FILE, CONFIG_FILE)},
        "command": f"python -m spinscope.training.checkworthy --out {out}" + (" --embeddings" if embeddings else ""),
    }


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m spinscope.training.checkworthy", description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=default_folder(), help="the folder holding the CT24 English train and dev files")
    parser.add_argument("--out", type=Path, default=Path("models") / "checkworthy", help="the model folder to write (default: models/checkworthy)")
    parser.add_argument("--embeddings", action="store_true", help="also compare the shared encoder's sentence vectors (minutes)")
    args = parser.parse_args(argv)
    card = train(args.data, args.out, args.embeddings)
    (args.out / "card.json").write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")
    log(f"wrote {args.out}")


if __name__ == "__main__":
    main()

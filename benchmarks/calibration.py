#!/usr/bin/env python
"""How far each detector's span score can be read as a probability, on the validation split.

For every span a detector finds (as `spinscope predict` and `spinscope evaluate` get them), a
hit is the span overlapping a gold span of its predicted technique (`span_hits`: the event the
transformer's score was calibrated to). Printed per detector: the reliability diagram as a table
(10 equal-width score bins: spans, mean score, observed hit rate) and the expected calibration
error (`ece`). For the calibrated detectors (transformer, accurate), also the display threshold:
the lowest score at which the spans kept reach `DISPLAY_PRECISION` (`lowest_threshold`), recorded
in spinscope/techniques/confidence.py, and the precision at the shipped `DISPLAY_THRESHOLD`.

Their Platt scaling was fitted on this same split, so their shipped scores are judged
in sample; the out-of-fold table refits it on alternate halves of the validation articles and
scores each half with the fit on the other (`platt_out_of_fold`, as the trainer measured it for
the model card), which is what to expect on new articles. The baseline's score (span confidence
× technique probability) was never calibrated.

    .venv/bin/python benchmarks/calibration.py [--data ../shared/data/ptc/train] [--detectors transformer,baseline]
"""

from __future__ import annotations

import argparse
import math
import os
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
SHARED = Path(os.environ.get("SPINSCOPE_SHARED", REPO.parent / "shared"))

from spinscope.document import Span  # noqa: E402
from spinscope.eval.ptc import load_ptc, validation_split  # noqa: E402
from spinscope.ingest import document_from_text  # noqa: E402
from spinscope.techniques.confidence import DISPLAY_PRECISION, DISPLAY_THRESHOLD, lowest_threshold  # noqa: E402
from spinscope.techniques.registry import get_detector  # noqa: E402
from spinscope.training.calibration import ece, halves, platt_out_of_fold, reliability, span_features, span_hits  # noqa: E402


def detected(name: str, data: Path) -> tuple[list[str], list[tuple[str, Span]], np.ndarray]:
    """The validation articles, every span ``name`` finds in them with its article, and 1 where it is a hit."""
    ptc = load_ptc(data)
    _train, val = validation_split(list(ptc.articles))
    detector = get_detector(name)
    spans: list[tuple[str, Span]] = []
    hits: list[int] = []
    for a in val:
        doc = document_from_text(ptc.articles[a], id=a, source=f"article{a}.txt")
        found = detector.detect(doc)
        gold = [r for r in ptc.tc if r.article_id == a]
        hits += span_hits([(s.start, s.end, s.score or 0.0) for s in found], [s.label for s in found], gold)
        spans += [(a, s) for s in found]
    return val, spans, np.array(hits)


def table(title: str, p: np.ndarray, y: np.ndarray) -> None:
    print(f"\n{title}: {len(p)} spans, hit rate {y.mean():.3f}, expected calibration error {ece(p, y):.4f}")
    print(f"  {'score bin':>11}  {'spans':>6}  {'mean score':>10}  {'hit rate':>8}")
    for b, (n, conf, rate) in enumerate(reliability(p, y)):
        shown = ("-", "-") if math.isnan(conf) else (f"{conf:.3f}", f"{rate:.3f}")
        print(f"  {b / 10:4.1f} - {(b + 1) / 10:3.1f}  {n:6d}  {shown[0]:>10}  {shown[1]:>8}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=SHARED / "data" / "ptc" / "train")
    parser.add_argument("--detectors", default="transformer,baseline")
    args = parser.parse_args()
    print("hit: the detected span overlaps a gold span of its predicted technique; validation split of", args.data)
    for name in args.detectors.split(","):
        val, spans, y = detected(name, args.data)
        p = np.array([s.score or 0.0 for _a, s in spans])
        if name == "baseline":
            table(f"{name}: shipped score (never calibrated)", p, y)
            continue
        table(f"{name}: shipped score (Platt scaling fitted on this split: in sample)", p, y)
        t = lowest_threshold(p.tolist(), y.tolist(), DISPLAY_PRECISION)
        if t is not None:
            kept = p >= t
            print(f"\nlowest threshold reaching the target: spans scored >= {t:.4f} are {y[kept].mean():.3f} precise ({int(kept.sum())} of {len(p)} spans; target {DISPLAY_PRECISION})")
        shown = p >= DISPLAY_THRESHOLD
        print(f"at the shipped display threshold {DISPLAY_THRESHOLD}: {int(shown.sum())} spans, {y[shown].mean() if shown.any() else float('nan'):.3f} precise")
        X = np.array([span_features(s.attributes["span_confidence"], s.attributes["technique_probability"]) for _a, s in spans])
        table(f"{name}: Platt scaling refitted out of fold (two halves of the validation articles)", platt_out_of_fold(X, y, halves(val, [a for a, _s in spans])), y)


if __name__ == "__main__":
    main()

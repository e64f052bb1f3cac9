"""Which spans a reader sees by default: the one rule, its measured threshold, and how it was measured.

The transformer's span score is calibrated (Platt scaling: P(the span overlaps a gold span of its
predicted technique), expected calibration error 0.023 out of fold, models/minilm/card.json), so
a threshold on it keeps spans of a known precision. Reports and the web result page show spans
at or above `DISPLAY_THRESHOLD` and hide the weaker ones behind a control; `spinscope analyze`
starts its ``--min-score`` there for the text table and JSON (a report keeps every span for its
control); the stored analysis, `predict` and `evaluate` keep every span, so the SemEval figures
never depend on it.

Measured with ``benchmarks/calibration.py --detectors transformer`` on the validation split (74
articles, model 1.2.0: 2,465 detected spans with the span scorer, hit rate 0.267, with a span's
second technique as a span of its own and the calibration refitted over them): the lowest score
at which the spans kept are at least `DISPLAY_PRECISION` precise is 0.3288 (720 spans, precision
0.400); 0.34 keeps 653 spans, precision 0.418 (1.1.0: 2,064 spans, 652 at 0.3288 with precision
0.400, 582 at 0.34 with 0.416). Platt scaling was fitted on the same split, so this is in sample;
its out-of-fold calibration error (0.026 against 0.031 in sample, printed by the same command)
says new articles should be close. The baseline's scores
are not calibrated, so the same threshold means nothing there and its reports show every span.
"""

from __future__ import annotations

from collections.abc import Sequence

# Precision the shown spans must reach on validation: a third better than all the detector's
# spans (0.30), while still showing about 40% of them.
DISPLAY_PRECISION = 0.4
DISPLAY_THRESHOLD = 0.34
# Where a shown span counts as strong: the top 100 validation spans (98 score >= 0.42) were 0.58 precise.
STRONG_SCORE = 0.42


def level(score: float | None) -> str:
    """A calibrated score in words, for the highlight's strength and its label: strong, moderate
    (at or above the display threshold) or weak; "unscored" for a span without a score."""
    if score is None:
        return "unscored"
    return "strong" if score >= STRONG_SCORE else "moderate" if score >= DISPLAY_THRESHOLD else "weak"


def lowest_threshold(scores: Sequence[float], hits: Sequence[int], target: float) -> float | None:
    """The lowest score ``t`` such that the spans scored at least ``t`` are at least ``target``
    precise (share of hits), or None where no such score exists."""
    order = sorted(range(len(scores)), key=lambda i: -scores[i])
    best, kept, hit = None, 0, 0
    for k, i in enumerate(order):
        kept, hit = kept + 1, hit + hits[i]
        last_of_ties = k + 1 == len(order) or scores[order[k + 1]] != scores[i]
        if last_of_ties and hit / kept >= target:
            best = scores[i]
    return best


def reader_threshold(card: dict[str, object]) -> float:
    """The score a reader's view starts at for the model of ``card``: `DISPLAY_THRESHOLD` where
    its scores are calibrated, else 0 (an uncalibrated score has no measured precision to keep)."""
    return DISPLAY_THRESHOLD if is_calibrated(card) else 0.0


def is_shown(score: float | None, floor: float) -> bool:
    """Whether a reader sees a span by default: unscored, or scored at or above ``floor`` (the
    detector's `reader_threshold`). The evidence and voice stages measure and count these only."""
    return score is None or score >= floor


def is_calibrated(card: dict[str, object]) -> bool:
    """Whether a model card records a calibrated span score (the transformer's does, the baseline's does not)."""
    calibration = card.get("calibration")
    return isinstance(calibration, dict) and "span_score_ece" in calibration

"""A detector's figures on the validation split: SI, TC (given gold spans), FLC, per technique.

This is how model cards get their numbers and how two detectors are compared side by side; it
runs the public Detector interface, so it measures exactly what users get.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from spinscope.eval.formats import Labelled
from spinscope.eval.ptc import SPLIT_RULE, load_ptc, validation_split
from spinscope.eval.scorers import per_technique, score_flc, score_si, score_tc
from spinscope.techniques.base import TECHNIQUES
from spinscope.techniques.registry import get_detector


def evaluate(detector_name: str, data: Path, progress: Callable[[str], None] = lambda _id: None) -> dict[str, Any]:
    from spinscope.ingest import document_from_text

    ptc = load_ptc(data)
    _train, val = validation_split(list(ptc.articles))
    held = set(val)
    gold_si = [r for r in ptc.si if r.article_id in held]
    gold_tc = [r for r in ptc.tc if r.article_id in held]
    detector = get_detector(detector_name)
    flc: list[Labelled] = []
    tc: list[Labelled] = []
    started = time.perf_counter()
    for article_id in val:
        doc = document_from_text(ptc.articles[article_id], id=article_id, source=f"article{article_id}.txt")
        flc += [Labelled(article_id, s.start, s.end, s.label) for s in detector.detect(doc)]
        spans = [(r.start, r.end) for r in gold_tc if r.article_id == article_id]
        tc += [Labelled(article_id, s, e, label) for (s, e), (label, _p) in zip(spans, detector.classify(doc, spans), strict=True)]
        progress(article_id)
    seconds = time.perf_counter() - started
    return {
        "detector": detector_name,
        "data_sha256": ptc.sha256,
        "split": SPLIT_RULE,
        "validation_articles": len(val),
        "si": score_si(gold_si, flc).to_dict(),
        "tc": score_tc(gold_tc, tc).to_dict(),
        "flc": score_flc(gold_tc, flc).to_dict(),
        "tc_per_technique": per_technique(gold_tc, tc, TECHNIQUES),
        "seconds": round(seconds, 2),
    }

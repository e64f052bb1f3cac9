"""A detector's figures on the validation split: SI, TC (given gold spans), FLC, per technique.

This is how model cards get their numbers and how two detectors are compared side by side; it
runs the public Detector interface, so it measures exactly what `spinscope predict` writes.
`spinscope analyze` shows the same spans with nested ones of a technique folded into one
(`spinscope.techniques.edges.outermost`), which the official FLC scorer would mark down.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from spinscope.document import Document
from spinscope.eval.formats import Labelled
from spinscope.eval.ptc import SPLIT_RULE, load_ptc, validation_split
from spinscope.eval.scorers import per_technique, score_flc, score_si, score_tc
from spinscope.techniques.base import TECHNIQUES, Detector
from spinscope.techniques.registry import get_detector


def score_detector(
    detector: Detector,
    articles: dict[str, str],
    val: list[str],
    gold_si: list[Labelled],
    gold_tc: list[Labelled],
    document: Callable[[str, str], Document] | None = None,
    progress: Callable[[str], None] = lambda _id: None,
) -> dict[str, Any]:
    """SI, TC (labels for the gold spans), FLC and per-technique figures of ``detector`` on the
    articles ``val``; ``document(id, text)`` makes each Document (default: the bare text)."""
    make = document or (lambda article_id, text: Document(id=article_id, text=text))
    flc: list[Labelled] = []
    tc: list[Labelled] = []
    detect_seconds = 0.0
    started = time.perf_counter()
    for article_id in val:
        doc = make(article_id, articles[article_id])
        t = time.perf_counter()
        flc += [Labelled(article_id, s.start, s.end, s.label) for s in detector.detect(doc)]
        detect_seconds += time.perf_counter() - t
        spans = [(r.start, r.end) for r in gold_tc if r.article_id == article_id]
        tc += [Labelled(article_id, s, e, label) for (s, e), (label, _p) in zip(spans, detector.classify(doc, spans), strict=True)]
        progress(article_id)
    return {
        "si": score_si(gold_si, flc).to_dict(),
        "tc": score_tc(gold_tc, tc).to_dict(),
        "flc": score_flc(gold_tc, flc).to_dict(),
        "tc_per_technique": per_technique(gold_tc, tc, TECHNIQUES),
        "flc_per_technique": per_technique_flc(gold_tc, flc),
        "predicted_spans": len(flc),
        "detect_seconds_validation": round(detect_seconds, 2),
        "seconds": round(time.perf_counter() - started, 2),
    }


def per_technique_flc(gold: list[Labelled], pred: list[Labelled]) -> dict[str, float]:
    out = {}
    for tech in TECHNIQUES:
        g = [r for r in gold if r.technique == tech]
        p = [r for r in pred if r.technique == tech]
        out[tech] = round(score_flc(g, p).f1, 4) if g or p else 0.0
    return out


def rounded(metrics: dict[str, Any], digits: int = 4) -> dict[str, Any]:
    """The figures as a model card writes them: the SI, TC and FLC scores to ``digits`` places."""
    return {k: ({m: round(x, digits) for m, x in v.items()} if k in ("si", "tc", "flc") else v) for k, v in metrics.items()}


def evaluate(detector_name: str, data: Path, progress: Callable[[str], None] = lambda _id: None) -> dict[str, Any]:
    from spinscope.ingest import document_from_text

    ptc = load_ptc(data)
    _train, val = validation_split(list(ptc.articles))
    held = set(val)
    gold_si = [r for r in ptc.si if r.article_id in held]
    gold_tc = [r for r in ptc.tc if r.article_id in held]
    figures = score_detector(
        get_detector(detector_name),
        ptc.articles,
        val,
        gold_si,
        gold_tc,
        # as users get it: trailing boilerplate marked and left out
        document=lambda article_id, text: document_from_text(text, id=article_id, source=f"article{article_id}.txt"),
        progress=progress,
    )
    return {
        "detector": detector_name,
        "data_sha256": ptc.sha256,
        "split": SPLIT_RULE,
        "validation_articles": len(val),
        **{k: figures[k] for k in ("si", "tc", "flc", "tc_per_technique", "seconds")},
    }

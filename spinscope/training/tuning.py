"""Choosing on the validation split what the MiniLM model's training leaves open: decoding
settings and the technique temperature for each precision (fp32, int8), then which precision
ships. The model's passes are made once per precision (`ValCache`)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from spinscope.techniques.activations import softmax
from spinscope.techniques.base import TECHNIQUES
from spinscope.techniques.transformer.decoding import WordDecodeParams
from spinscope.techniques.transformer.inputs import BERT_SPECIALS, SpecialIds
from spinscope.techniques.transformer.model import onnx_session
from spinscope.training.calibration import ece, fit_temperature
from spinscope.training.common import TrainingData, log
from spinscope.training.config import TrainConfig
from spinscope.training.search import coordinate_search
from spinscope.training.validation import ValCache, runtime, si_f1, tc_f1, val_cache

DECODE_GRIDS: dict[str, list[float]] = {
    "threshold": [0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6],
    "max_gap": [0, 1, 2, 3, 5, 8, 1000],
    "min_chars": [0, 4, 8, 12, 16, 24, 32],
    "peak_threshold": [0.0, 0.4, 0.5, 0.6, 0.7, 0.8],
    "line_threshold": [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 1.01],
}


def tune_decode(cache: ValCache, data: TrainingData, quick: bool = False, start: WordDecodeParams | None = None) -> tuple[WordDecodeParams, float]:
    """The SI decoding settings (extent spans only; phrases come later) and their SI F1."""
    return coordinate_search(lambda p: si_f1(cache, data, p), start or WordDecodeParams(), DECODE_GRIDS, 1 if quick else 4)


@dataclass
class Variant:
    """One precision of the exported model, what was chosen for it and how it scored; the
    shipped one's choices grow as the ensemble steps run."""

    path: Path
    cache: ValCache
    decode: WordDecodeParams
    si_f1: float
    tc_f1: float
    temperature: float
    tc_ece_raw: float
    tc_ece: float
    si_mix_scores: dict[str, float] | None = None
    tc_mix_scores: dict[str, float] | None = None
    phrase_search: list[dict[str, Any]] | None = None
    second_search: dict[str, float] | None = None


def tune_precisions(
    cfg: TrainConfig, tokenizer: Any, data: TrainingData, onnx_files: dict[str, Path], history: list[dict[str, Any]], specials: SpecialIds = BERT_SPECIALS
) -> dict[str, Variant]:
    """Decoding and temperature for each exported precision; the last epoch's validation
    figures go into ``history`` from the fp32 file (the same model, no second pass)."""
    tc_rows = data.tc_val_by_article
    variants: dict[str, Variant] = {}
    for name, path in onnx_files.items():
        rt = runtime(onnx_session(path, cfg.threads), tokenizer, cfg, specials)
        t = time.time()
        cache = val_cache(rt, data)
        log(f"{name}: validation forward passes {time.time() - t:.1f}s")
        params, si_best = tune_decode(cache, data, cfg.quick)
        y_tc = np.array([TECHNIQUES.index(r.technique) for r in tc_rows])
        temp = fit_temperature(cache.tc_logits, y_tc)
        p_tc_raw, p_tc = softmax(cache.tc_logits), softmax(cache.tc_logits / temp)
        correct = (p_tc.argmax(1) == y_tc).astype(float)
        variants[name] = Variant(path, cache, params, si_best, tc_f1(cache, tc_rows, temp), temp, ece(p_tc_raw.max(1), correct), ece(p_tc.max(1), correct))
        if name == "fp32" and history and "val_tc_micro_f1" not in history[-1]:
            history[-1]["val_si_f1_default_decoding"] = round(si_f1(cache, data, WordDecodeParams()), 4)
            history[-1]["val_tc_micro_f1"] = round(tc_f1(cache, tc_rows), 4)
            log(f"epoch {history[-1]['epoch']} validation (fp32 ONNX): {history[-1]}")
        v = variants[name]
        log(f"{name}: SI F1 {si_best:.4f}, TC micro-F1 {v.tc_f1:.4f}, temperature {temp:.3f}, TC ECE {v.tc_ece_raw:.4f} -> {v.tc_ece:.4f}")
    # the coordinate search has local optima: give each precision the other's best settings as a second start
    for name, other_name in (("fp32", "int8"), ("int8", "fp32")):
        v = variants[name]
        params, f1 = tune_decode(v.cache, data, cfg.quick, start=variants[other_name].decode)
        if f1 > v.si_f1 + 1e-9:
            v.decode, v.si_f1 = params, f1
        log(f"{name}: SI F1 {v.si_f1:.4f} with {v.decode.to_dict()}")
    return variants


def choose_precision(variants: dict[str, Variant], max_bytes: int) -> tuple[str, float, str | None]:
    """("int8" | "fp32", the larger F1 drop of int8, a note when the size budget ``max_bytes``
    overrode the rule or the shipped file is over it)."""
    fp32, int8 = variants["fp32"], variants["int8"]
    drop = max(fp32.si_f1 - int8.si_f1, fp32.tc_f1 - int8.tc_f1)
    chosen = "int8" if drop <= 0.01 else "fp32"
    size_note = None
    size = fp32.path.stat().st_size
    if chosen == "fp32" and size > max_bytes:
        chosen = "int8"
        size_note = (f"int8 shipped although it scores {drop:.4f} below fp32 (the rule allows 0.01): the fp32 file "
                     f"({size / 1e6:.1f} MB) does not fit the {max_bytes / 1e6:.0f} MB budget for this model")  # fmt: skip
        log("warning: " + size_note)
    shipped = variants[chosen].path.stat().st_size
    if shipped > max_bytes:
        size_note = f"the shipped {chosen} file ({shipped / 1e6:.1f} MB) is over the {max_bytes / 1e6:.0f} MB budget for this model"
        log("warning: " + size_note)
    log(f"int8 vs fp32: largest F1 drop {drop:+.4f} -> shipping {chosen}")
    return chosen, drop, size_note

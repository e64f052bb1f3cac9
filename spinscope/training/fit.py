"""Fine-tuning: both tasks' batches shuffled together, AdamW, one warm-up-and-decay cycle per
epoch, a checkpoint and (but for the last epoch) a validation pass after each epoch.

The same loop trains the MPNet teacher (`spinscope.training.teacher`: another model and its
special ids) and the distilled student (soft labels from `spinscope.training.distil`), on a
GPU with bf16 autocast where ``cfg.device`` says so. Without a teacher, on the CPU, it runs
exactly as it always did (same batches, same random draws, same figures)."""

from __future__ import annotations

import contextlib
import random
import sys
import time
from typing import TYPE_CHECKING, Any

import numpy as np

from spinscope.techniques.base import TECHNIQUES
from spinscope.techniques.transformer.decoding import WordDecodeParams
from spinscope.techniques.transformer.inputs import BERT_SPECIALS, SpecialIds
from spinscope.training.batches import Batch, TcItem, epoch_batches, training_items
from spinscope.training.common import TrainingData, elapsed, log
from spinscope.training.config import TrainConfig
from spinscope.training.torch_model import TorchSession, build_model
from spinscope.training.validation import runtime, si_f1, tc_f1, val_cache

if TYPE_CHECKING:
    from spinscope.training.distil import SoftLabels

FEEDS = ("input_ids", "attention_mask", "token_type_ids", "feats")


def _freeze(cfg: TrainConfig, model: Any) -> None:
    """Word/position embeddings and the lowest ``freeze_layers`` encoder layers stay pretrained."""
    frozen = ["encoder.embeddings."] + [f"encoder.encoder.layer.{i}." for i in range(cfg.freeze_layers)]
    for n, p in model.named_parameters():
        if any(n.startswith(f) for f in frozen):
            p.requires_grad_(False)
    log(f"frozen: {frozen}; trainable parameters {sum(p.numel() for p in model.parameters() if p.requires_grad) / 1e6:.1f}M")


def _class_weights(tc_items: list[TcItem]) -> Any:
    """sqrt(max count / count) per technique, scaled to mean 1 over the training spans."""
    import torch

    counts = np.bincount([it.label for it in tc_items if it.gold], minlength=len(TECHNIQUES)).astype(float)
    w = np.sqrt(counts.max() / np.maximum(counts, 1))
    w = w / (w * counts).sum() * counts.sum()
    log("TC class weights: " + ", ".join(f"{t.split(',')[0]} {x:.2f}" for t, x in zip(TECHNIQUES, w)))
    return torch.tensor(w, dtype=torch.float32)


def _optimizer(cfg: TrainConfig, model: Any) -> Any:
    """AdamW: the heads at ``head_lr``, the encoder at ``lr``, no decay on biases and LayerNorms."""
    import torch

    named = [(n, p) for n, p in model.named_parameters() if p.requires_grad]
    head = [p for n, p in named if not n.startswith("encoder.")]
    enc_decay = [p for n, p in named if n.startswith("encoder.") and not ("bias" in n or "LayerNorm" in n)]
    enc_nodecay = [p for n, p in named if n.startswith("encoder.") and ("bias" in n or "LayerNorm" in n)]
    return torch.optim.AdamW(
        [
            {"params": enc_decay, "lr": cfg.lr, "weight_decay": cfg.weight_decay},
            {"params": enc_nodecay, "lr": cfg.lr, "weight_decay": 0.0},
            {"params": head, "lr": cfg.head_lr, "weight_decay": cfg.weight_decay},
        ]
    )


def _schedule(cfg: TrainConfig, opt: Any, per: int) -> Any:
    """Each epoch its own cycle: linear warm-up and decay to 0, the peak shrinking by
    ``epoch_decay`` each epoch; so a run can stop after any epoch with a finished schedule, and
    `--init` from epoch k's checkpoint continues exactly the schedule of a longer run (dropout
    draws aside)."""
    import torch

    warm = max(1, int(cfg.warmup * per))

    def factor(step: int) -> float:
        k, s_ = divmod(step, per)
        return cfg.epoch_decay**k * min((s_ + 1) / warm, max(0.0, (per - s_) / max(1, per - warm)))

    return torch.optim.lr_scheduler.LambdaLR(opt, factor)


def _losses(losses: list[float]) -> float | None:
    return round(float(np.mean(losses)), 4) if losses else None


def distil_tc_loss(cfg: TrainConfig, logits: Any, b: dict[str, Any], class_w: Any) -> Any:
    """(1 - a) * class-weighted cross-entropy over the gold spans of the batch + a * T^2 *
    KL(teacher || student), both softened by T, over its spans that have a teacher distribution
    (gold or the teacher's own)."""
    import torch
    import torch.nn.functional as F

    a, t = cfg.distil_alpha, cfg.distil_temperature
    soft, gold, y = b["soft"], b["gold"], b["y"]
    has = b["has_soft"] if "has_soft" in b else torch.ones_like(gold)
    kl_i = (soft * (torch.log(soft.clamp(min=1e-8)) - F.log_softmax(logits / t, dim=-1))).sum(-1)
    kl = (kl_i * has).sum() / has.sum().clamp(min=1.0) * t * t
    ce = F.cross_entropy(logits, y, weight=class_w, reduction="none")
    w = class_w[y] * gold
    hard = (ce * gold).sum() / w.sum().clamp(min=1e-6)
    return (1 - a) * hard + a * kl


def _autocast(device: str) -> Any:
    """bf16 autocast on a GPU (no loss scaling needed); nothing on the CPU."""
    import torch

    if device.startswith("cuda"):
        return torch.autocast("cuda", dtype=torch.bfloat16)
    return contextlib.nullcontext()


def _tensors(b: Batch, device: str) -> dict[str, Any]:
    import torch

    return {k: torch.from_numpy(v).to(device) for k, v in b.items()}


def train_model(
    cfg: TrainConfig,
    tokenizer: Any,
    data: TrainingData,
    history: list[dict[str, Any]],
    model: Any = None,
    specials: SpecialIds = BERT_SPECIALS,
    soft: SoftLabels | None = None,
) -> Any:
    """The fine-tuned torch model; appends a row per epoch to ``history``. ``model`` (the
    teacher) replaces the MiniLM one; ``soft`` distils a teacher's labels into it; past
    ``cfg.deadline`` the run stops after the current batch, with a checkpoint."""
    import torch
    from tqdm import tqdm

    torch.manual_seed(cfg.seed)
    if model is None:
        model = build_model(len(TECHNIQUES), encoder_dir=cfg.encoder_dir)
    model.to(cfg.device)
    _freeze(cfg, model)
    si_items, tc_items = training_items(cfg, data, tokenizer, specials, soft)
    log(f"training items: {len(si_items)} SI windows ({sum(len(it.ids) for it in si_items)} pieces), {len(tc_items)} TC spans "
        f"({sum(len(it.seq.ids) for it in tc_items)} pieces)")  # fmt: skip
    class_w = _class_weights(tc_items).to(cfg.device)
    opt = _optimizer(cfg, model)
    rng = random.Random(cfg.seed)
    per = len(epoch_batches(cfg, si_items, tc_items, random.Random(0), specials))
    sched = _schedule(cfg, opt, per)
    first = 1
    if cfg.init is not None:
        model.load_state_dict(torch.load(cfg.init, map_location=cfg.device))
        first = cfg.start_epoch
        for _ in range(1, first):  # the data order and schedule of the epochs already done
            epoch_batches(cfg, si_items, tc_items, rng, specials)
            for _ in range(per):
                sched.step()
        log(f"initialised from {cfg.init}; continuing at epoch {first}")
    bce = torch.nn.BCEWithLogitsLoss(reduction="none")
    ce = torch.nn.CrossEntropyLoss(weight=class_w)
    cfg.checkpoint_dir.mkdir(parents=True, exist_ok=True)
    stopped = False
    last_epoch_s = 0.0
    for epoch in range(first, cfg.epochs + 1):
        if cfg.deadline is not None and epoch > first and elapsed() + last_epoch_s > cfg.deadline:
            log(f"deadline: no time for epoch {epoch} (the last took {last_epoch_s:.0f}s); stopping after epoch {epoch - 1}")
            break
        if epoch > 1:  # a fresh optimiser state and dropout stream per epoch: `--init` reproduces a longer run
            opt.state.clear()
            torch.manual_seed(cfg.seed + epoch)
        model.train()
        t_epoch = time.time()
        batches = epoch_batches(cfg, si_items, tc_items, rng, specials)
        run: dict[str, list[float]] = {"si": [], "tc": []}
        bar = tqdm(batches, desc=f"epoch {epoch}/{cfg.epochs}", mininterval=5, file=sys.stderr)
        for task, nb in bar:
            b = _tensors(nb, cfg.device)
            with _autocast(cfg.device):
                si, tc = model(*(b[k] for k in FEEDS))
            si, tc = si.float(), tc.float()
            if task == "si":
                lm = b["loss_mask"]
                loss = (bce(si, b["y"]) * lm).sum() / lm.sum()
            elif "soft" in b:
                loss = distil_tc_loss(cfg, tc, b, class_w)
            else:
                loss = ce(tc, b["y"])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            run[task].append(float(loss.detach()))
            bar.set_postfix(si=f"{np.mean(run['si'][-50:]) if run['si'] else 0:.3f}", tc=f"{np.mean(run['tc'][-50:]) if run['tc'] else 0:.3f}")
            if cfg.deadline is not None and elapsed() > cfg.deadline:
                log(f"deadline: epoch {epoch} stopped after {len(run['si']) + len(run['tc'])} of {len(batches)} batches")
                stopped = True
                break
        bar.close()
        train_s = time.time() - t_epoch
        last_epoch_s = train_s
        ckpt = cfg.checkpoint_dir / f"epoch{epoch}.pt"
        torch.save(model.state_dict(), ckpt)
        model.eval()
        if epoch == cfg.epochs or stopped:  # the last epoch is measured through the exported fp32 ONNX model (same figures, no second pass)
            history.append({"epoch": epoch, "train_seconds": round(train_s, 1), "checkpoint": str(ckpt),
                            "si_loss": _losses(run["si"]), "tc_loss": _losses(run["tc"])})  # fmt: skip
            log(f"epoch {epoch}: {history[-1]}")
            break
        t_val = time.time()
        cache = val_cache(runtime(TorchSession(model, cfg.device), tokenizer, cfg, specials), data)
        row = {
            "epoch": epoch,
            "train_seconds": round(train_s, 1),
            "si_loss": _losses(run["si"]),
            "tc_loss": _losses(run["tc"]),
            "val_si_f1_default_decoding": round(si_f1(cache, data, WordDecodeParams()), 4),
            "val_tc_micro_f1": round(tc_f1(cache, data.tc_val_by_article), 4),
            "val_seconds": round(time.time() - t_val, 1),
        }
        history.append(row)
        log(f"epoch {epoch}: {row} (checkpoint {ckpt})")
    return model

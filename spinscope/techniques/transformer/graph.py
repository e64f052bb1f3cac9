"""A model folder's ONNX graph: one ``model.onnx``, or parts ``model.onnx.000``, ``.001``, ...

Git hosts refuse files over 100 MB and this repository keeps every shipped file under 50 MB,
but the accurate model (MPNet-base, int8) is a graph of about 110 MB. The trainer
writes a graph over `PART_BYTES` as consecutive parts (`write_graph`), each listed in the
folder's manifest and verified like any other file; the loader joins them in memory
(`read_graph`) and hands onnxruntime the bytes. Small graphs stay one file, so the MiniLM
folder and its hashes are unchanged.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from spinscope.errors import ModelError

MODEL_FILE = "model.onnx"
PART_BYTES = 48_000_000  # under the 50 MB a shipped file may take
_PART = re.compile(re.escape(MODEL_FILE) + r"\.(\d{3})")


def graph_parts(directory: Path) -> list[Path]:
    """The folder's ``model.onnx.NNN`` parts in order ([] where the graph is one file)."""
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.iterdir() if _PART.fullmatch(p.name) and p.is_file())


def has_graph(directory: Path) -> bool:
    """Whether the folder holds a graph in either form."""
    return (directory / MODEL_FILE).is_file() or bool(graph_parts(directory))


def read_graph(directory: Path) -> Path | bytes:
    """The one-file graph's path, or the parts joined; ModelError when the parts are not
    numbered 000, 001, ... without a gap, or when both forms are there (which one is meant?)."""
    parts = graph_parts(directory)
    if not parts:
        return directory / MODEL_FILE
    if (directory / MODEL_FILE).is_file():
        raise ModelError(f"{directory} holds both {MODEL_FILE} and its parts {parts[0].name}...: remove one form (retraining writes one)")
    numbers = [int(p.name.rsplit(".", 1)[1]) for p in parts]
    if numbers != list(range(len(parts))):
        missing = sorted(set(range(max(numbers) + 1)) - set(numbers))
        raise ModelError(f"{directory}: part {MODEL_FILE}.{missing[0]:03d} of the model graph is missing; reinstall spinscope or retrain the model")
    return b"".join(p.read_bytes() for p in parts)


def write_graph(source: Path, directory: Path, part_bytes: int = PART_BYTES) -> list[str]:
    """Copy the graph ``source`` into ``directory`` as one file, or as parts of at most
    ``part_bytes`` when it is larger; the other form's files, and parts left from an earlier
    run, are removed. The names written, in order."""
    for stale in [directory / MODEL_FILE, *graph_parts(directory)]:
        stale.unlink(missing_ok=True)
    if source.stat().st_size <= part_bytes:
        shutil.copyfile(source, directory / MODEL_FILE)
        return [MODEL_FILE]
    names: list[str] = []
    with source.open("rb") as f:
        while chunk := f.read(part_bytes):
            name = f"{MODEL_FILE}.{len(names):03d}"
            (directory / name).write_bytes(chunk)
            names.append(name)
    return names

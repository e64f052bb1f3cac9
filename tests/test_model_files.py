"""Model folders: where they are found, and the sha256 manifest checked each time a model loads."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import spinscope_models
from spinscope.errors import ModelError
from spinscope.techniques.baseline import BaselineModel
from spinscope.techniques.model_files import MANIFEST, models_root, verified_files, write_manifest
from spinscope.techniques.ensemble import Ensemble

LOADERS: dict[str, Callable[[Path], Any]] = {"baseline": BaselineModel.load, "minilm": Ensemble.load}


def _copy(folder: str, tmp_path: Path) -> Path:
    return Path(shutil.copytree(models_root() / folder, tmp_path / folder))


def _flip_a_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def test_model_files_models_root_is_the_installed_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SPINSCOPE_MODELS", raising=False)
    assert models_root() == Path(spinscope_models.__file__).parent


@pytest.mark.parametrize("folder", ["baseline", "minilm"])
def test_model_files_shipped_folders_match_their_manifest(folder: str) -> None:
    listed = json.loads((models_root() / folder / MANIFEST).read_text(encoding="utf-8"))["files"]
    assert "config.json" in listed and "card.json" not in listed and "README.md" not in listed
    digest = verified_files(models_root() / folder)
    assert len(digest) == 64 and int(digest, 16) >= 0


@pytest.mark.parametrize(
    ("folder", "name"), [("baseline", "weights.npz"), ("baseline", "config.json"), ("minilm", "model.onnx"), ("minilm", "tokenizer.json")]
)
def test_model_files_altered_file_stops_the_load(folder: str, name: str, tmp_path: Path) -> None:
    copy = _copy(folder, tmp_path)
    expected = json.loads((copy / MANIFEST).read_text(encoding="utf-8"))["files"][name]
    _flip_a_byte(copy / name)
    with pytest.raises(ModelError, match=re.escape(f"{copy / name} is altered or incomplete")) as caught:
        LOADERS[folder](copy)
    assert f"expects {expected[:12]}..." in str(caught.value)
    assert "sha256 " in str(caught.value) and "reinstall spinscope or retrain the model" in str(caught.value)


@pytest.mark.parametrize("name", ["weights.npz", "config.json"])
def test_model_files_missing_file_is_named(name: str, tmp_path: Path) -> None:
    copy = _copy("baseline", tmp_path)
    (copy / name).unlink()
    with pytest.raises(ModelError, match=re.escape(f"{copy / name} is missing: {MANIFEST} lists it")):
        verified_files(copy)
    with pytest.raises(ModelError, match=re.escape(name)):
        BaselineModel.load(copy)


@pytest.mark.parametrize(("manifest", "message"), [(None, "is missing, so the model files cannot be checked"), ("[1, 2", "is unreadable")])
def test_model_files_missing_or_broken_manifest_stops_the_load(manifest: str | None, message: str, tmp_path: Path) -> None:
    copy = _copy("baseline", tmp_path)
    (copy / MANIFEST).unlink()
    if manifest is not None:
        (copy / MANIFEST).write_text(manifest, encoding="utf-8")
    with pytest.raises(ModelError, match=message):
        BaselineModel.load(copy)


@pytest.mark.parametrize("name", ["card.json", "README.md"])
def test_model_files_descriptions_are_not_hashed(name: str, tmp_path: Path) -> None:
    copy = _copy("baseline", tmp_path)
    (copy / name).write_text("edited by hand", encoding="utf-8")
    assert BaselineModel.load(copy).labels


@pytest.mark.parametrize("folder", ["baseline"])
def test_model_files_write_manifest_then_verify(folder: str, tmp_path: Path) -> None:
    copy = _copy(folder, tmp_path)
    shipped = verified_files(copy)
    _flip_a_byte(copy / "config.json")
    (copy / "extra.bin").write_bytes(b"\x00")
    written = write_manifest(copy)
    assert written == verified_files(copy) != shipped
    assert sorted(json.loads((copy / MANIFEST).read_text(encoding="utf-8"))["files"]) == ["config.json", "extra.bin", "weights.npz"]

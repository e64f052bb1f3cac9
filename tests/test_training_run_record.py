"""A checkpoint trained on a GPU keeps the record of how: `gpu_run reassemble*` writes it beside
the checkpoint, `spinscope train --resume` reads it into the card and the model's README."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from spinscope.training.card import trained_where
from spinscope.training.gpu_run import run_record_path, write_run_record
from spinscope.training.transformer import resumed_run_record

EPOCHS = [
    {"epoch": 1, "train_seconds": 13.5, "val_si_f1_default_decoding": 0.3145, "val_tc_micro_f1": 0.6179},
    {"epoch": 2, "train_seconds": 14.1, "val_si_f1_default_decoding": 0.4175, "val_tc_micro_f1": 0.6195},
]


def gpu_report(folder: Path) -> Path:
    report = {"args": {"teacher_epochs": "2", "teacher_freeze": "0", "budget": "420.0"}, "device": "cuda", "torch": "2.11.0+cu130",
              "gpu": "NVIDIA H100 80GB HBM3", "timings": {"total_s": 40.0}, "teacher": {"epochs": EPOCHS, "seconds": 27.6, "lr": 3e-5}}  # fmt: skip
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "gpu_distil.json").write_text(json.dumps(report), encoding="utf-8")
    return folder


def test_reassembled_teacher_gets_its_gpu_record_beside_it(tmp_path: Path) -> None:
    parts = gpu_report(tmp_path / "parts")
    checkpoint = tmp_path / "teacher.pt"
    written = write_run_record(parts, "teacher", checkpoint)
    assert written == run_record_path(checkpoint) == tmp_path / "teacher.run.json"
    record = resumed_run_record(checkpoint)
    assert record is not None
    assert record["role"] == "teacher" and record["gpu"] == "NVIDIA H100 80GB HBM3"
    assert [e["epoch"] for e in record["epochs"]] == [1, 2] and record["seconds"] == 27.6


def test_parts_without_a_report_leave_no_record(tmp_path: Path) -> None:
    (tmp_path / "parts").mkdir()
    assert write_run_record(tmp_path / "parts", "teacher", tmp_path / "teacher.pt") is None
    assert resumed_run_record(tmp_path / "teacher.pt") is None


def test_a_report_of_another_role_is_refused(tmp_path: Path) -> None:
    parts = gpu_report(tmp_path / "parts")
    with pytest.raises(SystemExit, match="no 'student' block"):
        write_run_record(parts, "student", tmp_path / "student.pt")


def test_unreadable_record_stops_training_with_its_path(tmp_path: Path) -> None:
    run_record_path(tmp_path / "teacher.pt").write_text("{not json", encoding="utf-8")
    with pytest.raises(SystemExit, match=r"teacher\.run\.json is unreadable"):
        resumed_run_record(tmp_path / "teacher.pt")


def test_readme_recipe_names_the_gpu_its_flags_and_best_epoch(tmp_path: Path) -> None:
    parts = gpu_report(tmp_path / "parts")
    write_run_record(parts, "teacher", tmp_path / "teacher.pt")
    record = resumed_run_record(tmp_path / "teacher.pt")
    card = {"base_model": {"arch": "mpnet"}, "training": {"epochs": EPOCHS, "gpu_run": record}}
    line = trained_where(card)
    assert "NVIDIA H100 80GB HBM3 in 27.6 s" in line
    assert "--teacher-only --teacher-epochs 2 --teacher-freeze 0" in line and "--budget" not in line
    assert "SI 0.4175 / TC 0.6195" in line and "reassemble-teacher" in line


def test_readme_recipe_without_a_record_says_only_that_a_gpu_trained_it() -> None:
    line = trained_where({"base_model": {"arch": "mpnet"}, "training": {"epochs": [], "gpu_run": None}})
    assert line.startswith("Reproduce from the checkpoint trained on a GPU")

"""Teacher, soft labels and distilled student in one command on a GPU machine, and the way back.

The GPU machine is lent for minutes at a time, with no network and nothing of ours but what
travels with the call, so one command does all of it, prints figures as it goes (a killed run
still says something), stops by the clock (``--budget``) and always writes the student:

1. the teacher (MPNet-base from the unpacked parcels, `teacher`), trained on the train split,
   validated each epoch (SI, TC, FLC), the best epoch kept;
2. its soft labels for the train and unlabeled articles (`distil.teacher_soft_labels`);
3. the student (MiniLM-L6 from the parcels) trained with them (`fit.train_model` + `distil`),
   validated each epoch, the best epoch kept;
4. into ``--out``: the student's weights in fp16 (the frozen word-embedding matrix left out:
   it is the pretrained one) split into parts of at most 15 MiB, the soft labels, a JSON of
   figures and timings, and the log.

``--teacher-only`` stops after step 1 and sends the teacher back instead (the `accurate`
model): its trained tensors (``--teacher-freeze`` lowest layers stay pretrained, so what was
trained fits one call's 64 MiB back) packed as the parcels were, int8 rows and fp16, checked by
validating the unpacked copy on the GPU before the call ends.

Back on the CPU machine, ``reassemble`` turns the parts into the fp32 checkpoint that
``spinscope train --resume`` reads (export, int8, tuning, calibration, card as usual), and
``reassemble-teacher`` does the same for the teacher.

    python3 scripts/gpu_distil.py --parcels .gpu/p3 --work /tmp/w --data .gpu/data --out $OUT
    python -m spinscope.training.gpu_run reassemble OUT_FOLDER --parcel .gpu/p3 --to /tmp/student.pt
    python -m spinscope.training.gpu_run reassemble-teacher OUT_FOLDER --encoder /tmp/w/mpnet --to /tmp/teacher.pt
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path
from typing import Any, TextIO

from spinscope.training.common import elapsed, load_training_data, log

PART_BYTES = 15 * 1024 * 1024
TEACHER_PART_BYTES = 16_000_000  # a file back from the GPU machine is at most 16 MiB (16,777,216 bytes)
STUDENT_PREFIX = "student.fp16.safetensors."
TEACHER_MANIFESTS = "teacher.json"
LEFT_OUT = ("encoder.embeddings.word_embeddings.weight",)  # frozen while training: the pretrained matrix


class Tee:
    """stdout/stderr also into the log file, flushed at every write (a killed run keeps its log)."""

    def __init__(self, stream: TextIO, log_file: TextIO) -> None:
        self.stream, self.log_file = stream, log_file

    def write(self, s: str) -> int:
        self.stream.write(s)
        self.stream.flush()
        self.log_file.write(s)
        self.log_file.flush()
        return len(s)

    def flush(self) -> None:
        self.stream.flush()
        self.log_file.flush()

    def isatty(self) -> bool:
        return False


def write_student(model: Any, out: Path) -> list[Path]:
    """The student's state_dict in fp16, without LEFT_OUT, as safetensors bytes cut into parts."""
    import torch
    from safetensors.torch import save

    state = {k: v.detach().to("cpu", torch.float16).contiguous() for k, v in model.state_dict().items() if k not in LEFT_OUT}
    blob = save(state, metadata={"left_out": ",".join(LEFT_OUT), "dtype": "float16"})
    paths = []
    for i in range(0, len(blob), PART_BYTES):
        p = out / f"{STUDENT_PREFIX}{i // PART_BYTES:03d}"
        p.write_bytes(blob[i : i + PART_BYTES])
        paths.append(p)
    log(f"student: {len(state)} tensors, {len(blob) / 1e6:.1f} MB fp16 in {len(paths)} part(s)")
    return paths


def write_teacher(model: Any, base: dict[str, Any], out: Path) -> list[Path]:
    """The teacher's trained tensors (``requires_grad``) as `parcels.pack_tensors` parts and
    one manifest file (at most 8 files come back from a call). The encoder's go as their change
    from ``base`` (the pretrained weights unpacked from the parcels, which the CPU side has
    bit for bit): int8 rows of the whole weight lost too much (SI probabilities moved by up to
    0.08 on a PTC article), of the small change almost nothing. The heads go whole, in fp16."""
    from spinscope.training.parcels import pack_tensors

    trained = {n: p.detach().float().cpu().numpy() for n, p in model.named_parameters() if p.requires_grad}
    changes = {n: w - base[n] if n in base else w for n, w in trained.items()}
    parts = pack_tensors("teacher", changes, None, TEACHER_PART_BYTES, fp16=("si_head.", "tc_head."))
    paths = []
    for manifest, blob in parts:
        manifest["changes_from_base"] = sorted(n for n in (e["name"] for e in manifest["tensors"]) if n in base)
        path = out / f"teacher.{manifest['part']}.bin"
        path.write_bytes(blob)
        paths.append(path)
    (out / TEACHER_MANIFESTS).write_text(json.dumps([m for m, _ in parts]) + "\n", encoding="utf-8")
    log(f"teacher: {len(trained)} trained tensors, {sum(v.size for v in trained.values()) / 1e6:.1f}M parameters, "
        f"{sum(p.stat().st_size for p in paths) / 1e6:.1f} MB in {len(paths)} part(s)")  # fmt: skip
    return paths


def encoder_base(model: Any) -> dict[str, Any]:
    """The encoder's weights as built (numpy copies): what `write_teacher`'s changes are from."""
    return {k: v.detach().float().cpu().numpy().copy() for k, v in model.state_dict().items() if k.startswith("encoder.")}


def read_teacher(folder: Path, base: dict[str, Any]) -> dict[str, Any]:
    """The teacher's trained tensors (fp32 numpy) from what `write_teacher` wrote, over ``base``."""
    from spinscope.training.parcels import decode_parts

    manifests = json.loads((folder / TEACHER_MANIFESTS).read_text(encoding="utf-8"))
    tensors = decode_parts(manifests, [(folder / f"teacher.{m['part']}.bin").read_bytes() for m in manifests])
    for name in (n for m in manifests for n in m["changes_from_base"]):
        tensors[name] = base[name] + tensors[name]
    return tensors


def reassemble_teacher(parts_dir: Path, encoder: Path, to: Path) -> Path:
    """The teacher's fp32 checkpoint: the encoder unpacked from the same parcels as on the GPU
    (``encoder``), the trained tensors on top, and the word-embedding rows the parcels left
    out (zeros: no PTC text uses them) from the released all-mpnet-base-v2 (`teacher.mpnet_dir`)."""
    import numpy as np
    import torch
    from safetensors.numpy import load_file

    from spinscope.techniques.base import TECHNIQUES
    from spinscope.training.teacher import mpnet_dir
    from spinscope.training.torch_model import build_model

    model = build_model(len(TECHNIQUES), encoder_dir=encoder, arch="mpnet")
    state = model.state_dict()
    trained = read_teacher(parts_dir, encoder_base(model))
    unknown = set(trained) - set(state)
    if unknown:
        raise SystemExit(f"{parts_dir}: tensors the MPNet model lacks: {sorted(unknown)[:5]}")
    for k, v in trained.items():
        state[k] = torch.from_numpy(np.ascontiguousarray(v))
    key = "encoder.embeddings.word_embeddings.weight"
    word = state[key].numpy().copy()
    original = load_file(str(mpnet_dir() / "model.safetensors"))["embeddings.word_embeddings.weight"]
    missing = ~np.any(word != 0, axis=1)
    word[missing] = original[missing]
    state[key] = torch.from_numpy(word)
    torch.save(state, to)
    log(f"{to}: {len(trained)} trained tensors over the unpacked encoder ({int(missing.sum())} word-embedding rows from the release)")
    return to


def reassemble(parts_dir: Path, parcel: Path, to: Path) -> Path:
    """The fp32 checkpoint (a torch state_dict, as fit.py saves them) from the returned parts;
    the word embeddings as the GPU run had them (dequantised from ``parcel``) where the PTC
    texts use a token, the pretrained ones elsewhere (the GPU side had zeros there)."""
    import numpy as np
    import torch
    from safetensors.numpy import load_file
    from safetensors.torch import load

    from spinscope.training.parcels import load_parts, unpack
    from spinscope.training.torch_model import base_model_dir

    parts = sorted(parts_dir.glob(f"{STUDENT_PREFIX}*"))
    if not parts:
        raise SystemExit(f"{parts_dir}: no {STUDENT_PREFIX}* files")
    state = {k: v.float() for k, v in load(b"".join(p.read_bytes() for p in parts)).items()}
    work = to.parent / (to.stem + ".unpacked")
    unpack(parcel, work)
    shipped = load_parts(work / "raw", "minilm")
    if shipped is None:
        raise SystemExit(f"{parcel}: not the MiniLM parcel")
    word = shipped["embeddings.word_embeddings.weight"]
    original = load_file(str(base_model_dir() / "model.safetensors"))["embeddings.word_embeddings.weight"]
    missing = ~np.any(word != 0, axis=1)
    word[missing] = original[missing]
    state["encoder.embeddings.word_embeddings.weight"] = torch.from_numpy(np.ascontiguousarray(word))
    torch.save(state, to)
    log(f"{to}: {len(state)} tensors ({int(missing.sum())} word-embedding rows from the pretrained model)")
    return to


def run_record_path(checkpoint: Path) -> Path:
    """Where the GPU run's record of a reassembled checkpoint lies: beside it, so that
    ``spinscope train --resume`` finds the epochs and hardware that made it for the card."""
    return checkpoint.with_suffix(".run.json")


def write_run_record(parts_dir: Path, role: str, to: Path) -> Path | None:
    """The part of the GPU call's gpu_distil.json (in ``parts_dir``) that made the checkpoint
    ``to``: the ``role`` ("teacher" or "student") block with its epochs, the card, torch and
    the arguments; None (and nothing written) when the parts came back without it."""
    report_file = parts_dir / "gpu_distil.json"
    if not report_file.is_file():
        log(f"{report_file} missing: the checkpoint's card will not say how the GPU trained it")
        return None
    report = json.loads(report_file.read_text(encoding="utf-8"))
    if role not in report:
        raise SystemExit(f"{report_file}: no {role!r} block (the call trained {sorted(k for k in ('teacher', 'student') if k in report)})")
    record = {"role": role, "gpu": report.get("gpu"), "device": report.get("device"), "torch": report.get("torch"),
              "args": report.get("args"), "timings": report.get("timings"), **report[role]}  # fmt: skip
    path = run_record_path(to)
    path.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    return path


def _dump(out: Path, report: dict[str, Any]) -> None:
    (out / "gpu_distil.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")


def run(args: argparse.Namespace) -> int:
    """Steps 1-4 of the module's docstring; see ``main`` for the arguments."""
    import numpy as np
    import torch

    from spinscope.techniques.transformer.inputs import BERT_SPECIALS, load_tokenizer
    from spinscope.training.config import TrainConfig
    from spinscope.training.distil import read_unlabeled, teacher_soft_labels
    from spinscope.training.fit import train_model
    from spinscope.training.parcels import assemble, unpack
    from spinscope.training.teacher import build_teacher, evaluate, load_best, soft_label_entropy, teacher_config, teacher_tokenizer, validate_history
    from spinscope.training.torch_model import TorchSession
    from spinscope.training.validation import runtime

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    out: Path = args.out
    device = args.device if args.device != "auto" else ("cuda" if torch.cuda.is_available() else "cpu")
    report: dict[str, Any] = {"args": {k: str(v) for k, v in vars(args).items()}, "device": device, "torch": torch.__version__,
                              "python": platform.python_version(), "timings": {}}  # fmt: skip
    if device.startswith("cuda"):
        report["gpu"] = torch.cuda.get_device_name(0)
        torch.set_float32_matmul_precision("high")  # TF32 for the fp32 validation passes
    log(f"device {device} {report.get('gpu', '')}, torch {torch.__version__}; budget {args.budget}s")
    torch.set_num_threads(args.threads)
    for parcel in args.parcels:
        unpack(parcel, args.work)
    assemble(args.work)
    for name in ("mpnet",) if args.teacher_only else ("mpnet", "minilm"):
        if not (args.work / name / "model.safetensors").is_file():
            raise SystemExit(f"{args.work / name}: not unpacked (run the unpack calls first)")
    report["timings"]["unpack_s"] = round(elapsed(), 1)

    data = load_training_data(args.data, args.max_train, args.max_val)
    unlabeled = read_unlabeled(args.data, args.max_unlabeled)
    log(f"{len(data.train)} train, {len(data.val)} validation, {len(unlabeled)} unlabeled articles")
    base = TrainConfig(data=args.data, out=args.work / "student-out", device=device, quick=args.quick, threads=args.threads,
                       checkpoint_dir=args.work / "ckpt", distil_alpha=args.alpha, distil_temperature=args.temperature)  # fmt: skip

    # 1. the teacher
    t0 = time.time()
    cfg_t = teacher_config(base, args.teacher_epochs)
    cfg_t.freeze_layers = args.teacher_freeze
    cfg_t.deadline = args.budget * args.teacher_share
    tok_t, sp_t = teacher_tokenizer(args.work / "mpnet")
    torch.manual_seed(cfg_t.seed)
    teacher = build_teacher(args.work / "mpnet")
    base_t = encoder_base(teacher) if args.teacher_only else {}
    hist_t: list[dict[str, Any]] = []
    teacher = train_model(cfg_t, tok_t, data, hist_t, model=teacher, specials=sp_t)
    validate_history(teacher, tok_t, cfg_t, data, sp_t, hist_t)
    best_t = load_best(teacher, cfg_t, hist_t)
    report["teacher"] = {"epochs": hist_t, "best": best_t, "seconds": round(time.time() - t0, 1), "lr": cfg_t.lr, "head_lr": cfg_t.head_lr,
                         "epoch_decay": cfg_t.epoch_decay, "freeze_layers": cfg_t.freeze_layers}  # fmt: skip
    _dump(out, report)
    if args.teacher_only:
        report["teacher"]["files"] = [p.name for p in write_teacher(teacher, base_t, out)]
        state = {k: torch.from_numpy(v) for k, v in read_teacher(out, base_t).items()}
        teacher.load_state_dict(state, strict=False)
        report["teacher"]["after_transport"] = evaluate(teacher, tok_t, cfg_t, data, sp_t)
        report["timings"]["total_s"] = round(elapsed(), 1)
        _dump(out, report)
        log(f"done in {elapsed():.0f}s: teacher {best_t}; unpacked copy {report['teacher']['after_transport']}")
        return 0

    # 2. soft labels
    t0 = time.time()
    rt = runtime(TorchSession(teacher, device), tok_t, cfg_t, sp_t)
    soft = teacher_soft_labels(rt, data, unlabeled, args.temperature)
    soft.meta = {"teacher_best": best_t, "alpha": args.alpha}
    soft.save(out / "soft_labels.npz")
    report["soft_labels"] = {"seconds": round(time.time() - t0, 1), "tc_entropy_nats": round(soft_label_entropy(soft.tc_probs), 4),
                             "articles": len(soft.char_probs), "bytes": (out / "soft_labels.npz").stat().st_size}  # fmt: skip
    log(f"soft labels: {report['soft_labels']}")
    _dump(out, report)
    del teacher, rt
    if device.startswith("cuda"):
        torch.cuda.empty_cache()

    # 3. the student
    t0 = time.time()
    cfg_s = base
    cfg_s.epochs = args.student_epochs
    cfg_s.encoder_dir = args.work / "minilm"
    cfg_s.checkpoint_dir = args.work / "ckpt" / "student"
    cfg_s.teacher = out / "soft_labels.npz"
    cfg_s.deadline = args.budget - args.reserve
    tok_s = load_tokenizer(args.work / "minilm" / "tokenizer.json")
    hist_s: list[dict[str, Any]] = []
    student = train_model(cfg_s, tok_s, data, hist_s, soft=soft)
    validate_history(student, tok_s, cfg_s, data, BERT_SPECIALS, hist_s)
    best_s = load_best(student, cfg_s, hist_s)
    report["student"] = {"epochs": hist_s, "best": best_s, "seconds": round(time.time() - t0, 1), "alpha": args.alpha,
                         "temperature": args.temperature, "lr": cfg_s.lr, "head_lr": cfg_s.head_lr}  # fmt: skip
    _dump(out, report)

    # 4. the way back
    report["student"]["files"] = [p.name for p in write_student(student, out)]
    report["timings"]["total_s"] = round(elapsed(), 1)
    report["figures"] = {"teacher": {k: v for k, v in best_t.items() if k.startswith("val_")}, "student": {k: v for k, v in best_s.items() if k.startswith("val_")}}
    _dump(out, report)
    log(f"done in {elapsed():.0f}s: teacher {report['figures']['teacher']}, student {report['figures']['student']}")
    _ = np  # numpy is imported for torch's sake
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd")
    r = sub.add_parser("run", help="teacher, soft labels, student (the GPU command)")
    r.add_argument("--work", type=Path, default=Path("/tmp/w"), help="where the parcels are unpacked (mpnet/, minilm/)")
    r.add_argument("--parcels", type=Path, nargs="*", default=[], help="parcels to unpack first (the ones this call carries)")
    r.add_argument("--data", type=Path, default=Path(".gpu/data"), help="the PTC folder with train/ and unlabeled/")
    r.add_argument("--out", type=Path, required=True)
    r.add_argument("--device", default="auto")
    r.add_argument("--teacher-epochs", type=int, default=4)
    r.add_argument("--teacher-freeze", type=int, default=0, help="lowest teacher encoder layers kept as pretrained")
    r.add_argument("--teacher-only", action="store_true", help="train the teacher and send it back (no soft labels, no student)")
    r.add_argument("--student-epochs", type=int, default=4)
    r.add_argument("--alpha", type=float, default=0.5)
    r.add_argument("--temperature", type=float, default=2.0)
    r.add_argument("--budget", type=float, default=400.0, help="seconds for the whole command")
    r.add_argument("--teacher-share", type=float, default=0.5, help="the teacher stops training at this share of the budget")
    r.add_argument("--reserve", type=float, default=60.0, help="seconds kept after the student's training (validation, writing)")
    r.add_argument("--threads", type=int, default=4)
    r.add_argument("--max-train", type=int, default=None)
    r.add_argument("--max-val", type=int, default=None)
    r.add_argument("--max-unlabeled", type=int, default=None)
    r.add_argument("--quick", action="store_true", help="three SI and three TC batches an epoch (smoke test)")
    b = sub.add_parser("reassemble", help="the returned fp16 parts -> an fp32 checkpoint for `spinscope train --resume`")
    b.add_argument("parts", type=Path)
    b.add_argument("--parcel", type=Path, default=Path(".gpu/p3"))
    b.add_argument("--to", type=Path, required=True)
    t = sub.add_parser("reassemble-teacher", help="the returned teacher parts -> an fp32 checkpoint for `spinscope train --arch mpnet --resume`")
    t.add_argument("parts", type=Path)
    t.add_argument("--encoder", type=Path, required=True, help="the MPNet folder unpacked from the same parcels (.gpu/p1, .gpu/p2)")
    t.add_argument("--to", type=Path, required=True)
    args = ap.parse_args(argv)
    if args.cmd == "reassemble-teacher":
        reassemble_teacher(args.parts, args.encoder, args.to)
        write_run_record(args.parts, "teacher", args.to)
        return 0
    if args.cmd == "reassemble":
        reassemble(args.parts, args.parcel, args.to)
        write_run_record(args.parts, "student", args.to)
        return 0
    if args.cmd != "run":
        ap.print_help()
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    log_file = (args.out / "gpu_distil.log").open("a", encoding="utf-8", buffering=1)
    sys.stdout = Tee(sys.__stdout__ or sys.stdout, log_file)
    sys.stderr = Tee(sys.__stderr__ or sys.stderr, log_file)
    try:
        return run(args)
    finally:
        log(f"exit after {elapsed():.0f}s")


if __name__ == "__main__":
    raise SystemExit(main())

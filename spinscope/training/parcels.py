"""Pretrained encoders packed small enough to travel to a GPU machine with no network, and
unpacked there into ordinary Hugging Face model folders.

A GPU call carries at most 64 MiB, and MPNet-base alone is 438 MB in fp32, so the weights go as

* every 2-D matrix int8, symmetric, one fp16 scale per output row (relative error about 1%,
  printed per matrix when packing); 1-D tensors (biases, LayerNorms) fp16;
* the word-embedding matrix only for the token ids that the PTC texts use (train + unlabeled,
  whole articles and every gold span with its context, as the trainers tokenise them) plus the
  special tokens; the other rows come back as zeros. The trainers freeze the embeddings, so
  the rows that travel are exactly the rows any training step reads;
* the bytes zlib-compressed (int8 weights have about 7 bits of entropy: ~11% smaller), split
  into parcels of at most ``max_bytes``, each with a manifest of names, shapes and sha256.

Both sides need numpy and the standard library only; ``unpack`` writes model.safetensors with
the safetensors package (on the GPU machine with transformers). Nothing here imports torch.

    python -m spinscope.training.parcels pack --data ../shared/data/ptc --out .gpu --mpnet DIR --minilm DIR
    python -m spinscope.training.parcels unpack .gpu/p1 --into /tmp/w   # on the GPU machine, once per parcel
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

MODEL_FILES = ("config.json", "tokenizer.json")  # what from_pretrained and load_tokenizer read besides the weights
WORD_EMBEDDINGS = "embeddings.word_embeddings.weight"
SKIP_PREFIXES = ("pooler.", "embeddings.position_ids")  # unused without a pooling layer; a buffer rebuilt on load
PARCEL_BYTES = 48_000_000


def quantize_rows(w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(int8 values, fp16 scale per row): ``w[r] ≈ q[r] * scale[r]``, symmetric, max |w[r]| → 127.

    The scale is rounded to fp16 before the values are computed, so the values fit the scale
    that travels."""
    w = np.asarray(w, dtype=np.float32)
    scale = (np.abs(w).max(axis=1) / 127.0).astype(np.float16)
    s = np.where(scale.astype(np.float32) > 0, scale.astype(np.float32), 1.0)[:, None]
    q = np.clip(np.rint(w / s), -127, 127).astype(np.int8)
    return q, scale


def dequantize_rows(q: np.ndarray, scale: np.ndarray) -> np.ndarray:
    return q.astype(np.float32) * scale.astype(np.float32)[:, None]


def relative_error(w: np.ndarray, w_hat: np.ndarray) -> tuple[float, float]:
    """(largest per-row ||w - ŵ|| / ||w||, largest |w - ŵ| / max |w|) of one matrix."""
    d = (w - w_hat).astype(np.float64)
    rows = np.linalg.norm(d, axis=1) / np.maximum(np.linalg.norm(w.astype(np.float64), axis=1), 1e-12)
    return float(rows.max()), float(np.abs(d).max() / max(float(np.abs(w).max()), 1e-12))


@dataclass
class Entry:
    """One tensor in a parcel: how it was stored and where its bytes are in the parcel's blob."""

    name: str
    shape: list[int]
    kind: str  # "int8rows" | "fp16" | "int8subset" (word embeddings: row ids, then int8rows of those rows)
    offset: int = 0
    nbytes: int = 0
    n_rows: int = 0  # int8subset: how many rows travel


def _encode(name: str, w: np.ndarray, keep_rows: np.ndarray | None, fp16: bool = False) -> tuple[Entry, bytes, tuple[float, float] | None]:
    if fp16:
        return Entry(name, list(w.shape), "fp16"), np.asarray(w, dtype=np.float16).tobytes(), None
    if w.ndim == 2 and keep_rows is not None and name.endswith(WORD_EMBEDDINGS):
        q, s = quantize_rows(w[keep_rows])
        err = relative_error(w[keep_rows], dequantize_rows(q, s))
        data = keep_rows.astype(np.int32).tobytes() + s.tobytes() + q.tobytes()
        return Entry(name, list(w.shape), "int8subset", n_rows=len(keep_rows)), data, err
    if w.ndim == 2:
        q, s = quantize_rows(w)
        return Entry(name, list(w.shape), "int8rows"), s.tobytes() + q.tobytes(), relative_error(w, dequantize_rows(q, s))
    return Entry(name, list(w.shape), "fp16"), np.asarray(w, dtype=np.float16).tobytes(), None


def _decode(e: Entry, data: bytes) -> np.ndarray:
    if e.kind == "fp16":
        return np.frombuffer(data, np.float16).astype(np.float32).reshape(e.shape)
    rows, cols = e.shape
    if e.kind == "int8rows":
        s = np.frombuffer(data, np.float16, rows)
        q = np.frombuffer(data, np.int8, rows * cols, offset=2 * rows).reshape(rows, cols)
        return dequantize_rows(q, s)
    k = e.n_rows
    ids = np.frombuffer(data, np.int32, k)
    s = np.frombuffer(data, np.float16, k, offset=4 * k)
    q = np.frombuffer(data, np.int8, k * cols, offset=6 * k).reshape(k, cols)
    out = np.zeros((rows, cols), np.float32)
    out[ids] = dequantize_rows(q, s)
    return out


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def pack_model(name: str, src: Path, keep_rows: np.ndarray, max_bytes: int = PARCEL_BYTES) -> list[tuple[dict[str, Any], bytes]]:
    """``src``'s model.safetensors as (manifest, compressed blob) parts (`pack_tensors`)."""
    from safetensors.numpy import load_file

    return pack_tensors(name, load_file(str(src / "model.safetensors")), keep_rows, max_bytes)


def pack_tensors(
    name: str, weights: dict[str, np.ndarray], keep_rows: np.ndarray | None, max_bytes: int = PARCEL_BYTES, fp16: tuple[str, ...] = ()
) -> list[tuple[dict[str, Any], bytes]]:
    """``weights`` as (manifest, compressed blob) parts, each blob at most ``max_bytes``
    (tensors are never split); prints each matrix's reconstruction error. Also the way back:
    a teacher's trained tensors leave the GPU machine like this (`gpu_run`), the tensors whose
    names start with one of ``fp16`` (its small heads) in fp16 rather than int8."""
    parts: list[tuple[list[Entry], list[bytes]]] = [([], [])]
    worst = (0.0, 0.0, "")
    compressed_so_far = 0
    for tname in sorted(weights):
        if tname.startswith(SKIP_PREFIXES):
            continue
        entry, data, err = _encode(tname, weights[tname], keep_rows, tname.startswith(fp16) if fp16 else False)
        if err is not None:
            print(f"  {name} {tname} {tuple(weights[tname].shape)} {entry.kind}: max row rel. error {err[0]:.4f}, max abs error / max |w| {err[1]:.4f}")
            if err[0] > worst[0]:
                worst = (err[0], err[1], tname)
        size = len(zlib.compress(data, 6))
        if parts[-1][0] and compressed_so_far + size > max_bytes * 0.995:
            parts.append(([], []))
            compressed_so_far = 0
        parts[-1][0].append(entry)
        parts[-1][1].append(data)
        compressed_so_far += size
    print(f"  {name}: worst matrix {worst[2]}: max row relative error {worst[0]:.4f} (max abs error / max |w| {worst[1]:.4f})")
    out = []
    for i, (entries, datas) in enumerate(parts, 1):
        offset = 0
        for e, d in zip(entries, datas):
            e.offset, e.nbytes = offset, len(d)
            offset += len(d)
        raw = b"".join(datas)
        blob = zlib.compress(raw, 9)
        manifest = {"model": name, "part": i, "parts": len(parts), "raw_sha256": sha256_bytes(raw), "blob_sha256": sha256_bytes(blob),
                    "tensors": [e.__dict__ for e in entries]}  # fmt: skip
        out.append((manifest, blob))
    return out


def token_ids_used(tokenizer_path: Path, texts: Iterable[str]) -> np.ndarray:
    """Sorted ids of every word piece in ``texts`` and every special token of the tokenizer."""
    from spinscope.techniques.transformer.inputs import load_tokenizer

    tok = load_tokenizer(tokenizer_path)
    used: set[int] = set()
    for t in texts:
        used.update(tok.encode(t, add_special_tokens=False).ids)
    config = json.loads(tokenizer_path.read_text(encoding="utf-8"))
    used.update(int(t["id"]) for t in config.get("added_tokens", []))
    for special in ("[CLS]", "[SEP]", "[PAD]", "[UNK]", "[MASK]", "<s>", "</s>", "<pad>", "<unk>", "<mask>"):
        i = tok.token_to_id(special)
        if i is not None:
            used.add(int(i))
    return np.array(sorted(used), dtype=np.int64)


def ptc_texts(data: Path) -> list[str]:
    """What the trainers tokenise: whole articles (train + unlabeled), every gold TC span and
    the context around it (a span's own pieces differ where it cuts a word)."""
    from spinscope.eval.ptc import load_ptc
    from spinscope.techniques.transformer.inputs import line_bounds

    ptc = load_ptc(data / "train")
    texts = list(ptc.articles.values())
    texts += [p.read_text(encoding="utf-8") for p in sorted((data / "unlabeled" / "articles").glob("article*.txt"))]
    for r in ptc.tc:
        text = ptc.articles[r.article_id]
        a, b = line_bounds(text, r.start, r.end)
        a, b = max(a, r.start - 400), min(b, r.end + 400)
        texts += [text[r.start : r.end], text[a : r.start], text[r.end : b]]
    return texts


def pack(data: Path, out: Path, models: dict[str, Path], max_bytes: int = PARCEL_BYTES) -> list[Path]:
    """Parcels p1, p2, ... under ``out`` (models in the order given, a model's parts in order;
    a parcel holds one part) and ``out/data`` (the PTC train and unlabeled folders)."""
    texts = ptc_texts(data)
    folders = []
    n = 0
    for name, src in models.items():
        keep = token_ids_used(src / "tokenizer.json", texts)
        print(f"{name}: {src}; {len(keep)} word-embedding rows travel")
        for manifest, blob in pack_model(name, src, keep, max_bytes):
            n += 1
            folder = out / f"p{n}"
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
            (folder / f"{name}.{manifest['part']}.bin").write_bytes(blob)
            if manifest["part"] == 1:
                for f in MODEL_FILES:
                    shutil.copyfile(src / f, folder / f"{name}.{f}")
                manifest["files"] = {f: sha256_bytes((src / f).read_bytes()) for f in MODEL_FILES}
            (folder / f"{name}.{manifest['part']}.json").write_text(json.dumps(manifest) + "\n", encoding="utf-8")
            size = sum(p.stat().st_size for p in folder.iterdir())
            print(f"{folder}: {name} part {manifest['part']}/{manifest['parts']}, {size / 1e6:.1f} MB")
            folders.append(folder)
    dst = out / "data"
    shutil.rmtree(dst, ignore_errors=True)
    for part in ("train", "unlabeled"):
        shutil.copytree(data / part, dst / part)
    return folders


def unpack(parcel: Path, into: Path) -> list[str]:
    """Check and decompress one parcel into ``into/raw``; every model whose parts are all there
    is then written as ``into/<model>/`` (model.safetensors fp32, config.json, tokenizer.json).
    Returns the models completed."""
    raw_dir = into / "raw"
    raw_dir.mkdir(parents=True, exist_ok=True)
    for mpath in sorted(parcel.glob("*.json")):
        if mpath.name.count(".") != 2 or not mpath.name.split(".")[1].isdigit():
            continue  # the model's own config.json / tokenizer.json
        manifest = json.loads(mpath.read_text(encoding="utf-8"))
        name, part = manifest["model"], manifest["part"]
        blob = (parcel / f"{name}.{part}.bin").read_bytes()
        if sha256_bytes(blob) != manifest["blob_sha256"]:
            raise SystemExit(f"{parcel}/{name}.{part}.bin: sha256 mismatch (damaged in transit)")
        raw = zlib.decompress(blob)
        if sha256_bytes(raw) != manifest["raw_sha256"]:
            raise SystemExit(f"{parcel}/{name}.{part}.bin: decompressed sha256 mismatch")
        (raw_dir / f"{name}.{part}.raw").write_bytes(raw)
        (raw_dir / f"{name}.{part}.json").write_text(json.dumps(manifest), encoding="utf-8")
        for f, sha in manifest.get("files", {}).items():
            src = parcel / f"{name}.{f}"
            if sha256_bytes(src.read_bytes()) != sha:
                raise SystemExit(f"{src}: sha256 mismatch")
            shutil.copyfile(src, raw_dir / f"{name}.{f}")
        print(f"{parcel}: {name} part {part}/{manifest['parts']} checked ({len(raw) / 1e6:.1f} MB raw)", flush=True)
    return assemble(into)


def decode_parts(manifests: list[dict[str, Any]], blobs: list[bytes]) -> dict[str, np.ndarray]:
    """The fp32 tensors of parts as `pack_tensors` made them, each blob checked against its manifest."""
    tensors: dict[str, np.ndarray] = {}
    for manifest, blob in zip(manifests, blobs, strict=True):
        if sha256_bytes(blob) != manifest["blob_sha256"]:
            raise SystemExit(f"{manifest['model']} part {manifest['part']}: sha256 mismatch (damaged in transit)")
        raw = zlib.decompress(blob)
        if sha256_bytes(raw) != manifest["raw_sha256"]:
            raise SystemExit(f"{manifest['model']} part {manifest['part']}: decompressed sha256 mismatch")
        for d in manifest["tensors"]:
            e = Entry(**d)
            tensors[e.name] = _decode(e, raw[e.offset : e.offset + e.nbytes])
    return tensors


def load_parts(raw_dir: Path, name: str) -> dict[str, np.ndarray] | None:
    """The fp32 tensors of model ``name`` from its unpacked parts; None while a part is missing."""
    first = raw_dir / f"{name}.1.json"
    if not first.is_file():
        return None
    parts = json.loads(first.read_text(encoding="utf-8"))["parts"]
    tensors: dict[str, np.ndarray] = {}
    for i in range(1, parts + 1):
        mpath = raw_dir / f"{name}.{i}.json"
        if not mpath.is_file():
            return None
        raw = (raw_dir / f"{name}.{i}.raw").read_bytes()
        for d in json.loads(mpath.read_text(encoding="utf-8"))["tensors"]:
            e = Entry(**d)
            tensors[e.name] = _decode(e, raw[e.offset : e.offset + e.nbytes])
    return tensors


def assemble(into: Path) -> list[str]:
    """Write ``into/<model>/`` for every model whose parts are all in ``into/raw``."""
    from safetensors.numpy import save_file

    raw_dir = into / "raw"
    done = []
    for first in sorted(raw_dir.glob("*.1.json")):
        name = first.name.split(".")[0]
        dst = into / name
        if (dst / "model.safetensors").is_file():
            done.append(name)
            continue
        tensors = load_parts(raw_dir, name)
        if tensors is None:
            print(f"{name}: waiting for its other parts", flush=True)
            continue
        dst.mkdir(parents=True, exist_ok=True)
        for f in MODEL_FILES:
            shutil.copyfile(raw_dir / f"{name}.{f}", dst / f)
        save_file({k: np.ascontiguousarray(v) for k, v in tensors.items()}, str(dst / "model.safetensors"), metadata={"format": "pt"})
        print(f"{dst}: {len(tensors)} tensors, {sum(v.size for v in tensors.values()) / 1e6:.1f}M parameters", flush=True)
        done.append(name)
    return done


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("pack")
    p.add_argument("--data", type=Path, required=True)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--mpnet", type=Path, required=True)
    p.add_argument("--minilm", type=Path, required=True)
    p.add_argument("--max-bytes", type=int, default=PARCEL_BYTES)
    u = sub.add_parser("unpack")
    u.add_argument("parcels", type=Path, nargs="+")
    u.add_argument("--into", type=Path, required=True)
    args = ap.parse_args(argv)
    if args.cmd == "pack":
        pack(args.data, args.out, {"mpnet": args.mpnet, "minilm": args.minilm}, args.max_bytes)
    else:
        for parcel in args.parcels:
            unpack(parcel, args.into)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The trained torch model as ONNX files: fp32, then int8 (dynamic quantisation), both
measured on validation before one ships."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from spinscope.techniques.base import TECHNIQUES
from spinscope.techniques.transformer.inputs import BERT_SPECIALS, N_FEATS, SpecialIds
from spinscope.training.common import log
from spinscope.training.config import TrainConfig
from spinscope.training.torch_model import build_model


def export_onnx(model: Any, path: Path, encoder_dir: Path | None = None, arch: str = "bert", specials: SpecialIds = BERT_SPECIALS) -> None:
    """One self-contained ONNX file (``dynamo=False``) with dynamic batch and length axes; the
    example input is framed with ``specials`` (the encoder's own, MPNet's for arch "mpnet")."""
    import torch

    eager = build_model(len(TECHNIQUES), attn="eager", encoder_dir=encoder_dir, arch=arch)
    eager.load_state_dict(model.state_dict())
    eager.eval()
    x = torch.tensor([[specials.cls, 2023, 2003, 1037, 3231, specials.sep, 2009, specials.sep]], dtype=torch.long)
    args = (x, torch.ones_like(x), torch.tensor([[0, 0, 0, 0, 0, 0, 1, 1]]), torch.zeros((1, N_FEATS)))
    axes = {"input_ids": {0: "batch", 1: "length"}, "attention_mask": {0: "batch", 1: "length"}, "token_type_ids": {0: "batch", 1: "length"},
            "feats": {0: "batch"}, "si_logits": {0: "batch", 1: "length"}, "tc_logits": {0: "batch"}}  # fmt: skip
    with torch.no_grad():
        torch.onnx.export(
            eager, args, str(path), input_names=["input_ids", "attention_mask", "token_type_ids", "feats"],
            output_names=["si_logits", "tc_logits"], dynamic_axes=axes, opset_version=17, dynamo=False,
        )  # fmt: skip


# how each encoder's int8 file is made (the card and config.json say which)
QUANTISATION = {
    "bert": "onnxruntime.quantization.quantize_dynamic, QInt8 weights, per channel",
    "mpnet": "weights only: every float matrix of 65,536 or more values int8, one scale per row, behind a DequantizeLinear "
             "(onnxruntime folds them back to fp32 when the session loads: a small file, fp32 arithmetic)",
}  # fmt: skip
WEIGHTS_ONLY_MIN = 65536  # smaller matrices (the SI head, biases) stay fp32: they cost nothing


def quantize(src: Path, dst: Path, arch: str = "bert") -> None:
    """int8 ``dst`` from fp32 ``src``. MPNet's activations have outlier channels that dynamic
    (per-tensor activation) quantisation cannot hold: its SI F1 fell from 0.466 to 0.239 and TC
    from 0.638 to 0.108 on validation, and leaving out any one kind of matrix (attention q/k/v or
    output, feed-forward in or out, heads) did not help; 4- and 8-bit MatMulNBits ran slower than
    fp32 on this CPU. So MPNet's weights alone are stored in int8 (`weights_only_int8`)."""
    if arch != "bert":
        weights_only_int8(src, dst)
        return
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(str(src), str(dst), weight_type=QuantType.QInt8, per_channel=True)


def weights_only_int8(src: Path, dst: Path) -> None:
    """Every large float matrix as int8 with one fp32 scale per row, rebuilt by a
    DequantizeLinear node in front of the graph; a quarter of the fp32 file."""
    import numpy as np
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    model = onnx.load(str(src))
    graph = model.graph
    kept, dequantize = [], []
    for init in graph.initializer:
        if init.data_type != TensorProto.FLOAT or len(init.dims) != 2 or int(np.prod(init.dims)) < WEIGHTS_ONLY_MIN:
            kept.append(init)
            continue
        w = numpy_helper.to_array(init)
        scale = (np.abs(w).max(axis=1) / 127.0).astype(np.float32)
        scale[scale == 0] = 1.0
        q = np.clip(np.rint(w / scale[:, None]), -127, 127).astype(np.int8)
        names = [f"{init.name}_int8", f"{init.name}_scale", f"{init.name}_zero"]
        kept += [numpy_helper.from_array(q, names[0]), numpy_helper.from_array(scale, names[1]), numpy_helper.from_array(np.zeros(len(scale), np.int8), names[2])]
        dequantize.append(helper.make_node("DequantizeLinear", names, [init.name], axis=0, name=f"{init.name}_dequantize"))
    nodes = [*dequantize, *graph.node]
    del graph.initializer[:]
    graph.initializer.extend(kept)
    del graph.node[:]
    graph.node.extend(nodes)
    onnx.save(model, str(dst))


def export_both(cfg: TrainConfig, model: Any, specials: SpecialIds = BERT_SPECIALS) -> dict[str, Path]:
    """{"fp32": path, "int8": path} in the checkpoint folder. A ``--resume`` run reuses the
    files exported from the same checkpoint (same path and mtime) instead of exporting again."""
    work = cfg.checkpoint_dir
    work.mkdir(parents=True, exist_ok=True)
    fp32, int8 = work / "model.fp32.onnx", work / "model.int8.onnx"
    source = work / "onnx_source.json"
    stamp = {"checkpoint": str(cfg.resume.resolve()), "mtime": cfg.resume.stat().st_mtime} if cfg.resume else None
    fresh = stamp is not None and fp32.is_file() and int8.is_file() and source.is_file() and json.loads(source.read_text()) == stamp
    if fresh:
        log(f"reusing the ONNX files exported from {cfg.resume}")
    else:
        source.unlink(missing_ok=True)
        t = time.time()
        export_onnx(model, fp32, cfg.encoder_dir, cfg.arch, specials)
        log(f"ONNX export: {time.time() - t:.1f}s")
        t = time.time()
        quantize(fp32, int8, cfg.arch)
        log(f"int8 quantisation: {time.time() - t:.1f}s")
        if stamp is not None:
            source.write_text(json.dumps(stamp))
    log(f"exported {fp32} ({fp32.stat().st_size / 1e6:.1f} MB) and {int8} ({int8.stat().st_size / 1e6:.1f} MB)")
    return {"fp32": fp32, "int8": int8}

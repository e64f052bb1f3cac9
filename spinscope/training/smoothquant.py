"""MPNet's int8 graph by SmoothQuant (Xiao et al., 2023): int8 arithmetic where plain dynamic
quantisation wrecks the model.

MPNet's activations carry a few outlier channels a hundred times larger than the rest, so one
int8 scale per activation tensor rounds every other channel to nothing (dynamic quantisation:
SI F1 0.466 -> 0.239, TC 0.638 -> 0.108 on validation). SmoothQuant moves that range into the
weights, where one scale per row holds it: each matrix input is divided channel by channel by
``s = max|x|**alpha / max|w|**(1 - alpha)`` (a ``Mul`` in front of the ``MatMul``) and the
weight's rows are multiplied by the same ``s``, so the product is unchanged in exact arithmetic.
The activation maxima come from training articles read by the run-time model itself (SI windows
and the gold spans' technique passes), so calibration sees the inputs inference will see.

``python -m spinscope.training.smoothquant MODEL_DIR --data PTC`` re-quantises a model folder in
place from an fp32 graph (``--fp32``) or from the int8 weights its own graph holds behind
DequantizeLinear nodes (the first accurate model's weights-only format), refits its span
decoding and calibration, and measures it into its card, without torch or a checkpoint.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from spinscope.training.common import TrainingData, log

ALPHA = 0.8  # how much of the activation range moves into the weights (0.75 gave the same F1)
CALIBRATION_ARTICLES = 30  # training articles whose activations set the maxima
QUANTISATION = (f"SmoothQuant (alpha {ALPHA}, activation maxima over {CALIBRATION_ARTICLES} training articles' SI windows and "
                "gold technique passes), then onnxruntime.quantization.quantize_dynamic, QInt8 weights, per channel")  # fmt: skip


def weight_matmuls(graph: Any) -> dict[str, list[Any]]:
    """The MatMul nodes whose second input is a 2-D float initializer, grouped by their first
    input: the attention's query, key and value read one tensor and must share its ``s``."""
    from onnx import TensorProto

    weights = {i.name for i in graph.initializer if i.data_type == TensorProto.FLOAT and len(i.dims) == 2}
    groups: dict[str, list[Any]] = {}
    for node in graph.node:
        if node.op_type == "MatMul" and node.input[1] in weights:
            groups.setdefault(node.input[0], []).append(node)
    return groups


class MaxRecorder:
    """An onnxruntime session that also returns every matrix input and keeps its largest
    magnitude per channel; stands in for the session inside `MiniLMModel` during calibration."""

    def __init__(self, model: Any, inputs: list[str], threads: int) -> None:
        import onnx
        from onnx import TensorProto, helper

        from spinscope.techniques.transformer.model import onnx_session

        recording = onnx.ModelProto()
        recording.CopyFrom(model)
        recording.graph.output.extend(helper.make_tensor_value_info(name, TensorProto.FLOAT, None) for name in inputs)
        self.session = onnx_session(recording.SerializeToString(), threads)
        self.inputs = inputs
        self.maxima: dict[str, np.ndarray] = {}

    def run(self, names: list[str], feeds: dict[str, np.ndarray]) -> list[np.ndarray]:
        outs: list[np.ndarray] = self.session.run([*names, *self.inputs], feeds)
        for name, x in zip(self.inputs, outs[len(names) :]):
            peak = np.abs(x.reshape(-1, x.shape[-1])).max(axis=0)
            self.maxima[name] = np.maximum(self.maxima[name], peak) if name in self.maxima else peak
        return outs[: len(names)]


def activation_maxima(model: Any, read: Callable[[Any], None], threads: int) -> dict[str, np.ndarray]:
    """Each matrix input's largest |value| per channel while ``read`` runs a `MiniLMModel`-like
    reader over calibration text with the session it is given."""
    recorder = MaxRecorder(model, sorted(weight_matmuls(model.graph)), threads)
    read(recorder)
    return recorder.maxima


def smooth(model: Any, maxima: dict[str, np.ndarray], alpha: float = ALPHA) -> None:
    """Scale every weighted MatMul's input down and its weight rows up by the same ``s``, in place."""
    from onnx import helper, numpy_helper

    inits = {i.name: i for i in model.graph.initializer}
    nodes = list(model.graph.node)
    for source, group in weight_matmuls(model.graph).items():
        ws = [numpy_helper.to_array(inits[n.input[1]]) for n in group]
        w_peak = np.max([np.abs(w).max(axis=1) for w in ws], axis=0)
        s = np.maximum(maxima[source], 1e-5) ** alpha / np.maximum(w_peak, 1e-5) ** (1 - alpha)
        s = np.clip(s, 1e-5, None).astype(np.float32)
        for node, w in zip(group, ws):
            inits[node.input[1]].CopyFrom(numpy_helper.from_array((w * s[:, None]).astype(np.float32), node.input[1]))
        inv = f"{source}_smooth_inv"
        model.graph.initializer.append(numpy_helper.from_array((1 / s).astype(np.float32), inv))
        mul = helper.make_node("Mul", [source, inv], [f"{source}_smoothed"], name=f"{source}_smooth")
        for node in group:
            node.input[0] = mul.output[0]
        nodes.insert(nodes.index(group[0]), mul)
    del model.graph.node[:]
    model.graph.node.extend(nodes)


def dequantized(model: Any) -> None:
    """The graph with weights stored as int8 behind DequantizeLinear nodes turned back into fp32
    initializers, in place: the starting point when no fp32 export is left."""
    from onnx import numpy_helper

    inits = {i.name: i for i in model.graph.initializer}
    kept, used = [], set()
    for node in model.graph.node:
        if node.op_type != "DequantizeLinear" or not all(n in inits for n in node.input):
            kept.append(node)
            continue
        q, scale, zero = (numpy_helper.to_array(inits[n]) for n in node.input)
        axis = next((a.i for a in node.attribute if a.name == "axis"), 1)
        shape = [1] * q.ndim
        shape[axis] = -1
        w = (q.astype(np.float32) - zero.astype(np.float32).reshape(shape)) * scale.reshape(shape)
        model.graph.initializer.append(numpy_helper.from_array(w.astype(np.float32), node.output[0]))
        used.update(node.input)
    fresh = [i for i in model.graph.initializer if i.name not in used]
    del model.graph.initializer[:]
    model.graph.initializer.extend(fresh)
    del model.graph.node[:]
    model.graph.node.extend(kept)


def calibration_reader(tokenizer: Any, data: TrainingData, window: int, stride: int, tc_max_len: int, specials: Any) -> Callable[[Any], None]:
    """A reader (for `activation_maxima`) over the first `CALIBRATION_ARTICLES` training
    articles: their SI windows and their gold spans' technique passes, through `MiniLMModel`."""
    from spinscope.techniques.base import TECHNIQUES
    from spinscope.techniques.transformer.model import MiniLMModel

    def read(session: Any) -> None:
        from tqdm import tqdm

        model = MiniLMModel(session=session, tokenizer=tokenizer, labels=TECHNIQUES, window=window, stride=stride, tc_max_len=tc_max_len, specials=specials)
        for a in tqdm(data.train[:CALIBRATION_ARTICLES], desc="SmoothQuant calibration", leave=False):
            text = data.articles[a]
            model.word_probs(text, len(text))
            model.technique_logits(text, [(r.start, r.end) for r in data.tc_train if r.article_id == a])

    return read


def smooth_quantize(model: Any, dst: Path, read: Callable[[Any], None], threads: int, alpha: float = ALPHA) -> None:
    """``dst``: the fp32 ``model`` (an onnx ModelProto, changed in place) smoothed over the
    activations ``read`` produces, then dynamically quantised to int8 with signed weights, as
    MiniLM's: on AVX512-VNNI uint8 weights ran no faster than fp32 (0.41 s a 256-piece window
    on one thread, signed 0.20), and 7-bit weights (``reduce_range``) cost 0.013 validation SI F1."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    smooth(model, activation_maxima(model, read, threads), alpha)
    with tempfile.TemporaryDirectory() as tmp:
        smoothed = Path(tmp) / "smoothed.onnx"
        onnx.save(model, str(smoothed))
        quantize_dynamic(str(smoothed), str(dst), weight_type=QuantType.QInt8, per_channel=True)


def record_requantisation(model_dir: Path, graph_files: list[str], graph: Path, how: str, alpha: float, threads: int, data: TrainingData) -> None:
    """The card's graph, quantisation and validation figures after a re-quantisation, measured
    through the public detector, and the folder's README rewritten from it."""
    from spinscope.eval.evaluate import rounded, score_detector
    from spinscope.techniques.ensemble import EnsembleDetector
    from spinscope.techniques.model_files import file_sha256
    from spinscope.training.card import write_readme

    path = model_dir / "card.json"
    card = json.loads(path.read_text(encoding="utf-8"))
    before = {k: card["metrics"][k]["f1"] for k in ("si", "tc", "flc") if k in card.get("metrics", {})}
    detector = EnsembleDetector(model_dir, threads=threads, name=card["name"])
    card["metrics"] = {"split": "validation", **rounded(score_detector(detector, data.articles, data.val, data.gold_si_val, data.tc_val))}
    onnx_card = card["onnx"]
    earlier = {k: onnx_card.pop(k) for k in ("quantisation", "int8_vs_fp32", "sha256", "requantised") if k in onnx_card}
    onnx_card.update({"file": graph_files[0] if len(graph_files) == 1 else graph_files, "precision": "int8", "bytes": graph.stat().st_size,
                      "sha256": file_sha256(graph), "quantisation": QUANTISATION.replace(f"alpha {ALPHA}", f"alpha {alpha}"),
                      "requantised": {"by": how, "from": earlier, "f1_before": before}})  # fmt: skip
    path.write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")
    write_readme(model_dir)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m spinscope.training.smoothquant", description=__doc__.split("\n\n")[0])
    parser.add_argument("model_dir", type=Path, help="a transformer model folder (config.json, tokenizer.json, the graph)")
    parser.add_argument("--data", type=Path, required=True, help="the PTC folder (its training articles calibrate)")
    parser.add_argument("--fp32", type=Path, help="the fp32 graph to start from; default: the folder's own, int8 weights dequantised")
    parser.add_argument("--alpha", type=float, default=ALPHA)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args(argv)

    import onnx

    from spinscope.techniques.model_files import write_manifest
    from spinscope.techniques.transformer.graph import read_graph, write_graph
    from spinscope.techniques.transformer.inputs import load_tokenizer
    from spinscope.techniques.transformer.model import config_specials, read_config
    from spinscope.training.common import load_training_data
    from spinscope.training.span_decoding import refit_span_decoding

    config = read_config(args.model_dir)
    if args.fp32:
        model = onnx.load(str(args.fp32))
    else:
        graph = read_graph(args.model_dir)
        model = onnx.load(str(graph)) if isinstance(graph, Path) else onnx.load_from_string(graph)
        dequantized(model)
    data = load_training_data(args.data)
    tokenizer = load_tokenizer(args.model_dir / "tokenizer.json")
    read = calibration_reader(tokenizer, data, int(config["window"]), int(config["stride"]), int(config["tc_max_len"]), config_specials(config))
    how = f"python -m spinscope.training.smoothquant {args.model_dir} --data {args.data}" + (f" --fp32 {args.fp32}" if args.fp32 else "") + f" --alpha {args.alpha}"
    with tempfile.TemporaryDirectory() as tmp:
        dst = Path(tmp) / "model.onnx"
        smooth_quantize(model, dst, read, args.threads, args.alpha)
        graph_files = write_graph(dst, args.model_dir)
        config.pop("fold_weights", None)
        config["precision"] = "int8"
        (args.model_dir / "config.json").write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
        write_manifest(args.model_dir)
        log(f"{args.model_dir}: SmoothQuant int8 graph written (alpha {args.alpha}); refitting its span decoding")
        refit_span_decoding(args.model_dir, data, args.threads, how)
        log("measuring it on the validation split")
        record_requantisation(args.model_dir, graph_files, dst, how, args.alpha, args.threads, data)
    log(f"{args.model_dir}: done; its card and README hold the new figures")
    return 0


if __name__ == "__main__":
    sys.exit(main())

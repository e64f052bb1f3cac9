"""The accurate model's int8 graph: SmoothQuant moves MPNet's outlier activation channels into
the weights so that dynamic int8 quantisation holds them; `dequantized` rebuilds fp32 weights
from a weights-only graph. Needs onnx (in the test extra)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from spinscope.techniques.transformer.model import onnx_session

onnx = pytest.importorskip("onnx", reason="building ONNX graphs needs onnx (the test and train extras)")
from onnx import TensorProto, helper, numpy_helper  # noqa: E402

from spinscope.training.smoothquant import dequantized, smooth, smooth_quantize, weight_matmuls  # noqa: E402

RNG = np.random.default_rng(0)


def _model(nodes: list, inits: list, width: int, outputs: list[tuple[str, int]]) -> object:
    graph = helper.make_graph(
        nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [None, width])],
        [helper.make_tensor_value_info(name, TensorProto.FLOAT, [None, w]) for name, w in outputs], inits,
    )  # fmt: skip
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)  # what torch.onnx.export writes


def _matmul(w: np.ndarray) -> object:
    return _model([helper.make_node("MatMul", ["x", "w"], ["y"])], [numpy_helper.from_array(w, "w")], w.shape[0], [("y", w.shape[1])])


def _outlier_inputs(n: int, width: int) -> np.ndarray:
    x = RNG.normal(size=(n, width)).astype(np.float32)
    x[:, 7] *= 120  # one channel a hundred times larger than the rest, as in MPNet
    return x


def _run(path: Path, x: np.ndarray) -> np.ndarray:
    (y,) = onnx_session(path, 1).run(["y"], {"x": x})
    return np.asarray(y)


def test_smoothquant_holds_outlier_channels_that_plain_dynamic_int8_loses(tmp_path: Path) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    w = RNG.normal(size=(256, 64)).astype(np.float32)
    calib, x = _outlier_inputs(64, 256), _outlier_inputs(16, 256)
    want = x @ w
    fp32, plain, smoothed = tmp_path / "fp32.onnx", tmp_path / "plain.onnx", tmp_path / "smooth.onnx"
    onnx.save(_matmul(w), str(fp32))
    quantize_dynamic(str(fp32), str(plain), weight_type=QuantType.QInt8, per_channel=True)
    smooth_quantize(_matmul(w), smoothed, lambda session: session.run(["y"], {"x": calib}), threads=1)

    def error(path: Path) -> float:
        got = _run(path, x)
        return float(np.abs(got - want).mean() / np.abs(want).mean())

    assert any(n.op_type == "DynamicQuantizeLinear" for n in onnx.load(str(smoothed)).graph.node), "the smoothed graph is not int8"
    assert error(smoothed) < 0.05
    assert error(smoothed) < error(plain) / 2, f"smoothed {error(smoothed):.4f} vs plain {error(plain):.4f}"


def test_smoothing_alone_leaves_the_product_unchanged(tmp_path: Path) -> None:
    w = RNG.normal(size=(32, 8)).astype(np.float32)
    x = _outlier_inputs(5, 32)
    model = _matmul(w)
    smooth(model, {"x": np.abs(x).max(axis=0)}, alpha=0.8)
    onnx.save(model, str(tmp_path / "smoothed.onnx"))
    np.testing.assert_allclose(_run(tmp_path / "smoothed.onnx", x), x @ w, rtol=1e-4, atol=1e-3)


def test_matrices_reading_one_input_share_one_smoothing(tmp_path: Path) -> None:
    """Query, key and value read the same tensor: one Mul in front of all three, not one each."""
    wq, wk = RNG.normal(size=(16, 4)).astype(np.float32), RNG.normal(size=(16, 6)).astype(np.float32)
    nodes = [helper.make_node("MatMul", ["x", "wq"], ["y"]), helper.make_node("MatMul", ["x", "wk"], ["z"])]
    model = _model(nodes, [numpy_helper.from_array(wq, "wq"), numpy_helper.from_array(wk, "wk")], 16, [("y", 4), ("z", 6)])
    assert [len(g) for g in weight_matmuls(model.graph).values()] == [2]
    x = _outlier_inputs(3, 16)
    smooth(model, {"x": np.abs(x).max(axis=0)})
    assert [n.op_type for n in model.graph.node].count("Mul") == 1
    onnx.save(model, str(tmp_path / "g.onnx"))
    y, z = onnx_session(tmp_path / "g.onnx", 1).run(["y", "z"], {"x": x})
    np.testing.assert_allclose(y, x @ wq, rtol=1e-4, atol=1e-3)
    np.testing.assert_allclose(z, x @ wk, rtol=1e-4, atol=1e-3)


def test_dequantized_turns_weights_behind_dequantize_nodes_back_into_fp32(tmp_path: Path) -> None:
    q = RNG.integers(-127, 128, size=(12, 5)).astype(np.int8)
    scale = RNG.uniform(0.01, 0.1, size=12).astype(np.float32)
    inits = [numpy_helper.from_array(q, "w_int8"), numpy_helper.from_array(scale, "w_scale"), numpy_helper.from_array(np.zeros(12, np.int8), "w_zero")]
    nodes = [helper.make_node("DequantizeLinear", ["w_int8", "w_scale", "w_zero"], ["w"], axis=0), helper.make_node("MatMul", ["x", "w"], ["y"])]
    model = _model(nodes, inits, 12, [("y", 5)])
    x = RNG.normal(size=(4, 12)).astype(np.float32)
    onnx.save(model, str(tmp_path / "weights_only.onnx"))
    before = _run(tmp_path / "weights_only.onnx", x)
    dequantized(model)
    assert [n.op_type for n in model.graph.node] == ["MatMul"]
    assert [i.name for i in model.graph.initializer] == ["w"]
    np.testing.assert_allclose(numpy_helper.to_array(model.graph.initializer[0]), q.astype(np.float32) * scale[:, None], rtol=1e-6)
    onnx.save(model, str(tmp_path / "fp32.onnx"))
    np.testing.assert_allclose(_run(tmp_path / "fp32.onnx", x), before, rtol=1e-5, atol=1e-5)

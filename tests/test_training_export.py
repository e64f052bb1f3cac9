"""The accurate model's int8 file: weights alone in int8 (its activations' outliers defeat dynamic
quantisation), folded back to fp32 when onnxruntime loads it. Needs onnx (the train extra)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from spinscope.techniques.transformer.model import onnx_session


def _matmul_graph(path: Path, w: np.ndarray) -> None:
    onnx = pytest.importorskip("onnx", reason="writing an ONNX graph needs onnx (the train extra)")
    from onnx import TensorProto, helper, numpy_helper

    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "w"], ["y"])], "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [None, w.shape[0]])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [None, w.shape[1]])],
        [numpy_helper.from_array(w, "w")],
    )  # fmt: skip
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8), str(path))  # what torch.onnx.export writes


def test_export_weights_only_int8_is_a_quarter_the_size_and_close_to_fp32(tmp_path: Path) -> None:
    from spinscope.training.export import weights_only_int8

    rng = np.random.default_rng(0)
    w = rng.normal(size=(384, 256)).astype(np.float32)
    w[:, 7] *= 40  # an outlier column, as MPNet's activations have: per-row scales keep the other columns exact enough
    fp32, int8 = tmp_path / "fp32.onnx", tmp_path / "int8.onnx"
    _matmul_graph(fp32, w)
    weights_only_int8(fp32, int8)
    assert int8.stat().st_size < fp32.stat().st_size / 3
    x = rng.normal(size=(5, 384)).astype(np.float32)
    want = x @ w
    for fold in (False, True):
        (got,) = onnx_session(int8, 1, fold_weights=fold).run(["y"], {"x": x})
        err = np.abs(got - want).max() / np.abs(want).max()
        assert err < 0.02, f"fold_weights={fold}: relative error {err:.4f}"
    (folded,) = onnx_session(int8, 1, fold_weights=True).run(["y"], {"x": x})
    (unfolded,) = onnx_session(int8, 1).run(["y"], {"x": x})
    np.testing.assert_allclose(folded, unfolded, rtol=1e-5, atol=1e-4)


def test_export_weights_only_leaves_small_matrices_in_fp32(tmp_path: Path) -> None:
    onnx = pytest.importorskip("onnx", reason="reading an ONNX graph needs onnx (the train extra)")
    from spinscope.training.export import weights_only_int8

    w = np.ones((16, 8), np.float32)
    fp32, int8 = tmp_path / "fp32.onnx", tmp_path / "int8.onnx"
    _matmul_graph(fp32, w)
    weights_only_int8(fp32, int8)
    model = onnx.load(str(int8))
    assert [i.name for i in model.graph.initializer] == ["w"] and not [n for n in model.graph.node if n.op_type == "DequantizeLinear"]

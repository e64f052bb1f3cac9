"""Distillation's pieces: weights packed to int8 for the GPU machine and back, the teacher's
per-character probabilities mapped onto the student's word pieces, the teacher's framing ids,
and the TC distillation loss (the only test here that needs torch)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

from spinscope.techniques.transformer.inputs import BERT_SPECIALS, SpecialIds, TcSequence, special_ids, tc_batch, window_batch
from spinscope.training.distil import chars_to_pieces, spread_to_chars
from spinscope.training.parcels import Entry, _decode, _encode, dequantize_rows, quantize_rows


def test_distil_int8_rows_round_trip_within_half_a_step() -> None:
    rng = np.random.default_rng(0)
    w = rng.normal(size=(64, 48)).astype(np.float32) * rng.uniform(0.01, 3, size=(64, 1)).astype(np.float32)
    w[3] = 0.0  # an all-zero row must not divide by zero
    q, s = quantize_rows(w)
    assert q.dtype == np.int8 and s.dtype == np.float16 and s.shape == (64,)
    w_hat = dequantize_rows(q, s)
    step = s.astype(np.float32)[:, None]
    assert np.all(np.abs(w - w_hat) <= step / 2 + 1e-6 * np.abs(w).max())
    assert np.all(w_hat[3] == 0)
    assert np.abs(q).max() <= 127


@pytest.mark.parametrize("name", ["encoder.layer.0.attention.self.query.weight", "embeddings.LayerNorm.weight", "embeddings.word_embeddings.weight"])
def test_distil_parcel_entries_decode_to_what_was_encoded(name: str) -> None:
    rng = np.random.default_rng(1)
    w = rng.normal(size=(10, 8)).astype(np.float32) if name.endswith("weight") and "LayerNorm" not in name else rng.normal(size=(8,)).astype(np.float32)
    keep = np.array([0, 4, 7])
    entry, data, _err = _encode(name, w, keep)
    back = _decode(Entry(**{**entry.__dict__, "nbytes": len(data)}), data)
    assert back.shape == w.shape
    if entry.kind == "fp16":
        np.testing.assert_allclose(back, w, rtol=1e-3, atol=1e-3)
    elif entry.kind == "int8subset":
        np.testing.assert_allclose(back[keep], w[keep], atol=np.abs(w).max() / 127)
        assert np.all(back[[1, 2, 3, 5, 6, 8, 9]] == 0), "rows the texts never use come back as zeros"
    else:
        np.testing.assert_allclose(back, w, atol=np.abs(w).max() / 127)


def test_distil_teacher_chars_map_onto_student_pieces() -> None:
    # "Make America great": the teacher cut "america" as one piece, the student as "amer" + "##ica"
    teacher_offsets = np.array([[0, 4], [5, 12], [13, 18]])
    chars = spread_to_chars(18, teacher_offsets, np.array([0.1, 0.8, 0.4]))
    assert np.isnan(chars[4]) and np.isnan(chars[12]), "spaces carry no probability"
    student_offsets = np.array([[0, 4], [5, 9], [9, 12], [13, 18], [3, 6], [4, 5]])
    got = chars_to_pieces(chars, student_offsets)
    np.testing.assert_allclose(got[:4], [0.1, 0.8, 0.8, 0.4], rtol=1e-6)
    np.testing.assert_allclose(got[4], (0.1 + 0.8) / 2, rtol=1e-6)  # "e a": the space is not averaged in
    assert np.isnan(got[5]), "a piece on uncovered characters only has no teacher value"


class _Tok:
    """Frames like MPNet's tokenizer: <s> 0, </s> 2, <pad> 1."""

    def encode(self, text: str, add_special_tokens: bool = True) -> Any:
        ids = [100 + len(w) for w in text.split()]
        return SimpleNamespace(ids=[0, *ids, 2] if add_special_tokens else ids)

    def token_to_id(self, token: str) -> int | None:
        return {"<pad>": 1, "[PAD]": 4}.get(token)


def test_distil_special_ids_come_from_the_tokenizer_and_frame_the_batches() -> None:
    sp = special_ids(_Tok())
    assert sp == SpecialIds(0, 2, 1)
    x, m = window_batch([np.array([7, 8, 9]), np.array([7])], sp)
    assert x.tolist() == [[0, 7, 8, 9, 2], [0, 7, 2, 1, 1]] and m.tolist() == [[1, 1, 1, 1, 1], [1, 1, 1, 0, 0]]
    x, _m, t = tc_batch([TcSequence([0, 7, 2, 8, 2], 3), TcSequence([0, 7, 2], 3)], sp)
    assert x.tolist() == [[0, 7, 2, 8, 2], [0, 7, 2, 1, 1]] and t.tolist() == [[0, 0, 0, 1, 1], [0, 0, 0, 0, 0]]
    assert window_batch([np.array([7])])[0].tolist() == [[BERT_SPECIALS.cls, 7, BERT_SPECIALS.sep]], "BERT framing stays the default"


def test_distil_tc_loss_mixes_cross_entropy_and_kl() -> None:
    torch = pytest.importorskip("torch")
    from spinscope.training.config import TrainConfig
    from spinscope.training.fit import distil_tc_loss

    logits = torch.tensor([[2.0, 0.0, -1.0], [0.5, 0.2, 0.1]])
    y = torch.tensor([0, 2])
    w = torch.tensor([1.0, 2.0, 0.5])
    soft = torch.softmax(logits / 2.0, dim=-1)
    b = {"soft": soft, "gold": torch.tensor([1.0, 0.0]), "y": y}
    cfg = TrainConfig(data=None, out=None, distil_alpha=0.0, distil_temperature=2.0)  # type: ignore[arg-type]
    hard = torch.nn.functional.cross_entropy(logits[:1], y[:1], weight=w)
    assert torch.allclose(distil_tc_loss(cfg, logits, b, w), hard), "alpha 0: the gold spans' cross-entropy only"
    cfg.distil_alpha = 1.0
    assert float(distil_tc_loss(cfg, logits, b, w)) == pytest.approx(0.0, abs=1e-6), "the student agreeing with the teacher costs nothing"


def test_distil_parts_respect_their_size_and_refuse_damage() -> None:
    from spinscope.training.parcels import decode_parts, pack_tensors

    rng = np.random.default_rng(2)
    weights = {f"encoder.layer.{i}.weight": rng.normal(size=(64, 256)).astype(np.float32) for i in range(6)}
    weights["si_head.weight"] = rng.normal(size=(1, 256)).astype(np.float32)
    parts = pack_tensors("teacher", weights, None, max_bytes=40_000, fp16=("si_head.",))
    assert len(parts) > 1 and all(len(blob) <= 40_000 for _, blob in parts)
    back = decode_parts([m for m, _ in parts], [b for _, b in parts])
    assert set(back) == set(weights)
    np.testing.assert_allclose(back["si_head.weight"], weights["si_head.weight"], rtol=1e-3, atol=1e-3)
    kinds = {d["name"]: d["kind"] for m, _ in parts for d in m["tensors"]}
    assert kinds["si_head.weight"] == "fp16" and kinds["encoder.layer.0.weight"] == "int8rows"
    damaged = bytearray(parts[0][1])
    damaged[10] ^= 0xFF
    with pytest.raises(SystemExit, match="damaged in transit"):
        decode_parts([parts[0][0]], [bytes(damaged)])


def test_distil_teacher_travels_as_its_change_from_the_pretrained_weights(tmp_path: Any) -> None:
    torch = pytest.importorskip("torch", reason="the teacher's way back reads a torch model (the train extra)")
    from spinscope.training.gpu_run import encoder_base, read_teacher, write_teacher

    class Tiny(torch.nn.Module):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__()
            self.encoder = torch.nn.Linear(256, 64)
            self.si_head = torch.nn.Linear(64, 1)

    model = Tiny()
    base = encoder_base(model)
    with torch.no_grad():
        model.encoder.weight.add_(1e-3 * torch.randn_like(model.encoder.weight))
    write_teacher(model, base, tmp_path)
    back = read_teacher(tmp_path, base)
    trained = model.encoder.weight.detach().numpy()
    change = trained - base["encoder.weight"]
    assert np.abs(back["encoder.weight"] - trained).max() <= np.abs(change).max() / 127 + 1e-7
    _q, s = quantize_rows(trained)
    assert np.abs(back["encoder.weight"] - trained).max() < float(s.astype(np.float32).max()) / 20, "far closer than int8 rows of the whole weight"
    np.testing.assert_allclose(back["si_head.weight"], model.si_head.weight.detach().numpy(), rtol=1e-3, atol=1e-3)

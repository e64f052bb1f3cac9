"""The run-time transformer model: the ids a folder's config says it frames inputs with, and a
graph stored as parts (the accurate model's) loading as the one file does."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from spinscope.errors import ModelError
from spinscope.techniques.model_files import write_manifest
from spinscope.techniques.transformer.graph import MODEL_FILE, graph_parts, read_graph, write_graph
from spinscope.techniques.transformer.inputs import BERT_SPECIALS, SpecialIds
from spinscope.techniques.transformer.model import CONFIG_FILE, TOKENIZER_FILE, MiniLMModel, check_specials, config_specials, read_config
from tests.paths import DEMO, REPO

MINILM = REPO / "models" / "minilm"
needs_model = pytest.mark.skipif(not (MINILM / MODEL_FILE).is_file(), reason=f"no transformer model in {MINILM}; run `spinscope train`")
MPNET_SPECIALS = SpecialIds(cls=0, sep=2, pad=1)


def _copy_minilm(target: Path, part_bytes: int | None = None, config: dict[str, object] | None = None) -> Path:
    """models/minilm copied into ``target``: its graph in parts of ``part_bytes`` when given,
    its config replaced by ``config`` when given; the manifest rewritten."""
    target.mkdir()
    for name in (TOKENIZER_FILE, CONFIG_FILE):
        shutil.copyfile(MINILM / name, target / name)
    if config is not None:
        (target / CONFIG_FILE).write_text(json.dumps(config), encoding="utf-8")
    if part_bytes is None:
        shutil.copyfile(MINILM / MODEL_FILE, target / MODEL_FILE)
    else:
        write_graph(MINILM / MODEL_FILE, target, part_bytes)
    write_manifest(target)
    return target


def _mpnet_like_tokenizer() -> object:
    """A real tokenizer that frames a sequence as MPNet's does: <s> ... </s>, padded with <pad>."""
    from tokenizers import Tokenizer, models, pre_tokenizers, processors

    vocab = {"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3, "a": 4, "word": 5}
    tok = Tokenizer(models.WordLevel(vocab, unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    tok.post_processor = processors.TemplateProcessing(single="<s> $A </s>", special_tokens=[("<s>", 0), ("</s>", 2)])
    return tok


def test_specials_are_read_from_the_config() -> None:
    assert config_specials({"specials": {"cls": 0, "sep": 2, "pad": 1}}) == MPNET_SPECIALS


def test_a_config_without_specials_frames_with_bert_ids() -> None:
    assert config_specials({"format": "spinscope-transformer/1"}) == BERT_SPECIALS == SpecialIds(101, 102, 0)


def test_malformed_specials_are_a_model_error() -> None:
    with pytest.raises(ModelError, match="specials"):
        config_specials({"specials": {"cls": 0, "sep": 2}})


def test_a_tokenizer_that_frames_with_the_configs_ids_passes_and_another_fails(tmp_path: Path) -> None:
    tok = _mpnet_like_tokenizer()
    check_specials(tok, MPNET_SPECIALS, tmp_path / TOKENIZER_FILE)
    with pytest.raises(ModelError, match="frames sequences with"):
        check_specials(tok, SpecialIds(0, 2, 0), tmp_path / TOKENIZER_FILE)
    with pytest.raises(ModelError, match="bert-base-uncased"):
        check_specials(tok, BERT_SPECIALS, tmp_path / TOKENIZER_FILE)


@needs_model
def test_the_shipped_minilm_config_has_no_specials_and_loads_with_bert_ids() -> None:
    config = read_config(MINILM)
    assert "specials" not in config, "models/minilm must keep its files (and hashes) as they are"
    assert MiniLMModel.load(MINILM, config, threads=1).specials == BERT_SPECIALS


@needs_model
def test_a_config_whose_specials_the_tokenizer_does_not_frame_fails_to_load(tmp_path: Path) -> None:
    config = {**json.loads((MINILM / CONFIG_FILE).read_text(encoding="utf-8")), "arch": "mpnet", "specials": {"cls": 0, "sep": 2, "pad": 1}}
    folder = _copy_minilm(tmp_path / "m", config=config)
    with pytest.raises(ModelError, match="frames sequences with"):
        MiniLMModel.load(folder, read_config(folder), threads=1)


@needs_model
def test_a_graph_in_parts_loads_and_gives_the_logits_of_the_one_file(tmp_path: Path) -> None:
    whole = _copy_minilm(tmp_path / "whole")
    parted = _copy_minilm(tmp_path / "parted", part_bytes=10_000_000)
    parts = [p.name for p in graph_parts(parted)]
    assert parts == ["model.onnx.000", "model.onnx.001", "model.onnx.002"] and not (parted / MODEL_FILE).exists()
    assert set(parts) <= set(json.loads((parted / "manifest.json").read_text())["files"]), "every part is verified on load"
    assert read_graph(parted) == (MINILM / MODEL_FILE).read_bytes()
    a, b = (MiniLMModel.load(d, read_config(d), threads=1) for d in (whole, parted))
    text = DEMO.read_text(encoding="utf-8")
    spans = [(0, 40), (100, 160)]
    np.testing.assert_array_equal(a.technique_logits(text, spans), b.technique_logits(text, spans))
    np.testing.assert_array_equal(a.word_probs(text, len(text))[1], b.word_probs(text, len(text))[1])


@needs_model
def test_a_missing_or_altered_part_is_a_model_error(tmp_path: Path) -> None:
    parted = _copy_minilm(tmp_path / "parted", part_bytes=10_000_000)
    (parted / "model.onnx.001").write_bytes(b"truncated")
    with pytest.raises(ModelError, match="model.onnx.001 is altered"):
        MiniLMModel.load(parted, read_config(parted), threads=1)
    (parted / "model.onnx.001").unlink()
    with pytest.raises(ModelError, match="part model.onnx.001 of the model graph is missing"):
        read_graph(parted)


def test_read_config_accepts_parts_in_place_of_the_one_file(tmp_path: Path) -> None:
    (tmp_path / CONFIG_FILE).write_text(json.dumps({"format": "spinscope-transformer/1"}), encoding="utf-8")
    (tmp_path / TOKENIZER_FILE).write_text("{}", encoding="utf-8")
    with pytest.raises(ModelError, match="model.onnx missing"):
        read_config(tmp_path)
    (tmp_path / "model.onnx.000").write_bytes(b"x")
    assert read_config(tmp_path)["format"] == "spinscope-transformer/1"


def test_write_graph_keeps_a_small_graph_whole_and_removes_the_other_form(tmp_path: Path) -> None:
    src = tmp_path / "g.onnx"
    src.write_bytes(bytes(range(256)) * 40)  # 10,240 bytes
    out = tmp_path / "out"
    out.mkdir()
    assert write_graph(src, out, part_bytes=4096) == ["model.onnx.000", "model.onnx.001", "model.onnx.002"]
    assert read_graph(out) == src.read_bytes()
    assert write_graph(src, out, part_bytes=1 << 20) == [MODEL_FILE]
    assert graph_parts(out) == [] and read_graph(out) == out / MODEL_FILE


def test_both_forms_in_one_folder_is_a_model_error(tmp_path: Path) -> None:
    (tmp_path / MODEL_FILE).write_bytes(b"a")
    (tmp_path / "model.onnx.000").write_bytes(b"b")
    with pytest.raises(ModelError, match="both"):
        read_graph(tmp_path)

"""The shipped "accurate" detector (models/mpnet): MPNet-base in SmoothQuant int8, its graph in
parts joined on load, run with onnxruntime + tokenizers + numpy only, under its own name."""

from __future__ import annotations

import json

import pytest

from spinscope.document import Document
from spinscope.techniques.base import TECHNIQUES
from spinscope.techniques.ensemble import EnsembleDetector
from spinscope.techniques.model_files import models_root
from spinscope.techniques.transformer.graph import graph_parts
from tests.paths import DEMO

MODEL_DIR = models_root() / "mpnet"
pytestmark = pytest.mark.skipif(not graph_parts(MODEL_DIR), reason=f"no accurate model in {MODEL_DIR}")


@pytest.fixture(scope="module")
def detector() -> EnsembleDetector:
    return EnsembleDetector(MODEL_DIR, threads=2, name="accurate")


def test_accurate_model_finds_techniques_at_word_edges_in_the_demo_article(detector: EnsembleDetector) -> None:
    doc = Document(id="demo", text=DEMO.read_text(encoding="utf-8"))
    spans = detector.detect(doc)
    assert spans, "the demo article should get at least one span"
    for span in spans:
        assert 0 <= span.start < span.end <= doc.content_end
        piece = doc.text[span.start : span.end]
        assert piece.strip() == piece and span.label in TECHNIQUES
        assert span.start == 0 or not (doc.text[span.start - 1].isalnum() and piece[0].isalnum()), f"{piece!r} starts inside a word"
        assert span.end == len(doc.text) or not (doc.text[span.end].isalnum() and piece[-1].isalnum()), f"{piece!r} ends inside a word"
        assert span.score is not None and 0.0 <= span.score <= 1.0


def test_accurate_model_names_itself_and_its_int8_graph(detector: EnsembleDetector) -> None:
    info = detector.info()
    assert info["name"] == "accurate" and "path" not in info
    card = json.loads((MODEL_DIR / "card.json").read_text(encoding="utf-8"))
    config = json.loads((MODEL_DIR / "config.json").read_text(encoding="utf-8"))
    assert card["base_model"]["arch"] == config["arch"] == "mpnet"
    assert config["precision"] == "int8" and "fold_weights" not in config, "a graph with DequantizeLinear weights runs fp32 arithmetic"
    assert card["onnx"]["quantisation"].startswith("SmoothQuant")
    assert card["onnx"]["bytes"] == sum(p.stat().st_size for p in graph_parts(MODEL_DIR))
    assert {"si", "tc", "flc", "tc_per_technique"} <= set(card["metrics"])

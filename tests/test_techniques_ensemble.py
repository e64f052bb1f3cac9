"""The transformer detector: the shipped int8 ONNX model, run with onnxruntime + tokenizers only."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from spinscope.document import BOILERPLATE, Document, Span
from spinscope.errors import ModelError
from spinscope.techniques.base import TECHNIQUES
from spinscope.techniques.transformer import MODEL_FILE, TransformerDetector, models_root
from tests.paths import DEMO, REPO

MODEL_DIR = models_root() / "minilm"
needs_model = pytest.mark.skipif(not (MODEL_DIR / MODEL_FILE).is_file(), reason=f"no transformer model in {MODEL_DIR}; run `spinscope train`")

TEXT = (
    "Outrage as corrupt elites betray our great nation\n\n"
    "The radical mayor, a shameless liar, said the city would never surrender to these thugs.\n"
    "Make America great again! Make America great again!\n"
    "Everyone knows the truth: they want to destroy everything we love.\n"
    "Related articles: subscribe to our newsletter for more stories like this one.\n"
)


@pytest.fixture(scope="module")
def detector() -> TransformerDetector:
    return TransformerDetector(MODEL_DIR, threads=2)


@needs_model
def test_detect_runs_without_torch_and_spans_are_exact() -> None:
    """In a fresh interpreter: detect, then check torch/transformers were never imported."""
    code = (
        "import sys, json\n"
        "from spinscope.document import Document\n"
        "from spinscope.techniques.registry import get_detector\n"
        f"doc = Document(id='t', text={TEXT!r})\n"
        "spans = get_detector('transformer').detect(doc)\n"
        "print(json.dumps({'n': len(spans), 'torch': 'torch' in sys.modules, 'transformers': 'transformers' in sys.modules}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result == {"n": result["n"], "torch": False, "transformers": False}


@needs_model
def test_detect_offsets_labels_scores(detector: TransformerDetector) -> None:
    doc = Document(id="demo", text=DEMO.read_text(encoding="utf-8"))
    spans = detector.detect(doc)
    assert spans, "the demo article should get at least one span"
    for span in spans:
        assert isinstance(span, Span)
        assert 0 <= span.start < span.end <= doc.content_end
        assert span.text(doc) == doc.text[span.start : span.end]
        assert span.text(doc).strip() == span.text(doc), "spans start and end on word boundaries"
        assert span.label in TECHNIQUES
        assert span.score is not None and 0.0 <= span.score <= 1.0


@needs_model
def test_detect_stays_before_boilerplate(detector: TransformerDetector) -> None:
    cut = TEXT.index("Related articles")
    doc = Document(id="t", text=TEXT).with_spans(BOILERPLATE, [Span(cut, len(TEXT), "boilerplate")])
    assert doc.content_end == cut
    assert all(s.end <= cut for s in detector.detect(doc))


@needs_model
def test_classify_one_label_per_span(detector: TransformerDetector) -> None:
    doc = Document(id="t", text=TEXT)
    wanted = [(TEXT.index("shameless liar"), TEXT.index("shameless liar") + len("shameless liar"))]
    slogan = TEXT.index("Make America great again!")
    wanted += [(slogan, slogan + len("Make America great again")), (slogan, slogan + len("Make America great again"))]
    got = detector.classify(doc, wanted)
    assert len(got) == len(wanted)
    for label, prob in got:
        assert label in TECHNIQUES
        assert 0.0 <= prob <= 1.0
    assert got[1][0] != got[2][0], "a repeated span gets its next most likely technique"
    assert detector.classify(doc, []) == []
    with pytest.raises(ValueError):
        detector.classify(doc, [(0, len(TEXT) + 5)])


@needs_model
def test_info_and_card(detector: TransformerDetector) -> None:
    info = detector.info()
    assert info["name"] == "transformer"
    card = json.loads((MODEL_DIR / "card.json").read_text(encoding="utf-8"))
    assert card["base_model"]["model.safetensors_sha256"].startswith("53aa5117")
    assert {"si", "tc", "flc"} <= set(card["metrics"])


def test_missing_model_is_a_model_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="transformer model not found"):
        TransformerDetector(tmp_path / "nowhere")


def test_registry_knows_transformer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from spinscope.techniques import registry

    assert "transformer" in registry.DETECTORS
    monkeypatch.setenv("SPINSCOPE_MODELS", str(tmp_path))
    registry.get_detector.cache_clear()
    try:
        with pytest.raises(ModelError):
            registry.get_detector("transformer")
    finally:
        registry.get_detector.cache_clear()


def test_decode_drops_short_fragments_and_stays_in_lines() -> None:
    import numpy as np

    from spinscope.techniques.transformer import ArticleTokens, DecodeParams, decode

    text = "aa bbbbbbbbbb cc\ndd eeeeeeeeee"
    words = np.array([[0, 2], [3, 13], [14, 16], [17, 19], [20, 30]])
    art = ArticleTokens(np.zeros(5, np.int64), words, np.arange(5), words, np.array([0, 0, 0, 1, 1]))
    p = np.array([0.9, 0.9, 0.1, 0.9, 0.9])
    spans = decode(text, art, p, DecodeParams(threshold=0.5, max_gap=5, min_chars=0))
    assert [(s, e) for s, e, _ in spans] == [(0, 13), (17, 30)], "runs never cross a line break"
    assert decode(text, art, np.array([0.9, 0.1, 0.1, 0.1, 0.1]), DecodeParams(threshold=0.5, min_chars=3)) == []


def test_train_without_torch_says_what_to_install(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from typer.testing import CliRunner

    from spinscope import cli

    monkeypatch.setattr(cli, "_importable", lambda module: module != "torch")
    result = CliRunner().invoke(cli.app, ["train", "--data", str(REPO)])
    assert result.exit_code == 2
    said = result.output + (result.stderr if hasattr(result, "stderr") else "") + capsys.readouterr().err
    assert "pip install torch==2.13.0" in said and "pip install -e '.[train]'" in said


def test_count_phrase_matches_whole_word_regex_count() -> None:
    import re

    from spinscope.techniques.transformer import count_phrase

    text = "a a a a b ab a a ba a a"
    for key in ("a", "a a", "a a a", "b", "ab", "ba a", "x"):
        expected = len(re.findall(r"(?<!\w)" + re.escape(key) + r"(?!\w)", text))
        assert count_phrase(key, f" {text} ") == expected, key


def test_length_batches_keep_similar_lengths_together() -> None:
    from spinscope.techniques.transformer import length_batches

    lengths = [96, 20, 90, 22, 95, 50]
    batches = length_batches(lengths, max_batch=2, slack=0.2)
    assert sorted(i for b in batches for i in b) == list(range(6)), "every item once"
    assert all(len(b) <= 2 for b in batches)
    for b in batches:
        assert min(lengths[i] for i in b) >= 0.8 * max(lengths[i] for i in b)
    assert length_batches([], 8, 0.2) == []


def test_windows_cover_the_article_with_the_short_tail_batched_alone() -> None:
    from spinscope.techniques.transformer import length_batches, windows

    wins = windows(900, 256, 192)
    covered = set()
    for a, b in wins:
        assert b - a <= 254
        covered.update(range(a, b))
    assert covered == set(range(900))
    batches = length_batches([b - a for a, b in wins], 16, 0.2)
    assert len(batches) == 2 and batches[1] == [len(wins) - 1], "full windows in one batch, the short last one alone"

"""The "transformer" detector: the shipped int8 MiniLM model mixed with the baseline, run with
onnxruntime + tokenizers + numpy only."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from spinscope.document import BOILERPLATE, Document, Span
from spinscope.errors import ModelError
from spinscope.techniques.base import TECHNIQUES
from spinscope.techniques.ensemble import EnsembleDetector
from spinscope.techniques.model_files import models_root
from spinscope.techniques.transformer.model import MODEL_FILE
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
def detector() -> EnsembleDetector:
    return EnsembleDetector(MODEL_DIR, threads=2)


@needs_model
def test_detect_runs_without_torch_and_spans_are_exact() -> None:
    """In a fresh interpreter: detect, then check torch, transformers and the trainers were never imported."""
    code = (
        "import sys, json\n"
        "from spinscope.document import Document\n"
        "from spinscope.techniques.registry import get_detector\n"
        f"doc = Document(id='t', text={TEXT!r})\n"
        "spans = get_detector('transformer').detect(doc)\n"
        "print(json.dumps({'n': len(spans), 'torch': 'torch' in sys.modules, 'transformers': 'transformers' in sys.modules,\n"
        "                  'training': 'spinscope.training' in sys.modules}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result == {"n": result["n"], "torch": False, "transformers": False, "training": False}


@needs_model
def test_detect_offsets_labels_scores(detector: EnsembleDetector) -> None:
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
def test_detect_stays_before_boilerplate(detector: EnsembleDetector) -> None:
    cut = TEXT.index("Related articles")
    doc = Document(id="t", text=TEXT).with_spans(BOILERPLATE, [Span(cut, len(TEXT), "boilerplate")])
    assert doc.content_end == cut
    assert all(s.end <= cut for s in detector.detect(doc))


@needs_model
def test_classify_one_label_per_span(detector: EnsembleDetector) -> None:
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
def test_info_and_card(detector: EnsembleDetector) -> None:
    info = detector.info()
    assert info["name"] == "transformer"
    assert "path" not in info, "an absolute path would leak into every saved analysis"
    assert info["tc_baseline_weight"] > 0 and info["si_baseline_weight"] > 0, "the shipped model is an ensemble"
    card = json.loads((MODEL_DIR / "card.json").read_text(encoding="utf-8"))
    assert card["base_model"]["model.safetensors_sha256"].startswith("53aa5117")
    assert {"si", "tc", "flc"} <= set(card["metrics"])


def test_missing_model_is_a_model_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="transformer model not found"):
        EnsembleDetector(tmp_path / "nowhere")


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


def test_registry_knows_accurate_and_says_how_to_get_its_missing_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from spinscope.techniques import registry

    assert registry.MODEL_FOLDERS["accurate"] == ("mpnet", "baseline")
    (tmp_path / "baseline").symlink_to(MODEL_DIR.parent / "baseline")
    monkeypatch.setenv("SPINSCOPE_MODELS", str(tmp_path))
    with pytest.raises(ModelError, match=r"accurate detector's model is not installed: no .*mpnet; .*spinscope train --arch mpnet"):
        registry.check_detector("accurate")
    registry.get_detector.cache_clear()
    try:
        with pytest.raises(ModelError, match=r"accurate model not found: model.onnx, tokenizer.json, config.json missing"):
            registry.get_detector("accurate")
    finally:
        registry.get_detector.cache_clear()


@needs_model
def test_accurate_detector_runs_the_mpnet_folder_under_its_own_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Any transformer folder named mpnet runs as "accurate" (here the MiniLM one stands in for
    it), and every stored result says "accurate"."""
    from spinscope.techniques import registry

    (tmp_path / "mpnet").symlink_to(MODEL_DIR)
    (tmp_path / "baseline").symlink_to(MODEL_DIR.parent / "baseline")
    monkeypatch.setenv("SPINSCOPE_MODELS", str(tmp_path))
    registry.get_detector.cache_clear()
    try:
        registry.check_detector("accurate")
        accurate = registry.get_detector("accurate")
        assert accurate.name == "accurate" and accurate.info()["name"] == "accurate"
        assert accurate.component()["name"] == "accurate"
        assert accurate.detect(Document(id="t", text=TEXT)), "the same model finds spans under either name"
    finally:
        registry.get_detector.cache_clear()


@needs_model
def test_component_names_both_model_folders(detector: EnsembleDetector) -> None:
    import hashlib

    from spinscope.techniques.model_files import verified_files

    component = detector.component()
    assert set(component) == {"name", "version", "model_sha256"}
    assert component["name"] == "transformer" and component["version"] == detector.info()["version"]
    both = hashlib.sha256((verified_files(MODEL_DIR) + "\n" + verified_files(MODEL_DIR.parent / "baseline")).encode())
    assert component["model_sha256"] == both.hexdigest()


@needs_model
def test_detect_reads_the_sentence_group_when_present(detector: EnsembleDetector) -> None:
    """Spans are the same whether the detector segments the text itself or reads the sentences
    a sentence stage wrote (the same ones)."""
    from spinscope.document import SENTENCE
    from spinscope.nlp.segment import sentences

    doc = Document(id="t", text=TEXT)
    grouped = doc.with_spans(SENTENCE, [Span(s, e, "sentence") for s, e in sentences(TEXT)])
    assert detector.detect(grouped) == detector.detect(doc)


@needs_model
def test_baseline_word_probs_go_to_the_word_holding_the_token_start(detector: EnsembleDetector) -> None:
    from spinscope.techniques.features import ArticleView

    model = detector.model
    art, _ = model.minilm.word_probs(TEXT, len(TEXT))
    view = ArticleView.build(TEXT)
    got = model.baseline_word_probs(art, view)
    assert model.baseline is not None
    p_tok = model.baseline.token_probs(view, model.baseline.sentence_probs(view))
    for w, (start, _end) in enumerate(art.words.tolist()):
        holding = [i for i, (s, e) in enumerate(view.toks) if s <= start < e]
        assert got[w] == (p_tok[holding[0]] if holding else 0.0)


def _model_copy(tmp_path: Path, change: dict[str, object], drop: tuple[str, ...] = ()) -> Path:
    """The shipped model folder with its config changed (the big files linked, the manifest rewritten)."""
    from spinscope.techniques.model_files import write_manifest

    folder = tmp_path / "minilm"
    folder.mkdir()
    for name in ("model.onnx", "tokenizer.json", "card.json", "span_scorer.json"):
        if (MODEL_DIR / name).is_file():
            (folder / name).symlink_to(MODEL_DIR / name)
    config = json.loads((MODEL_DIR / "config.json").read_text(encoding="utf-8"))
    config = {k: v for k, v in {**config, **change}.items() if k not in drop}
    (folder / "config.json").write_text(json.dumps(config), encoding="utf-8")
    write_manifest(folder)
    return folder


@needs_model
def test_detect_gives_a_likely_runner_up_technique_its_own_span(tmp_path: Path) -> None:
    """With the threshold at 0 every detected span comes twice, with its two most likely
    techniques, each scored by the calibration from its own probability."""
    detector = EnsembleDetector(_model_copy(tmp_path, {"second_technique_min": 0.0}), threads=2)
    doc = Document(id="demo", text=DEMO.read_text(encoding="utf-8"))
    spans = detector.detect(doc)
    by_words: dict[tuple[int, int], list[Span]] = {}
    for span in spans:
        by_words.setdefault((span.start, span.end), []).append(span)
    assert by_words and all(len(group) == 2 for group in by_words.values())
    cal = detector.model.calibration
    for (start, end), (first, second) in by_words.items():
        assert first.label != second.label
        assert doc.text[start:end].strip() == doc.text[start:end]
        for span in (first, second):
            attrs = span.attributes
            assert span.score == pytest.approx(cal.score(attrs["span_confidence"], attrs["technique_probability"]), abs=1e-5)
        assert first.attributes["span_confidence"] == second.attributes["span_confidence"]
    assert detector.info()["second_technique_min"] == 0.0


@needs_model
def test_detect_without_second_technique_key_gives_one_technique_a_span(tmp_path: Path, detector: EnsembleDetector) -> None:
    """A config from before the key decodes as before: the shipped spans less the runner-ups."""
    old = EnsembleDetector(_model_copy(tmp_path, {}, drop=("second_technique_min",)), threads=2)
    doc = Document(id="demo", text=DEMO.read_text(encoding="utf-8"))
    before = [(s.start, s.end, s.label, s.score) for s in old.detect(doc)]
    now = [(s.start, s.end, s.label, s.score) for s in detector.detect(doc)]
    assert len({(s, e) for s, e, _, _ in before}) == len(before)
    assert set(before) <= set(now)
    extra = [span for span in now if span not in before]
    assert all(any(b[:2] == span[:2] and b[2] != span[2] for b in before) for span in extra)
    assert old.info()["second_technique_min"] > 1


@needs_model
def test_config_without_span_scorer_decodes_word_runs_as_before(tmp_path: Path) -> None:
    from spinscope.techniques.transformer.decoding import decode_words

    old = EnsembleDetector(_model_copy(tmp_path, {}, drop=("span_scorer",)), threads=2).model
    assert old.scorer is None and old.config.get("span_scorer") is None
    art, p = old.word_probs(TEXT, len(TEXT))
    assert old.find_spans(TEXT, len(TEXT)) == decode_words(TEXT, art, p, old.decode)


@needs_model
def test_span_scorer_spans_come_with_the_decoded_spans_inside_them(detector: EnsembleDetector) -> None:
    """With a scorer: its chosen spans (none overlapping another) and the decoding's spans that
    lie inside one; every span still gets a calibrated score in [0, 1]."""
    from spinscope.nlp.segment import sentence_spans
    from spinscope.techniques.transformer.decoding import decode_words
    from spinscope.techniques.transformer.span_scorer import WordView

    model = detector.model
    if model.scorer is None:
        pytest.skip(f"{MODEL_DIR} names no span scorer")
    doc = Document(id="demo", text=DEMO.read_text(encoding="utf-8"))
    view = model.baseline_view(doc.text, doc.content_end, sentence_spans(doc))
    found = model.find_spans(doc.text, doc.content_end, view)
    art, p, p_base = model.word_parts(doc.text, doc.content_end, view)
    assert view is not None
    chosen = model.scorer.spans(WordView(doc.text, doc.content_end, view.sents, art, p, p_base), model.decode, model.si_weight)
    decoded = decode_words(doc.text, art, p, model.decode)
    inside = [d for d in decoded if any(s <= d[0] and d[1] <= e for s, e, _ in chosen)]
    assert chosen and found == sorted(set(chosen) | set(inside))
    assert all(e1 <= s2 for (_, e1, _), (s2, _, _) in zip(chosen, chosen[1:]))
    spans = detector.detect(doc)
    assert spans and all(0 <= s.score <= 1 for s in spans)
    assert detector.info()["span_scorer"] == "span_scorer.json"

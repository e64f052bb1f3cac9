"""The baseline detector with its shipped model: offsets, labels, scores, boilerplate, errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from spinscope.document import BOILERPLATE, Document, Span
from spinscope.errors import ModelError
from spinscope.techniques.base import TECHNIQUES
from spinscope.techniques.baseline import BaselineDetector, models_root
from spinscope.techniques.model_files import write_manifest
from tests.paths import REPO

MODEL_DIR = models_root() / "baseline"
needs_model = pytest.mark.skipif(
    not (MODEL_DIR / "weights.npz").is_file(), reason=f"no baseline model in {MODEL_DIR}; run `spinscope train --detector baseline`"
)

TEXT = (
    "Outrage as corrupt elites betray our great nation\n\n"
    "The radical mayor, a shameless liar and a traitor, said the city would never surrender to these thugs.\n"
    "Make America great again! Make America great again!\n"
    "Is this really a coincidence? Everyone knows the truth: they want to destroy everything we love.\n"
    "Related articles: subscribe to our newsletter for more stories like this one.\n"
)


@pytest.fixture(scope="module")
def detector() -> BaselineDetector:
    return BaselineDetector()


@needs_model
def test_detect_offsets_labels_scores_within_content(detector: BaselineDetector) -> None:
    cut = TEXT.index("Related articles")
    doc = Document(id="t", text=TEXT).with_spans(BOILERPLATE, [Span(cut, len(TEXT), "related")])
    spans = detector.detect(doc)
    assert spans
    for span in spans:
        assert isinstance(span, Span)
        assert 0 <= span.start < span.end <= doc.content_end
        assert span.label in TECHNIQUES
        assert span.score is not None and 0.0 <= span.score <= 1.0
        assert span.text(doc) == span.text(doc).strip()
    assert spans == sorted(spans, key=lambda s: (s.start, s.end))
    assert detector.detect(doc) == spans  # deterministic


@needs_model
def test_detect_empty_and_all_boilerplate(detector: BaselineDetector) -> None:
    assert detector.detect(Document(id="e", text="   \n")) == []
    assert detector.detect(Document(id="e", text="")) == []
    doc = Document(id="b", text=TEXT).with_spans(BOILERPLATE, [Span(0, len(TEXT), "all")])
    assert detector.detect(doc) == []


@needs_model
def test_classify_one_label_per_span(detector: BaselineDetector) -> None:
    doc = Document(id="t", text=TEXT)
    wanted = ["corrupt elites", "Make America great again", "shameless liar", "Is this really a coincidence?"]
    spans = [(TEXT.index(w), TEXT.index(w) + len(w)) for w in wanted]
    got = detector.classify(doc, spans)
    assert len(got) == len(spans)
    for label, prob in got:
        assert label in TECHNIQUES and 0.0 <= prob <= 1.0
    assert detector.classify(doc, []) == []
    # a span asked twice gets two different techniques (SemEval TC lists one line per technique)
    twice = detector.classify(doc, [spans[0], spans[0]])
    assert twice[0][0] != twice[1][0] and twice[0][1] >= twice[1][1]
    with pytest.raises(ValueError):
        detector.classify(doc, [(0, len(TEXT) + 5)])
    # spans with no words (whitespace, punctuation) still get a label
    for text, span in (("   ", (0, 2)), ("Hello.   World", (6, 9)), ("!!!", (0, 3))):
        ((label, prob),) = detector.classify(Document(id="w", text=text), [span])
        assert label in TECHNIQUES and 0.0 <= prob <= 1.0


@needs_model
def test_info(detector: BaselineDetector) -> None:
    info = detector.info()
    assert info["name"] == "baseline" and info["version"]
    assert {"si", "tc", "flc"} <= set(info["metrics"])
    assert "path" not in info, "an absolute path would leak into every saved analysis"
    json.dumps(info)


@needs_model
def test_component_is_name_version_and_the_verified_folder_hash(detector: BaselineDetector) -> None:
    from spinscope.techniques.model_files import verified_files

    assert detector.component() == {"name": "baseline", "version": detector.info()["version"], "model_sha256": verified_files(MODEL_DIR)}


@needs_model
def test_detect_reads_the_sentence_group_when_present(detector: BaselineDetector) -> None:
    """The same spans whether the detector segments or reads the (same) sentence group; given
    other sentences, it follows them instead of segmenting on its own."""
    from spinscope.document import SENTENCE
    from spinscope.nlp.segment import sentences

    doc = Document(id="t", text=TEXT)
    grouped = doc.with_spans(SENTENCE, [Span(s, e, "sentence") for s, e in sentences(TEXT)])
    assert detector.detect(grouped) == detector.detect(doc)
    first = TEXT.index("\n")
    only_title = doc.with_spans(SENTENCE, [Span(0, first, "sentence")])
    assert all(s.end <= first for s in detector.detect(only_title))


@needs_model
def test_example_article_finds_loaded_language(detector: BaselineDetector, example_article: Path) -> None:
    text = example_article.read_text(encoding="utf-8")
    spans = detector.detect(Document(id="aleppo", text=text))
    assert len(spans) >= 3
    labels = {s.label for s in spans}
    assert labels & {"Loaded_Language", "Name_Calling,Labeling"}, labels


@needs_model
def test_runs_without_sklearn_or_scipy() -> None:
    code = (
        "import sys, json\n"
        "from spinscope.document import Document\n"
        "from spinscope.techniques.baseline import BaselineDetector\n"
        f"spans = BaselineDetector().detect(Document(id='t', text={TEXT!r}))\n"
        "print(json.dumps({'n': len(spans), 'mods': sorted(m for m in ('sklearn', 'scipy', 'pickle') if m in sys.modules)}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["n"] > 0
    assert "sklearn" not in result["mods"] and "scipy" not in result["mods"]


def test_missing_model_dir_raises_model_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    detector = BaselineDetector(tmp_path / "nowhere")
    with pytest.raises(ModelError, match="baseline model not found"):
        detector.detect(Document(id="x", text="Some text here."))
    monkeypatch.setenv("SPINSCOPE_MODELS", str(tmp_path))
    assert models_root() == tmp_path
    with pytest.raises(ModelError, match=str(tmp_path)):
        BaselineDetector().classify(Document(id="x", text="Some text."), [(0, 4)])


def test_unreadable_model_raises_model_error(tmp_path: Path) -> None:
    (tmp_path / "weights.npz").write_bytes(b"not a zip")
    (tmp_path / "config.json").write_text("{}", encoding="utf-8")
    write_manifest(tmp_path)
    with pytest.raises(ModelError, match="unreadable"):
        BaselineDetector(tmp_path).detect(Document(id="x", text="Some text here."))

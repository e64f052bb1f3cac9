from __future__ import annotations

import subprocess
import sys

import pytest

import spinscope
from spinscope.document import TECHNIQUE, Document
from spinscope.errors import InputTooLargeError
from tests.paths import DEMO


def test_pipeline_analyze_accepts_text_path_and_document() -> None:
    text = DEMO.read_text(encoding="utf-8")
    from_path = spinscope.analyze(str(DEMO))
    from_text = spinscope.analyze(text)
    from_doc = spinscope.analyze(Document(id="demo", text=text))
    assert from_path.document.text == from_text.document.text == text
    assert [(s.start, s.end, s.label) for s in from_path.techniques] == [(s.start, s.end, s.label) for s in from_text.techniques]
    assert from_doc.document.id == "demo"


def test_pipeline_spans_slice_to_their_text_and_stay_before_boilerplate() -> None:
    analysis = spinscope.analyze(str(DEMO))
    doc = analysis.document
    assert analysis.techniques
    assert doc.content_end < len(doc.text), "the demo's trailing 'Related Articles' is boilerplate"
    for span in analysis.techniques:
        assert span.end <= doc.content_end
        assert 0.0 <= (span.score or 0.0) <= 1.0
        assert span.text(doc) == doc.text[span.start : span.end]


def test_pipeline_min_score_keeps_only_confident_spans() -> None:
    all_spans = spinscope.analyze(str(DEMO)).techniques
    threshold = sorted(s.score or 0.0 for s in all_spans)[len(all_spans) // 2]
    kept = spinscope.analyze(str(DEMO), min_score=threshold).techniques
    assert 0 < len(kept) < len(all_spans)
    assert all((s.score or 0.0) >= threshold for s in kept)


def test_pipeline_ingest_options_pass_through() -> None:
    with pytest.raises(InputTooLargeError):
        spinscope.analyze(str(DEMO), max_bytes=100)


def test_pipeline_unknown_option_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="colour"):
        spinscope.analyze("text", colour="red")


def test_pipeline_summary_counts_match_spans() -> None:
    analysis = spinscope.analyze(str(DEMO))
    summary = analysis.summary
    assert summary["spans"] == len(analysis.document.spans[TECHNIQUE])
    assert sum(summary["technique_counts"].values()) == summary["spans"]
    assert 0 < summary["sentences_with_technique"] <= summary["sentences"]


def test_pipeline_import_is_light() -> None:
    code = "import sys, spinscope; heavy = {'numpy', 'trafilatura', 'lxml', 'httpx', 'rich', 'typer'} & set(sys.modules); print(sorted(heavy))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[]"

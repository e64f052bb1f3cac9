from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest

import spinscope
from spinscope.document import SENTENCE, TECHNIQUE, Component, Document, Span
from spinscope.errors import InputTooLargeError, PipelineError, UsageError
from spinscope.pipeline import AnalyzeOptions, Pipeline
from spinscope.pipeline.options import DEFAULT_STAGES
from tests.paths import DEMO


def test_pipeline_analyze_takes_text_or_a_document_and_read_takes_a_path() -> None:
    text = DEMO.read_text(encoding="utf-8")
    from_path = spinscope.analyze(spinscope.read(DEMO))
    from_text = spinscope.analyze(text)
    from_doc = spinscope.analyze(Document(id="demo", text=text))
    assert from_path.document.text == from_text.document.text == text
    assert [(s.start, s.end, s.label) for s in from_path.techniques] == [(s.start, s.end, s.label) for s in from_text.techniques]
    assert from_doc.document.id == "demo"


@pytest.mark.parametrize("old_shape", [str(DEMO), "https://example.org/story"])
def test_pipeline_analyze_refuses_a_path_or_url_with_the_new_call(old_shape: str) -> None:
    with pytest.raises(UsageError, match=r"spinscope\.analyze\(spinscope\.read\("):
        spinscope.analyze(old_shape)


def test_pipeline_analyze_refuses_what_is_neither_text_nor_document() -> None:
    with pytest.raises(UsageError, match="not bytes"):
        spinscope.analyze(b"bytes")  # type: ignore[arg-type]


def test_pipeline_spans_slice_to_their_text_and_stay_before_boilerplate() -> None:
    analysis = spinscope.analyze(spinscope.read(DEMO))
    doc = analysis.document
    assert analysis.techniques
    assert doc.content_end < len(doc.text), "the demo's trailing 'Related Articles' is boilerplate"
    for span in analysis.techniques + doc.spans[SENTENCE]:
        assert span.end <= doc.content_end
        assert 0.0 <= (span.score or 0.0) <= 1.0
        assert span.text(doc) == doc.text[span.start : span.end]


def test_pipeline_min_score_keeps_only_confident_spans() -> None:
    doc = spinscope.read(DEMO)
    all_spans = spinscope.analyze(doc).techniques
    threshold = sorted(s.score or 0.0 for s in all_spans)[len(all_spans) // 2]
    analysis = spinscope.analyze(doc, min_score=threshold)
    kept = analysis.techniques
    assert 0 < len(kept) < len(all_spans)
    assert all((s.score or 0.0) >= threshold for s in kept)
    assert analysis.options["technique"]["min_score"] == threshold


def test_pipeline_ingest_options_pass_through() -> None:
    with pytest.raises(InputTooLargeError):
        spinscope.read(DEMO, max_bytes=100)
    with pytest.raises(InputTooLargeError):
        spinscope.analyze(DEMO.read_text(encoding="utf-8"), max_bytes=100)


def test_pipeline_unknown_option_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="colour"):
        spinscope.analyze("text", colour="red")


def test_pipeline_summary_has_one_entry_per_stage() -> None:
    analysis = spinscope.analyze(spinscope.read(DEMO))
    assert list(analysis.summary) == list(DEFAULT_STAGES) == ["sentence", "quote", "source", "actor", "technique", "voice", "claim", "evidence"]
    technique, text = analysis.summary["technique"], analysis.summary["sentence"]
    assert technique["spans"] == len(analysis.document.spans[TECHNIQUE])
    assert sum(technique["technique_counts"].values()) == technique["spans"]
    assert text["sentences"] == len(analysis.document.spans[SENTENCE])
    assert 0 < technique["sentences_with_technique"] <= text["sentences"]


def test_pipeline_components_name_each_stage_and_leak_no_path() -> None:
    analysis = spinscope.analyze(spinscope.read(DEMO))
    assert [c.stage for c in analysis.components] == list(DEFAULT_STAGES)
    data = analysis.to_dict()
    assert "detector" not in data
    flat = str(data["components"]) + str(data["options"])
    assert "/" not in flat and "metrics" not in flat


def test_pipeline_stages_option_runs_only_the_stages_named() -> None:
    analysis = spinscope.analyze("The corrupt elites lie. Everyone knows it.", stages=("sentence",))
    assert TECHNIQUE not in analysis.document.spans and analysis.document.spans[SENTENCE]
    assert analysis.options == {"stages": ["sentence"]}


def test_pipeline_unknown_stage_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="unknown stage 'quotes'"):
        AnalyzeOptions(stages=("sentence", "quotes"))


class _Stage:
    """A stage that writes what it is told to, declared or not."""

    def __init__(self, name: str, reads: tuple[str, ...], writes: tuple[str, ...], writes_really: str | None = None) -> None:
        self.name, self.reads, self.writes = name, reads, writes
        self.amends: tuple[str, ...] = ()
        self.target = writes_really

    def __call__(self, doc: Document) -> Document:
        return doc if self.target is None else doc.with_spans(self.target, [Span(0, 1, "x")])

    def info(self) -> Component:
        return Component(self.name, "test", "1")

    def summarise(self, doc: Document) -> dict[str, Any]:
        return {}


def test_pipeline_refuses_a_stage_that_writes_an_undeclared_group() -> None:
    pipeline = Pipeline([_Stage("sneaky", (), ("mine",), writes_really="theirs")])
    with pytest.raises(PipelineError, match="sneaky.*theirs"):
        pipeline(Document(id="d", text="Some text."))


def test_pipeline_refuses_a_stage_whose_input_no_earlier_stage_writes() -> None:
    with pytest.raises(UsageError, match="reads span group 'sentence'"):
        Pipeline([_Stage("late", ("sentence",), ("late",))])
    with pytest.raises(UsageError, match="both write span group 'x'"):
        Pipeline([_Stage("a", (), ("x",)), _Stage("b", (), ("x",))])


def test_pipeline_import_is_light() -> None:
    code = "import sys, spinscope; heavy = {'numpy', 'trafilatura', 'lxml', 'httpx', 'rich', 'typer', 'spacy'} & set(sys.modules); print(sorted(heavy))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[]"


def test_pipeline_pauses_cyclic_gc_while_a_stage_runs_and_restores_it() -> None:
    import gc

    seen: list[bool] = []

    class _Probe(_Stage):
        def __call__(self, doc: Document) -> Document:
            seen.append(gc.isenabled())
            return doc

    assert gc.isenabled()
    Pipeline([_Probe("probe", (), ())])(Document(id="d", text="Some text."))
    assert seen == [False] and gc.isenabled()
    gc.disable()
    try:
        Pipeline([_Probe("probe", (), ())])(Document(id="d", text="Some text."))
        assert not gc.isenabled(), "a collector the caller turned off stays off"
    finally:
        gc.enable()


class _Amender(_Stage):
    """Amends the technique group: adds an attribute, or (``move``) also shifts every span."""

    def __init__(self, move: bool = False) -> None:
        super().__init__("amender", (), ())
        self.amends = ("technique",)
        self.move = move

    def __call__(self, doc: Document) -> Document:
        spans = [Span(s.start + self.move, s.end + self.move, s.label, s.score, {**s.attributes, "seen": True}) for s in doc.spans["technique"]]
        return doc.with_spans("technique", spans)


def test_pipeline_lets_a_stage_add_attributes_to_the_spans_it_amends_and_nothing_more() -> None:
    technique = _Stage("technique", (), ("technique",), "technique")
    doc = Document(id="d", text="Some text here.")
    analysis = Pipeline([technique, _Amender()])(doc)
    assert [s.attributes for s in analysis.document.spans["technique"]] == [{"seen": True}]
    with pytest.raises(PipelineError, match="amends span group 'technique'"):
        Pipeline([technique, _Amender(move=True)])(doc)
    with pytest.raises(UsageError, match="no earlier stage writes"):
        Pipeline([_Amender()])


def test_pipeline_detection_stages_leave_out_the_readers_evidence() -> None:
    from spinscope.pipeline.options import DETECTION_STAGES

    doc = spinscope.read(DEMO)
    full = spinscope.analyze(doc, detector="baseline")
    bare = spinscope.analyze(doc, detector="baseline", stages=DETECTION_STAGES)
    assert any(s.attributes.get("evidence") for s in full.techniques)
    assert not any("evidence" in s.attributes for s in bare.techniques)
    assert [(s.start, s.end, s.label, s.score) for s in bare.techniques] == [(s.start, s.end, s.label, s.score) for s in full.techniques]


def test_pipeline_evidence_is_measured_for_the_spans_a_reader_is_shown() -> None:
    from spinscope.techniques.confidence import DISPLAY_THRESHOLD

    analysis = spinscope.analyze(spinscope.read(DEMO))
    shown = [s for s in analysis.techniques if s.score is not None and s.score >= DISPLAY_THRESHOLD]
    weaker = [s for s in analysis.techniques if s not in shown]
    assert shown and weaker, "the demo has spans on both sides of the threshold"
    assert all("evidence" in s.attributes for s in shown) and any(s.attributes["evidence"] for s in shown)
    assert not any("evidence" in s.attributes for s in weaker), "hidden until asked for: not worth a model run a word"
    assert analysis.summary["evidence"] == {"spans_with_evidence": sum(bool(s.attributes["evidence"]) for s in shown)}

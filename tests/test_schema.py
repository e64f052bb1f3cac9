from __future__ import annotations

import json
from importlib import resources

import jsonschema
import pytest

import spinscope
from spinscope.document import Analysis, Document, Failure, Relation, Span, SpanRef
from spinscope.pipeline.options import TECHNIQUES_ONLY
from spinscope.schema.upgrade import upgrade
from tests.paths import DEMO


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(resources.files("spinscope.schema").joinpath("analysis.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_schema_accepts_a_real_analysis(validator: jsonschema.Draft202012Validator) -> None:
    data = spinscope.analyze(spinscope.read(DEMO)).to_dict()
    validator.validate(data)
    assert data["spans"]["technique"], "the demo article has techniques to validate"


def test_schema_accepts_an_error_record(validator: jsonschema.Draft202012Validator) -> None:
    validator.validate(Failure("x.txt", "EmptyInputError", "x.txt: empty").to_dict())


def test_schema_accepts_relations_and_span_ids(validator: jsonschema.Draft202012Validator) -> None:
    doc = Document(id="q", text='Smith said: "They lie."').with_spans("entity", [Span(0, 5, "PERSON", id="e1")])
    said = {"kind": "direct", "cue": {"start": 6, "end": 10, "text": "said"}, "speaker": {"start": 0, "end": 5, "text": "Smith"},
            "speaker_name": "Smith", "speaker_resolution": "named"}  # fmt: skip
    doc = doc.with_spans("quote", [Span(12, 22, "direct", attributes=said, id="q1")])
    doc = doc.with_relations([Relation("speaker", SpanRef("quote", "q1"), SpanRef("entity", "e1"))])
    data = Analysis(document=doc, summary={}, options={"stages": []}).to_dict()
    validator.validate(data)
    data["relations"][0]["tail"] = {"group": "entity"}
    with pytest.raises(jsonschema.ValidationError):
        validator.validate(data)


def test_schema_upgrades_a_1_0_analysis_to_the_current_shape(validator: jsonschema.Draft202012Validator) -> None:
    current = spinscope.analyze(spinscope.read(DEMO), stages=TECHNIQUES_ONLY).to_dict()  # 1.0 came before who says what
    old = {k: v for k, v in current.items() if k not in ("summary", "components", "options", "relations")}
    old["schema_version"] = "1.0"
    old["summary"] = {**current["summary"]["sentence"], **current["summary"]["technique"]}
    old["detector"] = {"name": "transformer", "version": "1.0.0", "path": "/srv/models/minilm", "metrics": {"si": 0.4}}
    upgraded = upgrade(old)
    validator.validate(upgraded)
    assert upgraded["summary"] == {stage: figures for stage, figures in current["summary"].items() if stage != "evidence"}, "1.0 had no evidence"
    assert "/srv" not in str(upgraded) and "metrics" not in str(upgraded)


def test_schema_rejects_a_span_without_offsets(validator: jsonschema.Draft202012Validator) -> None:
    data = spinscope.analyze(spinscope.read(DEMO)).to_dict()
    del data["spans"]["technique"][0]["start"]
    with pytest.raises(jsonschema.ValidationError):
        validator.validate(data)

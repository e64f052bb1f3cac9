from __future__ import annotations

import json
from importlib import resources

import jsonschema
import pytest

import spinscope
from spinscope.document import Failure
from tests.paths import DEMO


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(resources.files("spinscope.schema").joinpath("analysis.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_schema_accepts_a_real_analysis(validator: jsonschema.Draft202012Validator) -> None:
    data = spinscope.analyze(str(DEMO)).to_dict()
    validator.validate(data)
    assert data["spans"]["technique"], "the demo article has techniques to validate"


def test_schema_accepts_an_error_record(validator: jsonschema.Draft202012Validator) -> None:
    validator.validate(Failure("x.txt", "EmptyInputError", "x.txt: empty").to_dict())


def test_schema_rejects_a_span_without_offsets(validator: jsonschema.Draft202012Validator) -> None:
    data = spinscope.analyze(str(DEMO)).to_dict()
    del data["spans"]["technique"][0]["start"]
    with pytest.raises(jsonschema.ValidationError):
        validator.validate(data)

"""Schemathesis against the real server's /openapi.json: every operation, every check, a fixed seed.

Each operation gets schema-valid cases (to be accepted and answered as documented) and invalid ones
(to be refused with a documented 4xx, never a 500). POST /api/analyze runs the model, so it gets
fewer examples. The cases come from the operations' Hypothesis strategies (schemathesis's pytest
loader from a fixture does not run under pytest 9).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, given, seed, settings
from schemathesis import Case, GenerationMode
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.schemas import OpenApiSchema

from tests.web_server import serve_in_thread

# Every documented operation: examples per generation mode, and whether it has inputs to get wrong.
OPERATIONS = {
    "POST /api/analyze": (15, True),
    "GET /api/analyses/{analysis_id}": (30, True),
    "GET /api/analyses/{analysis_id}/analysis.json": (30, True),
    "GET /api/analyses/{analysis_id}/spans.csv": (30, True),
    "GET /api/analyses": (30, True),
    "GET /api/corpus": (30, True),
    "GET /api/outlets": (30, True),
    "GET /api/compare": (30, True),
    "GET /api/techniques": (30, False),
    "GET /api/health": (30, False),
}
CASES = [(label, mode) for label, (_, has_inputs) in OPERATIONS.items() for mode in GenerationMode if has_inputs or mode is GenerationMode.POSITIVE]

# Every check on, with two statuses the schema cannot rule out: a schema-valid article may still be
# refused with 400 for what it says (empty, binary, a URL that is not http(s) or not public), and a
# schema-valid URL that cannot be fetched gets 502. 422 stays a failure: it means the schema lied.
CONFIG = SchemathesisConfig.from_dict({
    "checks": {
        "positive_data_acceptance": {"expected-statuses": ["2xx", "400", "404", "409", "502"]},
        "not_a_server_error": {"expected-statuses": ["2xx", "3xx", "4xx", "502"]},
        "max_response_time": 20.0,
    },
})


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OpenApiSchema]:
    with serve_in_thread(tmp_path_factory.mktemp("contract") / "web.db") as running:
        yield schemathesis.openapi.from_url(f"{running.url}/openapi.json", config=CONFIG)


def test_web_contract_covers_every_operation(api_schema: OpenApiSchema) -> None:
    assert {result.ok().label for result in api_schema.get_all_operations()} == set(OPERATIONS)


@pytest.mark.parametrize("label,mode", CASES, ids=[f"{label}-{mode.value}" for label, mode in CASES])
def test_web_contract(api_schema: OpenApiSchema, label: str, mode: GenerationMode) -> None:
    operation = api_schema.find_operation_by_label(label)
    assert operation is not None

    @seed(14)
    @settings(max_examples=OPERATIONS[label][0], deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode))
    def check(case: Case) -> None:
        case.call_and_validate()

    check()

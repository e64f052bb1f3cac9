"""GET /api/corpus on a real server over a real store: the filters of `spinscope corpus query`, errors as JSON."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from spinscope.pipeline import AnalyzeOptions
from spinscope.store import Store
from tests.test_corpus_query import ARTICLES, make_analysis
from tests.web_server import RunningServer, serve_in_thread

BASELINE = AnalyzeOptions().merged({"detector": "baseline"})


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    db = tmp_path_factory.mktemp("corpus") / "web.db"
    with Store(db) as store:
        for n, article in enumerate(ARTICLES):
            store.save(make_analysis(n, *article))
    with serve_in_thread(db, analyze_options=BASELINE) as running:
        yield running


def get(server: RunningServer, **params: Any) -> httpx.Response:
    return httpx.get(f"{server.url}/api/corpus", params=params, timeout=30)


@pytest.mark.parametrize(
    "params,titles",
    [
        ({}, ["Article 1", "Article 2", "Article 0", "Article 3"]),
        ({"search": "fled", "outlet": "Daily"}, ["Article 3"]),
        ({"search": "fled", "within": "claim"}, ["Article 1"]),
        ({"outlet": "Daily", "since": "2016-01-01", "until": "2022-12-31"}, ["Article 0"]),
        ({"technique": "Doubt"}, ["Article 2"]),
        ({"actor": "PUTIN"}, ["Article 1"]),
        ({"speaker": "spokesman"}, ["Article 0"]),
    ],
)
def test_web_corpus_filters_as_the_cli_does(server: RunningServer, params: dict[str, Any], titles: list[str]) -> None:
    response = get(server, **params)
    assert response.status_code == 200, response.text
    body = response.json()
    assert [d["title"] for d in body["documents"]] == titles and body["truncated"] is False


def test_web_corpus_says_when_truncated(server: RunningServer) -> None:
    body = get(server, limit=1).json()
    assert len(body["documents"]) == 1 and body["truncated"] is True


@pytest.mark.parametrize(
    "params,status,message",
    [
        ({"technique": "Propaganda"}, 400, "not a technique"),
        ({"search": '"'}, 400, "no word to look for"),
        ({"search": "x " * 600}, 400, "over the limit"),
        ({"since": "2019-02-30"}, 422, ""),
        ({"within": "everywhere"}, 422, ""),
        ({"limit": 0}, 422, ""),
    ],
)
def test_web_corpus_bad_queries_get_json_errors(server: RunningServer, params: dict[str, Any], status: int, message: str) -> None:
    response = get(server, **params)
    assert response.status_code == status, response.text
    body = response.json()
    assert body["ok"] is False and message in body["error"] and "Traceback" not in body["error"]


@pytest.mark.parametrize("search", ["NEAR(", '"a" "', "fled*)", "\u0000", "'; DROP TABLE documents; --"])
def test_web_corpus_hostile_search_never_breaks_the_query(server: RunningServer, search: str) -> None:
    assert get(server, search=search).status_code in (200, 400)
    assert len(get(server).json()["documents"]) == 4

"""Two stored analyses side by side in the web app, on the real server: the /compare page (in the
site's frame, under the CSP of the other report pages), /api/compare, and the ways to reach them."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

import httpx
import pytest

from spinscope.compare import compare
from spinscope.store import Store
from tests.compare_fixture import analysis_a, analysis_b
from tests.test_web_api import assert_error
from tests.web_server import RunningServer, serve_in_thread


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    with serve_in_thread(tmp_path_factory.mktemp("compare") / "web.db") as running:
        yield running


@pytest.fixture(scope="module")
def ids(server: RunningServer) -> tuple[int, int]:
    with Store(server.db) as store:
        return store.save(analysis_a()), store.save(analysis_b())


@pytest.fixture(scope="module")
def client(server: RunningServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=60) as c:
        yield c


def test_web_compare_page_shows_both_articles_under_its_own_csp(client: httpx.Client, ids: tuple[int, int]) -> None:
    a, b = ids
    response = client.get(f"/compare?a={a}&b={b}")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    page = response.text
    meta = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', page)
    assert meta is not None
    header = response.headers["content-security-policy"]
    assert header == html.unescape(meta.group(1)) + "; frame-ancestors 'none'"
    assert "script-src" not in header and "style-src 'self' 'sha256-" in header
    assert '<nav class="site">' in page and '<link rel="stylesheet" href="/static/site.css">' in page
    for words in ("Al-Nusra Front", "Nusra", "The terror group", "a jihadist militia", "Damascus", "Government forces"):
        assert words in page
    # each label links to its place in its own article's report, nowhere else
    hrefs = re.findall(r'href="([^"]+)"', page.split('<div class="comparison">', 1)[1])
    assert hrefs and all(h.startswith((f"/analyses/{a}#w-", f"/analyses/{b}#w-")) for h in hrefs)
    assert f"/analyses/{a}#w-label-0-0" in hrefs and f"/analyses/{b}#w-label-0-0" in hrefs
    assert client.get(f"/analyses/{a}").text.count('id="w-label-0-0"') == 1  # the anchor exists on the report


def test_web_compare_api_is_the_clis_comparison(client: httpx.Client, ids: tuple[int, int]) -> None:
    a, b = ids
    response = client.get("/api/compare", params={"a": a, "b": b})
    assert response.status_code == 200
    assert response.json() == compare(analysis_a(), analysis_b()).to_dict()
    assert "/api/compare" in client.get("/openapi.json").json()["paths"]


@pytest.mark.parametrize("path", ["/compare?a={a}&b=999999", "/api/compare?a=999999&b={b}"])
def test_web_compare_of_a_missing_analysis_is_404(client: httpx.Client, ids: tuple[int, int], path: str) -> None:
    response = client.get(path.format(a=ids[0], b=ids[1]))
    if path.startswith("/api/"):
        assert "no analysis with id 999999" in assert_error(response, 404)
    else:
        assert response.status_code == 404 and "no analysis with id 999999" in response.text


@pytest.mark.parametrize("query", ["", "?a=1", "?a=x&b=1", "?a=0&b=1", "?a=1&b=99999999999999999999"])
def test_web_compare_bad_query_is_refused_as_every_page_refuses(client: httpx.Client, query: str) -> None:
    assert assert_error(client.get(f"/api/compare{query}"), 422)
    page = client.get(f"/compare{query}")
    assert page.status_code == 422 and page.headers["content-type"].startswith("text/html")


def test_web_compare_is_reached_from_the_list_and_from_a_report(client: httpx.Client, ids: tuple[int, int]) -> None:
    a, b = ids
    listing = client.get("/analyses").text
    form = listing.split('<form class="compare" action="/compare" method="get">', 1)[1].split("</form>", 1)[0]
    assert 'name="a"' in form and 'name="b"' in form
    assert re.search(rf'<option value="{b}" selected>', form) and re.search(rf'<option value="{a}" selected>', form)
    assert f'href="/analyses?a={a}"' in client.get(f"/analyses/{a}").text
    held = client.get(f"/analyses?a={a}").text
    assert f'<input type="hidden" name="a" value="{a}">' in held and "Aleppo shelling" in held

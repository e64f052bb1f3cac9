"""The corpus pages (outlets, trends, repeated claims) and their plots on the real HTTP server, and
in a real browser (Chromium through Playwright) that the outlets page shows its plot."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from spinscope.web.security import PAGE_CSP
from spinscope.web.outlets import SVG_CSP
from spinscope.store import Store
from tests.outlets_store import HOSTILE, PLAIN, full_store, save_who, who
from tests.test_web_browser import CHROMIUM, FRAME_STYLE, LAUNCH_ARGS, PHONE, UNNAMED
from tests.web_server import RunningServer, serve_in_thread

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    with serve_in_thread(full_store(tmp_path_factory.mktemp("outlets") / "corpus.db")) as running:
        yield running


@pytest.fixture(scope="module")
def empty(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    with serve_in_thread(tmp_path_factory.mktemp("empty") / "empty.db") as running:
        yield running


def get(server: RunningServer, path: str, **params: str | list[str]) -> httpx.Response:
    return httpx.get(server.url + path, params=params, timeout=60)


@pytest.mark.parametrize("path", ["/outlets", "/outlets/trends", "/claims"])
def test_web_outlets_pages_answer_under_the_page_policy_and_are_linked_from_the_navigation(server: RunningServer, path: str) -> None:
    response = get(server, path)
    assert response.status_code == 200
    assert response.headers["content-security-policy"] == PAGE_CSP, "no script, policy unchanged"
    assert '<a href="/outlets">Outlets</a>' in response.text and '<a href="/claims">Repeated claims</a>' in response.text
    assert "<script" not in response.text


def test_web_outlets_page_lists_outlets_escaped_with_rates_and_actors(server: RunningServer) -> None:
    page = get(server, "/outlets").text
    assert HOSTILE not in page and "&lt;script&gt;alert(&#39;outlet&#39;)&lt;/script&gt;" in page
    assert "Daily Planet" in page and "Globe" in page and PLAIN in page and "not measured" in page
    assert '<img src="/plots/techniques.svg"' in page
    assert "Eastbrook council" in page and "gang of corrupt bureaucrats" in page and "Antagonist (2)" in page


def test_web_outlets_trends_page_filters_an_outlet_named_with_markup(server: RunningServer) -> None:
    response = get(server, "/outlets/trends", outlet=HOSTILE, technique="Loaded_Language", period="week")
    assert response.status_code == 200
    assert HOSTILE not in response.text and "2019-W10" in response.text and "Daily Planet" not in response.text.split("<table")[-1]
    assert "/plots/trends.svg?outlet=%3Cscript%3E" in response.text


def test_web_outlets_claims_page_shows_each_group_timeline(server: RunningServer) -> None:
    page = get(server, "/claims").text
    assert page.count('class="claim-group"') >= 4, "the two who-says-what analyses share four claims"
    assert "2019-03-05" in page and "2019-04-01" in page and '<img src="/plots/claims.svg"' in page


def test_web_outlets_api_gives_the_profiles_as_the_cli_does(server: RunningServer) -> None:
    body = get(server, "/api/outlets").json()
    outlets = {o["outlet"]: o for o in body["outlets"]}
    assert set(outlets) == {HOSTILE, "Daily Planet", "Globe", PLAIN}
    assert outlets[PLAIN]["voice"] is None and outlets["Globe"]["sources"]["named"] == 4
    assert all(r["low"] <= r["per_1000"] <= r["high"] for o in body["outlets"] for r in [o["total"], *o["techniques"]])
    assert "spread between documents" in body["interval"] and body["trends"]["period"] == "month"
    one = get(server, "/api/outlets", outlet="Globe", period="week").json()
    assert [o["outlet"] for o in one["outlets"]] == ["Globe"] and {p["period"] for p in one["trends"]["points"]} == {"2019-W10", "2019-W14"}


def test_web_outlets_pages_show_an_analysis_saved_after_they_were_computed(tmp_path: Path) -> None:
    db = tmp_path / "corpus.db"
    save_who(db, (("Globe", "2019-03-05"),))
    with serve_in_thread(db) as running:
        assert "Herald" not in get(running, "/outlets").text
        with Store(db) as store:
            before = store.revision()
            store.save(who("Herald", "2019-05-01", 7))
            assert store.revision() != before
        assert "Herald" in get(running, "/outlets").text, "the kept rows are read again once the store changed"


@pytest.mark.parametrize(("path", "media"), [("/plots/techniques.svg", "image/svg+xml"), ("/plots/trends.png", "image/png"), ("/plots/claims.svg", "image/svg+xml")])
def test_web_outlets_plots_are_images(server: RunningServer, path: str, media: str) -> None:
    response = get(server, path, outlet=["Globe", HOSTILE])
    assert response.status_code == 200 and response.headers["content-type"] == media
    assert len(response.content) > 4_000
    if media == "image/png":
        assert response.content.startswith(PNG)
    else:
        assert response.content.lstrip().startswith(b"<?xml") and b"<script" not in response.content
        assert response.headers["content-security-policy"] == SVG_CSP


@pytest.mark.parametrize(("path", "params"), [("/plots/pie.svg", {}), ("/plots/techniques.gif", {}), ("/plots/techniques.svg", {"technique": "Bogus"}),
                                              ("/outlets/trends", {"period": "year"})])  # fmt: skip
def test_web_outlets_bad_requests_are_refused(server: RunningServer, path: str, params: dict[str, str]) -> None:
    response = get(server, path, **params)
    assert response.status_code in (400, 422)
    assert response.headers["content-type"].startswith("application/json") or "<script" not in response.text


@pytest.mark.parametrize("path", ["/outlets", "/outlets/trends", "/claims", "/plots/techniques.svg", "/plots/trends.png", "/plots/claims.svg"])
def test_web_outlets_empty_store_answers_every_page(empty: RunningServer, path: str) -> None:
    response = get(empty, path)
    assert response.status_code == 200


@pytest.mark.skipif(not CHROMIUM.is_file(), reason=f"no Chromium at {CHROMIUM} (apt-get install chromium; .ci/run does)")
def test_web_outlets_browser_shows_the_plot_in_the_site_frame_on_desktop_and_phone(server: RunningServer) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            violations: list[str] = []
            page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
            page.on("pageerror", lambda exc: violations.append(str(exc)))
            page.goto(f"{server.url}/")
            home = page.evaluate(FRAME_STYLE)
            page.click("nav.site >> text=Outlets")
            page.wait_for_url(f"{server.url}/outlets")
            image = page.locator("figure.plot img")
            page.wait_for_function("() => document.querySelector('figure.plot img').complete")
            shown = image.bounding_box()
            assert image.evaluate("img => img.naturalWidth") > 100 and shown is not None and shown["width"] > 300, "the plot loaded and is drawn"
            for path in ("/outlets", "/outlets/trends", "/claims"):
                page.goto(f"{server.url}{path}")
                assert page.evaluate(FRAME_STYLE) == home, path
                assert page.evaluate(UNNAMED) == [], path
            phone = browser.new_page(viewport=PHONE, is_mobile=True, has_touch=True)
            for path in ("/outlets", "/outlets/trends", "/claims"):
                phone.goto(f"{server.url}{path}")
                assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], path
            assert violations == []
        finally:
            browser.close()

"""Screenshots of the report and the web app, desktop and phone, for before/after comparisons.

    .venv/bin/python scripts/screenshots.py test-artifacts/after

Starts the real web server on a temporary store, submits the example article through the form
in Chromium, and saves the result page, the technique guide and the home page at 1280 px and
390 px, the explanation panel of the first shown span, and the printed result page. Needs /usr/bin/chromium (as the browser tests do).
Then it stores an analysis carrying the who-says-what groups (tests/who_fixture.py) and saves its
result page at both sizes around the "Who says what" panel and around the quotes in the article,
and the page after following the panel's top claim.
"""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playwright.sync_api import sync_playwright  # noqa: E402

from spinscope.store import Store  # noqa: E402
from tests.web_server import example_text, serve_in_thread  # noqa: E402
from tests.who_fixture import who_analysis  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, serve_in_thread(Path(tmp) / "web.db") as server, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport=SIZES["desktop"])
        page.goto(f"{server.url}/")
        page.fill("#text", example_text())
        page.fill("#title", "The example article")
        page.click("#analyse")
        page.wait_for_url(re.compile(r"/analyses/\d+$"), timeout=120_000)
        result = page.url
        for size, viewport in SIZES.items():
            view = browser.new_page(viewport=viewport, is_mobile=size == "phone", has_touch=size == "phone")
            for name, url in (("result", result), ("guide", f"{server.url}/techniques"), ("home", f"{server.url}/")):
                view.goto(url)
                view.screenshot(path=str(out / f"{name}-{size}.png"), full_page=False)
                print(out / f"{name}-{size}.png")
            view.close()
        page.locator("#article .mark:not(.weak)").first.click()
        page.locator("#detail .technique").first.wait_for()
        page.screenshot(path=str(out / "result-panel-desktop.png"), full_page=False)
        print(out / "result-panel-desktop.png")
        page.emulate_media(media="print")
        page.goto(result)
        page.screenshot(path=str(out / "result-print.png"), full_page=False)
        print(out / "result-print.png")
        with Store(server.db) as store:
            who = f"{server.url}/analyses/{store.save(who_analysis())}"
        for size, viewport in SIZES.items():
            view = browser.new_page(viewport=viewport, is_mobile=size == "phone", has_touch=size == "phone")
            view.goto(who)
            for name, where in (("who-panel", "section.who, section.howto"), ("who-article", "#article .mark >> text=finish")):
                view.locator(where).first.scroll_into_view_if_needed()
                view.screenshot(path=str(out / f"{name}-{size}.png"), full_page=False)
                print(out / f"{name}-{size}.png")
            claims = view.locator("section.who-claims a.who-link")
            if size == "desktop" and claims.count():
                claims.first.click()
                view.screenshot(path=str(out / "who-claim-followed-desktop.png"), full_page=False)
                print(out / "who-claim-followed-desktop.png")
            view.close()
        browser.close()


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: scripts/screenshots.py OUT_DIR")
    main(Path(sys.argv[1]))

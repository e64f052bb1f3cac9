"""The web app in a real browser (Chromium through Playwright) against the real server.

Skipped with a reason where /usr/bin/chromium is absent; .ci/run installs it. Playwright's own
browser downloads are never used. A screenshot of a result page lands in test-artifacts/.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from spinscope.document import Span
from spinscope.report.html import render as render_report
from spinscope.store import Store
from spinscope.techniques.base import TECHNIQUES
from spinscope.techniques.confidence import DISPLAY_THRESHOLD
from spinscope.techniques.definitions import CHECKS, NAMES
from spinscope.techniques.examples import builtin_example
from tests.paths import REPO
from tests.test_nlp_language import FRENCH
from tests.test_report_html import _analysis, _by
from tests.web_server import RunningServer, example_text, serve_in_thread
from tests.compare_fixture import analysis_a, analysis_b
from tests.who_fixture import MARA, who_analysis

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = REPO / "test-artifacts"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"]

pytestmark = pytest.mark.skipif(not CHROMIUM.is_file(), reason=f"no Chromium at {CHROMIUM} (apt-get install chromium; .ci/run does)")

if CHROMIUM.is_file():
    from playwright.sync_api import Browser, ConsoleMessage, Dialog, Page, sync_playwright


class Watch:
    """What a page did that it should not have: dialogs, uncaught errors, CSP violations."""

    def __init__(self) -> None:
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.csp: list[str] = []

    def on_dialog(self, dialog: "Dialog") -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def on_console(self, message: "ConsoleMessage") -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.csp.append(message.text)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    with serve_in_thread(tmp_path_factory.mktemp("browser") / "web.db") as running:
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator["Browser"]:
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def watched(browser: "Browser") -> Iterator[tuple["Page", Watch]]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    watch = Watch()
    page.on("dialog", watch.on_dialog)
    page.on("pageerror", lambda exc: watch.errors.append(str(exc)))
    page.on("console", watch.on_console)
    yield page, watch
    context.close()


def submit_text(page: "Page", server: RunningServer, text: str, title: str) -> int:
    page.goto(f"{server.url}/")
    page.fill("#text", text)
    page.fill("#title", title)
    page.click("#analyse")
    page.wait_for_url(re.compile(r"/analyses/\d+$"), timeout=60_000)
    return int(page.url.rsplit("/", 1)[1])


def test_web_browser_paste_highlights_spans_and_shows_detail(server: RunningServer, watched: tuple["Page", Watch]) -> None:
    page, watch = watched
    submit_text(page, server, example_text(), "The example article")
    marks = page.locator("#article .mark:not(.weak)")
    assert marks.count() > 0, "highlighted spans appear"
    assert marks.first.evaluate("el => getComputedStyle(el).backgroundColor") != "rgba(0, 0, 0, 0)", "the report's CSS applies"
    first = marks.first
    first.scroll_into_view_if_needed()
    first.click()
    heading = page.locator("#detail .technique h3").first
    heading.wait_for()
    label = heading.inner_text()
    assert any(label.startswith(NAMES[t]) for t in TECHNIQUES), label
    assert label.split(" (")[0] in (first.get_attribute("title") or "")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "web-result.png"), full_page=True)
    assert watch.dialogs == [] and watch.errors == [] and watch.csp == []


def test_web_browser_past_analyses_lists_and_opens(server: RunningServer, watched: tuple["Page", Watch]) -> None:
    page, watch = watched
    analysis_id = submit_text(page, server, "They are traitors and cowards. Only we can save the nation!", "Listed article")
    page.click("nav.site >> text=Past analyses")
    page.wait_for_url(f"{server.url}/analyses")
    link = page.locator("table.analyses a", has_text="Listed article")
    assert link.count() == 1
    assert page.locator("table.analyses tbody tr").first.locator("a").inner_text() == "Listed article", "newest first"
    link.click()
    page.wait_for_url(f"{server.url}/analyses/{analysis_id}")
    assert page.locator("header h1").inner_text() == "Listed article"
    assert watch.dialogs == [] and watch.errors == [] and watch.csp == []


def test_web_browser_home_page_styles_load_under_csp(server: RunningServer, watched: tuple["Page", Watch]) -> None:
    page, watch = watched
    page.goto(f"{server.url}/")
    assert page.locator("#analyse").evaluate("el => getComputedStyle(el).backgroundColor") == "rgb(10, 88, 165)"
    assert watch.csp == []


FRAME_STYLE = """() => { const nav = document.querySelector('nav.site'), brand = nav.querySelector('.brand'), s = getComputedStyle(nav);
  return {font: s.fontFamily, border: s.borderBottomStyle + ' ' + s.borderBottomColor, brand: brand && brand.textContent,
          links: [...nav.querySelectorAll('a')].map(a => a.textContent + ' ' + getComputedStyle(a).color)}; }"""


def test_web_browser_result_page_wears_the_same_site_frame_as_the_other_pages(server: RunningServer, watched: tuple["Page", Watch]) -> None:
    page, watch = watched
    analysis_id = submit_text(page, server, "They are traitors and cowards. Only we can save the nation!", "Framed")
    frames = {}
    for path in ("/", "/analyses", "/techniques", f"/analyses/{analysis_id}"):
        page.goto(f"{server.url}{path}")
        frames[path] = page.evaluate(FRAME_STYLE)
    assert frames[f"/analyses/{analysis_id}"]["brand"] == "spinscope"
    assert all(frame == frames["/"] for frame in frames.values()), frames
    assert watch.csp == [], "the site's stylesheet is allowed by the result page's policy"


PAYLOAD = "\n".join(
    [
        "They are traitors and cowards, the enemies of the people. Only we can save the nation!",
        "<script>window.__pwned = 'script'; alert('script')</script>",
        "<img src=x onerror=\"window.__pwned = 'img'; alert('img')\">",
        "<svg onload=\"window.__pwned = 'svg'; alert('svg')\"></svg>",
        "<b onmouseover=\"window.__pwned = 'hover'; alert('hover')\">hover me</b>",
        "<a href=\"javascript:window.__pwned = 'link'; alert('link')\">click me</a>",
        "\"><script>window.__pwned = 'attr'</script>",
        "</script><script>window.__pwned = 'json'; alert('json')</script>",
        "<iframe srcdoc=\"<script>parent.__pwned = 'iframe'</script>\"></iframe>",
        "{{7*7}} ${7*7} The corrupt elite lies to you every single day, and everyone knows it.",
    ]
)


def test_web_browser_payloads_do_not_run(server: RunningServer, watched: tuple["Page", Watch]) -> None:
    page, watch = watched
    submit_text(page, server, PAYLOAD, "<img src=x onerror=\"window.__pwned='title'\">")
    shown = (page.locator("#article").text_content() or "").replace("\r\n", "\n")  # forms send textarea lines as CRLF
    assert shown == PAYLOAD, "the payload shows as text, exactly"
    assert page.locator("#article script, #article img, #article svg, #article a, #article iframe, #article b").count() == 0
    for mark in page.locator("#article .mark").all():
        mark.hover()
        mark.click()
    page.locator("#article").hover()
    assert page.evaluate("window.__pwned") is None
    page.click("nav.site >> text=Past analyses")
    page.wait_for_url(f"{server.url}/analyses")
    assert page.locator("main img").count() == 0
    assert page.evaluate("window.__pwned") is None
    page.goto(f"{server.url}/techniques")
    assert page.evaluate("window.__pwned") is None
    assert watch.dialogs == [], watch.dialogs
    assert watch.errors == [], watch.errors


def test_web_browser_bad_url_error_page_escapes_input(server: RunningServer, watched: tuple["Page", Watch]) -> None:
    page, watch = watched
    page.goto(f"{server.url}/")
    page.fill("#title", "\"><script>window.__pwned='form'</script>")
    page.fill("#text", "")
    page.click("#analyse")
    page.wait_for_load_state()
    assert page.locator(".error").inner_text().startswith("give exactly one of")
    assert page.input_value("#title") == "\"><script>window.__pwned='form'</script>"
    assert page.evaluate("window.__pwned") is None
    assert watch.dialogs == [] and watch.errors == []


PHONE = {"width": 390, "height": 844}


def _in_view(page: "Page", selector: str) -> bool:
    box = page.locator(selector).bounding_box()
    return box is not None and box["y"] < PHONE["height"] and box["y"] + box["height"] > 0


def test_web_browser_no_page_scrolls_sideways_on_a_phone(server: RunningServer, browser: "Browser", tmp_path: Path) -> None:
    """At 390 px (a common phone) every page fits the screen, and the report is one column with
    the explanation under the text."""
    context = browser.new_context(viewport=PHONE, device_scale_factor=1, is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        analysis_id = submit_text(page, server, example_text(), "A phone-sized title with a rather long unbroken word: Antidisestablishmentarianism")
        widths = {}
        for path in ("/", "/analyses", f"/analyses/{analysis_id}", "/techniques", "/docs"):
            page.goto(f"{server.url}{path}")
            widths[path] = page.evaluate("document.documentElement.scrollWidth")
        assert all(w <= PHONE["width"] for w in widths.values()), widths
        page.goto(f"{server.url}/analyses/{analysis_id}")
        article = page.locator("#article").bounding_box()
        detail = page.locator("#detail").bounding_box()
        assert article is not None and detail is not None
        assert detail["y"] >= article["y"] + article["height"], "the explanation panel sits under the text"
        assert article["width"] >= PHONE["width"] * 0.8, "the text takes the screen's width"
        mark = page.locator("#article .mark:not(.weak)").first  # a weak span is hidden, its tap does nothing
        mark.click()
        page.locator("#detail .technique h3").first.wait_for()
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        assert _in_view(page, "#detail"), "a tap brings the explanation into view"
        page.click("#detail button.back")
        assert _in_view(page, "#article .mark:not(.weak) >> nth=0"), "and a button brings the reader back to the passage"
        assert mark.evaluate("el => el === document.activeElement")
        data = httpx.get(f"{server.url}/api/analyses/{analysis_id}").json()["analysis"]
        standalone = tmp_path / "report.html"
        standalone.write_text(render_report(data), encoding="utf-8")
        page.goto(standalone.as_uri())
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], "the CLI's report too"
        page.locator("#article .mark:not(.weak)").first.click()
        page.locator("button.tech").first.click()
        assert _in_view(page, "button.tech >> nth=0"), "filtering re-explains the open passage without scrolling away"
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "web-result-phone.png"), full_page=False)
    finally:
        context.close()


def test_web_browser_threshold_control_shows_and_hides_the_weaker_spans(server: RunningServer, watched: tuple["Page", Watch]) -> None:
    """Spans under the display threshold are out of sight, of the tab order and of the titles
    until "Show weaker spans" is pressed, and go again when it is pressed once more."""
    page, watch = watched
    analysis_id = submit_text(page, server, example_text(), "Threshold article")
    spans = httpx.get(f"{server.url}/api/analyses/{analysis_id}").json()["analysis"]["spans"]["technique"]
    weak = [s for s in spans if s["score"] < DISPLAY_THRESHOLD]
    assert weak and len(weak) < len(spans), "the example has spans either side of the threshold"
    note = page.locator("p.confidence")
    assert "Showing spans with at least 40% estimated precision" in note.inner_text()
    assert f"{len(weak)} weaker spans are hidden" in note.inner_text()
    hidden = page.locator("#article .mark.weak")
    background = "els => els.map(el => getComputedStyle(el).backgroundColor)"
    bars = "els => els.map(el => getComputedStyle(el).display)"
    focusable = "els => els.filter(el => el.hasAttribute('tabindex')).map(el => el.tabIndex)"
    titles = "els => els.map(el => el.title)"
    assert hidden.count() > 0
    assert set(hidden.evaluate_all(background)) == {"rgba(0, 0, 0, 0)"} and set(page.locator("#article .bar.weak").evaluate_all(bars)) == {"none"}
    assert set(hidden.evaluate_all(focusable)) == {-1} and set(hidden.evaluate_all(titles)) == {""}
    strong = page.locator("#article .mark.lvl-strong, #article .mark.lvl-moderate").first
    assert strong.evaluate("el => getComputedStyle(el).backgroundColor") != "rgba(0, 0, 0, 0)"
    assert re.search(r"\d+%, (strong|moderate)\)", strong.get_attribute("title") or ""), "the level is in the title"
    assert page.get_by_role("button", name="Show weaker spans").count() == 1
    toggle = page.locator("#show-weak")
    toggle.click()
    assert toggle.get_attribute("aria-pressed") == "true" and toggle.inner_text() == "Hide weaker spans"
    assert "rgba(0, 0, 0, 0)" not in hidden.evaluate_all(background) and "none" not in page.locator("#article .bar.weak").evaluate_all(bars)
    assert set(hidden.evaluate_all(focusable)) <= {0} and all(re.search(r"\d+%, weak\)", t) for t in hidden.evaluate_all(titles))
    hidden.first.scroll_into_view_if_needed()
    hidden.first.click()
    assert "weak)" in page.locator("#detail .technique h3").first.inner_text(), "the panel gives a weak span's level"
    assert "evidence is measured for the spans shown by default" in page.locator("#detail .no-evidence").first.inner_text()
    assert page.locator("#detail .evidence").count() == 0, "a weaker span's evidence was not measured"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "web-result-weaker-shown.png"), full_page=False)
    toggle.click()
    assert toggle.get_attribute("aria-pressed") == "false" and set(hidden.evaluate_all(background)) == {"rgba(0, 0, 0, 0)"}
    assert watch.errors == [] and watch.csp == []


def test_web_browser_result_page_says_how_to_read_it_and_warns_on_french(server: RunningServer, watched: tuple["Page", Watch]) -> None:
    page, watch = watched
    submit_text(page, server, example_text(), "English article")
    assert page.get_by_role("heading", name="How to read this").is_visible()
    assert "not whether it is true" in page.locator("section.howto").inner_text()
    assert page.get_by_role("alert").count() == 0
    submit_text(page, server, FRENCH, "Article en français")
    assert "does not look like English" in page.get_by_role("alert").inner_text()
    assert watch.errors == [] and watch.csp == []


def test_web_browser_printed_report_keeps_every_technique_name(server: RunningServer, watched: tuple["Page", Watch]) -> None:
    """Colour is not the only channel: on screen each span ends with its legend number; on paper,
    with no colour to tell techniques apart and no panel to click, with its number and name."""
    page, watch = watched
    analysis_id = submit_text(page, server, example_text(), "Printed article")
    spans = httpx.get(f"{server.url}/api/analyses/{analysis_id}").json()["analysis"]["spans"]["technique"]
    spans = [s for s in spans if s["score"] >= DISPLAY_THRESHOLD]  # the weaker ones are hidden, on paper too
    numbers = {b.get_attribute("data-name"): b.get_attribute("data-n") for b in page.locator("button.tech").all()}
    after = "els => els.map(el => getComputedStyle(el, '::after').content)"
    marks = page.locator("#article .ends:not(.weak)")
    assert marks.evaluate_all(after) == [f'"{e.get_attribute("data-n")}"' for e in marks.all()], "on screen, the legend number"
    page.emulate_media(media="print")
    printed = marks.evaluate_all(after)
    assert len(printed) == len({(s["end"], s["label"]) for s in spans}), "one note where spans of a technique end"
    shown = {content.strip('"').removeprefix(" [").removesuffix("]") for content in printed}
    assert shown == {f"{numbers[NAMES[s['label']]]} {NAMES[s['label']]}" for s in spans}, "every span's number and name is printed"
    assert page.locator("#detail").is_hidden()
    assert "1" in page.locator("section.legend li").first.inner_text(), "the numbers print in the legend too"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "web-result-print.png"), full_page=False)
    assert watch.errors == [] and watch.csp == []


def test_web_browser_result_page_downloads_json_csv_and_html_and_links_itself(server: RunningServer, browser: "Browser", tmp_path: Path) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    try:
        analysis_id = submit_text(page, server, "They are traitors and cowards. Only we can save the nation!", "Exported article")
        stored = httpx.get(f"{server.url}/api/analyses/{analysis_id}").json()["analysis"]
        with page.expect_download() as json_download:
            page.click(".export >> text=JSON")
        assert json_download.value.suggested_filename == f"spinscope-analysis-{analysis_id}.json"
        assert json.loads(Path(json_download.value.path()).read_text(encoding="utf-8")) == stored
        with page.expect_download() as csv_download:
            page.click(".export >> text=CSV")
        assert csv_download.value.suggested_filename == f"spinscope-analysis-{analysis_id}.csv"
        rows = list(csv.DictReader(io.StringIO(Path(csv_download.value.path()).read_text(encoding="utf-8"), newline="")))
        assert [r["text"] for r in rows] == [s["text"] for s in stored["spans"]["technique"]] and rows
        with page.expect_download() as html_download:
            page.click(".export >> text=HTML report")
        assert html_download.value.suggested_filename == f"spinscope-analysis-{analysis_id}.html"
        saved = tmp_path / html_download.value.suggested_filename
        html_download.value.save_as(saved)
        report_page = context.new_page()
        report_page.goto(saved.as_uri())
        assert report_page.locator("header h1").inner_text() == "Exported article"
        assert report_page.locator("nav.site, .export").count() == 0
        report_page.close()
        link = page.locator(".export a.permalink")
        assert link.inner_text() == page.url == f"{server.url}/analyses/{analysis_id}"
    finally:
        context.close()


NAV_TEXT = ("Town news\n\nThey are corrupt traitors and liars, he said. The shameless gang lies again.\n\n"
            "What comes next\n\nOnly we can save the nation! The elite must go, and the rotten council too.")


def _nav_report(tmp_path: Path, extra: dict[str, object] | None = None) -> Path:
    """A report on ``NAV_TEXT`` with calibrated spans of three techniques, some under the display
    threshold; ``extra`` adds fields to the first span's panel data, as a later analysis may carry."""
    def at(word: str, label: str, score: float) -> Span:
        start = NAV_TEXT.index(word)
        return Span(start, start + len(word), label, score)

    spans = [at("corrupt", "Loaded_Language", 0.6), at("traitors", "Name_Calling,Labeling", 0.5), at("liars", "Loaded_Language", 0.2),
             at("shameless", "Loaded_Language", 0.5), at("Only we can save the nation!", "Slogans", 0.5), at("elite", "Name_Calling,Labeling", 0.1),
             at("rotten", "Loaded_Language", 0.4)]
    page = render_report(_analysis(NAV_TEXT, spans, title="Town news", component=_by("transformer")))
    if extra:
        head, rest = page.split('id="span-data">', 1)
        block, tail = rest.split("</script>", 1)
        data = json.loads(html.unescape(block))
        data["spans"][0].update(extra)
        block = json.dumps(data, ensure_ascii=True).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
        page = head + 'id="span-data">' + block + "</script>" + tail
    path = tmp_path / "report.html"
    path.write_text(page, encoding="utf-8")
    return path


BACKGROUND = "els => els.map(el => getComputedStyle(el).backgroundColor)"
DISPLAY = "els => els.map(el => getComputedStyle(el).display)"
NONE = "rgba(0, 0, 0, 0)"


def test_web_browser_legend_filters_by_technique_with_the_threshold(watched: tuple["Page", Watch], tmp_path: Path) -> None:
    """A legend row shows its technique's passages alone (marks, underlines, numbers, tab stops);
    it combines with "Show weaker spans", and "Show all techniques" undoes it."""
    page, watch = watched
    page.goto(_nav_report(tmp_path).as_uri())
    loaded = page.get_by_role("button", name=re.compile(r"^1 Loaded language"))
    calling = page.locator("#article .mark", has_text="traitors")
    assert loaded.get_attribute("aria-pressed") == "false"
    loaded.click()
    assert loaded.get_attribute("aria-pressed") == "true"
    assert page.locator("button.tech[aria-pressed=true]").count() == 1
    assert calling.evaluate_all(BACKGROUND) == [NONE] and calling.get_attribute("tabindex") == "-1" and calling.get_attribute("title") == ""
    assert set(page.locator("#article .ends[data-n='2'], #article .ends[data-n='3']").evaluate_all(DISPLAY)) == {"none"}
    shown = page.locator("#article .mark:not(.out)")
    assert shown.all_inner_texts() == ["corrupt", "shameless", "rotten"], "the weak 'liars' stays hidden"
    page.click("#show-weak")
    assert shown.all_inner_texts() == ["corrupt", "liars", "shameless", "rotten"], "with the weaker spans, of that technique only"
    assert "elite" not in shown.all_inner_texts()
    loaded.click()
    assert loaded.get_attribute("aria-pressed") == "false" and "elite" in shown.all_inner_texts(), "a second press shows every technique again"
    page.get_by_role("button", name=re.compile(r"^2 Name calling")).click()
    assert shown.all_inner_texts() == ["traitors", "elite"]
    page.click("#show-all")
    assert page.locator("button.tech[aria-pressed=true]").count() == 0 and page.locator("#article .mark.out").count() == 0
    assert watch.errors == [] and watch.csp == []


def _focused(page: "Page") -> str:
    return str(page.evaluate("""() => { const el = document.activeElement;
        if (el.matches('a.passage')) return 'passage';
        if (el.matches('button.tech')) return 'tech' + el.dataset.n;
        if (el.matches('#article .mark')) return 'mark:' + el.textContent;
        return el.id ? '#' + el.id : el.tagName.toLowerCase() + ':' + el.textContent.trim().slice(0, 20); }"""))


def test_web_browser_keyboard_reaches_controls_in_order_and_opens_the_panel(watched: tuple["Page", Watch], tmp_path: Path) -> None:
    """Tab goes from the summary's links to the legend, its reset, the threshold control and the
    marks in reading order; Enter (or Space) on a mark opens the panel and moves the focus there,
    Escape brings it back, and Next/Previous walk one technique's passages."""
    page, watch = watched
    page.goto(_nav_report(tmp_path).as_uri())
    order = []
    for _ in range(13):
        page.keyboard.press("Tab")
        order.append(_focused(page))
    assert order == ["passage"] * 3 + ["tech1", "tech2", "tech3", "#show-all", "#show-weak",
                                       "mark:corrupt", "mark:traitors", "mark:shameless", "mark:Only", "mark:rotten"], order
    page.locator("#article .mark", has_text="corrupt").focus()
    page.keyboard.press("Enter")
    assert page.locator("#detail h3").first.inner_text().startswith("Loaded language (60%, strong)")
    assert page.evaluate("document.activeElement.closest('#detail') !== null"), "the panel takes the focus"
    page.keyboard.press("Escape")
    assert _focused(page) == "mark:corrupt"
    page.keyboard.press(" ")
    assert page.locator("#detail .steps").inner_text().replace("\n", " ").split() == ["←", "Previous", "1", "of", "3", "Next", "→"]
    page.get_by_role("button", name="Next passage of Loaded language").press("Enter")
    assert _focused(page) == "mark:shameless" and "selected" in (page.locator("#article .mark", has_text="shameless").get_attribute("class") or "")
    assert "2 of 3" in page.locator("#detail .steps").inner_text()
    page.get_by_role("button", name="Next passage of Loaded language").click()
    assert _focused(page) == "mark:rotten"
    assert page.get_by_role("button", name="Next passage of Loaded language").is_disabled()
    page.get_by_role("button", name="Previous passage of Loaded language").click()
    assert _focused(page) == "mark:shameless"
    assert watch.errors == [] and watch.csp == []


UNNAMED = """() => Array.from(document.querySelectorAll('button, a, input, select, textarea, [tabindex]')).filter(el => {
    if (el.closest('[hidden]') || getComputedStyle(el).display === 'none') return false;
    const by = (el.getAttribute('aria-labelledby') || '').split(/\\s+/).filter(Boolean)
        .map(id => (document.getElementById(id) || {}).textContent || '').join(' ');
    const labels = el.labels ? Array.from(el.labels).map(l => l.textContent).join(' ') : '';
    const name = el.getAttribute('aria-label') || by || el.textContent || labels || el.getAttribute('title') || el.value || '';
    return !name.trim();
}).map(el => el.outerHTML.slice(0, 160))"""


def test_web_browser_every_control_has_an_accessible_name(server: RunningServer, watched: tuple["Page", Watch], tmp_path: Path) -> None:
    """An axe-style check (no axe-core offline): every link, button, field and focusable element
    of the result page and of the standalone report, its panel open, and of the app's other pages has a non-empty accessible
    name (text, aria-label, aria-labelledby, a label or a title)."""
    page, watch = watched
    submit_text(page, server, example_text(), "Named controls")
    page.locator("#article .mark[tabindex='0']").first.click()
    assert page.evaluate(UNNAMED) == []
    page.goto(_nav_report(tmp_path).as_uri())
    page.locator("#article .mark", has_text="corrupt").click()
    assert page.locator("#detail .steps button").count() == 2
    assert page.evaluate(UNNAMED) == []
    for path in ("/", "/analyses", "/techniques", "/docs"):
        page.goto(f"{server.url}{path}")
        assert page.evaluate(UNNAMED) == [], path
    assert watch.errors == [] and watch.csp == []


def test_web_browser_summary_links_lead_to_the_strongest_passages(watched: tuple["Page", Watch], tmp_path: Path) -> None:
    page, watch = watched
    page.goto(_nav_report(tmp_path).as_uri())
    overview = page.locator("p.overview")
    assert overview.inner_text().startswith("Loaded language dominates (3 of 5 spans shown)")
    links = overview.locator("a.passage")
    assert links.all_inner_texts() == ["«corrupt»", "«traitors»", "«shameless»"], "the three highest scores, ties in reading order"
    links.nth(1).click()
    assert _focused(page) == "mark:traitors"
    assert page.locator("#detail h3").first.inner_text().startswith("Name calling or labelling")
    assert watch.errors == [] and watch.csp == []


def test_web_browser_panel_shows_evidence_check_and_example_only_where_given(watched: tuple["Page", Watch], tmp_path: Path) -> None:
    page, watch = watched
    page.goto(_nav_report(tmp_path).as_uri())
    page.locator("#article .mark", has_text="corrupt").click()
    assert page.locator("#detail .evidence").count() == 0, "spans without measured evidence show none"
    label = page.locator("#detail .technique h3").first.inner_text()
    technique = next(t for t, name in NAMES.items() if label.startswith(name))
    assert page.locator("#detail .check").first.inner_text() == f"What to check: {CHECKS[technique]}", "every technique has its check"
    assert builtin_example(technique) is not None
    assert page.locator("#detail .example").first.inner_text().startswith(f"Example from the guide: {builtin_example(technique).text}")
    corrupt, they = NAV_TEXT.index("corrupt"), NAV_TEXT.index("They")
    evidence = [{"start": corrupt, "end": corrupt + 7, "text": "corrupt", "drop": 0.12}, {"start": they, "end": they + 4, "text": "They", "drop": -0.03}]
    extra = {"evidence": evidence,
             "check": "Is the word backed by a fact in the text?", "example": {"text": "Crooked Hillary", "source": "PTC train, article 111"}}
    page.goto(_nav_report(tmp_path, extra).as_uri())
    page.locator("#article .mark", has_text="corrupt").click()
    assert page.locator("#detail .evidence").inner_text() == "Words that moved the model most: «corrupt» (−0.12), «They» (+0.03)"
    assert page.locator("#article .mark.evidence").all_inner_texts() == ["corrupt"], "the evidence inside the span is pointed at"
    assert page.locator("#detail .check").inner_text() == "What to check: Is the word backed by a fact in the text?"
    assert page.locator("#detail .example").inner_text() == "Example from the guide: Crooked Hillary (PTC train, article 111)"
    page.goto(_nav_report(tmp_path, {"evidence": [], "check": "", "example": None}).as_uri())
    page.locator("#article .mark", has_text="corrupt").click()
    assert page.locator("#detail .evidence, #detail .check, #detail .example").count() == 0, "empty fields show nothing"
    assert watch.errors == [] and watch.csp == []


def test_web_browser_headings_show_as_headings_and_the_title_once(watched: tuple["Page", Watch], tmp_path: Path) -> None:
    page, watch = watched
    page.goto(_nav_report(tmp_path).as_uri())
    assert page.get_by_role("heading", name="Town news").count() == 1, "the text's first line is the title: shown once"
    assert page.locator("header h1").inner_text() == "Town news"
    assert page.locator("#article").get_by_role("heading", name="What comes next").is_visible()
    assert page.locator("#article").text_content() == NAV_TEXT, "the text and its offsets stay the document's"
    assert watch.errors == [] and watch.csp == []


def test_web_browser_who_says_what_links_land_on_their_passages(server: RunningServer, watched: tuple["Page", Watch]) -> None:
    """On the result page (in the site's frame, under its CSP) a claim and then a quote of the
    panel lead to their place in the article: its anchor takes the focus, in view, and its words
    light up, those of the previous link no longer; a quoted technique says who uses it."""
    page, watch = watched
    data = who_analysis()
    with Store(server.db) as store:
        analysis_id = store.save(data)
    page.goto(f"{server.url}/analyses/{analysis_id}")
    assert page.get_by_role("region", name="Who says what").is_visible()
    lit = page.locator("#article .lit")
    top = min(data["spans"]["claim"], key=lambda c: c["attributes"]["rank"])
    page.locator("section.who-claims a.who-link").first.click()
    assert page.evaluate("document.activeElement.id") == f"w-claim-{data['spans']['claim'].index(top)}"
    assert "".join(lit.all_text_contents()) == top["text"]
    box = page.locator("#article .lit").first.bounding_box()
    assert box is not None and 0 <= box["y"] <= 900, "the passage is scrolled into view"
    quote = data["spans"]["quote"][0]
    page.get_by_role("link", name=f"«{quote['text']}»").click()
    assert page.evaluate("document.activeElement.id") == "w-quote-0"
    assert "".join(lit.all_text_contents()) == quote["text"], "the claim's words are no longer lit"
    note = page.locator("#w-quote-0").evaluate("el => getComputedStyle(el, '::before').content")
    assert MARA in note, "the speaker is named before the quote"
    mark = page.locator("#article .mark", has_text="finish").first
    assert mark.evaluate("el => getComputedStyle(el).fontStyle") == "italic", "quoted words are set apart"
    assert f"quoted: {MARA}" in (mark.get_attribute("title") or "")
    mark.click()
    assert page.locator("#detail .voice").inner_text() == f"Who uses it: quoted: {MARA}"
    page.locator("#article .mark", has_text="shameless").first.click()
    assert page.locator("#detail .voice").inner_text() == "Who uses it: the author"
    assert page.evaluate(UNNAMED) == []
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "web-result-who.png"), full_page=False)
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert watch.dialogs == [] and watch.errors == [] and watch.csp == []


def test_web_browser_compare_two_stored_analyses_side_by_side(server: RunningServer, watched: tuple["Page", Watch]) -> None:
    """From the list of past analyses, the form opens /compare for the two chosen: the actors both
    name stand in one row with the labels each article gives them, a label leads to its place in its
    own report, and on a phone the two columns fold into one without scrolling sideways."""
    page, watch = watched
    with Store(server.db) as store:
        a, b = store.save(analysis_a()), store.save(analysis_b())
    page.goto(f"{server.url}/analyses")
    page.select_option("#compare-a", str(a))
    page.select_option("#compare-b", str(b))
    page.get_by_role("button", name="Compare").click()
    page.wait_for_url(f"{server.url}/compare?a={a}&b={b}")
    actors = page.get_by_role("region", name="Actors and the labels each article gives them")
    nusra = actors.locator(".row", has_text="Al-Nusra Front").first
    cells = nusra.locator(".side")
    assert cells.count() == 2
    assert "The terror group" in cells.nth(0).inner_text() and "a jihadist militia" in cells.nth(1).inner_text()
    left, right = cells.nth(0).bounding_box(), cells.nth(1).bounding_box()
    assert left is not None and right is not None and left["x"] + left["width"] <= right["x"], "A and B side by side"
    claims = page.get_by_role("region", name="Check-worthy claims").inner_text()
    assert "About 250,000 people" in claims and "About 100,000 people" in claims
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "web-compare.png"), full_page=True)
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    left, right = cells.nth(0).bounding_box(), cells.nth(1).bounding_box()
    assert left is not None and right is not None and right["y"] >= left["y"] + left["height"], "one column on a phone, B under A"
    page.screenshot(path=str(ARTIFACTS / "web-compare-phone.png"), full_page=True)
    page.get_by_role("link", name="«a jihadist militia»").click()
    page.wait_for_url(f"{server.url}/analyses/{b}#w-label-0-0")
    assert page.evaluate("document.activeElement.id") == "w-label-0-0", "the report lands on the label"
    assert "".join(page.locator("#article .lit").all_text_contents()) == "a jihadist militia", "and lights its words"
    assert watch.dialogs == [] and watch.errors == [] and watch.csp == []

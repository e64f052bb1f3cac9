"""The report's "Who says what": the panel's content, its links to the article, quoted text set
apart, who uses each technique, and reports without (or with empty) who-says-what groups."""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from typing import Any

import pytest

from spinscope.document import ACTOR, CLAIM, QUOTE, SOURCE, VOICE
from spinscope.report.html import render
from tests.paths import EXAMPLE
from tests.test_report_html import PAYLOADS, _Collector
from tests.who_fixture import MARA, TEXT, quoted_analysis, who_analysis

GROUP_OF = {"quote": QUOTE, "source": SOURCE, "actor": ACTOR, "claim": CLAIM}


class _Article(HTMLParser):
    """The article's text content, where each element with an id sits in it, and the characters
    set as quoted and those under each ``data-in`` anchor."""

    def __init__(self) -> None:
        super().__init__()
        self.text = ""
        self.ids: dict[str, int] = {}
        self.quoted: set[int] = set()
        self.tagged: dict[str, set[int]] = {}
        self.stack: list[tuple[bool, list[str]]] = []
        self.inside = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "article":
            self.inside = True
        if not self.inside:
            return
        if a.get("id"):
            self.ids[str(a["id"])] = len(self.text)
        self.stack.append(("quoted" in (a.get("class") or "").split(), (a.get("data-in") or "").split()))

    def handle_endtag(self, tag: str) -> None:
        if tag == "article":
            self.inside = False
        elif self.inside and self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if not self.inside:
            return
        chars = range(len(self.text), len(self.text) + len(data))
        if any(q for q, _ in self.stack):
            self.quoted.update(chars)
        for anchor in {a for _, tags in self.stack for a in tags}:
            self.tagged.setdefault(anchor, set()).update(chars)
        self.text += data


def _article(page: str) -> _Article:
    parsed = _Article()
    parsed.feed(page)
    return parsed


def _panel(page: str) -> str:
    start = page.index('<section class="who"')
    return page[start : page.index("</section>\n", start)]


def _span_data(page: str) -> list[dict[str, Any]]:
    block = page.split('id="span-data">', 1)[1].split("</script>", 1)[0]
    spans: list[dict[str, Any]] = json.loads(html.unescape(block))["spans"]
    return spans


def _visible(fragment: str) -> str:
    """The text a reader sees: blocks apart, inline elements run on."""
    spaced = re.sub(r"</?(h\d|p|li|ul|ol|section|div|br)\b[^>]*>", " ", fragment)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", spaced)).split())


def test_report_who_panel_lists_speakers_sources_actors_and_ranked_claims() -> None:
    panel = _visible(_panel(render(who_analysis())))
    assert "Quotes by speaker 3 quotes, 1 speaker named." in panel
    assert f"{MARA} (a career politician who has never run a business in her life): 1 quote" in panel
    assert "a local engineer (not named): 1 quote" in panel and "The council (not named): 1 quote" in panel
    assert "3 sources: 2 named, 1 anonymous." in panel
    assert "a local engineer anonymous, 1 statement" in panel and f"{MARA} official, named, 1 statement" in panel
    assert "Eastbrook council Antagonist 81% (Corrupt) organisation, 3 mentions" in panel
    assert "Called: «gang of corrupt bureaucrats» category, «incompetent officials» modifier" in panel
    claims = re.findall(r"<li><a class=\"who-link\" href=\"#(w-claim-\d+)\"", _panel(render(who_analysis())))
    assert claims == ["w-claim-2", "w-claim-1", "w-claim-0", "w-claim-3"], "by rank, not in text order"
    assert "83% · a figure: hundreds; attributed to an unnamed source; source: a local engineer (anonymous)" in panel


def test_report_who_every_link_lands_on_an_anchor_where_its_item_starts_and_tags_its_words() -> None:
    data = who_analysis()
    page = render(data)
    article = _article(page)
    links = re.findall(r'class="who-link" href="#([^"]+)"', page)
    assert len(links) == 3 + 3 + 3 + 4 + 4, "each quote, source, actor, label and claim"
    for anchor in links:
        kind, *index = anchor.split("-")[1:]
        if kind == "label":
            item = data["spans"][ACTOR][int(index[0])]["attributes"]["labels"][int(index[1])]
        else:
            item = data["spans"][GROUP_OF[kind]][int(index[0])]
        assert article.ids[anchor] == item["start"], anchor
        assert article.tagged[anchor] == set(range(item["start"], item["end"])), f"{anchor}: its words light up, no others"


def test_report_who_keeps_the_article_text_and_sets_quotes_apart() -> None:
    data = who_analysis()
    article = _article(render(data))
    assert article.text == TEXT, "anchors and quote styling add markup only"
    quoted = {i for q in data["spans"][QUOTE] for i in range(q["start"], q["end"])}
    assert article.quoted == quoted and quoted


def test_report_who_adds_no_keyboard_stops_inside_technique_spans() -> None:
    def stops(page: str) -> list[str]:
        return re.findall(r'<span class="mark[^"]*"(?: id="m\d+")? tabindex="0"[^>]*>([^<]*)', page)

    assert stops(render(who_analysis())) == stops(render(who_analysis(groups=()))), "one stop where the spans change, as before"


def test_report_who_says_who_uses_each_technique_in_its_panel_data() -> None:
    spans = _span_data(render(who_analysis()))
    voices = {s["text"]: s["voice"] for s in spans}
    assert voices["will finish on schedule"] == f"quoted: {MARA}"
    assert voices["killing hundreds of innocent children"] == "quoted: a local engineer", "an unnamed speaker by the words that introduce them"
    assert voices["shameless land grab"] == "the author" and voices["Our town, our bridge, our future!"] == "the author"


def test_report_who_overview_counts_the_authors_techniques_apart_from_quoted_ones() -> None:
    overview = _visible(re.search(r'<p class="overview">.*?</p>', render(who_analysis()), re.S).group(0))  # type: ignore[union-attr]
    assert f"Of the spans shown, 4 are the author's own and 3 are quoted ({MARA} 1, The council 1, a local engineer 1)." in overview


def test_report_who_without_its_groups_shows_no_trace_of_them() -> None:
    page = render(who_analysis(groups=()))
    assert 'class="who"' not in page and "data-in=" not in page and 'class="at' not in page
    assert not re.search(r'class="[^"]*\bquoted\b', page)
    assert {s["voice"] for s in _span_data(page)} == {""}
    assert "Of the spans shown" not in page and "a quoted slogan is marked like the author's own" in html.unescape(page)


@pytest.mark.parametrize("groups", [(QUOTE,), (SOURCE, CLAIM), (ACTOR,), (VOICE,)])
def test_report_who_shows_a_section_for_each_stage_that_ran_and_no_other(groups: tuple[str, ...]) -> None:
    page = render(who_analysis(groups=groups))
    sections = re.findall(r'<section class="who-(\w+)s"', page)
    assert sections == [k for k, g in GROUP_OF.items() if g in groups]
    assert ("Of the spans shown" in page) == (VOICE in groups)


def test_report_who_empty_groups_say_so() -> None:
    page = render(who_analysis(empty=(QUOTE, SOURCE, ACTOR, CLAIM)))
    panel = _visible(_panel(page))
    assert all(f"No {what} found." in panel for what in ("quotes", "sources", "actors", "check-worthy claims")), panel
    assert 'class="who-link"' not in page and _article(page).text == TEXT


@pytest.mark.parametrize("payload", PAYLOADS)
def test_report_who_escapes_hostile_names_roles_and_reasons(payload: str) -> None:
    page = render(who_analysis(name=payload))
    parsed = _Collector()
    parsed.feed(page)
    assert parsed.scripts == 2, "only the span-data block and the report's own script"
    assert parsed.handlers == [] and "img" not in parsed.tags and "svg" not in parsed.tags
    assert all(re.fullmatch(r"#m\d+|#w-(quote|source|actor|claim)-\d+|#w-label-\d+-\d+", h) for h in parsed.hrefs), parsed.hrefs
    assert html.escape(payload) in _panel(page), "shown as text"
    notes = re.findall(r'data-note="([^"]*)"', page)
    assert notes and set(html.unescape(n) for n in notes) == {payload}, "the speaker stays inside its attribute"
    assert {s["voice"] for s in _span_data(page)} >= {f"quoted: {payload}"}


def test_report_who_keeps_a_title_copy_in_sight_when_a_link_points_into_it() -> None:
    first_line = TEXT.split("\n", 1)[0]
    plain, linked = who_analysis(groups=()), who_analysis()
    for data in (plain, linked):
        data["document"]["title"] = first_line
    assert '<h2 class="heading" hidden>' in render(plain), "a bare title copy is hidden, as before"
    assert '<h2 class="heading" hidden>' not in render(linked), "the council and Eastbrook are first named in it"


@pytest.mark.skipif(not EXAMPLE.is_file(), reason=f"the shared example article is absent ({EXAMPLE})")
def test_report_who_names_the_speaker_of_a_quote_opened_by_a_closing_mark() -> None:
    page = render(quoted_analysis(EXAMPLE.read_text(encoding="utf-8")))
    assert "<b>Rupert Colville</b>" in _panel(page) and "«”During the last two weeks" in html.unescape(_panel(page))
    assert "Rupert Colville" in {html.unescape(n) for n in re.findall(r'data-note="([^"]*)"', page)}


def test_report_who_lists_a_repeated_label_once_with_its_count_linked_to_its_first_place() -> None:
    data = who_analysis()
    first, second = TEXT.index("our town"), TEXT.index("Our town")
    data["spans"][ACTOR][1]["attributes"]["labels"] = [
        {"start": first, "end": first + 8, "text": "our town", "kind": "category"},
        {"start": second, "end": second + 8, "text": "Our town", "kind": "category"},
    ]
    page = render(data)
    assert "Called: «our town» category ×2" in _visible(_panel(page))
    assert _article(page).ids["w-label-1-0"] == first and "w-label-1-1" not in page

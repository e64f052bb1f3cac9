from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser

import pytest

from spinscope.document import TECHNIQUE, Analysis, Component, Document, Span
from spinscope.nlp.stage import SentenceStage
from spinscope.report.headings import heading_lines
from spinscope.report.html import render
from spinscope.techniques.confidence import DISPLAY_THRESHOLD
from spinscope.techniques.registry import detector_card, installed_sha256
from tests.test_nlp_language import FRENCH
from spinscope.techniques.summary import readable_term, summarise

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    '"><script>alert(2)</script>',
    "' onmouseover='alert(1)",
    "</script><script>alert(1)</script>",
    '<a href="javascript:alert(1)">x</a>',
    "{{7*7}}",
]


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.scripts = 0
        self.handlers: list[str] = []
        self.hrefs: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "script":
            self.scripts += 1
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.append(name)
            if name == "href":
                self.hrefs.append(value or "")


def _analysis(text: str, spans: list[Span], title: str | None = None, component: Component = Component("technique", "test", "1")) -> dict:
    doc = SentenceStage()(Document(id="x", text=text, title=title)).with_spans(TECHNIQUE, spans)
    summary = {"sentence": SentenceStage().summarise(doc), "technique": summarise(doc, doc.spans[TECHNIQUE])}
    return Analysis(doc, summary, (component,)).to_dict()


def _by(detector: str) -> Component:
    """The component of the installed ``detector``, so the report finds its model card."""
    return Component("technique", detector, "1", installed_sha256(detector))


def test_report_html_prints_template_syntax_literally() -> None:
    page = render(_analysis("Total: {{7*7}} and {% raw %}.", []))
    assert "{{7*7}}" in page and "{% raw %}" in page


@pytest.mark.parametrize("payload", PAYLOADS)
def test_report_html_escapes_hostile_text_in_title_body_and_spans(payload: str) -> None:
    text = f"Intro {payload} outro."
    start = text.index(payload)
    page = render(_analysis(text, [Span(start, start + len(payload), "Loaded_Language", 0.9)], title=payload))
    parsed = _Collector()
    parsed.feed(page)
    assert parsed.scripts == 2, "only the span-data block and the report's own script"
    assert parsed.handlers == []
    assert all(re.fullmatch(r"#m\d+", h) for h in parsed.hrefs), "only the summary's links to the report's own marks"
    assert "img" not in parsed.tags and "svg" not in parsed.tags


def test_report_html_keeps_overlapping_spans_in_separate_slots() -> None:
    text = "They are corrupt traitors and liars."
    spans = [Span(9, 24, "Name_Calling,Labeling", 0.7), Span(9, 16, "Loaded_Language", 0.8), Span(29, 35, "Loaded_Language", 0.6)]
    page = render(_analysis(text, spans))
    assert page.count('class="bar s0') >= 2 and 'class="bar s1' in page
    assert "Name_Calling,Labeling" in page and "Loaded_Language" in page


def test_report_html_has_strict_csp_and_no_inline_style_attributes() -> None:
    page = render(_analysis("A plain sentence with loaded words.", [Span(22, 28, "Loaded_Language", 0.5)]))
    csp = html.unescape(re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', page).group(1))
    assert "default-src 'none'" in csp and "object-src 'none'" in csp and "base-uri 'none'" in csp
    assert " style=" not in page
    assert "http://" not in page and "https://" not in page, "the report must open with no network"


def test_report_html_span_data_cannot_close_its_script_block() -> None:
    text = "x </script><script>alert(1)</script> y"
    page = render(_analysis(text, [Span(2, 36, "Slogans", 0.5)]))
    data_block = page.split('id="span-data">')[1].split("</script>")[0]
    assert "<" not in data_block and "\\u003c/script\\u003e" in data_block


def test_report_html_shows_readers_names_and_keeps_the_ptc_label_in_the_data() -> None:
    text = "They are corrupt traitors and liars."
    page = render(_analysis(text, [Span(9, 24, "Name_Calling,Labeling", 0.7), Span(29, 35, "Whataboutism,Straw_Men,Red_Herring", 0.6)]))
    visible = page.split('<script type="application/json"')[0]
    assert "Name calling or labelling" in visible and "Whataboutism, straw man or red herring" in visible
    assert "Name_Calling" not in visible and "Straw_Men" not in visible, "no raw PTC label is shown to the reader"
    data_block = json.loads(html.unescape(page.split('id="span-data">')[1].split("</script>")[0]))
    assert [(d["label"], d["name"]) for d in data_block["spans"]] == [
        ("Name_Calling,Labeling", "Name calling or labelling"),
        ("Whataboutism,Straw_Men,Red_Herring", "Whataboutism, straw man or red herring"),
    ]


def test_report_html_numbers_and_names_each_span_where_it_ends() -> None:
    """The legend number shows after each span on screen and, with the name, on paper: colour is
    not the only way to tell techniques apart, and paper has no panel to click."""
    text = "They are corrupt traitors and liars.\nNothing here."
    spans = [Span(9, 25, "Name_Calling,Labeling", 0.7), Span(9, 16, "Loaded_Language", 0.8), Span(29, 35, "Loaded_Language", 0.6)]
    page = render(_analysis(text, spans))
    ends = re.findall(r'>([^<>]*)(?:<span class="bar[^"]*" data-span="\d+"></span>)+</span><span class="ends" data-n="(\d+)" data-ends="([^"]*)"></span>', page)
    assert ends == [("corrupt", "1", "Loaded language"), ("traitors", "2", "Name calling or labelling"), ("liars", "1", "Loaded language")]
    legend = re.findall(r'<button type="button" class="row tech" data-n="(\d+)" data-name="([^"]*)" aria-pressed="false"', page)
    assert legend == [("1", "Loaded language"), ("2", "Name calling or labelling")], "the numbers are the legend's, most spans first"
    css = page.split("@media print")
    assert re.search(r"\.ends::after \{ content: attr\(data-n\)", css[0]), "on screen, the number"
    assert re.search(r"\.ends::after \{ content: [^;]*attr\(data-n\)[^;]*attr\(data-ends\)", css[1]), "on paper, number and name"


CONFIDENCE_TEXT = "They are corrupt traitors and liars, he said."


def _confidence_page(detector: str) -> str:
    weak, moderate, strong = DISPLAY_THRESHOLD - 0.1, DISPLAY_THRESHOLD + 0.01, 0.5
    spans = [Span(9, 16, "Loaded_Language", strong), Span(17, 25, "Name_Calling,Labeling", moderate), Span(30, 35, "Loaded_Language", weak)]
    return render(_analysis(CONFIDENCE_TEXT, spans, component=_by(detector)))


def _mark(page: str, word: str) -> str:
    return re.search(rf'<span class="mark ([^"]*)"[^>]*>{word}<', page).group(1)


def test_report_html_calibrated_scores_set_the_highlight_and_hide_spans_under_the_threshold() -> None:
    page = _confidence_page("transformer")
    assert "lvl-strong" in _mark(page, "corrupt") and "lvl-moderate" in _mark(page, "traitors")
    assert _mark(page, "liars").split()[-2:] == ["lvl-weak", "weak"], "under the threshold: weak, hidden until asked"
    assert "weak" not in _mark(page, "corrupt").split()
    assert '<main id="report" class="hide-weak">' in page
    assert "Showing spans with at least 40% estimated precision" in page and "1 weaker span is hidden" in page
    assert re.search(r'<button type="button" id="show-weak" aria-pressed="false">Show weaker spans</button>', page)
    data = json.loads(html.unescape(page.split('id="span-data">')[1].split("</script>")[0]))
    assert data["calibrated"] is True
    assert [(d["level"], d["weak"]) for d in data["spans"]] == [("strong", False), ("moderate", False), ("weak", True)]


def test_report_html_says_the_baseline_scores_are_uncalibrated_and_hides_nothing() -> None:
    page = _confidence_page("baseline")
    assert "scores are not calibrated" in page and 'id="show-weak"' not in page
    assert all(_mark(page, w).split()[-1] == "lvl-unrated" for w in ("corrupt", "traitors", "liars"))
    data = json.loads(html.unescape(page.split('id="span-data">')[1].split("</script>")[0]))
    assert data["calibrated"] is False and not any(d["weak"] for d in data["spans"])


def test_report_html_trusts_no_calibration_of_another_model() -> None:
    """An analysis stored by another model (its hash differs): the installed card's calibration does not speak for it."""
    spans = [Span(30, 35, "Loaded_Language", 0.1)]
    page = render(_analysis(CONFIDENCE_TEXT, spans, component=Component("technique", "transformer", "1", "0" * 64)))
    assert "scores are not calibrated" in page and 'id="show-weak"' not in page


def test_report_html_how_to_read_quotes_the_installed_model_card() -> None:
    page = _confidence_page("transformer")
    note = re.sub(r"<[^>]+>", "", page.split('<section class="howto">')[1].split("</section>")[0])
    si = detector_card("transformer")["metrics"]["si"]
    assert note.startswith("How to read this")
    assert f"{si['recall']:.0%} of the text the annotators marked" in note and f"F1 {si['f1']:.2f}" in note
    assert "not whether it is true" in note and "languages other than English" in note
    assert "Least reliable" in note
    unknown = render(_analysis(CONFIDENCE_TEXT, [], component=Component("technique", "transformer", "1", "0" * 64)))
    assert "its measured figures cannot be shown" in unknown


def test_report_html_warns_when_the_text_does_not_look_english() -> None:
    page = render(_analysis(FRENCH, []))
    warning = re.search(r'<p class="warning" role="alert">([^<]*)</p>', page)
    assert warning and "does not look like English" in warning.group(1)
    assert 'class="warning"' not in render(_analysis(CONFIDENCE_TEXT * 5, []))


def test_report_html_shows_density_with_one_decimal_and_loaded_terms_as_terms() -> None:
    text = "They are corrupt traitors and liars, he said, and the “corrupt elite of this rotten city ran away."
    spans = [Span(9, 16, "Loaded_Language", 0.5), Span(46, 62, "Loaded_Language", 0.5), Span(29, 36, "Name_Calling,Labeling", 0.5)]
    page = render(_analysis(text, spans))
    density = re.search(r"<b>([^<]*)</b> spans per 100 words", page).group(1)
    assert re.fullmatch(r"\d+\.\d", density), density
    assert "Most loaded terms: corrupt (2), liars (1)" in page, "case-folded, edge words and quotation marks trimmed"


@pytest.mark.parametrize(("span", "term"), [
    ("and brutal theocratic", "brutal theocratic"),
    ("“under siege", "under siege"),
    ("  the U.S.-led imperialist,", "U.S.-led imperialist"),
    ("Russia’s puppet", "Russia’s puppet"),
    ("slew of sunni extremists groups including the al-qaeda linked al-nusra", None),
    ("and the", None),
])  # fmt: skip
def test_readable_term_trims_edges_and_refuses_passages(span: str, term: str | None) -> None:
    assert readable_term(span) == term


def _article(page: str) -> str:
    return page.split('<article id="article">')[1].split("</article>")[0]


@pytest.mark.parametrize(("text", "headings"), [
    ("Town news\n\nThey lie. Again.\n\nWhat comes next\n\nThe end.", ["Town news", "What comes next"]),
    ("  Spaced title  \r\n\r\nBody text, and more.\r\n\r\nA heading: with a colon?\r\n\r\nNot a heading. It ends.", ["Spaced title"]),
    ("First line\nSecond line runs on\n\nThird.", []),
    ("A single line without a stop", []),
    ("Body.\n\nThis line is much too long to be a heading because it has more than twelve words in it\n\nEnd.", []),
    ("Body.\n\n“He said so.”\n\nEnd.", []),
])  # fmt: skip
def test_report_headings_finds_short_lines_set_off_by_blank_lines(text: str, headings: list[str]) -> None:
    assert [text[a:b] for a, b in heading_lines(text, len(text))] == headings


def test_report_headings_leaves_boilerplate_alone() -> None:
    text = "Body text here.\n\nRelated Articles\n\nBack to top"
    assert heading_lines(text, text.index("Related")) == []


@pytest.mark.parametrize("title", [None, "Town news", "A headline the user typed"])
def test_report_html_keeps_the_article_text_exactly_with_headings_marks_and_notes(title: str | None) -> None:
    text = "Town news\n\nThey are corrupt traitors and liars.\n\nWhat comes <next>\n\n  Only we & they!  \n"
    spans = [Span(20, 36, "Name_Calling,Labeling", 0.7), Span(20, 27, "Loaded_Language", 0.8), Span(41, 46, "Loaded_Language", 0.6),
             Span(70, 85, "Slogans", 0.5), Span(54, 62, "Doubt", 0.4)]
    article = _article(render(_analysis(text, spans, title=title)))
    assert html.unescape(re.sub(r"<[^>]+>", "", article)) == text, "offsets stay the document's"
    assert re.search(r'<h2 class="heading">What <span class="mark[^>]*>comes<.*?</h2>', article), "a heading holds its marks"


def test_report_html_shows_the_title_once() -> None:
    text = "Town news\n\nThey are corrupt traitors and liars.\n\nWhat comes next\n\nThe end."
    same = render(_analysis(text, [], title="town  NEWS"))
    assert "<header><h1>Town news</h1>" in same and '<h2 class="heading" hidden>Town news\n\n</h2>' in _article(same)
    untitled = render(_analysis(text, []))
    assert "<header><h1>Town news</h1>" in untitled and '<h2 class="heading" hidden>' in _article(untitled), "no title given: the first line is it"
    other = render(_analysis(text, [], title="Local paper"))
    assert "<header><h1>Local paper</h1>" in other and '<h2 class="heading">Town news</h2>' in _article(other)
    marked = render(_analysis(text, [Span(0, 4, "Loaded_Language", 0.5)], title="Town news"))
    assert " hidden>" not in _article(marked), "a title with a mark stays in sight, as its mark must"
    assert '<h2 class="heading">What comes next</h2>' in _article(same)


def _overview(page: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", re.search(r'<p class="overview">(.*?)</p>', page, re.S).group(1)))


def test_report_html_summary_in_words_names_the_leader_and_links_the_strongest() -> None:
    page = _confidence_page("transformer")
    assert _overview(page) == ("Loaded language and Name calling or labelling are the most frequent (1 span each, of 2 shown); the strongest "
                               "passages: «corrupt» (Loaded language, 50%), «traitors» (Name calling or labelling, 35%). 1 weaker span, under the display "
                               "threshold, is not counted here.")
    links = re.findall(r'<a class="passage" href="#(m\d+)">', page)
    assert links == ["m9", "m17"] and all(f'id="{a}" tabindex="0"' in page for a in links), "each link has its mark"
    text = "They are corrupt traitors and liars, he said, and the rotten elite lies."
    spans = [Span(9, 16, "Loaded_Language", 0.9), Span(17, 25, "Loaded_Language", 0.5), Span(30, 35, "Name_Calling,Labeling", 0.6),
             Span(54, 60, "Loaded_Language", 0.7), Span(61, 66, "Loaded_Language", 0.1)]
    page = render(_analysis(text, spans, component=_by("transformer")))
    assert _overview(page).startswith("Loaded language dominates (3 of 4 spans shown); the strongest passages: «corrupt» (Loaded language, 90%), «rotten»")
    assert _overview(page).endswith("(Name calling or labelling, 60%). 1 weaker span, under the display threshold, is not counted here.")


def test_report_html_summary_in_words_is_honest_without_spans_or_calibration() -> None:
    assert _overview(render(_analysis(CONFIDENCE_TEXT, []))).startswith("No technique spans were found. That is not proof of neutral writing")
    hidden = render(_analysis(CONFIDENCE_TEXT, [Span(30, 35, "Loaded_Language", 0.1)], component=_by("transformer")))
    assert _overview(hidden).startswith("No span reaches the display threshold; 1 weaker span is hidden")
    baseline = _overview(_confidence_page("baseline"))
    assert "highest-scoring passages (uncalibrated scores: they rank passages, they are not chances)" in baseline
    assert "%" not in baseline and baseline.startswith("Loaded language dominates (2 of 3 spans shown)")


def test_report_html_span_data_carries_evidence_check_and_a_contrasting_example() -> None:
    text = "Nobody believes her anymore, and a foreign label."
    evidence = [{"start": 7, "end": 15, "text": "believes", "drop": 0.21}]
    spans = [Span(0, 27, "Doubt", 0.7, {"evidence": evidence}), Span(35, 48, "Some_New_Label", 0.6)]
    data_block = json.loads(html.unescape(render(_analysis(text, spans)).split('id="span-data">')[1].split("</script>")[0]))
    doubt, foreign = data_block["spans"]
    assert doubt["evidence"] == evidence
    assert doubt["check"] == "Who or what is doubted, and does the text give evidence for the doubt?"
    assert doubt["example"]["source"].startswith("PTC training article ") and doubt["example"]["text"] not in text
    assert (foreign["evidence"], foreign["check"], foreign["example"]) == ([], "", None)

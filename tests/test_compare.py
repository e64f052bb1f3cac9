"""Two articles side by side (spinscope.compare): names of one actor linked across outlets, the
labels and roles each article gives it, techniques counted as each report shows them, the claims
both make and those only one makes, sources, and the JSON, text and HTML views."""

from __future__ import annotations

import html
import io
import json
import re
from dataclasses import replace
from html.parser import HTMLParser
from typing import Any

import pytest
from rich.console import Console

from spinscope.compare import Comparison, compare
from spinscope.compare.actors import align_actors, portrayals
from spinscope.compare.html import render
from spinscope.compare.model import Portrayal
from spinscope.compare.names import ACRONYM, NEAR, SAME, SHORT_FORM, SURNAME, best_match, match
from spinscope.compare.text import render as render_text
from spinscope.nlp.embed import encoder
from spinscope.report.who import who_says_what
from tests.compare_fixture import TEXT_A, TEXT_B, analysis_a, analysis_b
from tests.test_report_html import PAYLOADS


@pytest.fixture(scope="module")
def comparison() -> Comparison:
    return compare(analysis_a(), analysis_b())


@pytest.mark.parametrize(
    ("a", "b", "person", "rule"),
    [
        ("Al-Nusra Front", "Nusra", False, SHORT_FORM),
        ("Fatah al-Sham Front (Al-Nusra Front)", "Nusra", False, SHORT_FORM),
        ("Al-Nusra Front", "al Nusra front", False, SAME),
        ("Syrian Observatory for Human Rights", "SOHR", False, ACRONYM),
        ("the UN", "United Nations", False, ACRONYM),
        ("ISIS", "Islamic State of Iraq and Syria", False, ACRONYM),
        ("Bashar al-Assad", "President Assad", True, SURNAME),
        ("the Kremlin's", "Kremlin", False, SAME),
    ],
)
def test_compare_names_link_one_referent_written_two_ways(a: str, b: str, person: bool, rule: str) -> None:
    found = best_match((a,), (b,), person)
    assert found is not None and found.rule == rule
    assert best_match((b,), (a,), person) == found


@pytest.mark.parametrize(
    ("a", "b", "person"),
    [
        ("Free Syrian Army", "Syrian Army", False),  # a distinctive word apart: two bodies
        ("Islamic State", "State", False),  # a generic word alone names nothing
        ("Hillary Clinton", "Clinton", False),  # a surname links persons only
        ("Syrian government", "Syrian army", False),
        ("Bashar al-Assad", "Bashar", True),  # a given name is not a surname
        ("UN", "Human Rights Watch", False),
    ],
)
def test_compare_names_keep_two_referents_apart(a: str, b: str, person: bool) -> None:
    assert match(a, b, person) is None


def test_compare_actors_aligned_with_the_labels_and_role_each_article_gives(comparison: Comparison) -> None:
    assert comparison.actors is not None
    pairs = {p.a.actor.name: p for p in comparison.actors.pairs}
    assert set(pairs) == {"Al-Nusra Front", "Syrian Observatory for Human Rights", "civilians"}
    nusra = pairs["Al-Nusra Front"]
    assert nusra.b.actor.name == "Nusra"
    assert [(l.place.text, l.kind) for l in nusra.a.actor.labels] == [("The terror group", "category"), ("a gang of terrorists", "predicate")]
    assert [(l.place.text, l.kind) for l in nusra.b.actor.labels] == [("a jihadist militia", "apposition")]
    assert TEXT_A[nusra.a.actor.labels[0].place.start:nusra.a.actor.labels[0].place.end] == "The terror group"
    assert TEXT_B[nusra.b.actor.labels[0].place.start:nusra.b.actor.labels[0].place.end] == "a jihadist militia"
    assert (nusra.a.actor.role, nusra.b.actor.role) == ("Antagonist", "Antagonist") and nusra.shared_labels == ()
    assert pairs["Syrian Observatory for Human Rights"].rule == ACRONYM and pairs["Syrian Observatory for Human Rights"].b.actor.name == "SOHR"
    assert [p.actor.name for p in comparison.actors.only_a] == ["Damascus"]
    assert [p.actor.name for p in comparison.actors.only_b] == ["Government forces"]


def test_compare_actors_short_form_links_where_no_written_form_is_shared() -> None:
    a = portrayals(analysis_a(), who_says_what(analysis_a()).actors or ())
    b = portrayals(analysis_b(), who_says_what(analysis_b()).actors or ())
    # A without its "Nusra" mention: only the rule links "Al-Nusra Front" to B's "Nusra"
    a = tuple(replace(p, forms=tuple(f for f in p.forms if f != "Nusra")) for p in a)
    nusra = next(p for p in align_actors(a, b).pairs if p.b.actor.name == "Nusra")
    assert (nusra.a.actor.name, nusra.rule) == ("Al-Nusra Front", SHORT_FORM)


def test_compare_actor_alignment_is_one_to_one_whatever_the_order(comparison: Comparison) -> None:
    a = portrayals(analysis_a(), who_says_what(analysis_a()).actors or ())
    b = portrayals(analysis_b(), who_says_what(analysis_b()).actors or ())
    forward = {(p.a.actor.name, p.b.actor.name) for p in align_actors(a, b).pairs}
    backward = {(p.a.actor.name, p.b.actor.name) for p in align_actors(tuple(reversed(a)), tuple(reversed(b))).pairs}
    assert forward == backward
    assert len({x for x, _ in forward}) == len(forward) == len({y for _, y in forward})


def _portrayal(base: Portrayal, name: str) -> Portrayal:
    return Portrayal(replace(base.actor, name=name, type="organisation"), (name,))


def test_compare_near_names_link_only_names_with_the_same_distinctive_words() -> None:
    base = portrayals(analysis_a(), who_says_what(analysis_a()).actors or ())[0]
    a = (_portrayal(base, "Syrian regime"), _portrayal(base, "Free Syrian Army"))
    b = (_portrayal(base, "Syrian government"), _portrayal(base, "Syrian army"))
    aligned = align_actors(a, b, encoder())
    assert [(p.a.actor.name, p.b.actor.name, p.rule) for p in aligned.pairs] == [("Syrian regime", "Syrian government", NEAR)]
    assert 0.85 <= aligned.pairs[0].score <= 1
    assert align_actors(a, b).pairs == ()  # without the encoder, no rule links them


def test_compare_counts_techniques_as_each_report_shows_them(comparison: Comparison) -> None:
    rows = {r.label: r for r in comparison.techniques.rows}
    assert list(rows) == ["Name_Calling,Labeling", "Appeal_to_fear-prejudice", "Loaded_Language"]  # Doubt (0.2) is under the display threshold
    words_a, words_b = comparison.a.words, comparison.b.words
    assert words_a == len(re.findall(r"\w+", TEXT_A)) and words_b == len(re.findall(r"\w+", TEXT_B))
    calling = rows["Name_Calling,Labeling"]
    assert (calling.a.spans, calling.a.author, calling.a.quoted) == (2, 2, 0)
    assert calling.a.per_1000_words == round(2000 / words_a, 2)
    assert (calling.b.spans, calling.b.author, calling.b.quoted) == (1, None, None)  # B ran without the voice stage
    fear = rows["Appeal_to_fear-prejudice"]
    assert (fear.a.author, fear.a.quoted, fear.b.spans) == (0, 1, 0)
    assert (comparison.techniques.total_a.spans, comparison.techniques.total_b.spans) == (3, 2)
    assert "voice" in comparison.a.groups and "voice" not in comparison.b.groups


def test_compare_claims_both_make_and_those_only_one_makes(comparison: Comparison) -> None:
    claims = comparison.claims
    assert claims is not None
    assert [(p.a.place.text, p.b.place.text) for p in claims.pairs] == [
        ("The shelling killed 12 civilians in western Aleppo on Monday.", "The rockets killed 12 civilians in western Aleppo on Monday, the monitor said.")
    ]
    assert claims.pairs[0].score >= 0.75
    # the same sentence but another figure: two claims, each made by one article only
    assert "About 250,000 people remain trapped in eastern Aleppo." in [c.place.text for c in claims.only_a]
    assert [c.place.text for c in claims.only_b] == ["About 100,000 people remain trapped in eastern Aleppo, a UN official said."]
    assert [c.rank for c in claims.only_a] == sorted(c.rank for c in claims.only_a)


def test_compare_sources_pair_named_ones_and_keep_anonymous_ones_apart(comparison: Comparison) -> None:
    sources = comparison.sources
    assert sources is not None
    assert [(p.a.name, p.b.name, p.rule) for p in sources.pairs] == [("Syrian Observatory for Human Rights", "SOHR", ACRONYM)]
    assert sources.only_a == () and [(s.name, s.named) for s in sources.only_b] == [("a UN official", False)]


def _without(data: dict[str, Any], group: str) -> dict[str, Any]:
    return {**data, "spans": {g: s for g, s in data["spans"].items() if g != group}}


def test_compare_a_stage_that_did_not_run_is_not_read_as_nothing_found() -> None:
    b = _without(analysis_b(), "actor")
    c = compare(analysis_a(), b)
    assert c.actors is None and "actor" not in c.b.groups and c.claims is not None
    assert "Not compared: the analysis of B ran without the actor stage" in render(c)
    empty = compare(analysis_a(), {**analysis_b(), "spans": {**analysis_b()["spans"], "actor": []}})
    assert empty.actors is not None and empty.actors.pairs == () and len(empty.actors.only_a) == 4


def test_compare_json_round_trips(comparison: Comparison) -> None:
    text = json.dumps(comparison.to_dict(), ensure_ascii=False)
    assert json.loads(text) == comparison.to_dict()  # plain JSON data already: lists, not tuples
    assert Comparison.from_dict(json.loads(text)) == comparison
    broken = json.loads(text)
    broken["a"]["words"] = "many"
    with pytest.raises(TypeError):
        Comparison.from_dict(broken)
    partial = compare(analysis_a(), _without(_without(analysis_b(), "claim"), "source"))
    assert Comparison.from_dict(json.loads(json.dumps(partial.to_dict()))) == partial


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []
        self.text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs += attrs

    def handle_data(self, data: str) -> None:
        self.text += data


def _parse(page: str) -> _Page:
    parsed = _Page()
    parsed.feed(page)
    return parsed


@pytest.mark.parametrize("payload", PAYLOADS)
def test_compare_html_escapes_hostile_names_and_runs_nothing(payload: str) -> None:
    page = render(compare(analysis_a(name=payload), analysis_b()))
    parsed = _parse(page)
    assert "script" not in parsed.tags and "img" not in parsed.tags and "svg" not in parsed.tags
    assert not [name for name, _ in parsed.attrs if name.startswith("on")]
    assert payload in parsed.text  # shown as text, as written
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', page)
    assert csp is not None
    policy = html.unescape(csp.group(1))
    assert "script-src" not in policy and policy.startswith("default-src 'none'; style-src 'sha256-")


def test_compare_html_links_nothing_standalone_and_only_to_the_reports_given() -> None:
    c = compare(analysis_a(), analysis_b())
    assert "href" not in [name for name, _ in _parse(render(c)).attrs]
    hrefs = [value or "" for name, value in _parse(render(c, ("/analyses/1", "/analyses/2"))).attrs if name == "href"]
    assert hrefs and all(h.startswith(("/analyses/1#w-", "/analyses/2#w-")) for h in hrefs)
    assert "/analyses/1#w-label-0-0" in hrefs and "/analyses/2#w-label-0-0" in hrefs  # Nusra's first label on each side


def test_compare_html_sets_two_columns_that_fold_to_one_on_a_phone(comparison: Comparison) -> None:
    page = render(comparison)
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert re.search(r"@media \(max-width: 700px\) \{[^}]*\.pair, \.trow \{ grid-template-columns: minmax\(0, 1fr\); \}", page)
    text = _parse(page).text
    for words in ("The terror group", "a jihadist militia", "Damascus", "Government forces", "About 250,000 people", "About 100,000 people"):
        assert words in text


def test_compare_text_prints_names_as_written() -> None:
    out = io.StringIO()
    render_text(compare(analysis_a(name="[bold]Nusra[/bold]"), analysis_b()), Console(file=out, width=200, markup=False))
    printed = out.getvalue()
    assert "[bold]Nusra[/bold]" in printed and "a jihadist militia" in printed and "only in B" in printed

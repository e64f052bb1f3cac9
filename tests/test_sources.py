"""The source stage: what an article leans on, its kind, named or not, tied to its quotes.

Kinds and grouping are tested on their own; the rest runs the quote stage and spaCy's real
English model on short hand-written sentences and on the shared example article.
"""

from __future__ import annotations

import json
import subprocess
import sys
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest

import spinscope
from spinscope.document import QUOTE, SOURCE, Document, Span
from spinscope.errors import UsageError
from spinscope.nlp.spacy_doc import parse
from spinscope.pipeline.stage import Pipeline
from spinscope.quotes.stage import QuoteStage
from spinscope.sources.group import grouped
from spinscope.sources.kinds import key, kind_of
from spinscope.sources.lexicon import KINDS
from spinscope.sources.mentions import Mention
from spinscope.sources.stage import SourceStage
from tests.paths import REPO, SHARED


def _sources(text: str) -> tuple[Document, list[Span]]:
    doc = SourceStage()(QuoteStage()(Document(id="s", text=text)))
    return doc, list(doc.spans[SOURCE])


def _source_at(doc: Document, sources: list[Span], phrase: str) -> Span:
    return next(s for s in sources if any(phrase in m["text"] for m in s.attributes["mentions"]))


@pytest.mark.parametrize(
    "text, mention, name, kind, named, quoted",
    [
        ("The army shelled the town overnight, according to Reuters.", "Reuters", "Reuters", "agency", True, True),
        ("A senior official who spoke on condition of anonymity said the talks had failed.", "A senior official", "A senior official", "unnamed", False, True),
        ("UN spokesman Rupert Colville said the civilians were trapped.", "Rupert Colville", "Rupert Colville", "ngo", True, True),
        ("Amnesty International said in a report that prisoners were tortured.", "Amnesty International", "Amnesty International", "ngo", True, False),
        ("A report by Human Rights Watch found that schools were hit.", "A report by Human Rights Watch", "A report by Human Rights Watch", "document", True, True),
        ("Sources say the minister will resign.", "Sources", "Sources", "unnamed", False, True),
        ("Reports say the minister will resign.", "Reports", "Reports", "document", False, True),
        ("According to a study, coffee is healthy.", "a study", "a study", "document", False, True),
        ("According to data from the World Bank, growth slowed.", "data from the World Bank", "data from the World Bank", "document", True, True),
        ("The New York Times reported that the deal was near.", "The New York Times", "The New York Times", "media", True, True),
        ("Witnesses said the convoy was attacked.", "Witnesses", "Witnesses", "unnamed", False, True),
        ("Syrian officials said the claims were false.", "Syrian officials", "Syrian officials", "unnamed", False, True),
        ("The ministry confirmed the deaths.", "The ministry", "The ministry", "official", True, False),
        ("Police said two men were held.", "Police", "Police", "official", True, True),
        ("Companies say the rule is costly.", "Companies", "Companies", "unnamed", False, True),
        ("CNN reported the strike on Tuesday.", "CNN", "CNN", "media", True, False),
        ("Professor Jane Hill said the data were flawed.", "Jane Hill", "Jane Hill", "expert", True, True),
    ],
)
def test_sources_stage_finds_the_source_its_kind_and_whether_it_is_named(
    text: str, mention: str, name: str, kind: str, named: bool, quoted: bool
) -> None:
    doc, sources = _sources(text)
    source = _source_at(doc, sources, mention)
    assert (source.attributes["name"], source.label, source.attributes["named"]) == (name, kind, named)
    assert bool(source.attributes["statements"]) == quoted
    for m in source.attributes["mentions"]:
        assert doc.text[m["start"] : m["end"]] == m["text"]
    assert doc.text[source.start : source.end] == source.attributes["mentions"][0]["text"]


@pytest.mark.parametrize(
    "text, statements",
    [
        ('The United Nations said aid was blocked. "We are alarmed," the UN added.', 2),
        ("Rupert Colville said the city was cut off. Colville said food had run out.", 2),
    ],
)
def test_sources_stage_one_source_under_two_names_holds_all_its_quotes(text: str, statements: int) -> None:
    doc, sources = _sources(text)
    assert len(sources) == 1
    (source,) = sources
    assert len(source.attributes["statements"]) == statements == len(doc.spans[QUOTE])
    assert [q.attributes["source"]["id"] for q in doc.spans[QUOTE]] == [source.id] * statements


def test_sources_stage_ties_quotes_by_relation_and_attribute_and_counts_them() -> None:
    text = "Police said two people died, according to witnesses. A senior official said the road was closed. The weather was cold."
    doc, sources = _sources(text)
    assert [s.id for s in sources] == [f"s{i}" for i in range(1, len(sources) + 1)]
    assert [s.start for s in sources] == sorted(s.start for s in sources)
    relations = {(r.head.id, r.tail.id) for r in doc.relations if r.label == "statement"}
    for quote in doc.spans[QUOTE]:
        ref = quote.attributes["source"]
        assert ref is not None, quote
        source = doc.span(spinscope.SpanRef(SOURCE, ref["id"]))
        assert ref == {"id": source.id, "name": source.attributes["name"], "kind": source.label, "named": source.attributes["named"]}
        assert quote.id in source.attributes["statements"] and (source.id, quote.id) in relations
    summary = SourceStage().summarise(doc)
    assert summary["sources"] == len(sources) == summary["named"] + summary["anonymous"]
    assert sum(summary["by_kind"].values()) == len(sources) and list(summary["by_kind"]) == list(KINDS)
    assert summary["statements"]["named"] + summary["statements"]["anonymous"] == len(doc.spans[QUOTE])
    assert summary["anonymous"] >= 1 and summary["statements"]["anonymous"] >= 1


@pytest.mark.parametrize(
    "name, label, context, kind",
    [
        ("Reuters", "ORG", "Reuters", "agency"),
        ("The Associated Press", "ORG", "", "agency"),
        ("The Washington Post", "ORG", "", "media"),
        ("Rupert Colville", "PERSON", "Rupert Colville spokesman for the UN High Commissioner", "ngo"),
        ("Josh Earnest", "PERSON", "White House press secretary Josh Earnest", "official"),
        ("General Motors", "ORG", "General Motors", "organisation"),  # a noun counts only as a name's last word
        ("Russia", "GPE", "Russia", "official"),
        ("John Smith", "PERSON", "John Smith", "person"),
        ("WHO", "ORG", "the WHO", "ngo"),
        ("the Syrian Foreign Ministry", "ORG", "", "official"),
    ],
)
def test_sources_kind_of_reads_names_titles_and_entity_labels(name: str, label: str, context: str, kind: str) -> None:
    assert kind_of(name, label, context) == kind


@pytest.mark.parametrize(
    "a, b, same",
    [
        (("United Nations", "ngo", True), ("the U.N.", "ngo", True), True),
        (("The Associated Press", "agency", True), ("AP", "agency", True), True),
        (("a senior official", "unnamed", False), ("the senior official", "unnamed", False), True),
        (("officials", "unnamed", False), ("Officials", "unnamed", False), True),
        (("Reuters", "agency", True), ("a report by Reuters", "document", True), False),
    ],
)
def test_sources_key_joins_aliases_and_quantifiers(a: tuple[str, str, bool], b: tuple[str, str, bool], same: bool) -> None:
    assert (key(*a) == key(*b)) is same


def test_sources_grouped_joins_a_surname_only_to_one_fuller_name() -> None:
    mentions = [
        Mention(0, 12, "Bill Clinton", True, "person", "PERSON", "q1"),
        Mention(20, 35, "Hillary Clinton", True, "person", "PERSON", "q2"),
        Mention(40, 47, "Clinton", True, "person", "PERSON", "q3"),
        Mention(50, 62, "Jeb Bush", True, "person", "PERSON", "q4"),
        Mention(70, 74, "Bush", True, "person", "PERSON", "q5"),
    ]
    sources = grouped(mentions, {f"q{i}": i for i in range(1, 6)})
    assert [(s.name, s.statements) for s in sources] == [
        ("Bill Clinton", ("q1",)), ("Hillary Clinton", ("q2",)), ("Clinton", ("q3",)), ("Jeb Bush", ("q4", "q5")),
    ]  # fmt: skip


def test_sources_example_article_leans_on_the_un_spokesman_quoted_as_he(example_article: Path) -> None:
    doc = SourceStage()(QuoteStage()(spinscope.read(example_article)))
    colville = next(s for s in doc.spans[SOURCE] if s.attributes["name"] == "Rupert Colville")
    assert colville.label == "ngo" and colville.attributes["named"]
    assert [m["text"] for m in colville.attributes["mentions"]] == ["he"]
    (quote_id,) = colville.attributes["statements"]
    quote = doc.span(spinscope.SpanRef(QUOTE, quote_id))
    assert quote.attributes["speaker"]["text"] == "he" and quote.attributes["source"]["id"] == colville.id
    assert doc.text[quote.start : quote.start + 30].startswith("”During the last two weeks")


def _offsets_hold(text: str, value: Any) -> int:
    """How many ``{"start", "end", "text"}`` objects ``value`` holds, each checked against ``text``."""
    if isinstance(value, dict):
        found = 0
        if {"start", "end", "text"} <= value.keys():
            assert text[value["start"] : value["end"]] == value["text"], value
            found = 1
        return found + sum(_offsets_hold(text, v) for v in value.values())
    if isinstance(value, list):
        return sum(_offsets_hold(text, v) for v in value)
    return 0


@pytest.mark.parametrize("tail", ["", "\n\nRelated Articles\n\nAccording to Reuters, nothing."])
def test_sources_pipeline_runs_through_analyze_with_offsets_into_the_text(example_article: Path, tail: str) -> None:
    crafted = "\n\nThe army shelled the town, according to Reuters. A senior official said the talks failed." + tail
    doc = spinscope.read(example_article)
    doc = Document(id=doc.id, text=doc.text.split("Related Articles")[0].rstrip() + crafted)
    analysis = spinscope.analyze(doc, detector="baseline", stages=("sentence", "quote", "source", "technique", "voice"))
    text = analysis.document.text
    data = analysis.to_dict()
    assert _offsets_hold(text, data["spans"]) > len(data["spans"]["source"])
    for span in data["spans"]["source"]:
        assert span["text"] == text[span["start"] : span["end"]] and span["id"].startswith("s")
    names = {s["attributes"]["name"] for s in data["spans"]["source"]}
    assert {"Rupert Colville", "Reuters", "A senior official"} <= names
    assert all(m["start"] < analysis.document.content_end for s in data["spans"]["source"] for m in s["attributes"]["mentions"])
    assert {r["label"] for r in data["relations"]} == {"statement"}
    assert analysis.summary["source"]["sources"] == len(names)
    assert [c.stage for c in analysis.components] == ["sentence", "quote", "source", "technique", "voice"]
    schema = json.loads(resources.files("spinscope.schema").joinpath("analysis.schema.json").read_text())
    jsonschema.Draft202012Validator(schema).validate(data)


def test_sources_stage_needs_the_quote_stage_before_it() -> None:
    with pytest.raises(UsageError, match="quote"):
        Pipeline([SourceStage()])
    order = spinscope.AnalyzeOptions(stages=("voice", "source", "technique", "quote", "sentence")).build()
    assert [s.name for s in order] == ["sentence", "quote", "source", "technique", "voice"]


def test_sources_spacy_parse_is_made_once_per_text() -> None:
    text = "Officials said the bridge was closed."
    first = parse(Document(id="a", text=text))
    assert parse(Document(id="b", text=text).with_spans(QUOTE, [])) is first
    other = parse(Document(id="c", text=text + " It rained."))
    assert other is not first and other.text.endswith("It rained.")


@pytest.mark.parametrize("articles", [2])
def test_sources_polnear_benchmark_prints_the_figures(articles: int) -> None:
    if not (SHARED / "data" / "polnear" / "polnear-dev.jsonl").is_file():
        pytest.skip(f"PolNeAR not found at {SHARED / 'data' / 'polnear'} (set SPINSCOPE_SHARED to the folder holding data/polnear)")
    done = subprocess.run([sys.executable, str(REPO / "benchmarks" / "sources_polnear.py"), "--split", "train", "--limit", str(articles), "--json"],
                          capture_output=True, text=True, env={"SPINSCOPE_SHARED": str(SHARED), "PATH": ""}, timeout=600)  # fmt: skip
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["articles"] == articles and result["gold"] > 0 and result["predicted"] > 0
    assert 0 < result["precision"] <= 1 and 0 < result["recall"] <= 1

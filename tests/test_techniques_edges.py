"""Technique spans at word edges, trimmed as gold spans are, and one underline per phrase and technique."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

import spinscope
from spinscope.document import Span
from spinscope.eval.ptc import load_ptc
from spinscope.ingest import document_from_text
from spinscope.techniques.edges import LEADING, TRAILING, Words, at_word_edges, outermost
from spinscope.techniques.registry import get_detector

# an oracle apart from the module's own tokens: a hyphen or an apostrophe between letters joins
# a word, except before a possessive "s", where gold spans often end; so do the dots of "U.S."
_JOINED = re.compile(r"(?:[A-Za-z]\.){2,}(?:-\w+)*|\w+(?:[-‐]\w+|['’](?!s\b)\w+)*")


def _cut(text: str, pos: int) -> bool:
    return any(m.start() < pos < m.end() for m in _JOINED.finditer(text, max(0, pos - 60), pos + 60))


def _edge(text: str, start: int, end: int) -> tuple[int, int]:
    (span,) = at_word_edges(text, [Span(start, end, "Loaded_Language", 0.5)])
    return span.start, span.end


def _find(text: str, part: str) -> tuple[int, int]:
    start = text.index(part)
    return start, start + len(part)


def test_edges_span_starting_inside_a_word_grows_to_the_whole_word() -> None:
    text = "The People’s Vote claims its wildly inaccurate figures hold."
    start, end = _find(text, "s Vote claims its wildly inaccurate")
    assert _edge(text, start, end) == _find(text, "People’s Vote claims its wildly inaccurate")


def test_edges_span_ending_inside_a_word_grows_to_its_end() -> None:
    text = "This is a catastrophic failure of leadership."
    start, end = _find(text, "a catastrophic fail")
    assert _edge(text, start, end) == _find(text, "a catastrophic failure")


@pytest.mark.parametrize(("part", "whole"), [("Nazis", "Neo-Nazis"), ("pro", "pro-European"), ("horrors of a no", "horrors of a no-deal")])
def test_edges_hyphenated_words_are_one_word(part: str, whole: str) -> None:
    text = "The Neo-Nazis marched; the extremely pro-European Labour warned of the horrors of a no-deal exit."
    assert _edge(text, *_find(text, part)) == _find(text, whole)


def test_edges_initialism_is_one_word() -> None:
    text = "the U.S.-led imperialist war in the U.K."
    assert _edge(text, *_find(text, "S.-led imperialist")) == _find(text, "U.S.-led imperialist")
    assert _edge(text, *_find(text, "the U.K")) == _find(text, "the U.K."), "its last dot is no sentence's end"


def test_edges_contraction_is_one_word_but_a_possessive_s_is_its_own() -> None:
    text = "It won’t take away Mr. Trump’s withdrawal from the deal."
    assert _edge(text, *_find(text, "It won")) == _find(text, "It won’t")
    assert _edge(text, *_find(text, "Mr. Trump")) == _find(text, "Mr. Trump"), "gold spans end before a possessive"


@pytest.mark.parametrize(
    ("part", "kept"),
    [
        ("the corrupt elite of the", "the corrupt elite"),  # a leading "the" is common in gold, a trailing one is not
        (", corrupt elite.", "corrupt elite"),
        ("of the corrupt elite and", "the corrupt elite"),
    ],
)
def test_edges_trims_the_tokens_gold_spans_rarely_begin_or_end_with(part: str, kept: str) -> None:
    text = f"They serve {part} nothing more."
    assert _edge(text, *_find(text, part)) == _find(text, kept)


def test_edges_keeps_a_closing_quote_and_question_mark_which_gold_spans_end_with() -> None:
    text = "He asked “who benefits?” and left."
    assert _edge(text, *_find(text, "“who benefits?”")) == _find(text, "“who benefits?”")


def test_edges_drops_a_span_of_nothing_but_trimmed_tokens() -> None:
    text = "Some of the words."
    assert at_word_edges(text, [Span(*_find(text, "of the"), "Loaded_Language", 0.5)]) == []


def test_edges_spans_made_equal_are_kept_once_with_the_higher_score() -> None:
    text = "the Neo-Nazis marched"
    spans = [Span(*_find(text, "Nazis"), "Name_Calling,Labeling", 0.2), Span(*_find(text, "Neo-Nazis"), "Name_Calling,Labeling", 0.7)]
    assert [(s.start, s.end, s.score) for s in at_word_edges(text, spans)] == [(*_find(text, "Neo-Nazis"), 0.7)]


def test_outermost_folds_nested_spans_of_a_technique_keeping_the_higher_score() -> None:
    outer = Span(0, 40, "Loaded_Language", 0.2, {"span_confidence": 0.3})
    inner = Span(10, 20, "Loaded_Language", 0.6, {"span_confidence": 0.8})
    innermost = Span(12, 18, "Loaded_Language", 0.1)
    (kept,) = outermost([inner, outer, innermost])
    assert (kept.start, kept.end, kept.score, kept.attributes) == (0, 40, 0.6, {"span_confidence": 0.8})


def test_outermost_leaves_other_techniques_and_partial_overlaps_alone() -> None:
    spans = [Span(0, 40, "Loaded_Language", 0.2), Span(10, 20, "Doubt", 0.6), Span(30, 50, "Loaded_Language", 0.3)]
    assert outermost(spans) == spans


def test_outermost_folds_a_span_nested_in_two_overlapping_ones_into_one_of_them() -> None:
    spans = [Span(0, 30, "Slogans", 0.5), Span(5, 40, "Slogans", 0.5), Span(10, 25, "Slogans", 0.9)]
    assert [(s.start, s.end, s.score) for s in outermost(spans)] == [(0, 30, 0.5), (5, 40, 0.9)]


@pytest.mark.parametrize("detector", ["baseline", "transformer"])
def test_detector_spans_on_the_example_article_sit_at_word_edges(detector: str, example_article: Path) -> None:
    text = example_article.read_text(encoding="utf-8")
    doc = document_from_text(text, id="aleppo")
    spans = get_detector(detector).detect(doc)
    assert spans
    words = Words.of(text)
    for span in spans:
        assert not _cut(text, span.start) and not _cut(text, span.end), text[span.start : span.end]
        first = words.starts.index(span.start)
        last = words.ends.index(span.end)
        assert words.low[first] not in LEADING and words.low[last] not in TRAILING, text[span.start : span.end]


@pytest.mark.parametrize("detector", ["baseline", "transformer"])
def test_analysis_of_the_example_article_never_nests_spans_of_a_technique(detector: str, example_article: Path) -> None:
    spans = spinscope.analyze(example_article.read_text(encoding="utf-8"), detector=detector).techniques
    assert spans
    for a in spans:
        nested = [b for b in spans if b is not a and b.label == a.label and a.start <= b.start and b.end <= a.end]
        assert not nested, (a, nested)


def test_trimmed_tokens_are_those_gold_spans_avoid_at_that_edge(ptc: Path) -> None:
    """Each listed token begins (ends) gold spans under a tenth as often as its share of the text."""
    data = load_ptc(ptc / "train")
    share: Counter[str] = Counter()
    for text in data.articles.values():
        share.update(Words.of(text).low)
    total = sum(share.values())
    first: Counter[str] = Counter()
    last: Counter[str] = Counter()
    for row in data.tc:
        low = Words.of(data.articles[row.article_id][row.start : row.end]).low
        first[low[0]] += 1
        last[low[-1]] += 1
    n = len(data.tc)
    for edge, listed in ((first, LEADING), (last, TRAILING)):
        over = {w: round(edge[w] / n / (share[w] / total), 2) for w in listed if share[w] and edge[w] / n >= 0.1 * share[w] / total}
        assert not over, over

"""Each article's techniques, counted as its report shows them, so the two can be set side by side.

Counted: the spans a reader is shown by default (at or above the display threshold where the
detector's scores are calibrated, every span where they are not), in the article's text before
any trailing boilerplate. Two articles of different lengths compare per 1,000 words; where the
voice stage ran, the author's own spans are told apart from those in a quoted speaker's words.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from spinscope.compare.model import Count, TechniqueRow, Techniques
from spinscope.nlp.segment import word_count
from spinscope.report.article import is_weak
from spinscope.report.html import model_card
from spinscope.report.who import voice
from spinscope.techniques.confidence import is_calibrated


def content_end(data: dict[str, Any]) -> int:
    """Where the analysed text ends: before trailing boilerplate, as the report counts it."""
    return len(data["document"]["text"]) - int(data.get("summary", {}).get("sentence", {}).get("boilerplate_chars", 0))


def words(data: dict[str, Any]) -> int:
    return word_count(data["document"]["text"], 0, content_end(data))


def shown_spans(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The technique spans the article's report shows by default."""
    calibrated = is_calibrated(model_card(data))
    end = content_end(data)
    return [s for s in data.get("spans", {}).get("technique", []) if not is_weak(s, calibrated) and s["start"] < end]


def _count(spans: list[dict[str, Any]], words: int) -> Count:
    said = [voice(s)[0] for s in spans]
    voiced = any(v is not None for v in said)
    per = round(1000 * len(spans) / words, 2) if words else 0.0
    return Count(len(spans), per, sum(v == "author" for v in said) if voiced else None, sum(v == "quoted" for v in said) if voiced else None)


def compare_techniques(a: dict[str, Any], b: dict[str, Any]) -> Techniques:
    """Per technique used by either article, the most used in both together first (ties by name)."""
    shown_a, shown_b = shown_spans(a), shown_spans(b)
    words_a, words_b = words(a), words(b)
    # the voice is an article-wide fact: a technique one article never uses still has 0 author and 0 quoted spans
    voiced_a = _count(shown_a, words_a).author is not None
    voiced_b = _count(shown_b, words_b).author is not None
    totals = Counter(s["label"] for s in shown_a) + Counter(s["label"] for s in shown_b)
    rows = []
    for label, _n in sorted(totals.items(), key=lambda kv: (-kv[1], kv[0])):
        rows.append(TechniqueRow(label, _voiced(_count([s for s in shown_a if s["label"] == label], words_a), voiced_a),
                                 _voiced(_count([s for s in shown_b if s["label"] == label], words_b), voiced_b)))
    return Techniques(tuple(rows), _count(shown_a, words_a), _count(shown_b, words_b))


def _voiced(count: Count, voiced: bool) -> Count:
    """A count with author and quoted set (to 0 where none) when its article's voice is known."""
    if not voiced or count.author is not None:
        return count
    return Count(count.spans, count.per_1000_words, 0, 0)

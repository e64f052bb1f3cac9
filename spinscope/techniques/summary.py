"""Article-level figures of the technique spans, so every report shows the same numbers."""

from __future__ import annotations

from collections import Counter
from typing import Any

from spinscope.document import Document, Span
from spinscope.nlp.segment import sentence_spans, word_count

TOP_TERMS = 10
LOADED = ("Loaded_Language", "Name_Calling,Labeling")
# A loaded span longer than this (once trimmed) is a passage, not a term a reader can scan in a list.
MAX_TERM_WORDS = 5
# Words that a span's edges often carry but that no term starts or ends with ("and brutal theocratic").
_EDGE_WORDS = frozenset("a an the and or but of to in on at for with by from as that this these those is are was were be".split())
# Quotation marks say nothing in a list of terms, and a span cut inside a quotation leaves one unpaired.
_QUOTES = str.maketrans("", "", '"“”«»„')
_EDGE_PUNCTUATION = "'‘’()[]{},.;:!?—–-…"


def readable_term(text: str) -> str | None:
    """A loaded span's text as a term for the "most loaded terms" list: quotation marks dropped,
    punctuation and function words trimmed from its edges; None where nothing is left or it is
    longer than `MAX_TERM_WORDS` words."""
    words = [w.strip(_EDGE_PUNCTUATION) for w in text.translate(_QUOTES).split()]
    words = [w for w in words if w]
    while words and words[0].lower() in _EDGE_WORDS:
        words.pop(0)
    while words and words[-1].lower() in _EDGE_WORDS:
        words.pop()
    return " ".join(words) if 0 < len(words) <= MAX_TERM_WORDS else None


def _top_terms(doc: Document, spans: tuple[Span, ...] | list[Span]) -> list[dict[str, Any]]:
    """The loaded terms used most, counted without regard to case and shown as the article
    writes them most often."""
    forms: dict[str, Counter[str]] = {}
    for sp in spans:
        term = readable_term(sp.text(doc)) if sp.label in LOADED else None
        if term:
            forms.setdefault(term.lower(), Counter())[term] += 1
    ranked = sorted(forms.values(), key=lambda c: -sum(c.values()))  # stable: first seen first among equals
    return [{"term": c.most_common(1)[0][0], "count": sum(c.values())} for c in ranked[:TOP_TERMS]]


def summarise(doc: Document, spans: tuple[Span, ...] | list[Span]) -> dict[str, Any]:
    """Counts per technique, density and the most used loaded terms of one article.

    Density is spans per 100 words of analysed text (boilerplate excluded) so that long and
    short articles compare fairly.
    """
    words = word_count(doc.text, 0, doc.content_end)
    sents = sentence_spans(doc)
    with_technique = _sentences_touched(sents, spans)
    counts = Counter(sp.label for sp in spans)
    return {
        "spans": len(spans),
        "sentences_with_technique": with_technique,
        "sentence_share": round(with_technique / len(sents), 4) if sents else 0.0,
        "density_per_100_words": round(100 * len(spans) / words, 3) if words else 0.0,
        "technique_counts": dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))),
        "top_loaded_terms": _top_terms(doc, spans),
    }


def _sentences_touched(sents: list[tuple[int, int]], spans: tuple[Span, ...] | list[Span]) -> int:
    """How many sentences overlap at least one span, in one sweep over both sorted lists (a
    pairwise test is quadratic, and megabyte inputs made it the slowest part of an analysis)."""
    ordered = sorted((sp.start, sp.end) for sp in spans)
    touched = 0
    i = 0
    reach = -1  # the furthest end among spans starting before the current sentence's end
    for s, e in sorted(sents):
        while i < len(ordered) and ordered[i][0] < e:
            reach = max(reach, ordered[i][1])
            i += 1
        # spans that start before e: one overlaps [s, e) iff the furthest of their ends is past s
        if reach > s:
            touched += 1
    return touched

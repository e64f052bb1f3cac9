"""Article-level figures of the technique spans, so every report shows the same numbers."""

from __future__ import annotations

from collections import Counter
from typing import Any

from spinscope.document import Document, Span
from spinscope.nlp.segment import sentence_spans, word_count

TOP_TERMS = 10
LOADED = ("Loaded_Language", "Name_Calling,Labeling")


def summarise(doc: Document, spans: tuple[Span, ...] | list[Span]) -> dict[str, Any]:
    """Counts per technique, density and the most used loaded terms of one article.

    Density is spans per 100 words of analysed text (boilerplate excluded) so that long and
    short articles compare fairly.
    """
    words = word_count(doc.text, 0, doc.content_end)
    sents = sentence_spans(doc)
    with_technique = _sentences_touched(sents, spans)
    counts = Counter(sp.label for sp in spans)
    loaded = Counter(sp.text(doc).strip().lower() for sp in spans if sp.label in LOADED)
    return {
        "spans": len(spans),
        "sentences_with_technique": with_technique,
        "sentence_share": round(with_technique / len(sents), 4) if sents else 0.0,
        "density_per_100_words": round(100 * len(spans) / words, 3) if words else 0.0,
        "technique_counts": dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))),
        "top_loaded_terms": [{"term": t, "count": c} for t, c in loaded.most_common(TOP_TERMS)],
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

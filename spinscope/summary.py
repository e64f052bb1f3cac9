"""Article-level figures computed from the technique spans, so every report shows the same numbers."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from spinscope.document import Document, Span
from spinscope.nlp.segment import sentences

_WORD = re.compile(r"\w+", re.UNICODE)
TOP_TERMS = 10


def summarise(doc: Document, spans: tuple[Span, ...] | list[Span]) -> dict[str, Any]:
    """Counts per technique, density and the most used loaded terms of one article.

    Density is spans per 100 words of analysed text (boilerplate excluded) so that long and
    short articles compare fairly.
    """
    end = doc.content_end
    words = len(_WORD.findall(doc.text, 0, end))
    sents = sentences(doc.text, 0, end)
    with_technique = sum(1 for s, e in sents if any(sp.start < e and s < sp.end for sp in spans))
    counts = Counter(sp.label for sp in spans)
    loaded = Counter(
        sp.text(doc).strip().lower() for sp in spans if sp.label in ("Loaded_Language", "Name_Calling,Labeling")
    )
    return {
        "spans": len(spans),
        "words": words,
        "sentences": len(sents),
        "sentences_with_technique": with_technique,
        "sentence_share": round(with_technique / len(sents), 4) if sents else 0.0,
        "density_per_100_words": round(100 * len(spans) / words, 3) if words else 0.0,
        "technique_counts": dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))),
        "top_loaded_terms": [{"term": t, "count": c} for t, c in loaded.most_common(TOP_TERMS)],
        "boilerplate_chars": len(doc.text) - end,
    }

"""The interface every technique detector fills."""

from __future__ import annotations

from typing import Any, Protocol

from spinscope.document import Document, Span
from spinscope.nlp.segment import sentence_spans

# Characters either side of a span or sentence that a detector searches for its recurrences and
# its line: every PTC article (48K characters at most) fits, so the measured figures stand, while
# a multi-megabyte input costs time linear in its length instead of quadratic.
CONTEXT_REACH = 50_000

TECHNIQUES: tuple[str, ...] = (
    "Appeal_to_Authority",
    "Appeal_to_fear-prejudice",
    "Bandwagon,Reductio_ad_hitlerum",
    "Black-and-White_Fallacy",
    "Causal_Oversimplification",
    "Doubt",
    "Exaggeration,Minimisation",
    "Flag-Waving",
    "Loaded_Language",
    "Name_Calling,Labeling",
    "Repetition",
    "Slogans",
    "Thought-terminating_Cliches",
    "Whataboutism,Straw_Men,Red_Herring",
)


class Detector(Protocol):
    """Finds technique spans (SI + TC together) and labels given spans (TC alone).

    ``detect`` looks only at ``doc.text[:doc.content_end]`` so trailing boilerplate is never
    marked; every span it returns has offsets into ``doc.text`` and a score in [0, 1].
    """

    name: str

    def detect(self, doc: Document) -> list[Span]: ...

    def explain(self, doc: Document, spans: list[Span]) -> list[Span]:
        """``spans`` of ``doc`` (from `detect`) with ``attributes["evidence"]``, measured on this
        detector's models (the evidence stage calls it; `detect` alone stays as fast as before)."""
        ...

    def classify(self, doc: Document, spans: list[tuple[int, int]]) -> list[tuple[str, float]]: ...

    def info(self) -> dict[str, Any]: ...

    def component(self) -> dict[str, Any]:
        """Exactly ``{"name", "version", "model_sha256"}``: which model files produced a result
        (``info()`` says more, for ``spinscope evaluate`` and the model cards)."""
        ...


def check_spans(doc: Document, spans: list[tuple[int, int]]) -> None:
    """``classify`` takes spans from callers: each must be a non-empty range inside the text."""
    n = len(doc.text)
    for s, e in spans:
        if not (0 <= s < e <= n):
            raise ValueError(f"span ({s}, {e}) is not inside the text ({n} chars)")


def classify_extent(doc: Document, spans: list[tuple[int, int]]) -> tuple[int, list[tuple[int, int]] | None]:
    """How far ``classify`` reads the text (the analysable part, or further where a span reaches
    into trailing boilerplate) and, when that is the analysable part, the document's sentences
    (`sentence_spans`); None where the detector must segment the longer text itself."""
    end = max(doc.content_end, max(e for _, e in spans))
    return end, (sentence_spans(doc) if end == doc.content_end else None)

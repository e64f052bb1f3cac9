"""The data that flows through spinscope.

`Document.text` is the one truth: every `Span` is a pair of character offsets into it
(Python `str` indices, end exclusive). Anything that would change the text (HTML extraction,
cleanup) happens before a `Document` exists, so spans never drift.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

SCHEMA_VERSION = "1.0"

# Span groups a Document or Analysis may hold. Spans in a group may overlap.
BOILERPLATE = "boilerplate"
SENTENCE = "sentence"
TECHNIQUE = "technique"


@dataclass(frozen=True, slots=True)
class Span:
    """A labelled region of a document's text: ``text[start:end]``."""

    start: int
    end: int
    label: str
    score: float | None = None
    attributes: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not (0 <= self.start < self.end):
            raise ValueError(f"span offsets must satisfy 0 <= start < end, got ({self.start}, {self.end})")

    def text(self, doc: "Document") -> str:
        return doc.text[self.start : self.end]

    def to_dict(self, doc: "Document | None" = None) -> dict[str, Any]:
        out: dict[str, Any] = {"start": self.start, "end": self.end, "label": self.label, "score": self.score}
        if doc is not None:
            out["text"] = self.text(doc)
        out["attributes"] = dict(self.attributes)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Span":
        return cls(
            start=int(data["start"]),
            end=int(data["end"]),
            label=str(data["label"]),
            score=None if data.get("score") is None else float(data["score"]),
            attributes=dict(data.get("attributes") or {}),
        )


@dataclass(frozen=True, slots=True)
class Document:
    """A text and what is known about where it came from.

    ``source`` says how it was read (a path, a URL, ``stdin``, ``file.jsonl:12``) so that a
    result or an error can always be traced back to its input.
    """

    id: str
    text: str
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    published: str | None = None
    language: str | None = None
    source: str | None = None
    spans: dict[str, tuple[Span, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        n = len(self.text)
        for group, spans in self.spans.items():
            for span in spans:
                if span.end > n:
                    raise ValueError(f"span {span.start}-{span.end} in group {group!r} runs past the text ({n} chars)")

    def with_spans(self, group: str, spans: list[Span] | tuple[Span, ...]) -> "Document":
        """A copy with one span group replaced; the text never changes."""
        groups = dict(self.spans)
        groups[group] = tuple(sorted(spans, key=lambda s: (s.start, s.end, s.label)))
        return replace(self, spans=groups)

    @property
    def content_end(self) -> int:
        """Where the analysable text ends: the start of trailing boilerplate, if any."""
        starts = [s.start for s in self.spans.get(BOILERPLATE, ())]
        return min(starts) if starts else len(self.text)

    def metadata(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "url": self.url,
            "outlet": self.outlet,
            "published": self.published,
            "language": self.language,
            "source": self.source,
        }


@dataclass(frozen=True, slots=True)
class Analysis:
    """A document with everything spinscope found in it; the JSON output serialises this."""

    document: Document
    summary: dict[str, Any]
    detector: dict[str, Any]

    @property
    def techniques(self) -> tuple[Span, ...]:
        return self.document.spans.get(TECHNIQUE, ())

    def to_dict(self) -> dict[str, Any]:
        from spinscope import __version__

        doc = self.document
        return {
            "schema_version": SCHEMA_VERSION,
            "spinscope_version": __version__,
            "document": {**doc.metadata(), "text": doc.text},
            "spans": {group: [s.to_dict(doc) for s in spans] for group, spans in sorted(doc.spans.items())},
            "summary": self.summary,
            "detector": self.detector,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Analysis":
        meta = data["document"]
        doc = Document(
            id=meta["id"],
            text=meta["text"],
            title=meta.get("title"),
            url=meta.get("url"),
            outlet=meta.get("outlet"),
            published=meta.get("published"),
            language=meta.get("language"),
            source=meta.get("source"),
            spans={g: tuple(Span.from_dict(s) for s in spans) for g, spans in data.get("spans", {}).items()},
        )
        return cls(document=doc, summary=data.get("summary", {}), detector=data.get("detector", {}))


@dataclass(frozen=True, slots=True)
class Failure:
    """One input that could not be read or analysed, kept in a batch instead of stopping it."""

    source: str
    error: str
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {"schema_version": SCHEMA_VERSION, "error": {"source": self.source, "type": self.error, "message": self.message}}

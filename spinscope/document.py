"""The data that flows through spinscope.

`Document.text` is the one truth: every `Span` is a pair of character offsets into it
(Python `str` indices, end exclusive). Anything that would change the text (HTML extraction,
cleanup) happens before a `Document` exists, so spans never drift.

Spans that others point at (a quote's speaker, an actor's labels, a claim's source) carry an
`id` unique within their group; a `Relation` links two spans by (group, id), so links survive
sorting, filtering and serialisation where list positions would not.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from spinscope.errors import SpinscopeError

SCHEMA_VERSION = "2.0"

# Span groups a Document or Analysis may hold. Spans in a group may overlap.
BOILERPLATE = "boilerplate"
# Where decoding put U+FFFD in the text, one span per replaced character: a stray byte in
# otherwise UTF-8 bytes, or a lone surrogate in a str.
DECODING = "decoding"
SENTENCE = "sentence"
TECHNIQUE = "technique"
# not a span group: the stage that adds measured evidence to the technique spans
EVIDENCE = "evidence"
# Quotes: one span per quote; its attributes carry the kind, cue, speaker mention and resolved name.
QUOTE = "quote"
# Who says what (issue 11; shapes in docs/who-says-what.md): the sources an article leans on,
# its actors with their labels and roles, and its check-worthy claims.
SOURCE = "source"
ACTOR = "actor"
CLAIM = "claim"
# not a span group: the stage that tells whose voice each technique span is in (amends technique)
VOICE = "voice"


@dataclass(frozen=True, slots=True)
class Span:
    """A labelled region of a document's text: ``text[start:end]``."""

    start: int
    end: int
    label: str
    score: float | None = None
    attributes: dict[str, Any] = field(default_factory=dict)
    id: str | None = None

    def __post_init__(self) -> None:
        if not (0 <= self.start < self.end):
            raise ValueError(f"span offsets must satisfy 0 <= start < end, got ({self.start}, {self.end})")
        if self.id is not None and not self.id:
            raise ValueError("a span id, when given, must be a non-empty string")

    def text(self, doc: "Document") -> str:
        return doc.text[self.start : self.end]

    def to_dict(self, doc: "Document | None" = None) -> dict[str, Any]:
        out: dict[str, Any] = {"start": self.start, "end": self.end, "label": self.label, "score": self.score}
        if doc is not None:
            out["text"] = self.text(doc)
        out["attributes"] = dict(self.attributes)
        if self.id is not None:
            out["id"] = self.id
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Span":
        return cls(
            start=int(data["start"]),
            end=int(data["end"]),
            label=str(data["label"]),
            score=None if data.get("score") is None else float(data["score"]),
            attributes=dict(data.get("attributes") or {}),
            id=None if data.get("id") is None else str(data["id"]),
        )


@dataclass(frozen=True, slots=True, order=True)
class SpanRef:
    """The span with this ``id`` in span group ``group`` of the same document."""

    group: str
    id: str

    def to_dict(self) -> dict[str, str]:
        return {"group": self.group, "id": self.id}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "SpanRef":
        return cls(group=str(data["group"]), id=str(data["id"]))


@dataclass(frozen=True, slots=True, order=True)
class Relation:
    """A directed, labelled link between two spans: ``head`` --label--> ``tail``.

    Read it as a sentence: a quote (head) has ``speaker`` an entity (tail); an actor has
    ``label`` an epithet; a claim has ``source`` a source.
    """

    label: str
    head: SpanRef
    tail: SpanRef

    def to_dict(self) -> dict[str, Any]:
        return {"label": self.label, "head": self.head.to_dict(), "tail": self.tail.to_dict()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Relation":
        return cls(label=str(data["label"]), head=SpanRef.from_dict(data["head"]), tail=SpanRef.from_dict(data["tail"]))


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
    relations: tuple[Relation, ...] = ()

    def __post_init__(self) -> None:
        n = len(self.text)
        ids: set[SpanRef] = set()
        for group, spans in self.spans.items():
            for span in spans:
                if span.end > n:
                    raise ValueError(f"span {span.start}-{span.end} in group {group!r} runs past the text ({n} chars)")
                if span.id is not None:
                    ref = SpanRef(group, span.id)
                    if ref in ids:
                        raise ValueError(f"two spans in group {group!r} have the id {span.id!r}")
                    ids.add(ref)
        for relation in self.relations:
            for end in (relation.head, relation.tail):
                if end not in ids:
                    raise ValueError(f"relation {relation.label!r} points at {end.group}/{end.id}, which is not a span of this document")

    def with_spans(self, group: str, spans: list[Span] | tuple[Span, ...]) -> "Document":
        """A copy with one span group replaced; the text never changes."""
        groups = dict(self.spans)
        groups[group] = tuple(sorted(spans, key=lambda s: (s.start, s.end, s.label)))
        return replace(self, spans=groups)

    def with_relations(self, relations: list[Relation] | tuple[Relation, ...]) -> "Document":
        """A copy with these relations added to the ones it has (each kept once)."""
        return replace(self, relations=tuple(sorted(set(self.relations) | set(relations))))

    def span(self, ref: SpanRef) -> Span:
        """The span a relation end points at."""
        for span in self.spans.get(ref.group, ()):
            if span.id == ref.id:
                return span
        raise KeyError(f"no span {ref.group}/{ref.id}")

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
class Component:
    """What produced a stage's results: enough to reproduce or compare them, nothing that
    reveals the machine (no paths) and nothing that belongs in a model card (no metrics)."""

    stage: str
    name: str
    version: str
    model_sha256: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"stage": self.stage, "name": self.name, "version": self.version, "model_sha256": self.model_sha256}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Component":
        return cls(stage=str(data["stage"]), name=str(data["name"]), version=str(data["version"]), model_sha256=data.get("model_sha256"))


@dataclass(frozen=True, slots=True)
class Analysis:
    """A document with everything spinscope found in it; the JSON output serialises this.

    ``summary`` holds one summary per stage, by stage name; ``components`` says what ran;
    ``options`` records the options that shaped the result (stages, thresholds).
    """

    document: Document
    summary: dict[str, dict[str, Any]]
    components: tuple[Component, ...] = ()
    options: dict[str, Any] = field(default_factory=dict)

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
            "relations": [r.to_dict() for r in doc.relations],
            "summary": self.summary,
            "components": [c.to_dict() for c in self.components],
            "options": self.options,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Analysis":
        from spinscope.schema.upgrade import upgrade

        data = upgrade(data)
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
            relations=tuple(Relation.from_dict(r) for r in data.get("relations", ())),
        )
        return cls(
            document=doc,
            summary=data.get("summary", {}),
            components=tuple(Component.from_dict(c) for c in data.get("components", ())),
            options=data.get("options", {}),
        )


@dataclass(frozen=True, slots=True)
class Pending:
    """A file or URL of a batch, not read yet: it is read where it is analysed (in a child process,
    within the document's time and memory budget), so that a hostile page's extraction or a slow
    fetch is stopped with the analysis, and a batch's fetches run in parallel."""

    location: str  # a file's path or an http(s) URL
    id: str | None = None
    source: str | None = None  # where a Failure says it came from; the location when None
    title: str | None = None  # what a JSONL record says of its URL's article, over what extraction finds
    outlet: str | None = None
    published: str | None = None


@dataclass(frozen=True, slots=True)
class Failure:
    """One input that could not be read or analysed, kept in a batch instead of stopping it.

    ``exit_code`` and ``http_status`` come from the exception's class, so a single failed input
    exits (or answers) exactly as the error would have had it been raised.
    """

    source: str
    error: str
    message: str
    exit_code: int = 1
    http_status: int = 500

    @classmethod
    def of(cls, source: str, exc: "SpinscopeError") -> "Failure":
        """The record of ``exc``; the message fits on one line."""
        return cls(source=source, error=type(exc).__name__, message=" ".join(str(exc).split()), exit_code=exc.exit_code, http_status=exc.http_status)

    def to_dict(self) -> dict[str, Any]:
        return {"schema_version": SCHEMA_VERSION, "error": {"source": self.source, "type": self.error, "message": self.message}}

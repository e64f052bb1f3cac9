"""What a comparison of two articles holds, as typed frozen data that serialises to JSON and back.

The actors, sources, quotes and claims are the report's own readings of an analysis
(``spinscope.report.who``), so that the comparison and each article's report say the same thing
about it. A part is None where either article's analysis ran without the stage that finds it: "not
analysed" must not read as "found none".
"""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass
from typing import Any, TypeVar

from spinscope.report.who import Actor, Claim, Source, Speaker

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Article:
    """One side of the comparison: where the article comes from, its length in words (what
    techniques are counted per 1,000 of), and the who-says-what groups its analysis holds."""

    id: str
    title: str | None
    outlet: str | None
    published: str | None
    url: str | None
    words: int
    groups: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Portrayal:
    """An actor as one article presents it: the report's reading (name, role, labels, mentions)
    and each way the article writes its name."""

    actor: Actor
    forms: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ActorPair:
    """One actor both articles name: how the names were matched, and the labels (lower-cased
    words) both give it."""

    a: Portrayal
    b: Portrayal
    rule: str
    score: float
    shared_labels: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Actors:
    """Actors side by side: those both name (most named first), then those only one names."""

    pairs: tuple[ActorPair, ...]
    only_a: tuple[Portrayal, ...]
    only_b: tuple[Portrayal, ...]


@dataclass(frozen=True, slots=True)
class Count:
    """One article's spans of a technique (or of all), the reader's view (the spans shown by
    default); ``author`` and ``quoted`` are None where the voice stage did not run."""

    spans: int
    per_1000_words: float
    author: int | None
    quoted: int | None


@dataclass(frozen=True, slots=True)
class TechniqueRow:
    label: str
    a: Count
    b: Count


@dataclass(frozen=True, slots=True)
class Techniques:
    """Per technique (the most used in both first) and in all."""

    rows: tuple[TechniqueRow, ...]
    total_a: Count
    total_b: Count


@dataclass(frozen=True, slots=True)
class ClaimPair:
    """A claim both articles make: ``score`` is ``spinscope.repeats`` pair score (cosine plus
    agreement of figures and names), at or above its grouping threshold."""

    a: Claim
    b: Claim
    score: float


@dataclass(frozen=True, slots=True)
class Claims:
    pairs: tuple[ClaimPair, ...]
    only_a: tuple[Claim, ...]
    only_b: tuple[Claim, ...]


@dataclass(frozen=True, slots=True)
class SourcePair:
    a: Source
    b: Source
    rule: str


@dataclass(frozen=True, slots=True)
class Sources:
    """Named sources both lean on, then every other source of each (the anonymous ones among them:
    "a senior official" in one article is no evidence of the same person in the other)."""

    pairs: tuple[SourcePair, ...]
    only_a: tuple[Source, ...]
    only_b: tuple[Source, ...]


@dataclass(frozen=True, slots=True)
class Quotes:
    """Each article's quotes by speaker (most quoted first)."""

    a: tuple[Speaker, ...]
    b: tuple[Speaker, ...]


@dataclass(frozen=True, slots=True)
class Comparison:
    a: Article
    b: Article
    techniques: Techniques
    actors: Actors | None
    claims: Claims | None
    sources: Sources | None
    quotes: Quotes | None

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data: objects, lists (the tuples), strings, numbers, booleans and nulls."""
        plain: dict[str, Any] = _plain(dataclasses.asdict(self))
        return plain

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Comparison":
        """The comparison ``to_dict`` wrote; a missing or mistyped field is a KeyError or TypeError."""
        return build(cls, data)


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def build(kind: type[T], value: Any) -> T:
    """``value`` (JSON data) as an instance of ``kind``: a dataclass field by field from its type
    hints, tuples element by element, ``X | None`` as either. One reader for every class here, so
    no class can be written by ``to_dict`` and read back differently."""
    return typing.cast(T, _build(kind, value))


def _build(kind: Any, value: Any) -> Any:
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        options = typing.get_args(kind)
        if value is None and type(None) in options:
            return None
        (inner,) = [o for o in options if o is not type(None)]
        return _build(inner, value)
    if origin is tuple:
        item = typing.get_args(kind)
        if not isinstance(value, list | tuple):
            raise TypeError(f"expected a list, got {type(value).__name__}")
        if len(item) == 2 and item[1] is Ellipsis:
            return tuple(_build(item[0], v) for v in value)
        return tuple(_build(k, v) for k, v in zip(item, value, strict=True))
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        hints = typing.get_type_hints(kind)
        return kind(**{f.name: _build(hints[f.name], value[f.name]) for f in dataclasses.fields(kind)})
    if kind is float and isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if kind in (str, int, bool) and type(value) is kind:
        return value
    raise TypeError(f"expected {getattr(kind, '__name__', kind)}, got {type(value).__name__}")

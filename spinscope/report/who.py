"""Who says what, read from a serialised analysis for the views that show it (the report's panel,
the terminal): quotes by speaker, sources named and anonymous, actors with their labels and roles,
ranked claims, and whose voice each technique span is in.

The shapes are those of docs/who-says-what.md. Reading only: nothing is re-run. A group the
analysis lacks stays ``None``, apart from an empty one, so that a view can tell "this stage did
not run" (show nothing, as before it existed) from "it ran and found none" (say so).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from spinscope.document import ACTOR, CLAIM, QUOTE, SOURCE

# Readers' words for the source kinds of the contract.
SOURCE_KINDS = {
    "agency": "news agency",
    "media": "news outlet",
    "ngo": "UN body or NGO",
    "official": "official",
    "document": "document",
    "expert": "expert",
    "person": "person",
    "organisation": "organisation",
    "unnamed": "unnamed source",
}
UNKNOWN_SPEAKER = "speaker not found"


@dataclass(frozen=True, slots=True)
class Place:
    """Where something is in the text; ``index`` tells it apart from the others of its group
    (its position there), so a view can name an anchor without trusting the data's ids."""

    index: int
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Quote:
    place: Place
    kind: str
    speaker: str | None
    named: bool
    title: str | None


@dataclass(frozen=True, slots=True)
class Speaker:
    """One speaker's quotes, in text order. ``name`` is the resolved name, or where there is none
    the words that introduce the speaker ("a local engineer", with ``named`` False), or None for
    the quotes whose speaker was not found."""

    name: str | None
    named: bool
    quotes: tuple[Quote, ...]


@dataclass(frozen=True, slots=True)
class Source:
    place: Place
    name: str
    kind: str
    named: bool
    statements: int


@dataclass(frozen=True, slots=True)
class Label:
    """A label or epithet the article gives an actor ("terror groups"), where it first says it,
    and how many times it says it (the same words of the same kind are one label)."""

    place: Place
    kind: str
    times: int = 1


@dataclass(frozen=True, slots=True)
class Actor:
    place: Place
    name: str
    type: str
    role: str | None
    score: float | None
    fine: tuple[str, ...]
    labels: tuple[Label, ...]
    mentions: int


@dataclass(frozen=True, slots=True)
class Claim:
    place: Place
    rank: int
    score: float | None
    reasons: tuple[str, ...]
    source: str | None
    named: bool | None


@dataclass(frozen=True, slots=True)
class Voices:
    """How many technique spans are the author's own and how many are quoted, by speaker (most first)."""

    author: int
    quoted: int
    speakers: tuple[tuple[str | None, int], ...]


@dataclass(frozen=True, slots=True)
class WhoSaysWhat:
    speakers: tuple[Speaker, ...] | None
    sources: tuple[Source, ...] | None
    actors: tuple[Actor, ...] | None
    claims: tuple[Claim, ...] | None

    @property
    def present(self) -> bool:
        """Whether any of the stages ran: without them a view shows exactly what it showed before."""
        return any(g is not None for g in (self.speakers, self.sources, self.actors, self.claims))

    @property
    def quotes(self) -> int:
        return sum(len(s.quotes) for s in self.speakers or ())


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _place(index: int, span: dict[str, Any]) -> Place:
    return Place(index, int(span["start"]), int(span["end"]), str(span.get("text", "")))


def _dict(value: Any) -> dict[str, Any]:
    """An object attribute, or {} where the data holds something else (null, a list)."""
    return value if isinstance(value, dict) else {}


def _attrs(span: dict[str, Any]) -> dict[str, Any]:
    return _dict(span.get("attributes"))


def _offsets_text(value: Any) -> str | None:
    """The text of an offset-bearing attribute (``{"start", "end", "text"}``), where it has one."""
    return _text(value.get("text")) if isinstance(value, dict) else None


def speaker_of(attributes: dict[str, Any]) -> tuple[str | None, bool]:
    """The name to show for a quote's speaker (its resolved name, else the words of its mention)
    and whether it is a resolved name."""
    name = _text(attributes.get("speaker_name"))
    return (name, True) if name else (_offsets_text(attributes.get("speaker")), False)


def _speakers(group: list[dict[str, Any]]) -> tuple[Speaker, ...]:
    """Quotes grouped by speaker, most quoted first (ties in order of first quote); the quotes
    without a speaker last."""
    quotes = []
    for i, span in enumerate(group):
        a = _attrs(span)
        name, named = speaker_of(a)
        title = _offsets_text(a.get("speaker_title"))
        quotes.append(Quote(_place(i, span), str(a.get("kind") or span.get("label", "")), name, named, None if title == name else title))
    keys = list(dict.fromkeys((q.speaker, q.named) for q in quotes))
    counts = Counter((q.speaker, q.named) for q in quotes)
    keys.sort(key=lambda k: (k[0] is None, -counts[k]))
    return tuple(Speaker(n, named, tuple(q for q in quotes if (q.speaker, q.named) == (n, named))) for n, named in keys)


def _sources(group: list[dict[str, Any]]) -> tuple[Source, ...]:
    out = []
    for i, span in enumerate(group):
        a = _attrs(span)
        statements = a.get("statements")
        out.append(Source(_place(i, span), _text(a.get("name")) or str(span.get("text", "")), str(span.get("label", "")),
                          a.get("named") is True, len(statements) if isinstance(statements, list) else 0))
    return tuple(out)


def _labels(found: list[dict[str, Any]]) -> tuple[Label, ...]:
    """Each label once, at its first place, with the number of times the article uses it."""
    key = [(" ".join(str(l.get("text", "")).lower().split()), str(l.get("kind", ""))) for l in found]
    counts = Counter(key)
    first = {k: j for j, k in reversed(list(enumerate(key)))}
    return tuple(
        Label(Place(j, int(found[j]["start"]), int(found[j]["end"]), str(found[j].get("text", ""))), k[1], counts[k])
        for k, j in sorted(first.items(), key=lambda kv: kv[1])
    )


def _actors(group: list[dict[str, Any]]) -> tuple[Actor, ...]:
    """Actors in order of how often the article names them (ties in text order)."""
    out = []
    for i, span in enumerate(group):
        a = _attrs(span)
        role = _dict(a.get("role"))
        fine = tuple(str(f["role"]) for f in role.get("fine") or () if isinstance(f, dict) and _text(f.get("role")))
        labels = _labels([l for l in a.get("labels") or () if isinstance(l, dict) and isinstance(l.get("start"), int) and isinstance(l.get("end"), int)])
        mentions = a.get("mentions")
        score = role.get("score", span.get("score"))
        out.append(Actor(_place(i, span), _text(a.get("name")) or str(span.get("text", "")), str(a.get("type", "")),
                         _text(role.get("main")) or _text(span.get("label")), None if score is None else float(score), fine, labels,
                         len(mentions) if isinstance(mentions, list) else 1))
    return tuple(sorted(out, key=lambda x: (-x.mentions, x.place.index)))


def _claims(group: list[dict[str, Any]]) -> tuple[Claim, ...]:
    """Claims by rank, most check-worthy first."""
    out = []
    for i, span in enumerate(group):
        a = _attrs(span)
        source = _dict(a.get("source"))
        reasons = tuple(str(r) for r in a.get("reasons") or () if _text(r))
        rank = a.get("rank")
        out.append(Claim(_place(i, span), rank if isinstance(rank, int) else len(group) + i + 1,
                         None if span.get("score") is None else float(span["score"]), reasons,
                         _text(source.get("name")), source.get("named") if isinstance(source.get("named"), bool) else None))
    return tuple(sorted(out, key=lambda c: (c.rank, c.place.index)))


def who_says_what(data: dict[str, Any]) -> WhoSaysWhat:
    groups = data.get("spans", {})

    def read(name: str, reader: Any) -> Any:
        return None if groups.get(name) is None else reader(list(groups[name]))

    return WhoSaysWhat(read(QUOTE, _speakers), read(SOURCE, _sources), read(ACTOR, _actors), read(CLAIM, _claims))


def voice(span: dict[str, Any]) -> tuple[str | None, str | None]:
    """Whose voice a technique span is in (``"author"``, ``"quoted"``, or None where the voice stage
    did not run) and, for a quoted one, its speaker's name where known."""
    a = _attrs(span)
    said = a.get("voice")
    if said not in ("author", "quoted"):
        return None, None
    return said, speaker_of(_dict(a.get("quote")))[0] if said == "quoted" else None


def voices(spans: list[dict[str, Any]]) -> Voices | None:
    """The author's and the quoted spans among ``spans`` (those a reader is shown); None where
    none of them carries a voice."""
    said = [voice(s) for s in spans]
    if all(v is None for v, _ in said):
        return None
    speakers = Counter(name for v, name in said if v == "quoted")
    ranked = sorted(speakers.items(), key=lambda kv: (kv[0] is None, -kv[1], kv[0] or ""))
    return Voices(sum(v == "author" for v, _ in said), sum(v == "quoted" for v, _ in said), tuple(ranked))


def voice_phrase(said: str | None, speaker: str | None) -> str:
    """Who uses a technique span, in the words the report and the terminal share."""
    if said == "author":
        return "the author"
    if said == "quoted":
        return f"quoted: {speaker or UNKNOWN_SPEAKER}"
    return ""


def voices_phrase(counts: Voices) -> str:
    """“9 are the author's own and 3 are quoted (Rupert Colville 2, speaker not found 1)”."""
    by = ", ".join(f"{name or UNKNOWN_SPEAKER} {n}" for name, n in counts.speakers)
    author = f"{counts.author} {'is' if counts.author == 1 else 'are'} the author's own"
    quoted = f"{counts.quoted} {'is' if counts.quoted == 1 else 'are'} quoted" + (f" ({by})" if by else "")
    return f"{author} and {quoted}"


def source_kind(kind: str) -> str:
    return SOURCE_KINDS.get(kind, kind or "source")

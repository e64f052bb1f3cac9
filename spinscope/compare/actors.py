"""Align the actors (and the named sources) of two articles: one row per referent both name.

Every pair of actors is scored by the strongest name rule (``spinscope.compare.names``) between
any of their written forms; where an encoder is given, a pair no rule links may still be linked by
the cosine of their names' sentence vectors, at ``NEAR_NAME`` or above ("the Syrian regime" and
"the Syrian government"). Pairs are then taken greedily, best first (ties: the most named
first), each actor in one pair at most, so the alignment does not depend on the order of the
actors in either article.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import numpy as np

from spinscope.compare.model import ActorPair, Actors, Portrayal, SourcePair, Sources
from spinscope.compare.names import NEAR, Match, best_match, distinctive
from spinscope.nlp.embed import Encoder, embed
from spinscope.report.who import Actor, Source

# The cosine of two names' vectors at which they may be taken for one actor. Chosen by reading
# pairs, no labelled set of cross-article aliases being at hand (cosines of the shipped encoder,
# models/sentence): "Syrian regime"/"Syrian government" 0.894 (linked), "the UN"/"United
# Nations" 0.843 (the acronym rule links it), "Syrian army"/"Free Syrian Army" 0.862 and
# "Aleppo"/"eastern Aleppo" 0.921 (refused: a distinctive word apart, see ``_near_allowed``),
# "Russian forces"/"Russia" 0.667, "the terrorists"/"the rebels" 0.623, "the Kremlin"/"Moscow" 0.519.
NEAR_NAME = 0.85

T = TypeVar("T")


def portrayals(data: dict[str, Any], actors: tuple[Actor, ...]) -> tuple[Portrayal, ...]:
    """Each actor of a serialised analysis with its written forms (its name and each mention's
    words, each once), in the report's order."""
    group = data.get("spans", {}).get("actor") or []
    out = []
    for actor in actors:
        span = group[actor.place.index] if actor.place.index < len(group) else {}
        mentions = (span.get("attributes") or {}).get("mentions")
        said = [m.get("text") for m in mentions if isinstance(m, dict)] if isinstance(mentions, list) else []
        out.append(Portrayal(actor, tuple(dict.fromkeys(t.strip() for t in [actor.name, *said] if isinstance(t, str) and t.strip()))))
    return tuple(out)


def _greedy(scored: list[tuple[float, int, int, T]]) -> tuple[list[tuple[int, int, T]], set[int], set[int]]:
    """One-to-one pairs, best score first (ties as sorted by the caller); the indices used on each side."""
    used_a: set[int] = set()
    used_b: set[int] = set()
    pairs = []
    for _score, i, j, found in scored:
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
            pairs.append((i, j, found))
    return pairs, used_a, used_b


def _near(names_a: Sequence[str], names_b: Sequence[str], model: Encoder) -> np.ndarray:
    """The cosine of every name of one side with every name of the other."""
    if not names_a or not names_b:
        return np.zeros((len(names_a), len(names_b)), dtype=np.float32)
    vectors = embed([*names_a, *names_b], model)
    result: np.ndarray = vectors[: len(names_a)] @ vectors[len(names_a) :].T
    return result


def _near_allowed(a: str, b: str) -> bool:
    """Whether vectors may link two names: they hold the same distinctive words, or one holds
    none ("the regime"). "Free Syrian Army" and "Syrian army" are two bodies, however near."""
    da, db = distinctive(a), distinctive(b)
    return da == db or not da or not db


def _pairs(
    a: Sequence[T], b: Sequence[T], names: Callable[[T], tuple[str, ...]], person: Callable[[T, T], bool], weight: Callable[[T], int], model: Encoder | None
) -> tuple[list[tuple[int, int, Match]], set[int], set[int]]:
    scored: list[tuple[float, int, int, Match]] = []
    for i, x in enumerate(a):
        for j, y in enumerate(b):
            found = best_match(names(x), names(y), person(x, y))
            if found is not None:
                scored.append((found.score, i, j, found))
    if model is not None:
        linked = {(i, j) for _s, i, j, _m in scored}
        cosines = _near([names(x)[0] for x in a], [names(y)[0] for y in b], model)
        for i, j in zip(*np.nonzero(cosines >= NEAR_NAME)):
            i, j = int(i), int(j)
            if (i, j) not in linked and not person(a[i], b[j]) and _near_allowed(names(a[i])[0], names(b[j])[0]):
                scored.append((float(cosines[i, j]), i, j, Match(NEAR, round(float(cosines[i, j]), 4))))
    scored.sort(key=lambda s: (-s[0], -(weight(a[s[1]]) + weight(b[s[2]])), s[1], s[2]))
    return _greedy(scored)


def _is_person(x: Portrayal, y: Portrayal) -> bool:
    return "person" in (x.actor.type, y.actor.type)


def _labels(p: Portrayal) -> set[str]:
    return {" ".join(label.place.text.lower().split()) for label in p.actor.labels}


def align_actors(a: tuple[Portrayal, ...], b: tuple[Portrayal, ...], model: Encoder | None = None) -> Actors:
    """Actors both articles name, most named (in both together) first, and those only one names,
    in each article's order."""
    pairs, used_a, used_b = _pairs(a, b, lambda p: p.forms or (p.actor.name,), _is_person, lambda p: p.actor.mentions, model)
    rows = [ActorPair(a[i], b[j], m.rule, m.score, tuple(sorted(_labels(a[i]) & _labels(b[j])))) for i, j, m in pairs]
    rows.sort(key=lambda r: (-(r.a.actor.mentions + r.b.actor.mentions), r.a.actor.place.index))
    return Actors(tuple(rows), tuple(p for i, p in enumerate(a) if i not in used_a), tuple(p for j, p in enumerate(b) if j not in used_b))


def align_sources(a: tuple[Source, ...], b: tuple[Source, ...], model: Encoder | None = None) -> Sources:
    """Named sources both articles lean on, by the same name rules as actors; anonymous sources
    are never paired."""
    named_a = [i for i, s in enumerate(a) if s.named]
    named_b = [j for j, s in enumerate(b) if s.named]
    pairs, used_a, used_b = _pairs([a[i] for i in named_a], [b[j] for j in named_b], lambda s: (s.name,),
                                   lambda x, y: "person" in (x.kind, y.kind), lambda s: s.statements, model)
    paired_a = {named_a[i] for i in used_a}
    paired_b = {named_b[j] for j in used_b}
    return Sources(
        tuple(SourcePair(a[named_a[i]], b[named_b[j]], m.rule) for i, j, m in pairs),
        tuple(s for i, s in enumerate(a) if i not in paired_a),
        tuple(s for j, s in enumerate(b) if j not in paired_b),
    )

"""``compare(a, b)``: two serialised analyses side by side. Reading only: nothing is re-analysed."""

from __future__ import annotations

from typing import Any

from spinscope.compare.actors import align_actors, align_sources, portrayals
from spinscope.compare.claims import compare_claims
from spinscope.compare.model import Actors, Article, Comparison, Quotes
from spinscope.compare.techniques import compare_techniques, words
from spinscope.document import ACTOR, CLAIM, QUOTE, SOURCE, VOICE
from spinscope.nlp.embed import Encoder, encoder
from spinscope.report.who import WhoSaysWhat, who_says_what

WHO_GROUPS = (QUOTE, SOURCE, ACTOR, CLAIM)


def article(data: dict[str, Any]) -> Article:
    """One side's facts; its groups are the who-says-what span groups its analysis holds (even
    empty), and ``voice`` where the voice stage told whose words its techniques are in."""
    doc = data["document"]
    spans = data.get("spans", {})
    groups = [g for g in WHO_GROUPS if spans.get(g) is not None]
    if VOICE in data.get("summary", {}) or any("voice" in (s.get("attributes") or {}) for s in spans.get("technique", [])):
        groups.append(VOICE)
    return Article(str(doc["id"]), doc.get("title"), doc.get("outlet"), doc.get("published"), doc.get("url"), words(data), tuple(groups))


def _actors(a: dict[str, Any], b: dict[str, Any], who_a: WhoSaysWhat, who_b: WhoSaysWhat, near: Encoder | None) -> Actors | None:
    if who_a.actors is None or who_b.actors is None:
        return None
    return align_actors(portrayals(a, who_a.actors), portrayals(b, who_b.actors), near if who_a.actors and who_b.actors else None)


def compare(a: dict[str, Any], b: dict[str, Any], model: Encoder | None = None, near_names: bool = True) -> Comparison:
    """Article ``a`` (``Analysis.to_dict()``) beside article ``b``.

    The shared sentence encoder (``model``, else the shipped one, loaded on first need) matches
    claims and, with ``near_names``, links actors and sources no name rule links; it is loaded
    only where both articles have claims, actors or named sources to match.
    """
    who_a, who_b = who_says_what(a), who_says_what(b)
    wanted = near_names and any(x and y for x, y in ((who_a.actors, who_b.actors), (who_a.sources, who_b.sources)))
    near = (model or encoder()) if wanted else None
    both = who_a.claims is not None and who_b.claims is not None
    return Comparison(
        a=article(a),
        b=article(b),
        techniques=compare_techniques(a, b),
        actors=_actors(a, b, who_a, who_b, near),
        claims=compare_claims(who_a.claims or (), who_b.claims or (), model) if both else None,
        sources=align_sources(who_a.sources, who_b.sources, near) if who_a.sources is not None and who_b.sources is not None else None,
        quotes=Quotes(who_a.speakers, who_b.speakers) if who_a.speakers is not None and who_b.speakers is not None else None,
    )

"""Two analyses of one event told by two outlets, for the comparison tests (CLI, web, browser).

Hand-built in the exact shapes of docs/who-says-what.md (as tests/who_fixture.py builds one
article): the real sentence stage and the technique summary, the technique spans calibrated (the
installed transformer's hash, so that a span under the display threshold is hidden as a report
hides it), and ``actor``, ``source``, ``claim`` spans and ``voice`` attributes written by hand.
Article A says "Al-Nusra Front" and gives it labels; article B says "Nusra" and "SOHR" and states
another figure for the people trapped.
"""

from __future__ import annotations

from typing import Any

from spinscope.document import ACTOR, CLAIM, SOURCE, TECHNIQUE, Analysis, Component, Document, Span
from spinscope.nlp.stage import SentenceStage
from spinscope.techniques.registry import installed_sha256
from spinscope.techniques.summary import summarise

TEXT_A = (
    "Aleppo shelling\n\n"
    "Fighters of Al-Nusra Front shelled western Aleppo on Monday, the Syrian Observatory for Human Rights said. "
    "The shelling killed 12 civilians in western Aleppo on Monday. The terror group now calls itself Fatah al-Sham Front. "
    "Damascus has long described Nusra as a gang of terrorists. "
    "\"They will pay for every drop of blood,\" said Colonel Samir Haddad. "
    "About 250,000 people remain trapped in eastern Aleppo.\n"
)
TEXT_B = (
    "Rockets hit western Aleppo\n\n"
    "Nusra, a jihadist militia, fired rockets at western Aleppo on Monday, SOHR reported. "
    "The rockets killed 12 civilians in western Aleppo on Monday, the monitor said. "
    "Government forces pressed on with a brutal offensive against the besieged east. "
    "About 100,000 people remain trapped in eastern Aleppo, a UN official said. "
    "A faint hint of doubt.\n"
)


def at(text: str, phrase: str, after: str = "") -> dict[str, Any]:
    start = text.index(phrase, text.index(after) if after else 0)
    return {"start": start, "end": start + len(phrase), "text": phrase}


def _span(text: str, phrase: str, label: str, score: float | None, attributes: dict[str, Any], id: str | None = None) -> Span:
    place = at(text, phrase)
    return Span(place["start"], place["end"], label, score, attributes, id)


def _actor(text: str, id: str, name: str, kind: str, mentions: list[str], labels: list[tuple[str, str]], role: str, fine: str) -> Span:
    return _span(text, mentions[0], role, 0.8, {
        "name": name, "type": kind, "mentions": [at(text, m) for m in mentions],
        "labels": [{**at(text, words), "kind": how} for words, how in labels],
        "role": {"main": role, "score": 0.8, "scores": {role: 0.8}, "fine": [{"role": fine, "score": 0.6}]},
    }, id)


def _claim(text: str, id: str, sentence: str, rank: int, source: dict[str, Any] | None) -> Span:
    return _span(text, sentence, "claim", 0.9 - rank / 10, {"rank": rank, "reasons": ["a figure"], "source": source, "quote": None}, id)


def _source(text: str, id: str, phrase: str, kind: str, name: str, named: bool) -> Span:
    return _span(text, phrase, kind, None, {"name": name, "named": named, "mentions": [at(text, phrase)], "statements": []}, id)


def _analysis(doc_id: str, outlet: str, text: str, spans: dict[str, list[Span]], techniques: list[Span]) -> dict[str, Any]:
    doc = SentenceStage()(Document(id=doc_id, text=text, title=text.split("\n", 1)[0], outlet=outlet, published="2016-12-05"))
    doc = Document(doc.id, doc.text, doc.title, outlet=doc.outlet, published=doc.published, spans={**doc.spans, **{g: tuple(s) for g, s in spans.items()}})
    doc = doc.with_spans(TECHNIQUE, techniques)
    summary = {"sentence": SentenceStage().summarise(doc), "technique": summarise(doc, doc.spans[TECHNIQUE])}
    components = (Component("technique", "transformer", "1", installed_sha256("transformer")),)
    return Analysis(doc, summary, components, {"stages": ["sentence", *spans, "technique"]}).to_dict()


def _voiced(span: Span, voice: str, speaker: str | None = None) -> Span:
    extra: dict[str, Any] = {"voice": voice}
    if voice == "quoted":
        extra["quote"] = {"id": "q1", "speaker_name": speaker, "speaker": None}
    return Span(span.start, span.end, span.label, span.score, {**span.attributes, **extra}, span.id)


def analysis_a(name: str | None = None) -> dict[str, Any]:
    """Article A; ``name``, where given, replaces its outlet and every actor's name and label kind (hostile text)."""
    t = TEXT_A
    actors = [
        _actor(t, "a1", name or "Al-Nusra Front", "organisation", ["Al-Nusra Front", "Fatah al-Sham Front", "Nusra"],
               [("The terror group", name or "category"), ("a gang of terrorists", name or "predicate")], "Antagonist", "Terrorist"),
        _actor(t, "a2", name or "Syrian Observatory for Human Rights", "organisation", ["Syrian Observatory for Human Rights"], [], "Protagonist", "Guardian"),
        _actor(t, "a3", name or "Damascus", "place", ["Damascus"], [], "Antagonist", "Instigator"),
        _actor(t, "a4", name or "civilians", "group", ["civilians"], [], "Innocent", "Victim"),
    ]
    sources = [_source(t, "s1", "Syrian Observatory for Human Rights", "ngo", "Syrian Observatory for Human Rights", True)]
    source_ref = {"id": "s1", "name": "Syrian Observatory for Human Rights", "kind": "ngo", "named": True}
    claims = [
        _claim(t, "c1", "The shelling killed 12 civilians in western Aleppo on Monday.", 1, None),
        _claim(t, "c2", "About 250,000 people remain trapped in eastern Aleppo.", 2, None),
        _claim(t, "c3", "Fighters of Al-Nusra Front shelled western Aleppo on Monday, the Syrian Observatory for Human Rights said.", 3, source_ref),
    ]
    techniques = [
        _voiced(_span(t, "The terror group", "Name_Calling,Labeling", 0.8, {}), "author"),
        _voiced(_span(t, "a gang of terrorists", "Name_Calling,Labeling", 0.7, {}), "author"),
        _voiced(_span(t, "They will pay for every drop of blood", "Appeal_to_fear-prejudice", 0.6, {}), "quoted", "Colonel Samir Haddad"),
    ]
    return _analysis("aleppo-wire", name or "The Wire", t, {SOURCE: sources, ACTOR: actors, CLAIM: claims}, techniques)


def analysis_b() -> dict[str, Any]:
    """Article B, without the voice stage: its techniques are not told apart by voice."""
    t = TEXT_B
    actors = [
        _actor(t, "a1", "Nusra", "organisation", ["Nusra"], [("a jihadist militia", "apposition")], "Antagonist", "Terrorist"),
        _actor(t, "a2", "SOHR", "organisation", ["SOHR", "the monitor"], [], "Protagonist", "Guardian"),
        _actor(t, "a3", "Government forces", "organisation", ["Government forces"], [("a brutal offensive", "modifier")], "Antagonist", "Aggressor"),
        _actor(t, "a4", "civilians", "group", ["civilians"], [], "Innocent", "Victim"),
    ]
    sources = [_source(t, "s1", "SOHR", "ngo", "SOHR", True), _source(t, "s2", "a UN official", "unnamed", "a UN official", False)]
    claims = [
        _claim(t, "c1", "The rockets killed 12 civilians in western Aleppo on Monday, the monitor said.", 1, {"id": "s1", "name": "SOHR", "kind": "ngo", "named": True}),
        _claim(t, "c2", "About 100,000 people remain trapped in eastern Aleppo, a UN official said.", 2,
               {"id": "s2", "name": "a UN official", "kind": "unnamed", "named": False}),
    ]
    techniques = [
        _span(t, "a jihadist militia", "Name_Calling,Labeling", 0.5, {}),
        _span(t, "a brutal offensive", "Loaded_Language", 0.9, {}),
        _span(t, "A faint hint of doubt", "Doubt", 0.2, {}),  # under the display threshold: a report hides it
    ]
    return _analysis("aleppo-gazette", "The Gazette", t, {SOURCE: sources, ACTOR: actors, CLAIM: claims}, techniques)

"""One builder of analyses that carry the who-says-what groups, for the report, terminal and web tests.

The quotes come from the REAL quote stage on the bundled demo article (tests/paths.py: DEMO, so no
test skips for want of shared data); the technique spans are hand-built and calibrated; the
``source``, ``actor`` and ``claim`` spans and the ``voice`` attributes are hand-built in the exact
shapes of docs/who-says-what.md, each tied to the real quotes' ids and offsets. When those stages
are merged, their real output replaces the hand-built parts here and the tests stay as they are.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from spinscope.document import ACTOR, CLAIM, QUOTE, SOURCE, TECHNIQUE, VOICE, Analysis, Component, Document, Relation, Span, SpanRef
from spinscope.nlp.stage import SentenceStage
from spinscope.quotes.stage import QuoteStage
from spinscope.techniques.registry import installed_sha256
from spinscope.techniques.summary import summarise
from tests.paths import DEMO

GROUPS = (QUOTE, SOURCE, ACTOR, CLAIM, VOICE)
TEXT = DEMO.read_text(encoding="utf-8")
MARA = "Councillor Mara Thompson"


@lru_cache(maxsize=1)
def _quoted() -> Document:
    """The demo parsed once per process by the real sentence and quote stages."""
    return QuoteStage()(SentenceStage()(Document(id="demo", text=TEXT, title="The bridge scandal")))


def at(phrase: str, after: str = "") -> dict[str, Any]:
    """The offsets of ``phrase`` (its first occurrence after ``after``) as the contract writes them."""
    start = TEXT.index(phrase, TEXT.index(after) if after else 0)
    return {"start": start, "end": start + len(phrase), "text": phrase}


def _span(place: dict[str, Any], label: str, score: float | None, attributes: dict[str, Any], id: str | None = None) -> Span:
    return Span(place["start"], place["end"], label, score, attributes, id)


def _sentence(doc: Document, phrase: str) -> dict[str, Any]:
    start = TEXT.index(phrase)
    found = next(s for s in doc.spans["sentence"] if s.start <= start < s.end)
    return {"start": found.start, "end": found.end, "text": TEXT[found.start:found.end]}


def _quote_id(doc: Document, phrase: str) -> str:
    start = TEXT.index(phrase)
    found = next(q for q in doc.spans[QUOTE] if q.start <= start < q.end)
    assert found.id is not None
    return found.id


def _techniques() -> list[Span]:
    return [
        _span(at("shameless land grab"), "Loaded_Language", 0.8, {}),
        _span(at("gang of corrupt bureaucrats"), "Name_Calling,Labeling", 0.7, {}),
        _span(at("a career politician who has never run a business in her life"), "Name_Calling,Labeling", 0.6, {}),
        _span(at("will finish on schedule"), "Exaggeration,Minimisation", 0.55, {}),
        _span(at("killing hundreds of innocent children"), "Appeal_to_fear-prejudice", 0.9, {}),
        _span(at("because of the pandemic"), "Causal_Oversimplification", 0.5, {}),
        _span(at("Our town, our bridge, our future!"), "Slogans", 0.8, {}),
    ]


def _voiced(spans: list[Span], quotes: tuple[Span, ...]) -> list[Span]:
    """The voice stage's amendment: quoted where at least half of a span's characters lie in a quote."""
    out = []
    for s in spans:
        inside = next((q for q in quotes if 2 * (min(s.end, q.end) - max(s.start, q.start)) >= s.end - s.start), None)
        extra: dict[str, Any] = {"voice": "author"}
        if inside is not None:
            extra = {"voice": "quoted", "quote": {"id": inside.id, "speaker_name": inside.attributes.get("speaker_name"),
                                                  "speaker": inside.attributes.get("speaker")}}
        out.append(Span(s.start, s.end, s.label, s.score, {**s.attributes, **extra}, s.id))
    return out


def _sources(doc: Document, name: str | None) -> list[Span]:
    q = {key: _quote_id(doc, phrase) for key, phrase in (("mara", "the bridge is safe"), ("engineer", "could collapse"), ("council", "costs rose"))}
    return [
        _span(at("the council"), "official", None, {"name": name or "Eastbrook council", "named": True,
              "mentions": [at("the council"), at("council's"), at("The council")], "statements": [q["council"]]}, "s1"),
        _span(at(MARA), "official", None, {"name": name or MARA, "named": True, "mentions": [at(MARA)], "statements": [q["mara"]]}, "s2"),
        _span(at("a local engineer"), "unnamed", None, {"name": name or "a local engineer", "named": False,
              "mentions": [at("a local engineer")], "statements": [q["engineer"]]}, "s3"),
    ]


def _actors(name: str | None) -> list[Span]:
    def role(main: str, score: float, fine: str, fine_score: float) -> dict[str, Any]:
        return {"main": name or main, "score": score, "scores": {main: score}, "fine": [{"role": name or fine, "score": fine_score}]}

    def label(phrase: str, kind: str, after: str = "") -> dict[str, Any]:
        return {**at(phrase, after), "kind": name or kind}

    return [
        _span(at("the council"), "Antagonist", 0.81, {"name": name or "Eastbrook council", "type": name or "organisation",
              "mentions": [at("the council"), at("council's"), at("The council")],
              "labels": [label("gang of corrupt bureaucrats", "category"), label("incompetent officials", "modifier")],
              "role": role("Antagonist", 0.81, "Corrupt", 0.64)}, "a1"),
        _span(at("Eastbrook"), "Innocent", 0.55, {"name": name or "Eastbrook", "type": "place",
              "mentions": [at("Eastbrook"), at("Eastbrook", "Everyone"), at("Eastbrook", "True patriots")],
              "labels": [], "role": role("Innocent", 0.55, "Victim", 0.4)}, "a2"),
        _span(at(MARA), "Antagonist", 0.77, {"name": name or MARA, "type": "person", "mentions": [at(MARA), at("her anymore")],
              "labels": [label("a career politician who has never run a business in her life", "apposition"),
                         label("a woman whose own brother sells concrete", "predicate")],
              "role": role("Antagonist", 0.77, "Deceiver", 0.5)}, "a3"),
    ]


def _claims(doc: Document, sources: list[Span], name: str | None) -> list[Span]:
    def source(i: int) -> dict[str, Any]:
        s = sources[i]
        return {"id": s.id, "name": s.attributes["name"], "kind": s.label, "named": s.attributes["named"]}

    def claim(phrase: str, rank: int, score: float, reasons: list[str], src: dict[str, Any] | None, quote: str | None, id: str) -> Span:
        return _span(_sentence(doc, phrase), "claim", score, {"rank": rank, "reasons": [name] if name else reasons, "source": src, "quote": quote}, id)

    return [
        claim("For three years", 3, 0.62, ["a figure: millions", "a period: three years"], None, None, "c1"),
        claim(MARA, 2, 0.71, [f"attributed to {MARA}"], source(1), _quote_id(doc, "the bridge is safe"), "c2"),
        claim("According to a local engineer", 1, 0.83, ["a figure: hundreds", "attributed to an unnamed source"], source(2),
              _quote_id(doc, "could collapse"), "c3"),
        claim("But what about", 4, 0.58, ["a figure: 2 million dollars"], None, None, "c4"),
    ]


def _summaries(doc: Document) -> dict[str, dict[str, Any]]:
    """Each stage's summary in the contract's shape, counted from the spans built here."""
    out: dict[str, dict[str, Any]] = {}
    sources = doc.spans.get(SOURCE)
    if sources is not None:
        named = [s for s in sources if s.attributes["named"]]
        kinds: dict[str, int] = {}
        for s in sources:
            kinds[s.label] = kinds.get(s.label, 0) + 1
        out[SOURCE] = {"sources": len(sources), "named": len(named), "anonymous": len(sources) - len(named), "by_kind": kinds,
                       "statements": {"named": sum(len(s.attributes["statements"]) for s in named),
                                      "anonymous": sum(len(s.attributes["statements"]) for s in sources if not s.attributes["named"])}}
    actors = doc.spans.get(ACTOR)
    if actors is not None:
        roles: dict[str, int] = {}
        for a in actors:
            roles[a.label] = roles.get(a.label, 0) + 1
        top = sorted(actors, key=lambda a: -len(a.attributes["mentions"]))[:5]
        out[ACTOR] = {"actors": len(actors), "by_role": roles,
                      "top": [{"name": a.attributes["name"], "mentions": len(a.attributes["mentions"]), "role": a.label} for a in top]}
    claims = doc.spans.get(CLAIM)
    if claims is not None:
        sourced = sum(1 for c in claims if c.attributes["source"])
        top = sorted(claims, key=lambda c: c.attributes["rank"])[:3]
        out[CLAIM] = {"claims": len(claims), "sourced": sourced, "unsourced": len(claims) - sourced,
                      "top": [{"id": c.id, "text": TEXT[c.start:c.end], "score": c.score} for c in top]}
    return out


def _voice_summary(spans: tuple[Span, ...]) -> dict[str, Any]:
    author = [s for s in spans if s.attributes.get("voice") == "author"]
    quoted = [s for s in spans if s.attributes.get("voice") == "quoted"]
    by_technique: dict[str, dict[str, int]] = {}
    for s in spans:
        counts = by_technique.setdefault(s.label, {"author": 0, "quoted": 0})
        counts[s.attributes["voice"]] += 1
    speakers: dict[str, int] = {}
    for s in quoted:
        speaker = s.attributes["quote"]["speaker_name"]
        if speaker:
            speakers[speaker] = speakers.get(speaker, 0) + 1
    return {"author": len(author), "quoted": len(quoted), "by_technique": by_technique,
            "by_speaker": [{"name": n, "spans": c} for n, c in sorted(speakers.items(), key=lambda kv: -kv[1])]}


def who_analysis(groups: tuple[str, ...] = GROUPS, empty: tuple[str, ...] = (), name: str | None = None) -> dict[str, Any]:
    """A serialised analysis of the demo with the who-says-what ``groups`` (``voice`` is the voice
    stage's attributes on the technique spans), those in ``empty`` present but empty; ``name``, where
    given, replaces every name, role, kind and reason the hand-built groups carry (hostile text)."""
    doc = _quoted()
    quotes = doc.spans[QUOTE]
    if name is not None:
        quotes = tuple(Span(q.start, q.end, q.label, q.score, {**q.attributes, "speaker_name": name}, q.id) for q in quotes)
    techniques = _techniques()
    if VOICE in groups:
        techniques = _voiced(techniques, quotes)
    sources = _sources(doc, name)
    built: dict[str, list[Span] | tuple[Span, ...]] = {QUOTE: quotes, SOURCE: sources, ACTOR: _actors(name), CLAIM: _claims(doc, sources, name)}
    if SOURCE in groups and QUOTE in groups and SOURCE not in empty:
        by_quote = {q: s for s in sources for q in s.attributes["statements"]}
        built[QUOTE] = [Span(q.start, q.end, q.label, q.score, {**q.attributes, "source": _source_ref(by_quote.get(q.id))}, q.id) for q in quotes]
    spans = {g: tuple(() if g in empty else built[g]) for g in (QUOTE, SOURCE, ACTOR, CLAIM) if g in groups}
    relations = []
    if SOURCE in spans and QUOTE in spans:
        relations += [Relation("statement", SpanRef(SOURCE, str(s.id)), SpanRef(QUOTE, q)) for s in spans[SOURCE] for q in s.attributes["statements"]]
    if CLAIM in spans and SOURCE in spans:
        relations += [Relation("source", SpanRef(CLAIM, str(c.id)), SpanRef(SOURCE, c.attributes["source"]["id"]))
                      for c in spans[CLAIM] if c.attributes["source"]]
    full = Document(id=doc.id, text=doc.text, title=doc.title, spans={**{"sentence": doc.spans["sentence"]}, **spans, TECHNIQUE: tuple(techniques)},
                    relations=tuple(sorted(relations)))
    summary: dict[str, dict[str, Any]] = {"sentence": SentenceStage().summarise(full), "technique": summarise(full, full.spans[TECHNIQUE])}
    if QUOTE in spans:
        summary[QUOTE] = QuoteStage().summarise(full)
    summary.update(_summaries(full))
    if VOICE in groups:
        summary[VOICE] = _voice_summary(full.spans[TECHNIQUE])
    components = [Component("technique", "transformer", "1", installed_sha256("transformer"))]
    components += [QuoteStage().info()] if QUOTE in groups else []
    components += [Component(g, "fixture", "0") for g in (SOURCE, ACTOR, VOICE, CLAIM) if g in groups]
    stages = ["sentence", *(g for g in (QUOTE, SOURCE, ACTOR) if g in groups), "technique", *(g for g in (VOICE, CLAIM) if g in groups)]
    return Analysis(full, summary, tuple(components), {"stages": stages}).to_dict()


def _source_ref(source: Span | None) -> dict[str, Any] | None:
    if source is None:
        return None
    return {"id": source.id, "name": source.attributes["name"], "kind": source.label, "named": source.attributes["named"]}


def quoted_analysis(text: str) -> dict[str, Any]:
    """Any text through the real sentence and quote stages alone (what `analyze --quotes` adds
    today), without technique spans."""
    doc = QuoteStage()(SentenceStage()(Document(id="quoted", text=text))).with_spans(TECHNIQUE, [])
    summary = {"sentence": SentenceStage().summarise(doc), "technique": summarise(doc, ()), QUOTE: QuoteStage().summarise(doc)}
    return Analysis(doc, summary, (QuoteStage().info(),), {"stages": ["sentence", QUOTE]}).to_dict()

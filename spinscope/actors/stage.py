"""The actor stage: one span per actor with its forms, labels and role, as ``spans["actor"]``."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from typing import Any

from spinscope.actors.features import MAX_MENTIONS
from spinscope.actors.roles import MAIN_ROLES
from spinscope.document import ACTOR, BOILERPLATE, SENTENCE, Component, Document, Span


def actor_spans(doc: Document) -> list[Span]:
    """The actor spans of ``doc`` (its sentences already found), ids ``a1``, ``a2``... in text order."""
    from spinscope.actors.features import features, marked
    from spinscope.actors.found import find_actors
    from spinscope.actors.roles import role_model
    from spinscope.nlp.embed import embed
    from spinscope.nlp.spacy_doc import parse

    sentences = doc.spans.get(SENTENCE, ())
    if not sentences:
        return []
    parsed = parse(doc)
    actors = find_actors(parsed, [s.start for s in sentences])
    if not actors:
        return []
    model = role_model()
    # each sentence an actor is named in is embedded once, for all its actors
    needed = sorted({i for a in actors for i in a.context.sentences[: MAX_MENTIONS]})
    vectors = embed([sentences[i].text(doc) for i in needed])
    rows = {i: k for k, i in enumerate(needed)}
    spans = [(s.start, s.end) for s in sentences]
    marks = embed([marked(doc.text, spans[a.context.sentences[0]], a.context.first) for a in actors]) if "marked" in model.parts else None
    out = []
    for n, actor in enumerate(actors, 1):
        local = replace(actor.context, sentences=tuple(rows[i] for i in actor.context.sentences[:MAX_MENTIONS]))
        role = model.predict(features(vectors, local, model.vocabulary, model.parts, None if marks is None else marks[n - 1]))
        first = actor.mentions[0]
        attributes = {
            "name": actor.name,
            "type": actor.type,
            "mentions": [{"start": s, "end": e, "text": doc.text[s:e]} for s, e in actor.mentions],
            "labels": [label.to_dict(doc.text) for label in actor.labels],
            "role": role.to_dict(),
        }
        out.append(Span(first[0], first[1], role.main, score=round(role.score, 4), attributes=attributes, id=f"a{n}"))
    return out


class ActorStage:
    """Writes ``spans["actor"]``: one span per actor at its first mention, label = main role,
    score = its probability; attributes as docs/who-says-what.md gives them."""

    name = ACTOR
    reads: tuple[str, ...] = (BOILERPLATE, SENTENCE)
    writes: tuple[str, ...] = (ACTOR,)
    amends: tuple[str, ...] = ()

    def __call__(self, doc: Document) -> Document:
        return doc.with_spans(ACTOR, actor_spans(doc))

    def info(self) -> Component:
        from spinscope.actors.roles import role_model
        from spinscope.nlp.embed import encoder
        from spinscope.nlp.spacy_doc import model_info

        spacy_model, model = model_info(), role_model()
        name = f"spacy-rules+{spacy_model['name']}+{encoder().name}+roles"
        return Component(stage=self.name, name=name, version=model.version, model_sha256=model.sha256)

    def summarise(self, doc: Document) -> dict[str, Any]:
        actors = doc.spans.get(ACTOR, ())
        roles = Counter(a.label for a in actors)
        ranked = sorted(actors, key=lambda a: (-len(a.attributes.get("mentions", ())), a.start))
        return {
            "actors": len(actors),
            "by_role": {r: roles.get(r, 0) for r in MAIN_ROLES},
            "top": [{"name": a.attributes.get("name"), "mentions": len(a.attributes.get("mentions", ())), "role": a.label} for a in ranked[:10]],
        }

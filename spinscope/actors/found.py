"""An article's actors as the rules find them, before roles: forms merged, labels collected."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from spinscope.actors.features import MAX_MENTIONS, ActorContext, label_words, mention_cues, sentence_of
from spinscope.actors.labels import Label, mention_labels
from spinscope.actors.mentions import Mention, find_mentions, normal_form
from spinscope.actors.merge import merge_mentions

if TYPE_CHECKING:
    from spacy.tokens import Doc


@dataclass(frozen=True, slots=True)
class Actor:
    """One referent: its name and type, every mention (offsets, text order), its labels and what
    the role heads read of it."""

    name: str
    type: str
    mentions: tuple[tuple[int, int], ...]
    labels: tuple[Label, ...]
    context: ActorContext


def find_actors(parsed: "Doc", sentence_starts: list[int]) -> list[Actor]:
    """The actors of the parsed text, ordered by first mention; ``sentence_starts`` are the start
    offsets of the sentences whose vectors the role heads will read."""
    mentions = find_mentions(parsed)
    text = parsed.text  # spaCy joins every token for Doc.text: once per article
    out = []
    for forms in merge_mentions(mentions, text):
        own = [mentions[i] for i in forms.mentions]
        out.append(_actor(parsed, text, forms.name, forms.type, own, sentence_starts))
    return out


def actor_of(parsed: "Doc", mentions: list[Mention], sentence_starts: list[int], kind: str) -> Actor:
    """An actor made of the given mentions (training builds one for a gold mention no rule found)."""
    return _actor(parsed, parsed.text, mentions[0].text, kind, mentions, sentence_starts)


def _actor(parsed: "Doc", text: str, name: str, kind: str, own: list[Mention], sentence_starts: list[int]) -> Actor:
    forms = {normal_form(m.text) for m in own}
    spans = [(m.start, m.end) for m in own]
    labels: set[Label] = set()
    cues: list[str] = []
    for k, m in enumerate(own):
        found = [
            label
            for label in mention_labels(parsed, m.root, m.start, m.end)
            if normal_form(text[label.start : label.end]) not in forms
            and (label.kind == "modifier" or not any(s < label.end and label.start < e for s, e in spans))
        ]
        labels.update(found)
        if k < MAX_MENTIONS:
            cues += mention_cues(parsed, m.root, label_words(parsed, [(x.start, x.end) for x in found]), kind, name)
    sentences = tuple(sentence_of(sentence_starts, m.start) for m in own)
    return Actor(name, kind, tuple(spans), _distinct(labels, text), ActorContext(sentences, tuple(cues), spans[0]))


def _distinct(labels: set[Label], text: str) -> tuple[Label, ...]:
    """The labels in text order, a label said again in the same words ("eastern" Aleppo five
    times) kept at its first place only."""
    seen: set[tuple[str, str]] = set()
    out = []
    for label in sorted(labels):
        key = (normal_form(text[label.start : label.end]), label.kind)
        if key not in seen:
            seen.add(key)
            out.append(label)
    return tuple(out)

"""What the role heads see of an actor: the sentences it is named in, embedded, and cheap lexical cues.

The same functions build the features when training (spinscope/training/roles.py, on the
SemEval-2025 Task 10 articles) and at run time (the actor stage), so the two cannot drift.

* Context: the shared encoder's vector (spinscope.nlp.embed) of each sentence the actor is named
  in (the sentence stage's sentences, each embedded once per article), averaged over its first
  ``MAX_MENTIONS`` mentions; the vector of the sentence of its first mention; and, where the
  heads chose it, that sentence with the mention in brackets (one more text per actor for the
  encoder: it tells which of a sentence's actors is meant; in cross-validation it scored within
  0.01 of the unmarked parts, so the shipped heads leave it out).
* Cues: the words of the actor's name ("name:russia": the same names tend to be cast alike in
  the same news), the mention's syntactic role ("subj", "obj", "pobj", "poss"), the verb it is the subject
  or object of ("subj:attack", "obj:kill"), the words of its labels ("label:terror") and its
  type, each a 0/1 feature when in the vocabulary the trainer kept.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from spacy.tokens import Doc

# The mentions of an actor whose sentences are averaged: the first ones, where an article sets
# up who is who; bounds the encoder's work for an actor named fifty times.
MAX_MENTIONS = 8
_ROLE_DEPS = {"nsubj": "subj", "nsubjpass": "subjpass", "dobj": "obj", "pobj": "pobj", "poss": "poss", "conj": "conj", "appos": "appos", "compound": "compound"}


@dataclass(frozen=True, slots=True)
class ActorContext:
    """An actor as the role heads read it: indices of its mentions' sentences (first mention
    first), and its cue strings."""

    sentences: tuple[int, ...]
    cues: tuple[str, ...]
    first: tuple[int, int]  # the first mention's offsets


def marked(text: str, sentence: tuple[int, int], mention: tuple[int, int]) -> str:
    """The sentence with the mention in brackets: "... liberate it from the hold of [terror groups]."
    (part "marked": which of a sentence's actors the vector is about)."""
    (s, e), (ms, me) = sentence, mention
    return f"{text[s:ms]}[{text[ms:me]}]{text[me:e]}".strip()


def sentence_of(starts: Sequence[int], offset: int) -> int:
    """Index of the sentence (given by its sorted start offsets) that holds character ``offset``."""
    return max(0, bisect.bisect_right(starts, offset) - 1)


def mention_cues(parsed: "Doc", root: int, label_words: Iterable[str], kind: str, name: str) -> list[str]:
    """The cue strings of one mention with head token ``root`` of an actor called ``name``."""
    head = parsed[root]
    cues = [f"type:{kind}", *(f"name:{w}" for w in name.lower().replace("-", " ").split() if any(c.isalpha() for c in w))]
    role = _ROLE_DEPS.get(head.dep_)
    if role:
        cues.append(f"dep:{role}")
        governor = head.head
        if role == "pobj" and governor.dep_ == "prep":
            cues.append(f"prep:{governor.lower_}")
            if governor.lower_ == "by" and governor.head.pos_ == "VERB":
                cues.append(f"agent:{governor.head.lemma_.lower()}")
        elif governor.pos_ in ("VERB", "AUX"):
            cues.append(f"{role}:{governor.lemma_.lower()}")
    cues += [f"label:{w}" for w in label_words]
    return cues


def label_words(parsed: "Doc", spans: Iterable[tuple[int, int]]) -> list[str]:
    """Lower-case lemmas of the content words inside the character spans (the mention's labels)."""
    out: list[str] = []
    for start, end in spans:
        piece = parsed.char_span(start, end, alignment_mode="expand")
        if piece is not None:
            out += [t.lemma_.lower() for t in piece if t.is_alpha and not t.is_stop]
    return out


def features(vectors: np.ndarray, context: ActorContext, vocabulary: dict[str, int], parts: Sequence[str], marked_vector: np.ndarray | None = None) -> np.ndarray:
    """One actor's feature row: the ``parts`` ("marked", "first", "mean", "cues") joined in that order.

    ``vectors`` holds the article's sentence vectors, indexed as ``context.sentences``;
    ``marked_vector`` the vector of the first mention's sentence marked (needed for "marked")."""
    row: list[np.ndarray] = []
    if "marked" in parts:
        if marked_vector is None:
            raise ValueError("part 'marked' needs the marked sentence's vector")
        row.append(marked_vector)
    if "first" in parts:
        row.append(vectors[context.sentences[0]])
    if "mean" in parts:
        mean = vectors[list(context.sentences[:MAX_MENTIONS])].mean(axis=0)
        row.append(mean / max(float(np.linalg.norm(mean)), 1e-6))
    if "cues" in parts:
        cues = np.zeros(len(vocabulary), dtype=np.float32)
        for cue in context.cues:
            if cue in vocabulary:
                cues[vocabulary[cue]] = 1.0
        row.append(cues)
    return np.concatenate(row).astype(np.float32)

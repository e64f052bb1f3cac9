"""Claims that state the same thing across articles, as groups with a timeline each.

Records are taken in timeline order (dated ones by date, then the undated, ties by outlet,
document and claim id); each joins the group of the earlier claim it matches best when that
match reaches the threshold, else starts a group. A claim is compared with every earlier one
(one matrix row each: about 10 s for 10,000 claims on one core), and the number and name
agreements only for those whose cosine leaves the threshold within reach. Linking to the best
earlier claim can chain (A~B, B~C with A and C further apart); the threshold is set for precision
to keep chains short.

The threshold (0.70 of ``matching.pair_score``) was chosen on CheckThat! 2020 Task 2 train pairs
(a tweet and the fact-checked claim it repeats) as a proxy for two articles' claims: see
``benchmarks/claim_matching.py --pairs``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

import numpy as np

from spinscope.errors import MalformedInputError
from spinscope.nlp.embed import Encoder, embed
from spinscope.repeats.drift import drift
from spinscope.repeats.features import features
from spinscope.repeats.matching import CLAIMS, Weights, pair_score

THRESHOLD = 0.70


@dataclass(frozen=True, slots=True)
class ClaimRecord:
    """A claim as a store holds it: ``published`` an ISO date or date-time, or None."""

    claim_id: str
    text: str
    document_id: str
    outlet: str | None
    published: str | None


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """One telling of a group's claim. ``published`` is the ISO date (YYYY-MM-DD) or None;
    ``cosine`` how close its vector lies to the first telling's (the first's own is 1); ``added``
    and ``removed`` the words its wording added to and dropped from the first's."""

    claim_id: str
    document_id: str
    outlet: str | None
    published: str | None
    text: str
    cosine: float
    added: tuple[str, ...]
    removed: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class OutletAppearance:
    outlet: str | None
    published: str | None
    claims: int


@dataclass(frozen=True, slots=True)
class ClaimGroup:
    """Claims stating one thing, in timeline order: ``entries[0]`` is the first appearance."""

    id: str
    entries: tuple[TimelineEntry, ...]

    @property
    def first(self) -> TimelineEntry:
        return self.entries[0]

    @property
    def documents(self) -> int:
        return len({e.document_id for e in self.entries})

    @property
    def outlets(self) -> tuple[OutletAppearance, ...]:
        """Each outlet once, at its first telling, in timeline order, with its number of claims."""
        seen: dict[str | None, OutletAppearance] = {}
        for e in self.entries:
            known = seen.get(e.outlet)
            seen[e.outlet] = OutletAppearance(e.outlet, known.published if known else e.published, (known.claims if known else 0) + 1)
        return tuple(seen.values())


def iso_date(record: ClaimRecord) -> str | None:
    """``record.published`` as YYYY-MM-DD (a date-time keeps its date as written, not moved to UTC)."""
    if record.published is None or not record.published.strip():
        return None
    text = record.published.strip()
    try:
        return (date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text).date()).isoformat()
    except ValueError as exc:
        raise MalformedInputError(f"claim {record.claim_id}: published {text[:40]!r} is not an ISO date (YYYY-MM-DD or an ISO date-time)") from exc


def timeline_key(day: str | None, outlet: str | None, document_id: str, claim_id: str) -> tuple[bool, str, str, str, str]:
    """Dated before undated, then by date, outlet, document and claim id."""
    return (day is None, day or "", outlet or "", document_id, claim_id)


def group_claims(
    records: Sequence[ClaimRecord],
    vectors: np.ndarray | None = None,
    threshold: float = THRESHOLD,
    weights: Weights = CLAIMS,
    min_documents: int = 2,
    model: Encoder | None = None,
) -> tuple[ClaimGroup, ...]:
    """Groups of claims that state the same thing, those told in ``min_documents`` documents or
    more, the most widely told first (then by first appearance); ids ``r1``, ``r2``... in that
    order. ``vectors`` (one unit row per record, in the order given) spares embedding them again."""
    if vectors is None:
        vectors = embed([r.text for r in records], model)
    if len(vectors) != len(records):
        raise ValueError(f"{len(records)} records but {len(vectors)} vectors")
    days = [iso_date(r) for r in records]
    found = [features(r.text) for r in records]
    order = sorted(range(len(records)), key=lambda i: timeline_key(days[i], records[i].outlet, records[i].document_id, records[i].claim_id))
    ordered = vectors[order]
    reach = max(weights.numbers, -weights.conflict, 0.0) + max(weights.names, 0.0)
    group_of: list[int] = []
    members: list[list[int]] = []
    for n, i in enumerate(order):
        best, best_score = -1, threshold
        if n:
            cosines = ordered[:n] @ ordered[n]
            for m in np.flatnonzero(cosines + reach >= threshold):
                score = pair_score(float(cosines[m]), found[order[m]], found[i], weights)
                if score > best_score or (score == best_score and best < 0):
                    best, best_score = int(m), score
        if best < 0:
            group_of.append(len(members))
            members.append([i])
        else:
            group_of.append(group_of[best])
            members[group_of[best]].append(i)
    timelines = [
        _timeline(indices, records, days, vectors)
        for indices in members
        if len({records[i].document_id for i in indices}) >= min_documents
    ]
    timelines.sort(key=lambda t: (-len({e.document_id for e in t}), timeline_key(t[0].published, t[0].outlet, t[0].document_id, t[0].claim_id)))
    return tuple(ClaimGroup(f"r{n}", entries) for n, entries in enumerate(timelines, start=1))


def _timeline(
    indices: list[int],
    records: Sequence[ClaimRecord],
    days: list[str | None],
    vectors: np.ndarray,
) -> tuple[TimelineEntry, ...]:
    """The entries of one group (``indices`` already in timeline order), each measured against the first."""
    head = indices[0]
    entries = []
    for i in indices:
        r = records[i]
        cosine = 1.0 if i == head else round(float(vectors[head] @ vectors[i]), 4)
        added, removed = ((), ()) if i == head else drift(records[head].text, r.text)
        entries.append(TimelineEntry(r.claim_id, r.document_id, r.outlet, days[i], r.text, cosine, added, removed))
    return tuple(entries)

"""Claims that state the same thing across articles, as groups with a timeline each.

Records are taken in timeline order (dated ones by date and time, then the undated, ties by
outlet, document and claim id); each joins the group of the earlier claim it matches best when that
match reaches the threshold and so does its match with the group's first telling, else starts a
group. Anchoring every member to the first telling keeps chains out (A~B and B~C while A and C
state different things) and gives the drift its reference. A claim's cosine is taken with every
earlier one (one matrix row each; 10,375 claims in 21 s on a busy core), and the full
``matching.pair_score`` with at most the 20 nearest that could reach the threshold, so a claim
told a thousand times costs no more per telling than one told twice.

The threshold, 0.75 of ``pair_score`` with the ``CLAIMS`` weights, was chosen on proxies, there
being no labelled pairs of news claims (``benchmarks/claim_matching.py --pairs`` and ``--merges``):
on CheckThat! 2020 Task 2 train pairs (a tweet and the fact-checked claim it repeats, against the
50 nearest other claims) it keeps precision 0.98 at recall 0.32 (0.70: 0.96 and 0.43); and
grouping the 10,375 fact-checked claims, each checked once, merges 2.8% of them into a group
whose first telling has other words (0.70: 6.0%, mostly false merges on one template: "A
photograph shows Donald Trump ..."; 0.80: 1.3%).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

import numpy as np

from spinscope.errors import MalformedInputError, UsageError
from spinscope.nlp.embed import Encoder, embed
from spinscope.repeats.drift import drift
from spinscope.repeats.features import features
from spinscope.repeats.matching import CLAIMS, Weights, pair_score

THRESHOLD = 0.75
NEIGHBOURS = 20  # earlier claims scored in full per claim, the nearest by cosine


@dataclass(frozen=True, slots=True)
class ClaimRecord:
    """A claim as a store holds it: ``published`` an ISO date or date-time, or None. A claim is
    identified by (``document_id``, ``claim_id``): the claim stage numbers c1, c2... per document."""

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
    """An outlet in a group's timeline: the date of its first telling and how many it made."""

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


def published_at(record: ClaimRecord) -> tuple[str, str] | None:
    """``record.published`` as (YYYY-MM-DD, HH:MM:SS or "" for a date alone), the date and time
    as written (a date-time with an offset is not moved to UTC), or None when not given."""
    if record.published is None or not record.published.strip():
        return None
    text = record.published.strip()
    try:
        if len(text) == 10:
            return date.fromisoformat(text).isoformat(), ""
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise MalformedInputError(f"claim {record.claim_id}: published {text[:40]!r} is not an ISO date (YYYY-MM-DD or an ISO date-time)") from exc
    return moment.date().isoformat(), moment.time().isoformat()


def timeline_key(record: ClaimRecord, moment: tuple[str, str] | None) -> tuple[bool, tuple[str, str], str, str, str]:
    """Dated before undated, then by date and time (a date alone before the times of its day),
    outlet, document and claim id."""
    return (moment is None, moment or ("", ""), record.outlet or "", record.document_id, record.claim_id)


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
        raise UsageError(f"{len(records)} records but {len(vectors)} vectors: give one vector per record, in order")
    moments = [published_at(r) for r in records]
    keys = [timeline_key(r, m) for r, m in zip(records, moments)]
    found = [features(r.text) for r in records]
    order = sorted(range(len(records)), key=keys.__getitem__)
    ordered = vectors[order]
    reach = max(weights.numbers, -weights.conflict, 0.0) + max(weights.names, 0.0)
    group_of: list[int] = []
    members: list[list[int]] = []
    for n, i in enumerate(order):
        group = -1
        if n:
            cosines = ordered[:n] @ ordered[n]
            near = np.flatnonzero(cosines + reach >= threshold)
            if len(near) > NEIGHBOURS:
                near = near[np.argsort(-cosines[near], kind="stable")[:NEIGHBOURS]]
            scored = sorted(((pair_score(float(cosines[m]), found[order[m]], found[i], weights), int(m)) for m in near), key=lambda p: (-p[0], p[1]))
            for score, m in scored:
                if score < threshold:
                    break
                head = members[group_of[m]][0]
                if head == order[m] or pair_score(float(vectors[head] @ vectors[i]), found[head], found[i], weights) >= threshold:
                    group = group_of[m]
                    break
        if group < 0:
            group = len(members)
            members.append([])
        group_of.append(group)
        members[group].append(i)
    kept = [g for g in members if len({records[i].document_id for i in g}) >= min_documents]
    kept.sort(key=lambda g: (-len({records[i].document_id for i in g}), keys[g[0]]))
    return tuple(ClaimGroup(f"r{n}", _timeline(g, records, moments, vectors)) for n, g in enumerate(kept, start=1))


def timeline_group(records: Sequence[ClaimRecord], vectors: np.ndarray, group_id: str = "r1") -> ClaimGroup:
    """``records`` (found to state one thing) as one group's timeline, in timeline order, each
    telling measured against the first; ``vectors`` one unit row per record, in the order given."""
    moments = [published_at(r) for r in records]
    order = sorted(range(len(records)), key=lambda i: timeline_key(records[i], moments[i]))
    return ClaimGroup(group_id, _timeline(order, records, moments, vectors))


def _timeline(
    indices: list[int],
    records: Sequence[ClaimRecord],
    moments: list[tuple[str, str] | None],
    vectors: np.ndarray,
) -> tuple[TimelineEntry, ...]:
    """The entries of one group (``indices`` already in timeline order), each measured against the first."""
    head = indices[0]
    entries = []
    for i in indices:
        r = records[i]
        cosine = 1.0 if i == head else round(float(vectors[head] @ vectors[i]), 4)
        added, removed = ((), ()) if i == head else drift(records[head].text, r.text)
        day = moments[i]
        entries.append(TimelineEntry(r.claim_id, r.document_id, r.outlet, day[0] if day else None, r.text, cosine, added, removed))
    return tuple(entries)

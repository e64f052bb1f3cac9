"""Outlets side by side: technique rates with confidence intervals, voice, sources, actor framing
and trends over time, as pure functions over the store's rows (spinscope.store.profiles).

A rate is technique spans per 1,000 words of analysed text, the outlet's spans over its words,
with a 95% interval (`spinscope.corpus.rates`). Outlets, and outlets' periods for trends, are
groups of documents whose sums the intervals need (`_Groups`), made column-wise with numpy from
the rows (`_Columns`).

Voice and source shares are only given where the stage that makes them ran: ``None`` says "not
measured", which is not zero.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

import numpy as np

from spinscope.corpus.rates import Rate, rate_of, ratio_intervals, zero_rate
from spinscope.store.profile_tables import fold
from spinscope.store.profiles import ActorRow, DocumentRow, ProfileRows

ALL = "all"  # the technique label of every technique together
Period = Literal["month", "week"]


@dataclass(frozen=True, slots=True)
class Voice:
    """Technique spans in the author's own voice and inside quotes, over the documents the voice
    stage ran on (``documents``); ``unmeasured`` spans come from documents it did not run on."""

    documents: int
    author: int
    quoted: int
    unmeasured: int

    @property
    def quoted_share(self) -> float | None:
        total = self.author + self.quoted
        return self.quoted / total if total else None


@dataclass(frozen=True, slots=True)
class Sources:
    """Sources (one per distinct source an article leans on) named and anonymous, over the documents
    the source stage ran on."""

    documents: int
    named: int
    anonymous: int

    @property
    def named_share(self) -> float | None:
        total = self.named + self.anonymous
        return self.named / total if total else None


@dataclass(frozen=True, slots=True)
class OutletProfile:
    """One outlet (None: documents stored without one). ``voice`` and ``sources`` are None where
    the voice or source stage ran on none of its documents."""

    outlet: str | None
    documents: int
    undated: int
    words: int
    total: Rate
    techniques: tuple[Rate, ...]  # most used first
    voice: Voice | None
    sources: Sources | None

    def rate(self, label: str) -> Rate:
        """The rate of technique ``label`` (``ALL`` for all of them): zero spans, with the interval
        zero spans in these words leave open, where the outlet used none."""
        if label == ALL:
            return self.total
        return next((r for r in self.techniques if r.label == label), zero_rate(label, self.words))


@dataclass(frozen=True, slots=True)
class Framing:
    """How one outlet presents one actor: in how many documents, with which main roles (counted
    per document) and fine roles, and the labels its articles give it (counted per use, any case)."""

    outlet: str | None
    documents: int
    roles: tuple[tuple[str, int], ...]
    fine_roles: tuple[tuple[str, int], ...]
    labels: tuple[tuple[str, int], ...]


@dataclass(frozen=True, slots=True)
class ActorFraming:
    """An actor (by name, any case) and how each outlet that names it presents it, most documents first."""

    name: str
    documents: int
    outlets: tuple[Framing, ...]


@dataclass(frozen=True, slots=True)
class TrendPoint:
    """A technique's rate (``ALL`` for every technique) in one outlet over one period: ``2019-03``
    for a month, ``2019-W09`` for an ISO week."""

    outlet: str | None
    label: str
    period: str
    documents: int
    rate: Rate


@dataclass(frozen=True, slots=True)
class Trends:
    """Rates per period; the undated documents of each outlet are counted apart (``undated``:
    outlet, documents, their rate of every technique together), never put in a period."""

    period: Period
    points: tuple[TrendPoint, ...]
    undated: tuple[tuple[str | None, int, Rate], ...]


def _sum_by(group: np.ndarray, size: int, values: np.ndarray) -> np.ndarray:
    """Sums of the rows of ``values`` (documents × k) per group: (size, k)."""
    return np.stack([np.bincount(group, weights=values[:, j], minlength=size) for j in range(values.shape[1])], axis=1)


@dataclass(frozen=True, slots=True)
class _Groups:
    """Sums over groups of documents (outlets, or outlets' periods): column 0 of ``spans`` is
    every technique together (``ALL``), then ``labels`` in order."""

    labels: tuple[str, ...]
    documents: np.ndarray  # (groups,)
    words: np.ndarray  # (groups,)
    spans: np.ndarray  # (groups, 1 + labels)
    low: np.ndarray  # (groups, 1 + labels), per 1,000 words
    high: np.ndarray
    voice: np.ndarray  # (groups, 4): documents the voice stage ran on, spans in the author's voice, quoted, spans of the other documents
    sources: np.ndarray  # (groups, 3): documents the source stage ran on, named sources, anonymous

    def total(self, g: int) -> Rate:
        return rate_of(ALL, int(self.spans[g, 0]), int(self.words[g]), float(self.low[g, 0]), float(self.high[g, 0]))

    def techniques(self, g: int, wanted: tuple[str, ...] = ()) -> tuple[Rate, ...]:
        """Each technique the group used, most used first; with ``wanted``, those alone, zero where unused."""
        words = int(self.words[g])
        used = [rate_of(label, int(self.spans[g, j]), words, float(self.low[g, j]), float(self.high[g, j]))
                for j, label in enumerate(self.labels, start=1) if self.spans[g, j] > 0 and (not wanted or label in wanted)]  # fmt: skip
        shown = {r.label for r in used}
        return (*sorted(used, key=lambda r: (-r.spans, r.label)), *(zero_rate(label, words) for label in wanted if label not in shown))


_VOICES = {"author": 0, "quoted": 1}


def _positions(ids: np.ndarray, wanted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where each of ``wanted`` stands in ``ids`` (distinct), and which of them are there at all."""
    order = np.argsort(ids, kind="stable")
    found = np.minimum(np.searchsorted(ids[order], wanted), len(ids) - 1)
    known = ids[order][found] == wanted
    return order[found[known]], known


@dataclass(frozen=True, slots=True)
class _Columns:
    """The rows as arrays, one row per document (in ``rows.documents`` order), built once per call."""

    labels: tuple[str, ...]  # sorted: the columns of ``counts``
    words: np.ndarray  # (documents,)
    counts: np.ndarray  # (documents, labels): spans of each technique
    voice: np.ndarray  # (documents, 4): the voice stage ran (1/0), spans in the author's voice, quoted, spans where it did not run
    sources: np.ndarray  # (documents, 3): the source stage ran (1/0), named sources, anonymous (counted where it ran)

    @classmethod
    def of(cls, rows: ProfileRows) -> _Columns:
        """Made column-wise (``zip(*rows)``, numpy): 60,000 technique rows in a few milliseconds."""
        n = len(rows.documents)
        if n == 0:
            return cls((), np.zeros(0), np.zeros((0, 0)), np.zeros((0, 4)), np.zeros((0, 3)))
        columns = list(zip(*rows.documents, strict=True))
        ids, words, ran_voice, ran_source = (np.array(columns[k], dtype=float if k else np.int64) for k in (0, 3, 4, 5))
        labels = tuple(sorted({t.label for t in rows.techniques}))
        counts, by_voice, named = np.zeros((n, len(labels))), np.zeros((n, 2)), np.zeros((n, 2))
        if rows.techniques:
            t_ids, t_labels, t_voices, t_spans = zip(*rows.techniques, strict=True)
            at, known = _positions(ids, np.array(t_ids))
            column = {label: j for j, label in enumerate(labels)}
            label = np.array([column[x] for x in t_labels])[known]
            voice = np.array([_VOICES.get(v, -1) for v in t_voices])[known]
            spans = np.array(t_spans, dtype=float)[known]
            np.add.at(counts, (at, label), spans)
            np.add.at(by_voice, (at[voice >= 0], voice[voice >= 0]), spans[voice >= 0])
        if rows.sources:
            s_ids, s_named, s_sources = zip(*rows.sources, strict=True)
            at, known = _positions(ids, np.array(s_ids))
            np.add.at(named, (at, np.where(np.array(s_named, dtype=bool), 0, 1)[known]), np.array(s_sources, dtype=float)[known])
        voice = np.column_stack([ran_voice, by_voice * ran_voice[:, None], counts.sum(axis=1) * (1 - ran_voice)])
        sources = np.column_stack([ran_source, named * ran_source[:, None]])
        return cls(labels, words, counts, voice, sources)

    def groups(self, group: np.ndarray, size: int) -> _Groups:
        """Sums over the groups numbered in ``group`` (one number per document, -1: in none)."""
        keep = group >= 0
        g, x = group[keep], self.words[keep]
        y = np.column_stack([self.counts[keep].sum(axis=1), self.counts[keep]])
        spans, spans_sq, cross = _sum_by(g, size, y), _sum_by(g, size, y * y), _sum_by(g, size, y * x[:, None])
        documents, words, words_sq = _sum_by(g, size, np.column_stack([np.ones_like(x), x, x * x])).T
        low, high = ratio_intervals(spans, spans_sq, cross, words[:, None], words_sq[:, None], documents[:, None])
        return _Groups(self.labels, documents, words, spans, low, high, _sum_by(g, size, self.voice[keep]), _sum_by(g, size, self.sources[keep]))


def _outlet_key(outlet: str | None) -> tuple[bool, str]:
    return outlet is None, (outlet or "").casefold()


def _outlets(documents: tuple[DocumentRow, ...]) -> tuple[list[str | None], np.ndarray]:
    """The outlets by name (any case; None last) and each document's position among them."""
    names = sorted({d.outlet for d in documents}, key=_outlet_key)
    number = {name: i for i, name in enumerate(names)}
    return names, np.array([number[d.outlet] for d in documents], dtype=np.int64)


def outlet_profiles(rows: ProfileRows) -> tuple[OutletProfile, ...]:
    """One profile per outlet, by name (any case; documents without an outlet last)."""
    names, outlet = _outlets(rows.documents)
    sums = _Columns.of(rows).groups(outlet, len(names))
    undated = np.bincount(outlet, weights=[d.published_date is None for d in rows.documents], minlength=len(names)) if names else np.zeros(0)
    profiles = []
    for g, name in enumerate(names):
        ran_voice, author, quoted, unmeasured = (int(v) for v in sums.voice[g])
        ran_source, named, anonymous = (int(v) for v in sums.sources[g])
        total = sums.total(g)
        profiles.append(OutletProfile(
            outlet=name, documents=int(sums.documents[g]), undated=int(undated[g]), words=total.words, total=total, techniques=sums.techniques(g),
            voice=Voice(ran_voice, author, quoted, unmeasured) if ran_voice else None,
            sources=Sources(ran_source, named, anonymous) if ran_source else None,
        ))  # fmt: skip
    return tuple(profiles)


def _ranked(counter: Counter[str]) -> tuple[tuple[str, int], ...]:
    return tuple(sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])))


@dataclass(frozen=True, slots=True)
class _Actor:
    """One actor's rows (by name, any case and spacing), grouped by outlet, before framing."""

    name: str  # its commonest spelling
    by_outlet: dict[str | None, list[ActorRow]]

    @property
    def documents(self) -> int:
        return len({a.analysis_id for seen in self.by_outlet.values() for a in seen})

    def framing(self) -> ActorFraming:
        framings = []
        for outlet, seen in self.by_outlet.items():
            labels: Counter[str] = Counter()
            spelled: dict[str, str] = {}
            for a in seen:
                for label in a.labels:
                    folded = " ".join(label.split()).casefold()
                    spelled.setdefault(folded, " ".join(label.split()))
                    labels[folded] += 1
            framings.append(Framing(
                outlet=outlet,
                documents=len({a.analysis_id for a in seen}),
                roles=_ranked(Counter(a.role for a in seen)),
                fine_roles=_ranked(Counter(f for a in seen for f in a.fine_roles)),
                labels=tuple((spelled[k], n) for k, n in _ranked(labels)),
            ))  # fmt: skip
        framings.sort(key=lambda f: (-f.documents, _outlet_key(f.outlet)))
        return ActorFraming(self.name, sum(f.documents for f in framings), tuple(framings))


def _actors(rows: ProfileRows, min_outlets: int) -> list[_Actor]:
    """The actors named by at least ``min_outlets`` outlets, named by the most outlets first, then
    in the most documents, then by folded name (as `spinscope.store.profiles.top_actors` ranks them)."""
    outlet_of = {d.analysis_id: d.outlet for d in rows.documents}
    grouped: dict[str, dict[str | None, list[ActorRow]]] = defaultdict(lambda: defaultdict(list))
    names: dict[str, Counter[str]] = defaultdict(Counter)
    for a in rows.actors:
        key = fold(a.name)
        names[key][a.name] += 1
        grouped[key][outlet_of.get(a.analysis_id)].append(a)
    actors = [_Actor(names[key].most_common(1)[0][0], by_outlet) for key, by_outlet in grouped.items() if len(by_outlet) >= min_outlets]
    return sorted(actors, key=lambda a: (-len(a.by_outlet), -a.documents, fold(a.name)))


def actor_framings(rows: ProfileRows, min_outlets: int = 1) -> tuple[ActorFraming, ...]:
    """Each actor named by at least ``min_outlets`` outlets, with the roles and labels each outlet
    gives it, those named by the most outlets first."""
    return tuple(a.framing() for a in _actors(rows, min_outlets))


def first_framings(rows: ProfileRows, limit: int) -> tuple[tuple[ActorFraming, ...], int]:
    """The first ``limit`` of ``actor_framings`` and how many there are: a page lists a few
    dozen, and framing every actor of 10,000 documents takes seconds."""
    actors = _actors(rows, 1)
    return tuple(a.framing() for a in actors[:limit]), len(actors)


def period_of(published_date: str, period: Period) -> str:
    """``2019-03-05`` as its month (``2019-03``) or ISO week (``2019-W10``)."""
    day = date.fromisoformat(published_date)
    if period == "month":
        return f"{day.year:04d}-{day.month:02d}"
    year, week, _ = day.isocalendar()
    return f"{year:04d}-W{week:02d}"


def periods_between(first: str, last: str, period: Period) -> tuple[str, ...]:
    """Every period from ``first`` to ``last`` (as ``period_of`` names them), those without a document
    included, so that a time axis keeps its spacing."""
    if period == "month":
        year, month = int(first[:4]), int(first[5:7])
        out = []
        while f"{year:04d}-{month:02d}" <= last:
            out.append(f"{year:04d}-{month:02d}")
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return tuple(out)
    day = date.fromisocalendar(int(first[:4]), int(first[6:]), 1)
    out = []
    while period_of(day.isoformat(), "week") <= last:
        out.append(period_of(day.isoformat(), "week"))
        day += timedelta(days=7)
    return tuple(out)


def trends(rows: ProfileRows, period: Period = "month", labels: Iterable[str] = ()) -> Trends:
    """Each outlet's rate of every technique together (``ALL``) and of each of ``labels`` (every
    technique it used when none are given) per period, periods in order."""
    wanted = tuple(labels)
    names, outlet = _outlets(rows.documents)
    columns = _Columns.of(rows)
    when = [None if d.published_date is None else period_of(d.published_date, period) for d in rows.documents]
    cells = sorted({(int(o), p) for o, p in zip(outlet, when, strict=True) if p is not None})
    number = {cell: k for k, cell in enumerate(cells)}
    dated = columns.groups(np.array([-1 if p is None else number[(int(o), p)] for o, p in zip(outlet, when, strict=True)], dtype=np.int64), len(cells))
    points = []
    for k, (o, p) in enumerate(cells):
        points += [TrendPoint(names[o], r.label, p, int(dated.documents[k]), r) for r in (dated.total(k), *dated.techniques(k, wanted))]
    no_date = columns.groups(np.where([p is None for p in when], outlet, -1).astype(np.int64), len(names))
    undated = tuple((name, int(no_date.documents[o]), no_date.total(o)) for o, name in enumerate(names) if no_date.documents[o] > 0)
    return Trends(period, tuple(points), undated)

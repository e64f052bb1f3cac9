"""Outlets side by side: technique rates with confidence intervals, voice, sources, actor framing
and trends over time, as pure functions over the store's rows (spinscope.store.profiles).

A rate is technique spans per 1,000 words of analysed text, the outlet's spans over its words
(long articles weigh more, as they give more room to persuade). Its 95% interval is the union of
two intervals, so it is wide wherever either is:

- a bootstrap over documents (percentile, ``RESAMPLES`` resamples, a fixed seed so the same store
  gives the same figures): documents differ far more than a Poisson count assumes (one opinion
  piece can carry half of an outlet's spans), and resampling them shows that spread;
- the exact Poisson (Garwood) interval on the span count, the words taken as fixed: it keeps an
  interval honest where the bootstrap cannot see any spread, with one document or no span at all.

Voice and source shares are only given where the stage that makes them ran: ``None`` says "not
measured", which is not zero.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from datetime import date, timedelta
from typing import Literal

import numpy as np

from spinscope.store.profiles import DocumentRow, ProfileRows, SourceCount, TechniqueCount

RESAMPLES = 1_000
SEED = 12
CONFIDENCE = 0.95
Z95 = 1.959963984540054  # the normal quantile of CONFIDENCE, two-sided
EXACT_UP_TO = 50  # span counts whose Poisson interval is solved exactly (each a few hundred sums)
ALL = "all"  # the technique label of every technique together
Period = Literal["month", "week"]


@dataclass(frozen=True, slots=True)
class Rate:
    """``spans`` of a technique in ``words`` words: ``per_1000`` with its 95% interval [low, high]."""

    label: str
    spans: int
    words: int
    per_1000: float
    low: float
    high: float


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


def _poisson_cdf(k: int, mean: float) -> float:
    """P(X <= k) for X ~ Poisson(mean), summed in log space."""
    if mean <= 0:
        return 1.0
    return min(1.0, sum(math.exp(-mean + i * math.log(mean) - math.lgamma(i + 1)) for i in range(k + 1)))


def _solve(k: int, target: float) -> float:
    """The mean at which P(X <= k) falls to ``target`` (it falls as the mean grows), by bisection."""
    low, high = 0.0, k + 10 * math.sqrt(k + 1) + 10
    for _ in range(60):  # the bracket shrinks below 1e-15 of its width
        middle = (low + high) / 2
        low, high = (middle, high) if _poisson_cdf(k, middle) > target else (low, middle)
    return (low + high) / 2


def poisson_interval(spans: int, words: int) -> tuple[float, float]:
    """The 95% Poisson interval of ``spans`` in ``words`` words, per 1,000 words: exact (Garwood)
    up to ``EXACT_UP_TO`` spans, Byar's approximation above (within 0.3% of it from 10 spans)."""
    if words <= 0:
        return 0.0, 0.0
    low, high = _count_interval(spans)
    return 1000 * low / words, 1000 * high / words


@lru_cache(maxsize=1024)
def _count_interval(k: int) -> tuple[float, float]:
    """The 95% interval of the mean of a Poisson count ``k`` (the same for every exposure)."""
    if k <= EXACT_UP_TO:
        return 0.0 if k == 0 else _solve(k - 1, 1 - (1 - CONFIDENCE) / 2), _solve(k, (1 - CONFIDENCE) / 2)
    return k * (1 - 1 / (9 * k) - Z95 / (3 * math.sqrt(k))) ** 3, (k + 1) * (1 - 1 / (9 * (k + 1)) + Z95 / (3 * math.sqrt(k + 1))) ** 3


def zero_rate(label: str, words: int) -> Rate:
    """No span of ``label`` in ``words`` words: 0, with its Poisson upper bound."""
    return Rate(label, 0, words, 0.0, 0.0, round(poisson_interval(0, words)[1], 4))


def bootstrap_intervals(counts: np.ndarray, words: np.ndarray, resamples: int = RESAMPLES, seed: int = SEED) -> np.ndarray:
    """Percentile 95% intervals per 1,000 words of each column of ``counts`` (documents × labels),
    documents resampled with replacement; shape (labels, 2). A resample without words counts as 0."""
    n = len(words)
    if n == 0:
        return np.zeros((counts.shape[1], 2))
    rng = np.random.default_rng(seed)
    rates = np.empty((resamples, counts.shape[1]))
    block = max(1, min(resamples, 2_000_000 // max(n, 1)))  # weights matrices of at most ~16 MB
    for start in range(0, resamples, block):
        size = min(block, resamples - start)
        # how often each document was drawn in each resample: n draws with replacement, counted
        # with one bincount (7 times faster than rng.multinomial at 833 documents)
        drawn = (rng.integers(0, n, size=(size, n)) + np.arange(size)[:, None] * n).ravel()
        weights = np.bincount(drawn, minlength=size * n).reshape(size, n).astype(float)
        spans = weights @ counts
        total = weights @ words
        rates[start : start + size] = np.divide(1000 * spans, total[:, None], out=np.zeros_like(spans), where=total[:, None] > 0)
    return np.percentile(rates, [2.5, 97.5], axis=0).T


def _rates(labels: list[str], counts: np.ndarray, words: np.ndarray) -> list[Rate]:
    """A rate per label with the union of its bootstrap and Poisson intervals."""
    total_words = int(words.sum())
    boot = bootstrap_intervals(counts, words)
    out = []
    for j, label in enumerate(labels):
        spans = int(counts[:, j].sum())
        per_1000 = 1000 * spans / total_words if total_words else 0.0
        p_low, p_high = poisson_interval(spans, total_words)
        low, high = min(float(boot[j, 0]), p_low, per_1000), max(float(boot[j, 1]), p_high, per_1000)
        out.append(Rate(label, spans, total_words, round(per_1000, 4), round(low, 4), round(high, 4)))
    return out


@dataclass(frozen=True, slots=True)
class _Index:
    """The rows by analysis id, built once per call so that each profile reads only its own."""

    documents: dict[int, DocumentRow]
    techniques: dict[int, list[TechniqueCount]]
    sources: dict[int, list[SourceCount]]

    @classmethod
    def of(cls, rows: ProfileRows) -> _Index:
        techniques: dict[int, list[TechniqueCount]] = defaultdict(list)
        for t in rows.techniques:
            techniques[t.analysis_id].append(t)
        sources: dict[int, list[SourceCount]] = defaultdict(list)
        for s in rows.sources:
            sources[s.analysis_id].append(s)
        return cls({d.analysis_id: d for d in rows.documents}, techniques, sources)


def _matrix(analyses: list[int], index: _Index) -> tuple[list[str], np.ndarray]:
    """The technique counts of ``analyses`` as a documents × labels matrix, labels sorted."""
    mine = [(i, t) for i, a in enumerate(analyses) for t in index.techniques.get(a, ())]
    labels = sorted({t.label for _, t in mine})
    column = {label: j for j, label in enumerate(labels)}
    counts = np.zeros((len(analyses), len(labels)))
    for i, t in mine:
        counts[i, column[t.label]] += t.spans
    return labels, counts


def _outlet_key(outlet: str | None) -> tuple[bool, str]:
    return outlet is None, (outlet or "").casefold()


def _by_outlet(rows: ProfileRows) -> dict[str | None, list[int]]:
    out: dict[str | None, list[int]] = defaultdict(list)
    for d in rows.documents:
        out[d.outlet].append(d.analysis_id)
    return dict(sorted(out.items(), key=lambda kv: _outlet_key(kv[0])))


def _profile(outlet: str | None, analyses: list[int], index: _Index) -> OutletProfile:
    docs = [index.documents[a] for a in analyses]
    words = np.array([d.words for d in docs], dtype=float)
    labels, counts = _matrix(analyses, index)
    rates = _rates([ALL, *labels], np.column_stack([counts.sum(axis=1), counts]) if labels else np.zeros((len(analyses), 1)), words)
    total, techniques = rates[0], sorted(rates[1:], key=lambda r: (-r.spans, r.label))
    voice = None
    if any(d.voice for d in docs):
        spans = [(d.voice, t) for d in docs for t in index.techniques.get(d.analysis_id, ())]
        voice = Voice(
            documents=sum(1 for d in docs if d.voice),
            author=sum(t.spans for voiced, t in spans if voiced and t.voice == "author"),
            quoted=sum(t.spans for voiced, t in spans if voiced and t.voice == "quoted"),
            unmeasured=sum(t.spans for voiced, t in spans if not voiced),
        )
    sources = None
    if any(d.source for d in docs):
        mine = [s for d in docs if d.source for s in index.sources.get(d.analysis_id, ())]
        sources = Sources(sum(1 for d in docs if d.source), sum(s.sources for s in mine if s.named), sum(s.sources for s in mine if not s.named))
    undated = sum(1 for d in docs if d.published_date is None)
    return OutletProfile(outlet, len(analyses), undated, int(words.sum()), total, tuple(techniques), voice, sources)


def outlet_profiles(rows: ProfileRows) -> tuple[OutletProfile, ...]:
    """One profile per outlet, by name (any case; documents without an outlet last)."""
    index = _Index.of(rows)
    return tuple(_profile(outlet, analyses, index) for outlet, analyses in _by_outlet(rows).items())


def _ranked(counter: Counter[str]) -> tuple[tuple[str, int], ...]:
    return tuple(sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])))


def actor_framings(rows: ProfileRows, min_outlets: int = 1) -> tuple[ActorFraming, ...]:
    """Each actor named by at least ``min_outlets`` outlets, with the roles and labels each outlet gives it."""
    outlet_of = {d.analysis_id: d.outlet for d in rows.documents}
    grouped: dict[str, dict[str | None, list[tuple[int, str, tuple[str, ...], tuple[str, ...]]]]] = defaultdict(lambda: defaultdict(list))
    names: dict[str, Counter[str]] = defaultdict(Counter)
    for a in rows.actors:
        key = " ".join(a.name.split()).casefold()
        names[key][a.name] += 1
        grouped[key][outlet_of.get(a.analysis_id)].append((a.analysis_id, a.role, a.fine_roles, a.labels))
    out = []
    for key, by_outlet in grouped.items():
        if len(by_outlet) < min_outlets:
            continue
        framings = []
        for outlet, seen in by_outlet.items():
            labels: Counter[str] = Counter()
            spelled: dict[str, str] = {}
            for _, _, _, words in seen:
                for label in words:
                    folded = " ".join(label.split()).casefold()
                    spelled.setdefault(folded, " ".join(label.split()))
                    labels[folded] += 1
            framings.append(Framing(
                outlet=outlet,
                documents=len({s[0] for s in seen}),
                roles=_ranked(Counter(role for _, role, _, _ in seen)),
                fine_roles=_ranked(Counter(f for _, _, fine, _ in seen for f in fine)),
                labels=tuple((spelled[k], n) for k, n in _ranked(labels)),
            ))  # fmt: skip
        framings.sort(key=lambda f: (-f.documents, _outlet_key(f.outlet)))
        name = names[key].most_common(1)[0][0]
        out.append(ActorFraming(name, sum(f.documents for f in framings), tuple(framings)))
    return tuple(sorted(out, key=lambda a: (-len(a.outlets), -a.documents, a.name.casefold())))


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
    points: list[TrendPoint] = []
    undated: list[tuple[str | None, int, Rate]] = []
    index = _Index.of(rows)
    for outlet, analyses in _by_outlet(rows).items():
        dated: dict[str, list[int]] = defaultdict(list)
        no_date = []
        for a in analyses:
            day = index.documents[a].published_date
            if day is None:
                no_date.append(a)
            else:
                dated[period_of(day, period)].append(a)
        if no_date:
            undated.append((outlet, len(no_date), _profile(outlet, no_date, index).total))
        for when, members in sorted(dated.items()):
            profile = _profile(outlet, members, index)
            shown = [profile.total, *(r for r in profile.techniques if not wanted or r.label in wanted)]
            used = {r.label for r in shown}
            shown += [zero_rate(label, profile.words) for label in wanted if label not in used]
            points += [TrendPoint(outlet, r.label, when, len(members), r) for r in shown]
    return Trends(period, tuple(points), tuple(undated))

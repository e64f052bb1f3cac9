"""Outlet profiles (spinscope.corpus.profiles) on hand-built rows checked by hand, and on real stores."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from spinscope.corpus.claims import repeated_claims
from spinscope.corpus.profiles import (
    ALL, actor_framings, first_framings, outlet_profiles, period_of, periods_between, trends,
)  # fmt: skip
from spinscope.corpus.rates import poisson_interval
from spinscope.errors import QueryTimeoutError
from spinscope.repeats import group_claims
from spinscope.store import Store
from spinscope.store import schema
from spinscope.store.profiles import ActorRow, DocumentRow, ProfileRows, SourceCount, TechniqueCount
from spinscope.store.rows import link_analysis
from tests.outlets_store import HOSTILE, PLAIN, corpus_add, full_store, save_who, who

# Outlet X: two documents of 1,000 words (voice and source stages ran); outlet Y: one undated
# document of 500 words without them.
ROWS = ProfileRows(
    documents=(
        DocumentRow(1, "X", "2019-03-05", 1000, voice=True, source=True, actor=True),
        DocumentRow(2, "X", "2019-03-30", 1000, voice=True, source=True, actor=True),
        DocumentRow(3, "Y", None, 500, voice=False, source=False, actor=True),
    ),
    techniques=(
        TechniqueCount(1, "Loaded_Language", "author", 3),
        TechniqueCount(1, "Loaded_Language", "quoted", 1),
        TechniqueCount(2, "Name_Calling,Labeling", "author", 2),
        TechniqueCount(3, "Loaded_Language", None, 1),
    ),
    sources=(SourceCount(1, True, 2), SourceCount(1, False, 1), SourceCount(2, True, 1)),
    actors=(
        ActorRow(1, "Eastbrook council", "Antagonist", ("Corrupt",), ("gang of corrupt bureaucrats", "incompetent officials")),
        ActorRow(2, "Eastbrook council", "Protagonist", (), ()),
        ActorRow(3, "eastbrook  Council", "Antagonist", ("Corrupt",), ("Gang of corrupt  bureaucrats",)),
        ActorRow(3, "Mara Thompson", "Innocent", (), ()),
    ),
)
EMPTY = ProfileRows((), (), (), ())


def by_outlet(rows: ProfileRows) -> dict[str | None, object]:
    return {p.outlet: p for p in outlet_profiles(rows)}


def test_corpus_profiles_rates_per_thousand_words_match_hand_counts() -> None:
    x, y = outlet_profiles(ROWS)
    assert (x.outlet, x.documents, x.undated, x.words) == ("X", 2, 0, 2000)
    assert (x.total.spans, x.total.per_1000) == (6, 3.0)  # 6 spans in 2,000 words
    assert [(r.label, r.spans, r.per_1000) for r in x.techniques] == [("Loaded_Language", 4, 2.0), ("Name_Calling,Labeling", 2, 1.0)]
    assert (y.outlet, y.documents, y.undated, y.words, y.total.per_1000) == ("Y", 1, 1, 500, 2.0)


def test_corpus_profiles_intervals_contain_the_rate_and_one_document_falls_back_to_poisson() -> None:
    for p in outlet_profiles(ROWS):
        for r in (p.total, *p.techniques):
            assert 0 <= r.low <= r.per_1000 <= r.high, r
    y = by_outlet(ROWS)["Y"]
    low, high = poisson_interval(1, 500)  # one document: resampling it shows no spread, so the interval is Poisson's
    assert (y.total.low, y.total.high) == (round(low, 4), round(high, 4))  # type: ignore[attr-defined]


def test_corpus_profiles_voice_and_sources_are_absent_where_their_stage_did_not_run() -> None:
    x, y = outlet_profiles(ROWS)
    assert x.voice is not None and (x.voice.author, x.voice.quoted, x.voice.unmeasured) == (5, 1, 0)
    assert x.voice.quoted_share == pytest.approx(1 / 6)
    assert x.sources is not None and (x.sources.named, x.sources.anonymous, x.sources.named_share) == (3, 1, 0.75)
    assert y.voice is None and y.sources is None


def test_corpus_profiles_actor_framing_per_outlet_folds_case_and_spaces() -> None:
    council, mara = actor_framings(ROWS)
    assert council.name == "Eastbrook council" and council.documents == 3
    x, y = council.outlets
    assert (x.outlet, x.documents, x.roles, x.fine_roles) == ("X", 2, (("Antagonist", 1), ("Protagonist", 1)), (("Corrupt", 1),))
    assert x.labels == (("gang of corrupt bureaucrats", 1), ("incompetent officials", 1))
    assert (y.outlet, y.roles, y.labels) == ("Y", (("Antagonist", 1),), (("Gang of corrupt bureaucrats", 1),))
    assert [f.outlet for f in mara.outlets] == ["Y"]
    assert [a.name for a in actor_framings(ROWS, min_outlets=2)] == ["Eastbrook council"]


def test_corpus_profiles_first_framings_are_the_first_of_every_framing_and_count_them_all() -> None:
    every = actor_framings(ROWS)
    assert first_framings(ROWS, 1) == (every[:1], 2)
    assert first_framings(ROWS, 10) == (every, 2) and first_framings(EMPTY, 5) == ((), 0)


@pytest.mark.parametrize(("day", "period", "expected"), [("2019-03-05", "month", "2019-03"), ("2019-03-05", "week", "2019-W10"), ("2021-01-01", "week", "2020-W53")])
def test_corpus_profiles_period_of_months_and_iso_weeks(day: str, period: str, expected: str) -> None:
    assert period_of(day, period) == expected  # type: ignore[arg-type]


def test_corpus_profiles_trends_put_dated_documents_in_periods_and_count_undated_apart() -> None:
    month = trends(ROWS, "month")
    assert {(p.outlet, p.label, p.period, p.documents, p.rate.spans) for p in month.points if p.label == ALL} == {("X", ALL, "2019-03", 2, 6)}
    assert [(o, n, r.spans) for o, n, r in month.undated] == [("Y", 1, 1)]
    week = trends(ROWS, "week", ["Loaded_Language"])
    lines = {(p.period, p.label): p.rate for p in week.points}
    assert set(lines) == {("2019-W10", ALL), ("2019-W10", "Loaded_Language"), ("2019-W13", ALL), ("2019-W13", "Loaded_Language")}
    absent = lines[("2019-W13", "Loaded_Language")]  # asked for, not used that week: a zero with its interval
    assert (absent.spans, absent.per_1000, absent.low) == (0, 0.0, 0.0) and absent.high > 0


def test_corpus_profiles_empty_rows_give_nothing() -> None:
    assert outlet_profiles(EMPTY) == ()
    assert actor_framings(EMPTY) == ()
    assert trends(EMPTY).points == () and trends(EMPTY).undated == ()


def test_corpus_profiles_from_a_real_store_of_baseline_and_who_says_what_analyses(tmp_path: Path) -> None:
    db = full_store(tmp_path / "corpus.db")
    with Store(db) as store:
        rows = store.profile_rows()
        assert [d.outlet for d in store.profile_rows(("Globe",)).documents] == ["Globe", "Globe"]
        without = store.profile_rows(actors=False)
    assert without.actors == () and without.documents == rows.documents and without.techniques == rows.techniques and rows.actors
    profiles = {p.outlet: p for p in outlet_profiles(rows)}
    assert list(profiles) == [HOSTILE, "Daily Planet", "Globe", PLAIN]
    planet, globe, plain_post = profiles["Daily Planet"], profiles["Globe"], profiles[PLAIN]
    assert (planet.documents, planet.undated) == (3, 1)
    assert plain_post.voice is None and plain_post.sources is None, "the technique stage alone: voice and sources not measured"
    assert (plain_post.words, plain_post.total.spans, plain_post.total.per_1000) == (8, 2, 250.0)
    analysis = who("Globe", None, 1)
    voices = [s["attributes"]["voice"] for s in analysis["spans"]["technique"]]
    assert globe.words == 2 * analysis["summary"]["sentence"]["words"]
    assert globe.voice is not None and (globe.voice.author, globe.voice.quoted) == (2 * voices.count("author"), 2 * voices.count("quoted"))
    assert globe.sources is not None and (globe.sources.named, globe.sources.anonymous) == (4, 2)
    council = next(a for a in actor_framings(rows) if a.name == "Eastbrook council")
    assert [(f.outlet, f.documents, f.roles) for f in council.outlets] == [("Globe", 2, (("Antagonist", 2),))]
    assert ("gang of corrupt bureaucrats", 2) in council.outlets[0].labels
    assert [(o, n) for o, n, _ in trends(rows).undated] == [("Daily Planet", 1)]


def test_corpus_profiles_latest_analysis_of_a_document_counts_once(tmp_path: Path) -> None:
    db = tmp_path / "corpus.db"
    save_who(db, (("Globe", "2019-03-05"),))
    with Store(db) as store:
        store.save(who("Globe", "2019-03-05", 1))  # the same text again: a second analysis of one document
        rows = store.profile_rows()
    assert len(rows.documents) == 1 and outlet_profiles(rows)[0].documents == 1


def test_corpus_profiles_claim_records_group_into_timelines(tmp_path: Path) -> None:
    db = tmp_path / "corpus.db"
    corpus_add(db)
    ids = save_who(db)
    with Store(db) as store:
        records, truncated = store.claim_records()
        assert store.claim_records(limit=3) == (records[:3], True)
    globe = [r for r in records if r.outlet == "Globe"]
    assert not truncated and len(globe) == 8, "four claims in each who-says-what analysis"
    assert {r.published for r in globe} == {"2019-03-05", "2019-04-01"}
    groups = group_claims(globe)
    assert len(groups) == 4
    assert all([e.document_id for e in g.entries] == [str(i) for i in ids] for g in groups), "earlier telling first"


def test_corpus_profiles_empty_store(tmp_path: Path) -> None:
    with Store(tmp_path / "empty.db") as store:
        assert store.profile_rows() == ProfileRows((), (), (), ())
        assert store.claim_records() == ((), False)


def test_corpus_profiles_reads_stop_at_their_time_limit(tmp_path: Path) -> None:
    db = full_store(tmp_path / "corpus.db")
    with Store(db) as store:
        store.add_many([who("Globe", "2019-03-01", n) for n in range(100, 200)])  # enough rows that reading them takes a while
        with pytest.raises(QueryTimeoutError, match=r"limit of 0 seconds .* \(--outlet\)"):
            store.profile_rows(timeout=0)
        assert len(store.profile_rows().documents) == 107, "the connection is usable after a stopped query"


def test_corpus_profiles_version_3_store_gains_word_counts_when_migrated(tmp_path: Path) -> None:
    """A store written before version 4 (its analyses without a words column) reads the same rates once migrated."""
    db = tmp_path / "v3.db"
    conn = sqlite3.connect(db, isolation_level=None)
    for steps in schema.MIGRATIONS[:3]:
        for step in steps:
            conn.execute(step) if isinstance(step, str) else step(conn)
    conn.execute("PRAGMA user_version = 3")
    analysis = who("Globe", "2019-03-05", 1)
    analysis_id = conn.execute(
        "INSERT INTO analyses (created, document_id, detector, span_count, analysis_json) VALUES ('2026-01-01T00:00:00+00:00', 'who1', 'transformer', 7, ?)",
        (json.dumps(analysis),),
    ).lastrowid
    assert analysis_id is not None
    link_analysis(conn, analysis_id, analysis)
    conn.close()
    with Store(db) as store:
        (row,) = store.profile_rows().documents
    assert (row.outlet, row.words, row.voice, row.source) == ("Globe", analysis["summary"]["sentence"]["words"], True, True)


@pytest.mark.parametrize(
    ("first", "last", "period", "expected"),
    [("2019-11", "2020-02", "month", ("2019-11", "2019-12", "2020-01", "2020-02")), ("2020-W52", "2021-W02", "week", ("2020-W52", "2020-W53", "2021-W01", "2021-W02")),
     ("2019-03", "2019-03", "month", ("2019-03",))],
)  # fmt: skip
def test_corpus_profiles_periods_between_fill_the_empty_ones(first: str, last: str, period: str, expected: tuple[str, ...]) -> None:
    assert periods_between(first, last, period) == expected  # type: ignore[arg-type]


def test_corpus_profiles_a_technique_an_outlet_never_used_rates_zero_with_an_upper_bound() -> None:
    y = by_outlet(ROWS)["Y"]
    absent = y.rate("Name_Calling,Labeling")  # type: ignore[attr-defined]
    assert (absent.spans, absent.per_1000, absent.low) == (0, 0.0, 0.0)
    assert absent.high == pytest.approx(1000 * 3.6889 / 500, abs=0.01), "zero spans in 500 words: up to 3.69 expected"
    assert y.rate("Loaded_Language").spans == 1 and y.rate(ALL) == y.total  # type: ignore[attr-defined]


def test_corpus_claims_embedding_each_wording_once_gives_the_groups_of_embedding_every_record(tmp_path: Path) -> None:
    db = tmp_path / "corpus.db"
    save_who(db, (("Globe", "2019-03-05"), ("Herald", "2019-03-07"), ("Globe", None)))
    with Store(db) as store:
        records, _ = store.claim_records()
    assert len(records) == 12 and len({r.text for r in records}) == 4
    assert repeated_claims(records) == group_claims(records)
    assert repeated_claims(()) == ()

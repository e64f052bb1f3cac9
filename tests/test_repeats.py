"""Repeated claims: matching that respects figures and names, retrieval, the vector cache that
never serves a changed collection, groups with ordered timelines and wording drift, and the
matching's quality on CheckThat! 2020 Task 2 dev."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from spinscope.errors import MalformedInputError, UsageError
from spinscope.nlp.embed import embed, encoder
from spinscope.repeats import ClaimRecord, collection, group_claims, retrieve, similarity
from spinscope.repeats.drift import MAX_WORDS, drift
from spinscope.repeats.features import names, numbers
from spinscope.repeats.matching import Weights, number_agreement, numbers_term
from spinscope.repeats.vectors import cached_embed, cache_path, vectors_key
from tests.paths import REPO, SHARED

CLAIM_RETRIEVAL = SHARED / "data" / "claim-retrieval"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("300,000 people fled", {"300000"}),
        ("300 000 people fled", {"300000"}),
        ("300\u00a0000 people fled", {"300000"}),
        ("some 300k people fled", {"300000"}),
        ("300 thousand people fled", {"300000"}),
        ("0.3 million people fled", {"300000"}),
        ("a $80M bounty", {"80000000"}),
        ("1.5 billion doses", {"1500000000"}),
        ("prices rose 4.50% in 2020", {"4.5", "2020"}),
        ("70 per cent of them", {"70"}),
        ("a 12kg parcel", {"12"}),
        ("no figure at all", set()),
    ],
)
def test_numbers_normalise_separators_scales_and_decimals(text: str, expected: set[str]) -> None:
    assert numbers(text) == expected


def test_names_split_hashtags_and_handles_and_drop_sentence_words() -> None:
    assert names("The US drone hit #IranUSA, says @realDonaldTrump; U.S. Army confirms.") >= {"us", "iran", "usa", "donald", "trump", "army"}
    assert not names("The Monday report says that In March it rained.") & {"the", "monday", "in", "march"}


def test_numbers_term_rewards_shared_figures_and_penalises_disagreeing_ones() -> None:
    weights = Weights(numbers=0.1, conflict=0.3)
    assert numbers_term(frozenset({"300000"}), frozenset({"300000", "2016"}), weights) == pytest.approx(0.1)
    assert numbers_term(frozenset({"300000"}), frozenset({"30000"}), weights) == pytest.approx(-0.3)
    assert numbers_term(frozenset({"30000", "2016"}), frozenset({"300000", "2016"}), weights) == pytest.approx(0.05 - 0.15)
    assert numbers_term(frozenset(), frozenset({"30000"}), weights) == 0.0 and number_agreement(frozenset(), frozenset({"1"})) is None


def test_matching_prefers_the_paraphrase_over_a_same_topic_claim_with_another_number() -> None:
    claim = "About 300,000 people have fled the city since the offensive began, the UN said."
    paraphrase = "Some 300 000 residents have left the city since the start of the offensive, according to the UN."
    other = "About 30,000 people have fled the city since the offensive began, the UN said."
    assert similarity(claim, paraphrase) > similarity(claim, other)


HAND_COLLECTION = [
    "The U.S. Army is sending text messages telling people they were selected for the military draft.",
    "Iran has offered an $80 million bounty for the head of U.S. President Donald Trump.",
    "Iran has offered a $3 million reward for killing U.S. soldiers.",
    "The video game Minecraft is shutting down in 2020.",
    "A photograph shows Barack Obama shaking hands with Iranian President Hassan Rouhani.",
    "Drinking hot water every 15 minutes kills the coronavirus.",
]
HAND_QUERIES = [
    ("Fraudulent texts say you have been picked for a military draft. The Army is NOT contacting anyone.", 0),
    ("OMG! Iran's regime just announced an $80 million bounty for anyone who brings the head of @realDonaldTrump", 1),
    ("google featured a hoax article that claims Minecraft is being shut down in 2020", 3),
    ("No one said Obama met with Rouhani in person, the picture was photoshopped", 4),
    ("Doctors say sipping warm water every quarter of an hour flushes the virus out of your throat", 5),
]


def test_retrieve_ranks_the_gold_claim_first_with_scores_best_first() -> None:
    searched = collection(HAND_COLLECTION, embed(HAND_COLLECTION))
    texts = [q for q, _ in HAND_QUERIES]
    hits = retrieve(texts, embed(texts), searched, k=3)
    assert [found[0].index for found in hits] == [gold for _, gold in HAND_QUERIES]
    assert all(len(found) == 3 and found[0].score >= found[1].score >= found[2].score for found in hits)
    assert retrieve(texts, embed(texts), collection([], np.zeros((0, encoder().dim), dtype=np.float32))) == [(), (), (), (), ()]
    assert len(retrieve(texts[:1], embed(texts[:1]), searched, k=6, candidates=2)[0]) == 6


def test_vector_cache_is_reused_for_the_same_texts_and_refused_when_they_change(tmp_path: Path) -> None:
    texts = ["Rebels shelled a school.", "Prices rose by 4% in May."]
    neighbour = cached_embed(texts[:1], tmp_path, "claims-sample")
    first = cached_embed(texts, tmp_path, "claims")
    path = cache_path(tmp_path, "claims", vectors_key(texts, encoder().sha256))
    assert path.is_file() and np.array_equal(np.load(path), first)
    np.save(path, first[::-1].copy())  # a marked copy: read back only if the cache is used
    assert np.array_equal(cached_embed(texts, tmp_path, "claims"), first[::-1])

    changed = ["Rebels shelled a school.", "Prices rose by 5% in May."]
    assert vectors_key(changed, encoder().sha256) != vectors_key(texts, encoder().sha256)
    assert vectors_key(texts, "another encoder") != vectors_key(texts, encoder().sha256)
    again = cached_embed(changed, tmp_path, "claims")
    assert np.array_equal(again, embed(changed)) and not path.exists()
    kept = {cache_path(tmp_path, "claims", vectors_key(changed, encoder().sha256)), cache_path(tmp_path, "claims-sample", vectors_key(texts[:1], encoder().sha256))}
    assert set(tmp_path.iterdir()) == kept  # the older "claims" file is gone, another stem's stays
    assert np.array_equal(cached_embed(texts[:1], tmp_path, "claims-sample"), neighbour)


def test_vector_cache_recomputes_a_torn_file(tmp_path: Path) -> None:
    texts = ["One claim.", "Another claim."]
    path = cache_path(tmp_path, "claims", vectors_key(texts, encoder().sha256))
    path.write_bytes(b"\x93NUMPY torn")
    assert np.array_equal(cached_embed(texts, tmp_path, "claims"), embed(texts))


def test_drift_names_the_words_added_and_removed_relative_to_the_first_wording() -> None:
    added, removed = drift("About 300,000 people have fled Aleppo, the UN said.", "Nearly 300,000 civilians have fled eastern Aleppo, the UN said on Monday.")
    assert added == ("Nearly", "civilians", "eastern", "on", "Monday")
    assert removed == ("About", "people")
    assert drift("The same words.", "the same words") == ((), ())


RECORDS = [
    ClaimRecord("c1", "About 300,000 people have fled Aleppo since the offensive began, the UN said.", "d3", "Reuters", "2016-12-14"),
    ClaimRecord("c1", "Nearly 300,000 civilians have fled Aleppo since the offensive began, the UN says.", "d1", "BBC", "2016-12-12T08:30:00+00:00"),
    ClaimRecord("c2", "Some 300,000 people have fled Aleppo since the start of the offensive, according to the UN.", "d2", "Al Jazeera", None),
    ClaimRecord("c4", "About 300,000 people have fled Aleppo since the offensive began, the United Nations said.", "d4", "RT", "2016-12-13"),
    ClaimRecord("c1", "The World Health Organization said 40 hospitals in Aleppo had been destroyed.", "d2", "Al Jazeera", None),
    ClaimRecord("c2", "The WHO said that 40 hospitals had been destroyed in Aleppo.", "d5", "CNN", "2016-12-20"),
    ClaimRecord("c3", "About 30,000 children have fled Aleppo since the offensive began, the UN said.", "d5", "CNN", "2016-12-20"),
    ClaimRecord("c1", "The minister opened a new bridge over the river on Tuesday.", "d6", None, "2016-12-01"),
]


def test_group_claims_groups_retellings_and_orders_each_timeline_by_date_with_undated_last() -> None:
    groups = group_claims(RECORDS)
    assert [g.id for g in groups] == ["r1", "r2"]
    fled, hospitals = groups
    assert [(e.document_id, e.published) for e in fled.entries] == [("d1", "2016-12-12"), ("d4", "2016-12-13"), ("d3", "2016-12-14"), ("d2", None)]
    assert (fled.first.outlet, fled.first.published, fled.first.cosine) == ("BBC", "2016-12-12", 1.0)
    assert [(o.outlet, o.published) for o in fled.outlets] == [("BBC", "2016-12-12"), ("RT", "2016-12-13"), ("Reuters", "2016-12-14"), ("Al Jazeera", None)]
    assert [(e.document_id, e.published) for e in hospitals.entries] == [("d5", "2016-12-20"), ("d2", None)]
    assert all(0.8 < e.cosine < 1.0 for e in fled.entries[1:])
    assert "children" not in " ".join(e.text for g in groups for e in g.entries)  # another figure: not the same claim


def test_group_claims_gives_drift_per_later_member_and_none_for_the_first() -> None:
    fled = group_claims(RECORDS)[0]
    assert (fled.first.added, fled.first.removed) == ((), ())
    rt = next(e for e in fled.entries if e.outlet == "RT")
    assert {"United", "Nations", "said"} <= set(rt.added) and {"UN", "says"} <= set(rt.removed)


def test_group_claims_is_deterministic_whatever_the_input_order() -> None:
    assert group_claims(RECORDS) == group_claims(list(reversed(RECORDS)))


def test_group_claims_min_documents_one_keeps_single_claims() -> None:
    groups = group_claims(RECORDS, min_documents=1)
    assert len(groups) == 4 and [g.documents for g in groups] == [4, 2, 1, 1]
    assert [g.first.document_id for g in groups[2:]] == ["d6", "d5"]


def test_group_claims_orders_tellings_of_one_day_by_their_time() -> None:
    text = "About 300,000 people have fled Aleppo since the offensive began, the UN said."
    records = [ClaimRecord("c1", text, "late", "A", "2016-12-12T18:00:00"), ClaimRecord("c1", text, "early", "Z", "2016-12-12T06:00:00+01:00"),
               ClaimRecord("c1", text, "day", "M", "2016-12-12"), ClaimRecord("c1", text, "before", "Q", "2016-12-11T23:59:00")]
    (group,) = group_claims(records)
    assert [e.document_id for e in group.entries] == ["before", "day", "early", "late"]
    assert [e.published for e in group.entries] == ["2016-12-11", "2016-12-12", "2016-12-12", "2016-12-12"]


def test_group_claims_of_no_records_is_empty_and_refuses_vectors_that_do_not_match() -> None:
    assert group_claims([], np.zeros((0, encoder().dim), dtype=np.float32)) == ()
    with pytest.raises(UsageError, match="2 records but 1 vectors"):
        group_claims(RECORDS[:2], embed([RECORDS[0].text]))


def test_drift_compares_only_the_first_words_of_a_runaway_text() -> None:
    long = " ".join(f"w{i}" for i in range(10 * MAX_WORDS))
    added, removed = drift(long, "w0 w1 extra")
    assert added == ("extra",) and len(removed) == MAX_WORDS - 2


def test_group_claims_refuses_a_date_that_is_not_iso() -> None:
    with pytest.raises(MalformedInputError, match="claim c9: published '12/14/2016'"):
        group_claims([ClaimRecord("c9", "A claim.", "d9", "X", "12/14/2016")])


FLOOR_MAP5 = 0.90
FLOOR_RECALL10 = 0.95


@pytest.mark.skipif(not CLAIM_RETRIEVAL.is_dir(), reason=f"CheckThat! 2020 Task 2 data absent ({CLAIM_RETRIEVAL})")
def test_claim_matching_quality_on_checkthat_dev() -> None:
    """MAP@5 and recall@10 floors on dev, a little below what ``benchmarks/claim_matching.py
    --split dev --sample 2000`` measures (0.919 and 0.975).

    Restricted for speed: the 10,375 claims and titles take about 5 minutes to embed on a busy
    core, so the collection searched is dev's 185 gold claims plus 2,000 others drawn with seed 0:
    about 90 s the first time, 6 s once their vectors are cached in ``.cache/claim-retrieval``.
    A smaller haystack than the full run's, so higher figures (full collection: MAP@5 0.843)."""
    done = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "claim_matching.py"), "--split", "dev", "--sample", "2000", "--json"],
        capture_output=True, text=True, check=True, timeout=900,
    )
    scores = json.loads(done.stdout)["scores"]
    assert scores["map@5"] >= FLOOR_MAP5 and scores["recall@10"] >= FLOOR_RECALL10


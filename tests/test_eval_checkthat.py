"""The CheckThat! 2020 Task 2 reader (CSV-quoted TSV, line breaks inside fields), tweets made into
claims, and ranking figures as trec_eval computes them."""

from __future__ import annotations

from pathlib import Path

import pytest

from spinscope.errors import MalformedInputError, UnsupportedInputError
from spinscope.eval.checkthat import load_split, tweet_text
from spinscope.eval.ranking import average_precision, ranking_scores


def _write(folder: Path, claims: str, tweets: str, qrels: str) -> None:
    (folder / "verified_claims.docs.tsv").write_text(claims, encoding="utf-8")
    (folder / "train-tweets.queries.tsv").write_text(tweets, encoding="utf-8")
    (folder / "train-tweet-vclaim-pairs.qrels").write_text(qrels, encoding="utf-8")


def test_load_split_reads_quoted_fields_with_tabs_quotes_and_line_breaks(tmp_path: Path) -> None:
    _write(
        tmp_path,
        '\tvclaim\ttitle\n0\t"A ""quoted"" claim\nover two lines."\tTitle 0\n1\tPlain claim.\tTitle 1\n',
        '\ttweet_content\n7\t"He said ""no"" twice"\n8\tAnother tweet\n',
        "7\t0\t0\t1\n8\t0\t1\t1\n8\t0\t0\t1\n",
    )
    data = load_split(tmp_path, "train")
    assert [c.claim for c in data.claims] == ['A "quoted" claim\nover two lines.', "Plain claim."]
    assert data.queries == {"7": 'He said "no" twice', "8": "Another tweet"}
    assert data.gold == {"7": frozenset({"0"}), "8": frozenset({"0", "1"})}


def test_load_split_names_the_broken_record_and_refuses_an_unknown_split(tmp_path: Path) -> None:
    _write(tmp_path, "\tvclaim\ttitle\n0\tonly two fields\n", "\ttweet_content\n", "")
    with pytest.raises(MalformedInputError, match="record 2 has 2 fields, expected 3"):
        load_split(tmp_path, "train")
    with pytest.raises(UnsupportedInputError, match="unknown split 'test'"):
        load_split(tmp_path, "test")


def test_tweet_text_drops_links_and_the_signature_date_but_keeps_the_author() -> None:
    raw = "Iran could threaten Trump hotels pic.twitter.com/3S32De8ekP https://t.co/x — Ilhan Omar (@IlhanMN) January 6, 2020"
    assert tweet_text(raw) == "Iran could threaten Trump hotels (Ilhan Omar)"
    assert tweet_text("No signature here, 2020.") == "No signature here, 2020."


def test_ranking_figures_follow_trec_eval() -> None:
    assert average_precision(["a", "g", "b", "h"], frozenset({"g", "h"}), 5) == pytest.approx((1 / 2 + 2 / 4) / 2)
    assert average_precision(["a", "b", "g"], frozenset({"g", "h"}), 2) == 0.0
    scores = ranking_scores({"q1": ["g"], "q2": ["x", "g2"]}, {"q1": frozenset({"g"}), "q2": frozenset({"g2"}), "q3": frozenset({"g3"})})
    assert scores["map@1"] == pytest.approx(1 / 3) and scores["mrr"] == pytest.approx((1 + 0.5) / 3) and scores["recall@10"] == pytest.approx(2 / 3)

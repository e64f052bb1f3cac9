from __future__ import annotations

from pathlib import Path

import pytest

from spinscope.eval.formats import Labelled, read_si, read_tc
from spinscope.eval.scorers import merge_overlapping, score_flc, score_si, score_tc
from tests.paths import PTC


def _expected_rows() -> list[tuple[str, str, float, float, float]]:
    path = PTC / "scorer-vectors" / "expected.tsv"
    if not path.is_file():
        return []
    rows = []
    for line in path.read_text().splitlines():
        if line.startswith("#") or not line.strip():
            continue
        name, task, _gold, p, r, f1 = line.split("\t")
        rows.append((name, task, float(p), float(r), float(f1)))
    return rows


@pytest.mark.parametrize("row", _expected_rows() or [pytest.param(None, marks=pytest.mark.skip(reason="PTC scorer vectors absent"))])
def test_scorers_reproduce_official_figures_to_six_decimals(ptc: Path, row: tuple[str, str, float, float, float]) -> None:
    name, task, p, r, f1 = row
    if task == "si":
        scores = score_si(read_si(ptc / "train" / "labels-si.tsv"), read_si(ptc / "scorer-vectors" / name))
    else:
        scores = score_tc(read_tc(ptc / "train" / "labels-tc.tsv"), read_tc(ptc / "scorer-vectors" / name))
    assert (round(scores.precision, 6), round(scores.recall, 6), round(scores.f1, 6)) == (p, r, f1)


def test_scorers_all_five_vectors_present(ptc: Path) -> None:
    assert len(_expected_rows()) == 5


def test_scorers_si_merges_overlapping_gold_spans(ptc: Path) -> None:
    gold = read_si(ptc / "train" / "labels-si.tsv")
    assert score_si(gold, gold).gold == 5397
    assert score_si(gold, gold).f1 == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("spans", "merged"),
    [([(0, 5), (3, 8)], [(0, 8)]), ([(0, 5), (5, 8)], [(0, 5), (5, 8)]), ([(4, 9), (0, 2)], [(0, 2), (4, 9)]), ([(0, 10), (2, 3)], [(0, 10)])],
)
def test_scorers_merge_overlapping(spans: list[tuple[int, int]], merged: list[tuple[int, int]]) -> None:
    assert merge_overlapping(spans) == merged


def test_scorers_si_partial_overlap_gives_partial_credit() -> None:
    gold = [Labelled("1", 0, 10)]
    pred = [Labelled("1", 5, 15)]
    s = score_si(gold, pred)
    assert (s.precision, s.recall) == (0.5, 0.5)


def test_scorers_si_missing_article_counts_against_recall() -> None:
    gold = [Labelled("1", 0, 10), Labelled("2", 0, 10)]
    s = score_si(gold, [Labelled("1", 0, 10)])
    assert (s.precision, s.recall) == (1.0, 0.5)


def test_scorers_flc_counts_only_matching_techniques() -> None:
    gold = [Labelled("1", 0, 10, "Doubt"), Labelled("1", 20, 30, "Slogans")]
    pred = [Labelled("1", 0, 10, "Doubt"), Labelled("1", 20, 30, "Loaded_Language")]
    s = score_flc(gold, pred)
    assert (s.precision, s.recall) == (0.5, 0.5)


def test_scorers_flc_does_not_merge_overlapping_spans() -> None:
    gold = [Labelled("1", 0, 10, "Doubt"), Labelled("1", 0, 10, "Slogans")]
    pred = [Labelled("1", 0, 10, "Doubt")]
    s = score_flc(gold, pred)
    assert (s.precision, s.recall, s.gold) == (1.0, 0.5, 2)


def test_scorers_tc_matches_multi_label_spans_as_well_as_possible() -> None:
    gold = [Labelled("1", 0, 10, "Doubt"), Labelled("1", 0, 10, "Slogans")]
    pred = [Labelled("1", 0, 10, "Slogans"), Labelled("1", 0, 10, "Doubt")]
    assert score_tc(gold, pred).f1 == 1.0
    assert score_tc(gold, [Labelled("1", 0, 10, "Doubt"), Labelled("1", 0, 10, "Doubt")]).f1 == 0.5

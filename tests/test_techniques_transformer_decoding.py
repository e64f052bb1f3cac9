"""MiniLM's decoding: word probabilities to spans, and the calibrated span score."""

from __future__ import annotations

import numpy as np
import pytest

from spinscope.techniques.transformer.decoding import Calibration, WordDecodeParams, decode_words, pieces_to_words, run_ranges
from spinscope.techniques.transformer.inputs import ArticleTokens

TEXT = "aa bbbbbbbbbb cc\ndd eeeeeeeeee"
WORDS = np.array([[0, 2], [3, 13], [14, 16], [17, 19], [20, 30]])
ART = ArticleTokens(np.zeros(5, np.int64), WORDS, np.arange(5), WORDS, np.array([0, 0, 0, 1, 1]))


def test_decoding_drops_short_fragments_and_stays_in_lines() -> None:
    p = np.array([0.9, 0.9, 0.1, 0.9, 0.9])
    spans = decode_words(TEXT, ART, p, WordDecodeParams(threshold=0.5, max_gap=5, min_chars=0))
    assert [(s, e) for s, e, _ in spans] == [(0, 13), (17, 30)], "runs never cross a line break"
    assert decode_words(TEXT, ART, np.array([0.9, 0.1, 0.1, 0.1, 0.1]), WordDecodeParams(threshold=0.5, min_chars=3)) == []


@pytest.mark.parametrize(
    ("p", "max_gap", "expected"),
    [
        ([0.9, 0.1, 0.9, 0.9, 0.9], 1, [(0, 3), (3, 5)]),  # merged across a one-word gap, cut at the line break
        ([0.9, 0.1, 0.9, 0.9, 0.9], 0, [(0, 1), (2, 3), (3, 5)]),
        ([0.9, 0.1, 0.1, 0.1, 0.9], 1000, [(0, 1), (4, 5)]),
        ([0.1, 0.1, 0.1, 0.1, 0.1], 1, []),
    ],
)
def test_decoding_run_ranges_merge_gaps_within_a_line(p: list[float], max_gap: int, expected: list[tuple[int, int]]) -> None:
    a, b = run_ranges(ART, np.array(p), 0.5, max_gap)
    assert list(zip(a.tolist(), b.tolist())) == expected


@pytest.mark.parametrize(("line_threshold", "expected"), [(0.5, [(0, 16)]), (1.01, [(0, 13)])])
def test_decoding_whole_line_replaces_its_runs(line_threshold: float, expected: list[tuple[int, int]]) -> None:
    p = np.array([0.9, 0.9, 0.4, 0.1, 0.1])
    spans = decode_words(TEXT, ART, p, WordDecodeParams(threshold=0.5, min_chars=0, line_threshold=line_threshold))
    assert [(s, e) for s, e, _ in spans] == expected


@pytest.mark.parametrize("pieces", [[0.2, 0.4, 0.6]])
def test_decoding_word_probability_is_the_mean_of_its_pieces(pieces: list[float]) -> None:
    art = ArticleTokens(np.zeros(3, np.int64), np.array([[0, 2], [2, 4], [5, 7]]), np.array([0, 0, 1]), np.array([[0, 4], [5, 7]]), np.zeros(2, np.int64))
    np.testing.assert_allclose(pieces_to_words(art, np.array(pieces)), [0.3, 0.6])


@pytest.mark.parametrize(("span_prob", "tech_prob"), [(0.2, 0.3), (0.9, 0.8)])
def test_decoding_default_calibration_is_the_plain_odds_product(span_prob: float, tech_prob: float) -> None:
    """a = b = 1, c = 0: sigmoid(logit(span) + log(technique)), rising in both."""
    z = np.log(span_prob / (1 - span_prob)) + np.log(tech_prob)
    assert Calibration().score(span_prob, tech_prob) == pytest.approx(1 / (1 + np.exp(-z)))

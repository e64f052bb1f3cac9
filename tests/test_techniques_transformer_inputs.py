"""MiniLM's inputs: phrase counts, windows over an article, batches of similar lengths."""

from __future__ import annotations

import re

import numpy as np
import pytest

from spinscope.techniques.transformer.inputs import CLS_ID, SEP_ID, count_phrase, length_batches, window_batch, windows


@pytest.mark.parametrize("key", ["a", "a a", "a a a", "b", "ab", "ba a", "x"])
def test_inputs_count_phrase_matches_whole_word_regex_count(key: str) -> None:
    text = "a a a a b ab a a ba a a"
    expected = len(re.findall(r"(?<!\w)" + re.escape(key) + r"(?!\w)", text))
    assert count_phrase(key, f" {text} ") == expected


def test_inputs_length_batches_keep_similar_lengths_together() -> None:
    lengths = [96, 20, 90, 22, 95, 50]
    batches = length_batches(lengths, max_batch=2, slack=0.2)
    assert sorted(i for b in batches for i in b) == list(range(6)), "every item once"
    assert all(len(b) <= 2 for b in batches)
    for b in batches:
        assert min(lengths[i] for i in b) >= 0.8 * max(lengths[i] for i in b)
    assert length_batches([], 8, 0.2) == []


def test_inputs_windows_cover_the_article_with_the_short_tail_batched_alone() -> None:
    wins = windows(900, 256, 192)
    covered = set()
    for a, b in wins:
        assert b - a <= 254
        covered.update(range(a, b))
    assert covered == set(range(900))
    batches = length_batches([b - a for a, b in wins], 16, 0.2)
    assert len(batches) == 2 and batches[1] == [len(wins) - 1], "full windows in one batch, the short last one alone"


@pytest.mark.parametrize("lengths", [[3, 1]])
def test_inputs_window_batch_frames_and_pads_each_window(lengths: list[int]) -> None:
    x, m = window_batch([np.arange(5, 5 + n) for n in lengths])
    assert x.tolist() == [[CLS_ID, 5, 6, 7, SEP_ID], [CLS_ID, 5, SEP_ID, 0, 0]]
    assert m.tolist() == [[1, 1, 1, 1, 1], [1, 1, 1, 0, 0]]


def test_inputs_phrases_count_the_whole_article_when_it_is_within_reach() -> None:
    from spinscope.techniques.transformer.inputs import Phrases, _norm

    text = "Crooked Hillary lied. Then crooked  hillary lied again!\nCROOKED HILLARY."
    assert Phrases(text).count("crooked hillary", 0, 7) == count_phrase("crooked hillary", f" {_norm(text)} ") == 3


def test_inputs_phrases_look_only_within_reach_in_a_huge_text() -> None:
    from spinscope.techniques.base import CONTEXT_REACH
    from spinscope.techniques.transformer.inputs import Phrases

    filler = "plain words here. " * (CONTEXT_REACH // 30)  # 0.6 of the reach
    text = "rare phrase " + filler + "rare phrase " + filler + "rare phrase"
    far_end = len(text) - len("rare phrase")
    phrases = Phrases(text)
    assert phrases.count("rare phrase", far_end, len(text)) == 2, "the first occurrence is out of reach of the last"
    assert phrases.count("rare phrase", len("rare phrase ") + len(filler), len(text)) == 3

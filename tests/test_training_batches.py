"""The transformer trainer's examples: which word pieces are targets, how batches are framed."""

from __future__ import annotations

import numpy as np
import pytest

from spinscope.eval.formats import Labelled
from spinscope.techniques.transformer.inputs import CLS_ID, SEP_ID, ArticleTokens, TcSequence
from spinscope.training.batches import SiItem, TcItem, collate_si, collate_tc, piece_targets

# pieces of "Make America great" as a tokenizer might cut them: "make", "amer", "##ica", "great"
OFFSETS = np.array([[0, 4], [5, 9], [9, 12], [13, 18]])
ART = ArticleTokens(np.arange(4, dtype=np.int64), OFFSETS, np.array([0, 1, 1, 2]), np.array([[0, 4], [5, 12], [13, 18]]), np.zeros(3, np.int64))


@pytest.mark.parametrize(
    ("gold", "expected"),
    [([(5, 12)], [0, 1, 1, 0]), ([(10, 11)], [0, 0, 1, 0]), ([(4, 5)], [0, 0, 0, 0]), ([(0, 2), (15, 30)], [1, 0, 0, 1]), ([], [0, 0, 0, 0])],
)
def test_batches_piece_is_a_target_where_a_gold_span_overlaps_it(gold: list[tuple[int, int]], expected: list[int]) -> None:
    y = piece_targets(ART, [Labelled("1", s, e) for s, e in gold])
    assert y.dtype == np.float32 and y.tolist() == expected


def test_batches_collate_frames_windows_and_masks_the_loss() -> None:
    b = collate_si([SiItem(np.array([7, 8, 9]), np.array([0, 1, 1], np.float32)), SiItem(np.array([7]), np.array([1], np.float32))])
    assert b["input_ids"].tolist() == [[CLS_ID, 7, 8, 9, SEP_ID], [CLS_ID, 7, SEP_ID, 0, 0]]
    assert b["y"].tolist() == [[0, 0, 1, 1, 0], [0, 1, 0, 0, 0]]
    assert b["loss_mask"].tolist() == [[0, 1, 1, 1, 0], [0, 1, 0, 0, 0]], "no loss on [CLS], [SEP] or padding"
    t = collate_tc([TcItem(TcSequence([CLS_ID, 7, SEP_ID, 8, SEP_ID], 3), np.ones(10, np.float32), 4)])
    assert t["token_type_ids"].tolist() == [[0, 0, 0, 1, 1]] and t["y"].tolist() == [4] and t["feats"].shape == (1, 10)

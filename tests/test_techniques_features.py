"""Hashed features: stable across processes, and the recurrence cue Repetition depends on."""

from __future__ import annotations

import subprocess
import sys
import zlib

import numpy as np

from spinscope.techniques.features import ArticleView, all_token_features, lower_same_length, sentence_features, span_feature_names
from spinscope.techniques.hashing import Rows, hash_index, linear_scores
from tests.paths import REPO

ARTICLE = (
    "Make America great again\n\n"
    "The rally chanted make America great again all night.\n"
    "Critics called the mayor a corrupt thug.\n"
    "Make America great again, they said once more.\n"
)


def test_hash_is_crc32_and_stable_across_processes() -> None:
    assert hash_index("w0=regime", 20) == zlib.crc32(b"w0=regime") & 0xFFFFF
    code = "from spinscope.techniques.hashing import hash_index; print(hash_index('w0=régime', 18))"
    runs = {
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, env={"PYTHONHASHSEED": seed}).stdout
        for seed in ("1", "2")
    }
    assert runs == {f"{hash_index('w0=régime', 18)}\n"}


def _span(view: ArticleView, needle: str, occurrence: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(occurrence + 1):
        start = view.text.index(needle, start + 1)
    return start, start + len(needle)


def test_recurrence_feature_marks_repeated_spans() -> None:
    view = ArticleView.build(ARTICLE)
    repeated = span_feature_names(view, *_span(view, "make America great again"))
    once = span_feature_names(view, *_span(view, "corrupt thug"))
    assert "rep=2" in repeated  # the other two occurrences, matched case-insensitively
    assert "rep=0" in once


def test_view_respects_end_and_token_range() -> None:
    end = ARTICLE.index("Critics")
    view = ArticleView.build(ARTICLE, end)
    assert view.end == end and all(e <= end for _, e in view.toks)
    s, e = _span(view, "great again all")
    a, b = view.token_range(s, e)
    assert [ARTICLE[x:y] for x, y in view.toks[a:b]] == ["great", "again", "all"]
    # a range that starts or ends inside a token still covers that token
    a, b = view.token_range(s + 2, e - 1)
    assert [ARTICLE[x:y] for x, y in view.toks[a:b]] == ["great", "again", "all"]


def test_every_row_has_features_and_scores_match_a_dense_product() -> None:
    view = ArticleView.build(ARTICLE)
    rows = Rows(10)
    for names in all_token_features(view):
        rows.add(names, [("real", 0.5)])
    for j in range(len(view.sents)):
        rows.add(sentence_features(view, j))
    rows.add([])  # an empty row scores the bias alone
    rng = np.random.default_rng(0)
    w, b = rng.normal(size=(1 << 10, 3)).astype(np.float32), rng.normal(size=3)
    got = linear_scores(rows, w, b)
    indices, values, indptr = rows.arrays()
    dense = np.zeros((len(rows), 1 << 10))
    for r in range(len(rows)):
        np.add.at(dense[r], indices[indptr[r] : indptr[r + 1]], values[indptr[r] : indptr[r + 1]])
    np.testing.assert_allclose(got, dense @ w + b, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(got[-1], b)


def test_lower_same_length() -> None:
    text = "İstanbul ÉTÉ"
    low = lower_same_length(text)
    assert len(low) == len(text) and low.endswith("été")


def test_view_takes_the_sentences_it_is_given() -> None:
    """Given the document's sentences (the sentence group), the view tokenises inside them and
    never segments again; given what segmenting would give, the view is the same."""
    from spinscope.nlp.segment import sentences

    segmented = ArticleView.build(ARTICLE)
    assert ArticleView.build(ARTICLE, None, sentences(ARTICLE)) == segmented
    first_line = ARTICLE.index("\n")
    one = ArticleView.build(ARTICLE, None, [(0, first_line)])
    assert one.sents == [(0, first_line)] and one.toks == segmented.toks[: len(one.toks)] and len(one.toks) == 4

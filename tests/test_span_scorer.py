"""benchmarks/validation_passes.py (the decoding benchmarks' cached passes) and the pure parts
of benchmarks/span_scorer.py (candidates, overlap target, selection), on hand-built articles."""

from __future__ import annotations

import pickle
import re
import sys
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))

from span_scorer import FEATURES, Candidate, candidates, features, overlap_target, select  # noqa: E402
from validation_passes import Pass, Passes, read_passes, save_passes  # noqa: E402

from spinscope.eval.formats import Labelled  # noqa: E402
from spinscope.techniques.transformer.decoding import WordDecodeParams  # noqa: E402
from spinscope.techniques.transformer.inputs import ArticleTokens  # noqa: E402

TEXT = "The regime lied again, as always. Nothing else happened today.\nA new line, calm and plain."


def hand_pass(text: str, probs: dict[str, float]) -> Pass:
    """An article whose words get the probabilities in ``probs`` (0.05 otherwise)."""
    words = [(m.start(), m.end()) for m in re.finditer(r"\w+|[^\w\s]", text)]
    line = np.array([text.count("\n", 0, s) for s, _ in words])
    art = ArticleTokens(np.zeros(0, np.int64), np.zeros((0, 2), np.int64), np.zeros(0, np.int64), np.array(words, dtype=np.int64).reshape(-1, 2), line)
    p_word = np.array([probs.get(text[s:e], 0.05) for s, e in words])
    sents = [(m.start(), m.end()) for m in re.finditer(r"[^.\n]+[.]?", text)]
    return Pass("1", text, len(text), sents, art, p_word, {}, {}, [], np.zeros((0, 14)), np.zeros((0, 14)), p_word / 2)


def test_validation_passes_round_trip_keeps_every_field(tmp_path: Path) -> None:
    p = hand_pass(TEXT, {"regime": 0.9, "lied": 0.8})
    p.tr[(4, 15)] = np.full(14, 1 / 14)
    saved = Passes([p], [Labelled("1", 4, 15)], [Labelled("1", 4, 15, "Loaded_Language")])
    save_passes(saved, tmp_path / "passes.pkl")
    back = read_passes(tmp_path / "passes.pkl")
    assert back.gold_si == saved.gold_si and back.gold_tc == saved.gold_tc
    assert np.array_equal(back.passes[0].p_word, p.p_word) and np.array_equal(back.passes[0].p_base, p.p_base)
    assert list(back.passes[0].tr) == [(4, 15)]


def test_validation_passes_older_cache_without_baseline_share_loads(tmp_path: Path) -> None:
    stored = {k: v for k, v in vars(hand_pass(TEXT, {})).items() if k != "p_base"}
    (tmp_path / "old.pkl").write_bytes(pickle.dumps(([stored], [], [])))
    assert len(read_passes(tmp_path / "old.pkl").passes[0].p_base) == 0


@pytest.mark.parametrize(
    ("span", "gold", "expected"),
    [((0, 10), [(0, 10)], 1.0), ((0, 10), [(20, 30)], 0.0), ((0, 10), [(0, 20)], 2 * 1.0 * 0.5 / 1.5), ((0, 20), [(0, 5), (10, 15)], 2 * 0.5 * 1.0 / 1.5)],
)
def test_span_scorer_overlap_target_is_the_f1_of_share_inside_and_share_covered(span: tuple[int, int], gold: list[tuple[int, int]], expected: float) -> None:
    assert overlap_target(*span, gold) == pytest.approx(expected)


def test_span_scorer_select_keeps_best_non_overlapping_over_threshold() -> None:
    cands = [Candidate(0, 3, 0, 10, 1, 0.3), Candidate(1, 2, 4, 8, 1, 0.3), Candidate(4, 5, 20, 30, 1, 0.3), Candidate(6, 7, 40, 50, 1, 0.3)]
    assert select(cands, np.array([0.5, 0.7, 0.6, 0.1]), 0.3) == [(4, 8), (20, 30)]


def test_span_scorer_candidates_include_runs_sentences_lines_and_clauses() -> None:
    p = hand_pass(TEXT, {"regime": 0.9, "lied": 0.8})
    found = {TEXT[c.start : c.end]: c for c in candidates(p, WordDecodeParams())}
    assert found["regime lied"].sources & 1 and found["regime lied"].run_threshold == 0.15
    assert found["The regime lied again, as always"].sources & 8  # a sentence, its full stop trimmed
    assert found["A new line, calm and plain"].sources & 4  # a whole line
    assert found["as always"].sources & 16 and found["The regime lied again"].sources & 16  # its clauses
    assert all(not TEXT[c.start : c.end].endswith((".", ",")) for c in found.values())


def test_span_scorer_features_describe_each_candidate() -> None:
    p = hand_pass(TEXT, {"regime": 0.9, "lied": 0.8})
    cands = candidates(p, WordDecodeParams())
    X = features(p, cands, 0.35)
    assert X.shape == (len(cands), len(FEATURES))
    row = X[[TEXT[c.start : c.end] for c in cands].index("regime lied")]
    assert row[FEATURES.index("mean")] == pytest.approx(0.85) and row[FEATURES.index("left_1")] == pytest.approx(0.05)

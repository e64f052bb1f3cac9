"""The span scorer: its run-time part (`techniques.transformer.span_scorer`: candidates,
features, selection, the weights file), its fitting (`training.span_scorer`) and the cached
passes its benchmark reads (benchmarks/validation_passes.py), on hand-built articles; and the
shipped weights."""

from __future__ import annotations

import json
import pickle
import re
import sys
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))

from validation_passes import Pass, Passes, read_passes, save_passes  # noqa: E402

from spinscope.errors import ModelError  # noqa: E402
from spinscope.eval.formats import Labelled  # noqa: E402
from spinscope.techniques.model_files import models_root  # noqa: E402
from spinscope.techniques.transformer.decoding import WordDecodeParams  # noqa: E402
from spinscope.techniques.transformer.inputs import ArticleTokens  # noqa: E402
from spinscope.techniques.transformer.span_scorer import FEATURES, Candidates, SpanScorer, WordView, candidates, features, select  # noqa: E402
from spinscope.training.span_scorer import SCORER_FILE, fit_span_scorer, overlap_target, picked, scorer_articles  # noqa: E402

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


def view(p: Pass) -> WordView:
    return WordView(p.text, p.end, p.sents, p.art, p.p_word, p.p_base)


def test_span_scorer_select_keeps_best_non_overlapping_over_threshold() -> None:
    def col(*x: int) -> np.ndarray:
        return np.array(x, dtype=np.int64)

    cands = Candidates(col(0, 1, 4, 6), col(3, 2, 5, 7), col(0, 4, 20, 40), col(10, 8, 30, 50), col(1, 1, 1, 1), np.full(4, 0.3))
    assert select(cands, np.array([0.5, 0.7, 0.6, 0.1]), 0.3) == [1, 2]


def test_span_scorer_candidates_include_runs_sentences_lines_and_clauses() -> None:
    p = hand_pass(TEXT, {"regime": 0.9, "lied": 0.8})
    c = candidates(view(p), WordDecodeParams())
    found = {TEXT[s:e]: k for k, (s, e) in enumerate(c.spans())}
    assert len(found) == len(c)  # each span once
    assert c.sources[found["regime lied"]] & 1 and c.run_threshold[found["regime lied"]] == 0.15
    assert c.sources[found["The regime lied again, as always"]] & 8  # a sentence, its full stop trimmed
    assert c.sources[found["A new line, calm and plain"]] & 4  # a whole line
    assert c.sources[found["as always"]] & 16 and c.sources[found["The regime lied again"]] & 16  # its clauses
    assert c.run_threshold[found["A new line, calm and plain"]] == 1.0
    assert all(not text.endswith((".", ",")) for text in found)


def test_span_scorer_features_describe_each_candidate() -> None:
    p = hand_pass(TEXT, {"regime": 0.9, "lied": 0.8})
    cands = candidates(view(p), WordDecodeParams())
    X = features(view(p), cands, 0.35)
    assert X.shape == (len(cands), len(FEATURES))
    row = dict(zip(FEATURES, X[[TEXT[s:e] for s, e in cands.spans()].index("regime lied")]))
    assert row["mean"] == pytest.approx(0.85) and row["left_1"] == pytest.approx(0.05) and row["right_1"] == pytest.approx(0.05)
    assert row["baseline_mean"] == pytest.approx(0.425) and row["minilm_mean"] == pytest.approx((0.85 - 0.35 * 0.425) / 0.65)
    assert row["starts_sentence"] == 0 and row["ends_sentence"] == 0 and row["whole_sentence"] == 0
    sentence = dict(zip(FEATURES, X[[TEXT[s:e] for s, e in cands.spans()].index("Nothing else happened today")]))
    assert sentence["starts_sentence"] == 1 and sentence["ends_sentence"] == 1 and sentence["ends_punct"] == 1 and sentence["whole_sentence"] == 1


def test_span_scorer_features_match_each_candidate_computed_alone() -> None:
    """The features are computed for all candidates at once: each row must be what its own
    words give (order statistics, neighbours, quotes)."""
    text = 'He said "they lie" and "they cheat", again and again.\nThen: nothing, at all!'
    probs = {"lie": 0.7, "cheat": 0.5, "they": 0.3, "again": 0.45, "nothing": 0.2}
    p = hand_pass(text, probs)
    cands = candidates(view(p), WordDecodeParams())
    X = features(view(p), cands, 0.35)
    pw = p.p_word
    for k, (a, b) in enumerate(zip(cands.a.tolist(), cands.b.tolist())):
        row = dict(zip(FEATURES, X[k]))
        seg = pw[a:b]
        assert (row["max"], row["min"], row["median"]) == pytest.approx((seg.max(), seg.min(), np.median(seg)))
        assert row["frac_40"] == pytest.approx((seg >= 0.4).mean())
        assert row["left_3"] == pytest.approx(pw[max(a - 3, 0) : a].mean() if a else 0.0)
        assert row["right_3"] == pytest.approx(pw[b : b + 3].mean() if b < len(pw) else 0.0)
        assert row["quote"] == any(q in text[cands.start[k] : cands.end[k]] for q in '"')
        assert row["log_words"] == pytest.approx(np.log(b - a))


def test_span_scorer_of_an_article_without_words_finds_nothing() -> None:
    p = hand_pass("", {})
    scorer = SpanScorer(np.zeros(len(FEATURES)), np.ones(len(FEATURES)), np.zeros(len(FEATURES)), 0.0, 0.5)
    assert len(candidates(view(p), WordDecodeParams())) == 0 and scorer.spans(view(p), WordDecodeParams(), 0.35) == []


def test_span_scorer_weights_round_trip_and_refuse_other_features(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    scorer = SpanScorer(rng.normal(size=len(FEATURES)), rng.uniform(1, 2, len(FEATURES)), rng.normal(size=len(FEATURES)), -1.5, 0.225)
    scorer.write(tmp_path / SCORER_FILE)
    back = SpanScorer.load(tmp_path / SCORER_FILE)
    X = rng.normal(size=(5, len(FEATURES)))
    assert np.allclose(back.score(X), scorer.score(X)) and back.threshold == 0.225
    stored = json.loads((tmp_path / SCORER_FILE).read_text())
    (tmp_path / "other.json").write_text(json.dumps({**stored, "features": stored["features"][:-1]}))
    with pytest.raises(ModelError, match="features"):
        SpanScorer.load(tmp_path / "other.json")


def test_span_scorer_fitted_on_articles_picks_the_gold_span() -> None:
    """Four articles whose gold span is the run of likely words: the fitted scorer (threshold
    chosen out of fold inside them) keeps it."""
    texts = [TEXT.replace("regime", word) for word in ("regime", "junta", "cabal", "clique")]
    passes = [replace_id(hand_pass(t, {w: 0.9, "lied": 0.8}), str(k)) for k, (t, w) in enumerate(zip(texts, ("regime", "junta", "cabal", "clique")))]
    gold = [Labelled(p.id, p.text.index(" ") + 1, p.text.index("lied") + 4) for p in passes]
    arts = scorer_articles(((p.id, view(p)) for p in passes), gold, WordDecodeParams(), 0.35)
    scorer, f1 = fit_span_scorer(arts, gold)
    assert 0 <= f1 <= 1 and 0.05 <= scorer.threshold <= 0.8
    assert all(picked(a, scorer.score(a.X), scorer.threshold) == [(g.start, g.end)] for a, g in zip(arts, gold))


def replace_id(p: Pass, id_: str) -> Pass:
    p.id = id_
    return p


def test_shipped_span_scorer_loads_and_is_listed_in_the_manifest() -> None:
    folder = models_root() / "minilm"
    config = json.loads((folder / "config.json").read_text())
    if "span_scorer" not in config:
        pytest.skip(f"{folder} names no span scorer")
    scorer = SpanScorer.load(folder / config["span_scorer"])
    assert scorer.coef.shape == (len(FEATURES),) and 0 < scorer.threshold < 1
    assert config["span_scorer"] in json.loads((folder / "manifest.json").read_text())["files"]

"""The trainer's span decoding step (`training.span_decoding`): the span scorer and the
span-score calibration fitted over the scorer's spans, written into a model folder the detector
loads, and recorded in its card; on hand-built articles and the shipped graph."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from spinscope.document import Document
from spinscope.eval.formats import Labelled
from spinscope.techniques.base import TECHNIQUES
from spinscope.techniques.ensemble import Ensemble, EnsembleDetector
from spinscope.techniques.model_files import models_root
from spinscope.techniques.transformer.decoding import Calibration, WordDecodeParams
from spinscope.techniques.transformer.inputs import ArticleTokens, load_tokenizer
from spinscope.techniques.transformer.model import MiniLMModel
from spinscope.techniques.transformer.span_scorer import WordView
from spinscope.training.card import Outcome, record_span_decoding, span_scorer_lines, span_scorer_record, write_model
from spinscope.training.common import TrainingData
from spinscope.training.config import TrainConfig
from spinscope.training.span_decoding import SpanDecodingFit, fit_span_decoding, write_span_decoding
from spinscope.training.span_scorer import SCORER_FILE
from spinscope.training.tuning import Variant
from spinscope.training.validation import ValCache

MODEL_DIR = models_root() / "minilm"
TEXT = "The regime lied again, as always. Nothing else happened today.\nA new line, calm and plain."
NAMES = ("regime", "junta", "cabal", "clique")
LOADED = TECHNIQUES.index("Loaded_Language")
needs_model = pytest.mark.skipif(not (MODEL_DIR / "model.onnx").is_file(), reason=f"no shipped model in {MODEL_DIR}")


def hand_view(text: str, probs: dict[str, float]) -> WordView:
    """An article whose words get the probabilities in ``probs`` (0.05 otherwise)."""
    words = [(m.start(), m.end()) for m in re.finditer(r"\w+|[^\w\s]", text)]
    line = np.array([text.count("\n", 0, s) for s, _ in words])
    art = ArticleTokens(np.zeros(0, np.int64), np.zeros((0, 2), np.int64), np.zeros(0, np.int64), np.array(words, dtype=np.int64), line)
    p_word = np.array([probs.get(text[s:e], 0.05) for s, e in words])
    sents = [(m.start(), m.end()) for m in re.finditer(r"[^.\n]+[.]?", text)]
    return WordView(text, len(text), sents, art, p_word, p_word / 2)


def ensemble() -> Ensemble:
    minilm = MiniLMModel(session=None, tokenizer=load_tokenizer(MODEL_DIR / "tokenizer.json"), labels=TECHNIQUES, window=256, stride=192, tc_max_len=96)
    return Ensemble(minilm, WordDecodeParams(), Calibration(tc_temperature=1.3))


def fitted(sentence: bool = True) -> tuple[SpanDecodingFit, list[Labelled]]:
    """Four articles whose gold span is the first sentence (which the plain decoding, taking the
    run of likely words alone, misses in part) or the run itself (``sentence`` False: the plain
    decoding is exact, so the scorer cannot beat it), labelled Loaded_Language in two (the
    detector's technique: a hit) and Doubt in the other two (a miss)."""
    views = {str(k): hand_view(TEXT.replace("regime", w), {w: 0.9, "lied": 0.8}) for k, w in enumerate(NAMES)}
    gold = [Labelled(a, 0, v.text.index(".") + 1) if sentence else Labelled(a, v.text.index(" ") + 1, v.text.index("lied") + 4) for a, v in views.items()]
    gold_tc = [Labelled(g.article_id, g.start, g.end, "Loaded_Language" if int(g.article_id) < 2 else "Doubt") for g in gold]
    probs = np.full(len(TECHNIQUES), 0.4 / (len(TECHNIQUES) - 1))
    probs[LOADED] = 0.6
    fit = fit_span_decoding(ensemble(), views, gold, gold_tc, lambda a, spans: np.tile(probs, (len(spans), 1)))
    return fit, gold


@needs_model
def test_span_decoding_keeps_a_scorer_that_beats_the_plain_decoding_and_calibrates_over_its_spans() -> None:
    fit, _gold = fitted()
    assert fit.scorer is not None and fit.figures["kept"]
    assert fit.figures["si_out_of_fold"]["f1"] > fit.figures["si_plain_decoding"]["f1"]
    ece = fit.figures["span_score_ece"]
    assert ece["spans"] == 8 and ece["hit_rate"] == 0.5  # the scorer's sentence and the decoded run inside it, an article
    assert fit.calibration.tc_temperature == 1.3 and (fit.calibration.a, fit.calibration.b, fit.calibration.c) != (1.0, 1.0, 0.0)


@needs_model
def test_span_decoding_leaves_out_a_scorer_no_better_than_the_plain_decoding(tmp_path: Path) -> None:
    fit, _gold = fitted(sentence=False)
    assert fit.scorer is None and not fit.figures["kept"]
    assert fit.figures["span_score_ece"]["spans"] == 4  # the plain decoding's run, one an article
    folder = tmp_path / "mpnet"
    folder.mkdir()
    config = json.loads((MODEL_DIR / "config.json").read_text())
    (folder / "config.json").write_text(json.dumps(config))
    (folder / SCORER_FILE).write_text("{}")
    write_span_decoding(fit, folder)
    assert "span_scorer" not in json.loads((folder / "config.json").read_text()) and not (folder / SCORER_FILE).exists()
    fit_card = span_scorer_record(fit, "the test")
    assert "left out" in span_scorer_lines({"span_scorer": {"fit": fit_card}})[0]


@needs_model
def test_span_decoding_trained_folder_holds_a_scorer_the_detector_loads(tmp_path: Path) -> None:
    """`write_model` (what `spinscope train` writes) puts the fitted scorer and calibration in
    the folder, and the detector decodes with them."""
    fit, gold = fitted()
    ens = ensemble()
    ens.scorer, ens.calibration = fit.scorer, fit.calibration
    cfg = TrainConfig(data=tmp_path, out=tmp_path / "minilm")
    variant = Variant(MODEL_DIR / "model.onnx", ValCache({}, {}, np.zeros((0, len(TECHNIQUES)))), ens.decode, 0.4, 0.6, 1.3, 0.1, 0.05)
    data = TrainingData({}, [], [], {}, [], [], "")
    out = Outcome(cfg, data, "", "", [], 0.0, {"int8": variant}, "int8", None, ens, None, fit, "none")
    write_model(out, MODEL_DIR)
    assert json.loads((cfg.out / "config.json").read_text())["span_scorer"] == SCORER_FILE
    assert SCORER_FILE in json.loads((cfg.out / "manifest.json").read_text())["files"]
    model = EnsembleDetector(cfg.out, threads=1).model
    assert model.scorer is not None and np.array_equal(model.scorer.coef, fit.scorer.coef) and model.scorer.threshold == fit.scorer.threshold
    assert model.calibration == fit.calibration
    text = TEXT.replace("regime", "cabal")
    assert isinstance(EnsembleDetector(cfg.out, threads=1).detect(Document(text=text, id="x")), list)
    assert gold  # the folder's scorer is the one fitted on these articles


@needs_model
def test_span_decoding_refit_rewrites_the_folder_and_records_the_figures_in_the_card(tmp_path: Path) -> None:
    fit, _gold = fitted()
    folder = tmp_path / "minilm"
    folder.mkdir()
    for name in ("model.onnx", "tokenizer.json"):
        (folder / name).symlink_to(MODEL_DIR / name)
    (folder / "config.json").write_text((MODEL_DIR / "config.json").read_text())
    (folder / "card.json").write_text(json.dumps({"span_scorer": {"what": "kept"}, "calibration": {"tc_temperature": 1.3}}))
    write_span_decoding(fit, folder)
    record_span_decoding(folder, fit, "the test")
    config = json.loads((folder / "config.json").read_text())
    assert config["span_scorer"] == SCORER_FILE and config["calibration"] == fit.calibration.to_dict()
    card = json.loads((folder / "card.json").read_text())
    assert card["span_scorer"]["what"] == "kept" and card["span_scorer"]["fit"]["made"] == "the test"
    assert {"si_out_of_fold", "si_in_sample", "span_score_ece"} <= set(card["span_scorer"]["fit"])
    assert card["calibration"]["span_score_ece"] == fit.figures["span_score_ece"] and "the test" in card["calibration"]["refit"]
    assert Ensemble.load(folder, threads=1).scorer is not None


@needs_model
def test_span_decoding_readme_line_says_which_figure_is_out_of_fold() -> None:
    fit, _gold = fitted()
    line = span_scorer_lines({"span_scorer": {"fit": span_scorer_record(fit, "the test")}})[0]
    assert f"SI F1 {fit.figures['si_out_of_fold']['f1']:.4f} out of fold" in line and f"{fit.figures['si_in_sample']['f1']:.4f} in sample" in line
    assert span_scorer_lines({"span_scorer": {"what": "no fit recorded"}}) == []

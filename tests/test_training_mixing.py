"""The trainer's FLC steps on the validation split: when a detected span also gets its runner-up technique."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from spinscope.eval.formats import Labelled
from spinscope.techniques.base import TECHNIQUES
from spinscope.techniques.ensemble import NO_SECOND, Ensemble
from spinscope.techniques.model_files import models_root
from spinscope.techniques.transformer.decoding import Calibration, WordDecodeParams, decode_words
from spinscope.techniques.transformer.inputs import article_tokens, load_tokenizer
from spinscope.techniques.transformer.model import MiniLMModel
from spinscope.training.common import TrainingData
from spinscope.training.mixing import choose_second
from spinscope.training.tuning import Variant
from spinscope.training.validation import ValCache

TOKENIZER = models_root() / "minilm" / "tokenizer.json"
TEXT = "The corrupt elites betray our great nation again."
PHRASE = "corrupt elites betray"
LOADED, NAME_CALLING = TECHNIQUES.index("Loaded_Language"), TECHNIQUES.index("Name_Calling,Labeling")


def _step(gold_techniques: list[str]) -> Ensemble:
    """`choose_second` on one article whose one detected span is Loaded_Language (0.6) or
    Name_Calling (0.3), with the gold techniques given for that span."""
    tokenizer = load_tokenizer(TOKENIZER)
    art = article_tokens(tokenizer, TEXT, len(TEXT))
    start = TEXT.index(PHRASE)
    p_word = np.array([0.9 if start <= s < start + len(PHRASE) else 0.0 for s in art.words[:, 0].tolist()])
    decode = WordDecodeParams(threshold=0.5, min_chars=0)
    found = decode_words(TEXT, art, p_word, decode)
    assert [(s, e) for s, e, _ in found] == [(start, start + len(PHRASE))]
    probs = np.full(len(TECHNIQUES), 0.1 / (len(TECHNIQUES) - 2))
    probs[LOADED], probs[NAME_CALLING] = 0.6, 0.3
    gold = [Labelled("1", start, start + len(PHRASE), t) for t in gold_techniques]
    data = TrainingData({"1": TEXT}, [], ["1"], {"1": gold}, [], gold, "")
    variant = Variant(Path("model.onnx"), ValCache({"1": art}, {"1": p_word}, np.zeros((0, len(TECHNIQUES)))), decode, 0.0, 0.0, 1.0, 0.0, 0.0)
    minilm = MiniLMModel(session=None, tokenizer=tokenizer, labels=TECHNIQUES, window=256, stride=192, tc_max_len=96)
    ensemble = Ensemble(minilm, decode, Calibration())
    choose_second(ensemble, variant, data, {("1", start, start + len(PHRASE)): probs})
    assert variant.second_search is not None and len(variant.second_search) > 1
    return ensemble


@pytest.mark.skipif(not TOKENIZER.is_file(), reason=f"no tokenizer at {TOKENIZER}")
@pytest.mark.parametrize(
    ("gold", "expected"),
    [
        (["Loaded_Language", "Name_Calling,Labeling"], 0.3),  # the runner-up is right too: the highest threshold that adds it
        (["Loaded_Language"], NO_SECOND),  # the runner-up would only be wrong: never
    ],
)
def test_mixing_choose_second_adds_the_runner_up_only_where_it_pays(gold: list[str], expected: float) -> None:
    assert _step(gold).second_min == expected

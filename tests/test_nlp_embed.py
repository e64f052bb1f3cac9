"""The shared sentence encoder: unit vectors, meaning-bearing, the same in any company, and
refused when its files are altered."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from spinscope.errors import ModelError
from spinscope.nlp.embed import FOLDER, embed, encoder
from spinscope.techniques.model_files import models_root


def test_embed_returns_one_unit_vector_per_text_in_order() -> None:
    texts = ["The army shelled the city overnight.", "", "Prices rose by 4% in May."]
    vectors = embed(texts)
    assert vectors.shape == (3, encoder().dim) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert np.allclose(vectors[2], embed([texts[2]])[0])


def test_paraphrases_are_closer_than_unrelated_sentences() -> None:
    a, b, c = embed(["The army shelled the city.", "Troops bombarded the town with artillery.", "I baked a chocolate cake for her birthday."])
    assert a @ b > 0.5 > a @ c + 0.3


def test_a_sentence_gets_the_same_vector_whatever_is_embedded_with_it() -> None:
    alone = embed(["Rebels shelled a school, the ministry said."])[0]
    among = embed(["Short.", "Rebels shelled a school, the ministry said.", "A much longer sentence " * 20])[1]
    assert np.array_equal(alone, among)


def test_a_text_longer_than_the_encoder_window_is_cut_not_refused() -> None:
    assert np.isfinite(embed(["word " * 2000])).all()


def test_an_altered_model_file_is_refused(tmp_path: Path) -> None:
    copy = tmp_path / FOLDER
    shutil.copytree(models_root() / FOLDER, copy)
    with (copy / "tokenizer.json").open("a", encoding="utf-8") as f:
        f.write(" ")
    with pytest.raises(ModelError, match="tokenizer.json is altered"):
        encoder(copy)

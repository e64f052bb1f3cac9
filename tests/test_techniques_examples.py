"""The built-in examples: one per technique, shipped with the package, each a real gold span."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from spinscope.techniques.base import TECHNIQUES
from spinscope.techniques.examples import EXAMPLES_FILE, builtin_example


def test_examples_one_for_each_technique_without_the_data() -> None:
    for label in TECHNIQUES:
        example = builtin_example(label)
        assert example is not None, label
        assert 4 <= len(re.findall(r"\w+", example.text)) <= 20, (label, example.text)  # scripts/pick_examples.py's rule
        assert example.source == f"PTC training article {example.article_id}"
    assert builtin_example("Some_New_Label") is None


@pytest.mark.parametrize("label", TECHNIQUES)
def test_examples_text_is_the_gold_span_of_its_article(ptc: Path, label: str) -> None:
    item = json.loads(EXAMPLES_FILE.read_text(encoding="utf-8"))[label]
    article = (ptc / "train" / "articles" / f"article{item['article_id']}.txt").read_text(encoding="utf-8")
    assert article[item["start"] : item["end"]] == item["text"]
    gold = (ptc / "train" / "labels-tc.tsv").read_text(encoding="utf-8").splitlines()
    assert f"{item['article_id']}\t{label}\t{item['start']}\t{item['end']}" in gold

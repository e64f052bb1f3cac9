"""Pick the built-in example of each technique from the PTC training data and write
``spinscope/techniques/examples.json`` (run: ``python scripts/pick_examples.py [PTC train folder]``).

Why a script: the technique guide shows one real example per technique on a fresh install, and a
reader should be able to rebuild and check the choice. The rule, deterministic:

* a gold span of the train part of the validation split (`validation_split`), on one line,
  4 to 20 words, starting and ending at word edges;
* its label unambiguous: no gold span of another technique overlaps it;
* for Repetition, a word of four or more letters occurs twice in the span itself: shown alone,
  without its article, a repetition must visibly repeat (the top span otherwise was a sentence
  said once in its article, its message repeated in other words);
* ranked by the shipped baseline's probability of the gold label (a span the model finds typical
  of its technique reads as a clear case), then article id and offset.

The top span of each technique was then read; where it did not illustrate the technique well,
`REVIEWED` names the candidate taken instead and why.
"""

from __future__ import annotations

import json
import re
import sys
from collections import defaultdict
from pathlib import Path

from spinscope.eval.formats import Labelled
from spinscope.eval.ptc import load_ptc, validation_split
from spinscope.techniques.baseline import BaselineModel
from spinscope.techniques.examples import EXAMPLES_FILE
from spinscope.techniques.features import ArticleView
from spinscope.techniques.model_files import models_root

PTC_TRAIN = Path("/work/shared/data/ptc/train")
MIN_WORDS, MAX_WORDS = 4, 20
_WORD = re.compile(r"\w+")

# label -> (article id, start) of the candidate taken instead of the top-ranked one, after reading
REVIEWED: dict[str, tuple[str, int]] = {
    # the top span reports someone's fear; this one raises it ("impossible to eradicate")
    "Appeal_to_fear-prejudice": ("708487008", 160),
    # the top span mixes in loaded language ("stupid"); this one is a plain comparison to the Nazis
    "Bandwagon,Reductio_ad_hitlerum": ("731927633", 3450),
    # the top span needs its sentence to be read as a dilemma; this one states "only X can"
    "Black-and-White_Fallacy": ("761969692", 601),
    # the top span turns on a sexual term a reader may take for the tool's own view; this one is a plain label
    "Name_Calling,Labeling": ("727736557", 1819),
    # the top span is a long rambling quote; this one is the cliché alone
    "Thought-terminating_Cliches": ("703821117", 15047),
}


def _repeats_within(seg: str) -> bool:
    words = [w.lower() for w in _WORD.findall(seg) if len(w) >= 4]
    return len(set(words)) < len(words)


def candidates(spans: list[Labelled], articles: dict[str, str], ids: set[str]) -> dict[str, list[Labelled]]:
    """Spans that could serve as an example, by label (the rule in the module docstring)."""
    by_article: dict[str, list[Labelled]] = defaultdict(list)
    for span in spans:
        by_article[span.article_id].append(span)
    out: dict[str, list[Labelled]] = defaultdict(list)
    for span in spans:
        text = articles[span.article_id]
        seg = text[span.start : span.end]
        at_edges = (span.start == 0 or not text[span.start - 1].isalnum()) and (span.end == len(text) or not text[span.end].isalnum())
        others = [o for o in by_article[span.article_id] if o.technique != span.technique and o.start < span.end and span.start < o.end]
        recurs = span.technique != "Repetition" or _repeats_within(seg)
        if span.article_id in ids and "\n" not in seg and MIN_WORDS <= len(_WORD.findall(seg)) <= MAX_WORDS and at_edges and not others and recurs:
            out[str(span.technique)].append(span)
    return out


def pick(folder: Path) -> dict[str, dict[str, object]]:
    data = load_ptc(folder)
    train, _ = validation_split(list(data.articles))
    model = BaselineModel.load(models_root() / "baseline")
    views: dict[str, ArticleView] = {}
    out: dict[str, dict[str, object]] = {}
    for label, spans in sorted(candidates(data.tc, data.articles, set(train)).items()):
        def rank(span: Labelled) -> tuple[float, str, int]:
            view = views.get(span.article_id) or views.setdefault(span.article_id, ArticleView.build(data.articles[span.article_id]))
            prob = float(model.technique_probs(view, [(span.start, span.end)])[0][model.labels.index(label)])
            return -prob, span.article_id, span.start

        ranked = sorted(spans, key=rank)
        chosen = next((s for s in ranked if (s.article_id, s.start) == REVIEWED[label]), None) if label in REVIEWED else ranked[0]
        if chosen is None:
            raise SystemExit(f"{label}: the reviewed pick {REVIEWED[label]} is no longer a candidate; read the ranking again")
        text = data.articles[chosen.article_id][chosen.start : chosen.end]
        out[label] = {"text": text, "article_id": chosen.article_id, "start": chosen.start, "end": chosen.end}
    return out


def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else PTC_TRAIN
    EXAMPLES_FILE.write_text(json.dumps(pick(folder), ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {EXAMPLES_FILE}")


if __name__ == "__main__":
    main()

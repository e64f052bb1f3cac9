#!/usr/bin/env python
"""The shipped check-worthiness model (models/checkworthy) on CheckThat! 2024 English, and its speed.

Loads the model as the claim stage does (`spinscope.claims.model.shipped_model`, hash-checked),
scores the trainer's own validation split of the CT24 train file (15%, stratified, seed 13:
`spinscope.training.checkworthy.validation_split`) and the CT24 dev file, at the shipped
threshold, and prints F1, precision and recall of the Yes class (the official figure is F1).
Then the time per sentence: the median of ``--runs`` passes over the dev sentences, scored one
article-sized batch (30 sentences) at a time, as the stage scores an article; and the whole claim
stage on the example article after the sentence and quote stages.

    .venv/bin/python benchmarks/checkworthy.py [--runs 5] [--json]

Needs scikit-learn (for the split) and the data in $SPINSCOPE_SHARED/data/checkworthy.

Measured (model 1.0.0, `--runs 5`, 2 cores shared with other jobs at load average 5):
validation (3,376 sentences, 812 Yes) F1 0.7036 P 0.6203 R 0.8128; CT24 dev (1,032 sentences,
238 Yes) F1 0.8692 P 0.8014 R 0.9496, at threshold 0.44; 0.073 ms a sentence scored; the claim
stage 8.5 ms on the example article (30 sentences, 25 claims; its reasons' regexes cost more than
the scoring). At load average 8: 0.17 to 0.5 ms a sentence, 23 to 50 ms the example. On 5 MB of
text (the example repeated, 25,360 sentences) the stage takes 17 s at load 8, linearly.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from spinscope.claims.model import shipped_model  # noqa: E402
from spinscope.claims.stage import ClaimStage  # noqa: E402
from spinscope.document import Document  # noqa: E402
from spinscope.eval.checkworthy import DEV_FILE, TRAIN_FILE, default_folder, read_ct24, yes_figures  # noqa: E402
from spinscope.nlp.stage import SentenceStage  # noqa: E402
from spinscope.quotes.stage import QuoteStage  # noqa: E402
from spinscope.training.checkworthy import validation_split  # noqa: E402

EXAMPLE = Path(__file__).resolve().parent.parent.parent / "shared" / "examples" / "aleppo-2016-12.txt"
BATCH = 30  # sentences: an average article


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    data = default_folder()
    model = shipped_model()
    train, dev = read_ct24(data / TRAIN_FILE), read_ct24(data / DEV_FILE)
    _, val = validation_split(train.labels)
    val_texts = [train.texts[i] for i in val]
    figures = {
        "validation": yes_figures(train.labels[val], model.scores(val_texts), model.threshold).rounded(),
        "ct24_dev": yes_figures(dev.labels, model.scores(list(dev.texts)), model.threshold).rounded(),
    }
    texts = list(dev.texts)
    passes = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        for i in range(0, len(texts), BATCH):
            model.scores(texts[i : i + BATCH])
        passes.append((time.perf_counter() - t0) / len(texts))
    out = {"model": model.version, "threshold": model.threshold, **figures, "ms_per_sentence": round(1000 * statistics.median(passes), 3)}
    if EXAMPLE.is_file():
        quoted = QuoteStage()(SentenceStage()(Document(id="example", text=EXAMPLE.read_text(encoding="utf-8"))))
        stage, runs = ClaimStage(), []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            stage(quoted)
            runs.append(time.perf_counter() - t0)
        out["example_article_stage_ms"] = round(1000 * statistics.median(runs), 1)
    if args.json:
        print(json.dumps(out, indent=2))
        return
    for name in ("validation", "ct24_dev"):
        f = out[name]
        print(f"{name:>10}: F1 {f['f1']:.4f}  P {f['precision']:.4f}  R {f['recall']:.4f}  (threshold {model.threshold})")
    print(f"{out['ms_per_sentence']} ms a sentence; claim stage on the example article: {out.get('example_article_stage_ms')} ms")


if __name__ == "__main__":
    main()

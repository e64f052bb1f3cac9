#!/usr/bin/env python
"""Actor roles on the SemEval-2025 Task 10 entity-framing training set, and the actor stage's cost.

Only the English training release is here (no dev, no test), so the figures are 5-fold
cross-validation figures grouped by article (spinscope.training.roles: same seed, same folds, the
shipped configuration from models/roles/card.json), each gold mention read as the actor the stage
finds at its place. Printed: main-role accuracy and macro-F1, fine-role exact-match ratio (the
SemEval metric: the predicted fine-role set equals the gold set), micro- and macro-F1, and the
same for always answering the majority (Antagonist / Conspirator). On this training set the
majority gets 0.70 main-role accuracy (0.80 on the held-out dev set, per the data's README), so
accuracy says little; macro-F1 and EMR are the figures to read.

Then the stage's time per article over PTC training articles (every ``--stride``-th), median of
``--runs`` passes, models loaded before timing: the whole stage (spaCy parse, rules, encoder,
heads), and the stage when the quote stage already parsed the same text (spinscope.nlp.spacy_doc
keeps each thread's last parse), next to the quote stage's own time; and the growth of peak memory.

    .venv/bin/python benchmarks/entity_roles.py [--stride 15] [--runs 3] [--no-cv] [--json]

Measured (models/roles 1.0.0; 2 cores shared with other jobs, load average 4-6; `--stride 15 --runs 3`):

    5-fold CV grouped by article, 201 articles, 685 mentions (training set; no dev here)
      main role   accuracy 0.650  macro-F1 0.514   majority: 0.696 / 0.274
      fine roles  EMR 0.191  micro-F1 0.215  macro-F1 0.123   majority: 0.096 / 0.111 / 0.009
    time per article (25 PTC articles, 5007 characters, 31.1 actors each): actor stage 0.912 s;
      after the quote stage (0.436 s) 0.336 s; peak memory +100 MB

The quote stage took 0.25 s on a quiet machine (benchmarks/quotes_polnear.py), 0.44 s here, so on a
quiet one the actor stage costs roughly 0.2 s per article after the quote stage's parse and 0.5 s
alone; most of the 0.2 s is the encoder (about 20 sentences an article, one call each).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
SHARED = Path(os.environ.get("SPINSCOPE_SHARED", REPO.parent / "shared"))
if not SHARED.is_dir() and Path("/work/shared").is_dir():
    SHARED = Path("/work/shared")
DATA = SHARED / "data" / "entity-framing"
PTC = SHARED / "data" / "ptc" / "train" / "articles"


def cv_figures() -> dict[str, Any]:
    """The shipped configuration's cross-validated figures, recomputed."""
    from spinscope.training.roles import cross_validate, read_examples, taxonomy

    card = json.loads((REPO / "models" / "roles" / "card.json").read_text(encoding="utf-8"))
    chosen = card["chosen"]
    examples = read_examples(DATA, log=False)
    return cross_validate(
        examples, taxonomy(DATA), log=False, main_grid=(chosen["main"],), fine_grid=({"parts": chosen["fine"]["parts"], "C": chosen["fine"]["C"]},),
        ratios=(chosen["fine"]["fine_ratio"],),
    )


def stage_times(stride: int, runs: int) -> dict[str, Any]:
    from spinscope.actors.stage import ActorStage
    from spinscope.document import Document
    from spinscope.nlp.stage import SentenceStage
    from spinscope.quotes.stage import QuoteStage

    paths = sorted(PTC.glob("article*.txt"))[::stride]
    docs = [SentenceStage()(Document(id=p.stem, text=p.read_text(encoding="utf-8"))) for p in paths]
    actor, quote = ActorStage(), QuoteStage()
    actor(SentenceStage()(Document(id="warm-up", text="The UN met in Geneva. It voted.")))  # loads spaCy, the encoder and the heads
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    times: dict[str, list[float]] = {"actor": [], "quote": [], "actor_after_quote": []}
    actors = 0
    for _ in range(runs):
        t0 = time.perf_counter()
        out = [actor(d) for d in docs]  # each parses its article (the parse kept is the previous article's)
        times["actor"].append((time.perf_counter() - t0) / len(docs))
        actors = sum(len(d.spans["actor"]) for d in out)
        t_quote = t_after = 0.0
        for d in docs:
            t0 = time.perf_counter()
            quote(d)
            t1 = time.perf_counter()
            actor(d)
            t_quote, t_after = t_quote + t1 - t0, t_after + time.perf_counter() - t1
        times["quote"].append(t_quote / len(docs))
        times["actor_after_quote"].append(t_after / len(docs))
    grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    return {
        "articles": len(docs),
        "mean_chars": round(sum(len(d.text) for d in docs) / len(docs)),
        "actors_per_article": round(actors / len(docs), 1),
        **{f"{k}_s": round(statistics.median(v), 3) for k, v in times.items()},
        "peak_memory_growth_mb": round(grown, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stride", type=int, default=15, help="time every N-th PTC training article")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-cv", action="store_true", help="only the stage's time")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result: dict[str, Any] = {}
    if not args.no_cv:
        if not DATA.is_dir():
            sys.exit(f"the entity-framing data is not at {DATA}")
        result["cv"] = cv_figures()
    if PTC.is_dir():
        result["time"] = stage_times(args.stride, args.runs)
    if args.json:
        print(json.dumps(result, indent=1))
        return
    if "cv" in result:
        cv = result["cv"]
        m, f, b = cv["main"], cv["fine"], cv["majority"]
        print(f"5-fold CV grouped by article, {cv['articles']} articles, {cv['examples']} mentions (training set; no dev here)")
        print(f"  main role   accuracy {m['accuracy']:.3f}  macro-F1 {m['macro_f1']:.3f}   majority: {b['accuracy']:.3f} / {b['macro_f1']:.3f}")
        print(f"  fine roles  EMR {f['emr']:.3f}  micro-F1 {f['micro_f1']:.3f}  macro-F1 {f['macro_f1']:.3f}   majority: {b['fine_emr']:.3f} / {b['fine_micro_f1']:.3f} / {b['fine_macro_f1']:.3f}")
    if "time" in result:
        t = result["time"]
        print(f"time per article ({t['articles']} PTC articles, {t['mean_chars']} characters, {t['actors_per_article']} actors each): "
              f"actor stage {t['actor_s']:.3f} s; after the quote stage ({t['quote_s']:.3f} s) {t['actor_after_quote_s']:.3f} s; "
              f"peak memory +{t['peak_memory_growth_mb']} MB")


if __name__ == "__main__":
    main()

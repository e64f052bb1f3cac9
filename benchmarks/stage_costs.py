#!/usr/bin/env python
"""What each pipeline stage costs on an average article: time and memory, next to the technique
detector's (issue 11, point 9: a whole analysis of an average article should stay under 0.2 s on
2 cores).

Every registered stage (or those of ``--stages``) runs in pipeline order on each of the 90 PTC
articles of ../shared/data/ptc/unlabeled/articles (or ``--limit`` of them), ``--runs`` times.
Each stage is timed on its own call; the first article is a warm-up whose time is the stage's
load time, and the growth of resident memory over that call is its memory (models, parser).
Per-article figures are medians over articles of each article's best run (the least disturbed
by other work on the machine); "average article" is the corpus's mean length.

    .venv/bin/python benchmarks/stage_costs.py [--runs 3] [--limit N] [--stages sentence,quote,...] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
SHARED = Path(os.environ.get("SPINSCOPE_SHARED", REPO.parent / "shared"))
ARTICLES = SHARED / "data" / "ptc" / "unlabeled" / "articles"
BUDGET_S = 0.2


def rss_mb() -> float:
    with open("/proc/self/status") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith("VmRSS:")) / 1024


def measure(stage_names: tuple[str, ...], paths: list[Path], runs: int) -> dict[str, object]:
    import spinscope
    from spinscope.pipeline.options import AnalyzeOptions

    stages = AnalyzeOptions(stages=stage_names).build()
    docs = [spinscope.read(str(p)) for p in paths]
    load: dict[str, dict[str, float]] = {}
    doc = docs[0]
    for stage in stages:
        before, t = rss_mb(), time.perf_counter()
        doc = stage(doc)
        load[stage.name] = {"first_call_s": time.perf_counter() - t, "memory_mb": rss_mb() - before}
    best: dict[str, list[float]] = {s.name: [float("inf")] * len(docs) for s in stages}
    for _ in range(runs):
        for i, doc in enumerate(docs):
            for stage in stages:
                t = time.perf_counter()
                doc = stage(doc)
                best[stage.name][i] = min(best[stage.name][i], time.perf_counter() - t)
    per_article = [sum(best[s.name][i] for s in stages) for i in range(len(docs))]
    rows = {
        s.name: {**load[s.name], "median_s": statistics.median(best[s.name]), "mean_s": statistics.fmean(best[s.name])} for s in stages
    }
    return {
        "articles": len(docs),
        "mean_chars": statistics.fmean(len(d.text) for d in docs),
        "stages": rows,
        "whole_median_s": statistics.median(per_article),
        "whole_mean_s": statistics.fmean(per_article),
        "peak_rss_mb": rss_mb(),
    }


def main() -> int:
    from spinscope.pipeline.options import STAGES

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--limit", type=int, default=0, help="only the first N articles (0: all)")
    ap.add_argument("--stages", default=",".join(STAGES), help=f"comma-separated, from: {', '.join(STAGES)}")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    if not ARTICLES.is_dir():
        print(f"skipped: {ARTICLES} is absent (set SPINSCOPE_SHARED)")
        return 0
    paths = sorted(ARTICLES.glob("article*.txt"))[: args.limit or None]
    result = measure(tuple(args.stages.split(",")), paths, args.runs)
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f} at start "
          f"(other work on the machine slows every figure)")  # fmt: skip
    print(f"{result['articles']} articles, mean {result['mean_chars']:.0f} characters; best of {args.runs} runs per article\n")
    print(f"{'stage':10s} {'median ms':>10s} {'mean ms':>8s} {'share':>6s} {'first call s':>13s} {'memory MB':>10s}")
    stages = result["stages"]
    assert isinstance(stages, dict)
    total = sum(r["mean_s"] for r in stages.values())
    for name, r in stages.items():
        print(f"{name:10s} {r['median_s'] * 1000:10.1f} {r['mean_s'] * 1000:8.1f} {r['mean_s'] / total:6.0%} {r['first_call_s']:13.2f} {r['memory_mb']:10.0f}")
    whole = result["whole_mean_s"]
    assert isinstance(whole, float)
    print(f"\nwhole analysis: median {result['whole_median_s'] * 1000:.0f} ms, mean {whole * 1000:.0f} ms an article "
          f"({'within' if whole <= BUDGET_S else 'over'} the {BUDGET_S:.1f} s budget); process peak {result['peak_rss_mb']:.0f} MB")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

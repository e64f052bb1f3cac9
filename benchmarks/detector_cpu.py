#!/usr/bin/env python
"""CPU seconds of the transformer detector from two (or more) model folders, interleaved in one
process on one thread: on a shared machine wall-clock throughput (`detector_speed.py`) swings by
a factor of two between runs, while CPU time measured turn about moves far less.

Detects every article of ../shared/data/ptc/unlabeled/articles with each folder in turn, ``--runs``
times, after one warm-up article; prints CPU seconds per pass, spans found and articles per CPU-second.

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/detector_cpu.py --models ../main/models/minilm models/minilm [--runs 2]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
SHARED = Path(os.environ.get("SPINSCOPE_SHARED", REPO.parent / "shared"))

from spinscope.ingest import document_from_text  # noqa: E402
from spinscope.techniques.ensemble import EnsembleDetector  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--models", nargs="+", type=Path, required=True, help="minilm model folders to compare")
    parser.add_argument("--articles", type=Path, default=SHARED / "data" / "ptc" / "unlabeled" / "articles")
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    docs = [document_from_text(p.read_text(encoding="utf-8"), id=p.stem, source=p.name) for p in sorted(args.articles.glob("*.txt"))]
    detectors = {str(m): EnsembleDetector(m, threads=1) for m in args.models}
    for d in detectors.values():
        d.detect(docs[0])
    seconds = dict.fromkeys(detectors, 0.0)
    spans = dict.fromkeys(detectors, 0)
    for _ in range(args.runs):
        for name, d in detectors.items():
            t = time.process_time()
            spans[name] += sum(len(d.detect(doc)) for doc in docs)
            seconds[name] += time.process_time() - t
    print(f"{len(docs)} articles, {args.runs} interleaved runs, one thread")
    for name in detectors:
        print(f"{name}: {seconds[name] / args.runs:.1f} CPU s a pass, {spans[name] // args.runs} spans, {len(docs) * args.runs / seconds[name]:.2f} articles per CPU-second")


if __name__ == "__main__":
    main()

"""Time and peak memory of one analysis as the input grows: is every stage linear in the text?

Builds texts of the given sizes by repeating the bundled demo article (so the density of
techniques stays that of a real article), analyses each in a fresh process and prints a table
with the ratio of the largest size's time to 1 MB's (linear: the ratio of the sizes).

    .venv/bin/python benchmarks/scaling.py --detector baseline --sizes 0.1 1 2 5
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CHILD = """
import json, resource, sys, time
import spinscope
from spinscope.document import Document
base = open(sys.argv[1], encoding="utf-8").read()
size = int(sys.argv[2])
text = (base * (size // len(base) + 1))[:size]
started = time.perf_counter()
analysis = spinscope.analyze(Document(id="scaling", text=text), detector=sys.argv[3])
print(json.dumps({"seconds": time.perf_counter() - started, "spans": len(analysis.techniques),
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def run(size_mb: float, detector: str) -> dict[str, float]:
    size = int(size_mb * 1_000_000)
    done = subprocess.run([sys.executable, "-c", CHILD, str(REPO / "examples" / "demo-article.txt"), str(size), detector],
                          capture_output=True, text=True, check=True)  # fmt: skip
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--detector", default="baseline")
    parser.add_argument("--sizes", type=float, nargs="+", default=[0.1, 1, 2, 5], help="input sizes in MB (millions of characters)")
    args = parser.parse_args()
    print(f"{'MB':>6s} {'seconds':>9s} {'s per MB':>9s} {'peak MB':>8s} {'spans':>7s}   detector {args.detector}")
    results = {}
    wall = time.perf_counter()
    for size in args.sizes:
        r = results[size] = run(size, args.detector)
        print(f"{size:6g} {r['seconds']:9.1f} {r['seconds'] / size:9.1f} {r['peak_mb']:8.0f} {r['spans']:7d}", flush=True)
    if 1 in results and max(results) > 1:
        top = max(results)
        print(f"time {top:g} MB / 1 MB: {results[top]['seconds'] / results[1]['seconds']:.2f} (linear: {top:g})")
    print(f"whole run {time.perf_counter() - wall:.0f} s")


if __name__ == "__main__":
    main()

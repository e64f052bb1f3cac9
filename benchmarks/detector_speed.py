#!/usr/bin/env python
"""Speed and memory of the technique detectors, each in a fresh child process.

1. throughput: `spinscope predict --task flc` over the 90 articles of
   ../shared/data/ptc/unlabeled/articles, per detector and ``--workers`` setting: articles per
   second (wall time of the whole command, process start included, and without the cold start)
   and peak resident memory of the command and its worker processes together (sampled from /proc
   every 50 ms);
2. cold start: process start to the first byte of `spinscope analyze examples/demo-article.txt`;
3. the demo article through the torch model vs onnxruntime (fp32 and the shipped int8), when torch
   and the training checkpoint are present (skipped with a message otherwise).

Medians of ``--runs`` runs. Threads: in one process onnxruntime uses min(4, cores) intra-op
threads unless SPINSCOPE_THREADS says otherwise (torch is set to the same number); a pool gives
each worker cores // workers.

    .venv/bin/python benchmarks/detector_speed.py [--runs 3] [--detectors baseline,transformer] [--workers 0,1]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
SHARED = Path(os.environ.get("SPINSCOPE_SHARED", REPO.parent / "shared"))
UNLABELED = SHARED / "data" / "ptc" / "unlabeled" / "articles"
DEMO = REPO / "examples" / "demo-article.txt"
CLI = [sys.executable, "-m", "spinscope"]


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants (a --workers pool), from /proc."""
    total_kb, stack = 0, [pid]
    while stack:
        p = stack.pop()
        try:
            with open(f"/proc/{p}/status") as fh:
                total_kb += next((int(line.split()[1]) for line in fh if line.startswith("VmRSS:")), 0)
            for tid in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{tid}/children") as fh:
                    stack.extend(int(c) for c in fh.read().split())
        except (OSError, ValueError):  # the process ended meanwhile
            continue
    return total_kb / 1024


def timed_child(cmd: list[str]) -> tuple[float, float, float, int]:
    """(wall seconds, seconds to first stdout byte, peak RSS of the process tree in MB, exit code)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=REPO)
    assert proc.stdout is not None
    peak = [0.0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], tree_rss_mb(proc.pid))
            done.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    proc.stdout.read(1)
    t_first = time.perf_counter() - t0
    proc.stdout.read()
    proc.wait()
    wall = time.perf_counter() - t0
    done.set()
    sampler.join()
    return wall, t_first, peak[0], proc.returncode


def throughput(detector: str, workers: int, runs: int, cold: float) -> dict[str, float]:
    n = len(list(UNLABELED.glob("article*.txt")))
    walls, rss = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(runs):
            cmd = CLI + ["predict", str(UNLABELED), "--task", "flc", "-o", f"{tmp}/p.tsv", "--detector", detector, "--workers", str(workers)]
            wall, _, peak, rc = timed_child(cmd)
            if rc != 0:
                raise SystemExit(f"predict with {detector} failed (exit {rc})")
            walls.append(wall)
            rss.append(peak)
    wall = statistics.median(walls)
    return {"articles": n, "wall_s": wall, "articles_per_s": n / wall, "articles_per_s_warm": n / max(wall - cold, 1e-9), "peak_rss_mb": max(rss)}


def cold_start(detector: str, runs: int) -> float:
    times = []
    for _ in range(runs):
        _, t_first, _, rc = timed_child(CLI + ["analyze", str(DEMO), "--detector", detector])
        if rc != 0:
            raise SystemExit(f"analyze with {detector} failed (exit {rc})")
        times.append(t_first)
    return statistics.median(times)


def torch_vs_ort(runs: int) -> list[tuple[str, float]] | str:
    try:
        import torch
    except ImportError:
        return "skipped: torch is not installed (pip install torch==2.13.0 to compare)"
    from spinscope.techniques.ensemble import Ensemble
    from spinscope.techniques.model_files import models_root
    from spinscope.techniques.transformer.model import onnx_session
    from spinscope.training.torch_model import TorchSession, build_model

    model_dir = models_root() / "minilm"
    card = json.loads((model_dir / "card.json").read_text())
    ckpt = Path(os.environ.get("SPINSCOPE_CHECKPOINT", card["training"]["epochs"][-1].get("checkpoint", "/tmp/spinscope-train/epoch1.pt")))
    if not ckpt.is_file():
        return f"skipped: training checkpoint {ckpt} is absent (set SPINSCOPE_CHECKPOINT or rerun `spinscope train`)"
    threads = int(os.environ.get("SPINSCOPE_THREADS", 0)) or min(4, os.cpu_count() or 1)
    torch.set_num_threads(threads)
    text = DEMO.read_text(encoding="utf-8")
    ort_model = Ensemble.load(model_dir, threads)
    net = build_model(len(ort_model.minilm.labels))
    net.load_state_dict(torch.load(ckpt, map_location="cpu"))
    net.eval()

    def with_session(session: object) -> Ensemble:
        """The shipped ensemble with MiniLM run by another session: only the session differs."""
        return replace(ort_model, minilm=replace(ort_model.minilm, session=session))

    variants = [("torch fp32", with_session(TorchSession(net))), (f"onnxruntime {card['onnx']['precision']} (shipped)", ort_model)]
    fp32 = Path("/tmp/spinscope-train/model.fp32.onnx")
    if fp32.is_file():
        variants.insert(1, ("onnxruntime fp32", with_session(onnx_session(fp32, threads))))
    out = []
    for name, m in variants:
        times = []
        for _ in range(runs + 1):
            t = time.perf_counter()
            found = m.find_spans(text, len(text))
            m.technique_probs(text, [(s, e) for s, e, _ in found])
            times.append(time.perf_counter() - t)
        out.append((name, statistics.median(times[1:])))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--cold-runs", type=int, default=5)
    ap.add_argument("--detectors", default="baseline,transformer")
    ap.add_argument("--workers", default="0,1", help="predict --workers values to compare (0: the default, one process per core)")
    args = ap.parse_args()
    if not UNLABELED.is_dir():
        print(f"skipped: {UNLABELED} is absent (set SPINSCOPE_SHARED)")
        return 0
    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, python {platform.python_version()}; "
          f"load average {os.getloadavg()[0]:.1f} at start (other work on the machine slows every figure)")  # fmt: skip
    rows = []
    for det in args.detectors.split(","):
        cold = cold_start(det, args.cold_runs)
        for workers in (int(w) for w in args.workers.split(",")):
            rows.append((det, workers, throughput(det, workers, args.runs, cold), cold))
    print(f"\n{'detector':12s} {'workers':>8s} {'articles/s':>11s} {'(no start)':>11s} {'wall s':>8s} {'peak MB':>8s} {'cold start s':>13s}")
    for det, workers, tp, cold in rows:
        shown = f"{workers}" if workers else "auto"
        print(f"{det:12s} {shown:>8s} {tp['articles_per_s']:11.2f} {tp['articles_per_s_warm']:11.2f} {tp['wall_s']:8.1f} {tp['peak_rss_mb']:8.0f} {cold:13.2f}")
    print(f"\n(predict --task flc over {rows[0][2]['articles']} articles of {UNLABELED}, median of {args.runs}; peak MB = all processes; "
          f"cold start = process start to first byte of `spinscope analyze {DEMO.name}`, median of {args.cold_runs})")
    if "transformer" in args.detectors:
        res = torch_vs_ort(args.runs)
        print(f"\ndemo article ({len(DEMO.read_text(encoding='utf-8'))} chars), SI + TC, seconds (median of {args.runs}, after one warm-up):")
        if isinstance(res, str):
            print("  " + res)
        else:
            base = res[0][1]
            for name, sec in res:
                print(f"  {name:34s} {sec:7.3f}  ({base / sec:.2f}x torch)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

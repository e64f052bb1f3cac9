#!/usr/bin/env python
"""`spinscope corpus add` killed with SIGKILL at random moments, then finished (RELIABILITY.md §3).

Each round starts ``spinscope corpus add FOLDER --db DB --commit-every 3`` on the same folder of
--documents generated articles and kills it: one round in four after a random delay of 0 to
--early seconds (start-up, the migration, the first batch), the others once the store holds a
random number of analyses, plus 0 to 50 ms (analysis, or a commit in flight). A store found
complete is removed first, so that every round kills a run with work left. After every kill: ``PRAGMA integrity_check`` is
``ok``, the store holds whole batches only (analyses a multiple of 3, or all of them), every
analysis has its document and its spans, and no text is stored twice. A last run without a kill
must then add exactly what is missing and leave every document present once.

    .venv/bin/python benchmarks/corpus_kill.py --rounds 100 [--documents 300] [--early 3] [--seed 0]
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMMIT_EVERY = 3


def command(folder: Path, db: Path) -> list[str]:
    return [sys.executable, "-m", "spinscope", "corpus", "add", str(folder), "--db", str(db), "--detector", "baseline", "--workers", "1",
            "--commit-every", str(COMMIT_EVERY)]  # fmt: skip


def check(db: Path, documents: int) -> int:
    """The store's analyses after a kill, checked; raises AssertionError on any breach."""
    if not db.exists():
        return 0
    conn = sqlite3.connect(db)
    try:
        if conn.execute("PRAGMA user_version").fetchone()[0] < 3:
            return 0  # killed before the schema was created
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        analyses, distinct = conn.execute("SELECT count(*), count(DISTINCT document) FROM analyses").fetchone()
        assert analyses == distinct == conn.execute("SELECT count(*) FROM documents").fetchone()[0], "a text stored twice"
        assert analyses % COMMIT_EVERY == 0 or analyses == documents, f"{analyses} analyses: a batch cut in two"
        orphans = conn.execute("SELECT count(*) FROM analyses a WHERE NOT EXISTS (SELECT 1 FROM spans s WHERE s.analysis_id = a.id)").fetchone()[0]
        assert orphans == 0, "an analysis without its spans"
        return int(analyses)
    finally:
        conn.close()


def stored(db: Path) -> int:
    """How many analyses the store holds now, read while the run writes (0 until it can be read)."""
    if not db.exists():
        return 0  # connecting would create it
    try:
        conn = sqlite3.connect(db, timeout=0.1)
        try:
            return int(conn.execute("SELECT count(*) FROM analyses").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.Error:
        return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=100)
    parser.add_argument("--documents", type=int, default=300)
    parser.add_argument("--early", type=float, default=3.0)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with tempfile.TemporaryDirectory() as tmp:
        folder, db = Path(tmp) / "articles", Path(tmp) / "corpus.db"
        folder.mkdir()
        for n in range(args.documents):
            (folder / f"a{n:04d}.txt").write_text(f"Story {n}\n\nThe corrupt council betrayed us again, said mayor Smith in speech {n}. Only we can save the nation!\n")
        counts = []
        for round_ in range(args.rounds):
            if check(db, args.documents) == args.documents:
                db.unlink()
                for extra in ("-wal", "-shm"):
                    Path(f"{db}{extra}").unlink(missing_ok=True)
            process = subprocess.Popen(command(folder, db), cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if round_ % 4 == 0:
                time.sleep(rng.uniform(0, args.early))
            else:
                target = rng.randint(check(db, args.documents) + 1, args.documents - 1)
                while process.poll() is None and stored(db) < target:
                    time.sleep(0.01)
                time.sleep(rng.uniform(0, 0.05))
            process.send_signal(signal.SIGKILL)
            process.wait()
            counts.append(check(db, args.documents))
            print(f"round {round_ + 1}: killed, {counts[-1]} of {args.documents} stored, integrity ok", flush=True)
        final = subprocess.run(command(folder, db), cwd=ROOT, env=env, capture_output=True, text=True, check=False)
        assert final.returncode == 0, final.stderr
        assert check(db, args.documents) == args.documents
        print(final.stderr.strip().splitlines()[-1])
    mid = sum(0 < c < args.documents for c in counts)  # killed with work done and work left
    print(f"{args.rounds} kills ({mid} mid-ingest, {counts.count(0)} before the first commit): integrity ok, whole batches only, "
          f"no text twice, every analysis with its spans; the last run finished the rest")  # fmt: skip


if __name__ == "__main__":
    main()

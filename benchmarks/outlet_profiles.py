#!/usr/bin/env python
"""Outlets side by side on a corpus store: p50/p95 of what the outlets pages and ``corpus outlets``
compute (issue 12, points 6 and 9).

Give a store (``--db``, e.g. one kept by ``benchmarks/corpus_store.py --db``); without one, a
synthetic store of ``--documents`` replicas of the who-says-what test analysis (tests/who_fixture.py:
every group, 7 technique spans, 4 claims) is built in a temporary folder, one outlet of 12 each and
a date over 2015-2020, every tenth undated: said so in the output. Timed, over ``--repeats`` runs:
the rows of every outlet and of one, their profiles (intervals included), actor framing, monthly
trends, and the newest claims read as records (grouping them embeds every claim, which is timed once).

    .venv/bin/python benchmarks/outlet_profiles.py [--db PATH] [--documents 10000] [--repeats 5]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from spinscope.corpus.profiles import actor_framings, outlet_profiles, trends  # noqa: E402
from spinscope.corpus.claims import repeated_claims  # noqa: E402
from spinscope.store import Store  # noqa: E402


def synthetic(db: Path, documents: int) -> None:
    from tests.outlets_store import who

    rnd = random.Random(12)
    with Store(db) as store:
        batch: list[dict[str, Any]] = []
        for n in range(documents):
            day = None if n % 10 == 0 else f"{2015 + rnd.randrange(6)}-{1 + rnd.randrange(12):02d}-{1 + rnd.randrange(28):02d}"
            batch.append(who(f"Outlet {n % 12}", day, n + 1))
            if len(batch) == 500:
                store.add_many(batch)
                batch.clear()
        store.add_many(batch)


def timed(label: str, work: Callable[[], object], repeats: int) -> None:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    print(f"{label:<44} p50 {1000 * statistics.median(times):8.1f} ms   p95 {1000 * p95:8.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, default=None, help="a corpus store to read (default: a synthetic one, built and removed)")
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = args.db
        if db is None:
            db = Path(folder) / "synthetic.db"
            start = time.perf_counter()
            synthetic(db, args.documents)
            print(f"synthetic store: {args.documents:,} replicas of the who-says-what test analysis, 12 outlets, built in {time.perf_counter() - start:.1f} s")
        with Store(db) as store:
            rows = store.profile_rows()
            one = rows.documents[0].outlet if rows.documents else None
            print(f"{len(rows.documents):,} documents, {len({d.outlet for d in rows.documents})} outlets, {sum(t.spans for t in rows.techniques):,} technique spans")
            timed("rows, every outlet (no actors)", lambda: store.profile_rows(actors=False), args.repeats)
            timed("rows, every outlet (with actors)", lambda: store.profile_rows(), args.repeats)
            if one is not None:
                timed(f"rows + profile, one outlet ({one})", lambda: outlet_profiles(store.profile_rows((one,), actors=False)), args.repeats)
            timed("profiles, every outlet", lambda: outlet_profiles(rows), args.repeats)
            timed("actor framing, every outlet", lambda: actor_framings(rows), args.repeats)
            timed("trends per month, every outlet", lambda: trends(rows), args.repeats)
            timed("claim records (newest 2,000)", lambda: store.claim_records(limit=2_000), args.repeats)
            records, _ = store.claim_records(limit=2_000)
        start = time.perf_counter()
        groups = repeated_claims(records)
        print(f"grouping {len(records):,} claims ({len({r.text for r in records}):,} distinct wordings embedded, once): {time.perf_counter() - start:.1f} s, {len(groups)} groups")


if __name__ == "__main__":
    main()

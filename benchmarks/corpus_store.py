#!/usr/bin/env python
"""The corpus store at N documents: ingest rate, database size, query latency (issue 12, point 9).

No corpus of that size with outlets and dates is at hand, so the PTC articles (train and
unlabeled) are replicated: replica i is article i mod A with a line appended that names its
replica number, outlet and date (so every text, and its hash, differs), one of 12 outlets, and a
date spread over 2015-2020. Each distinct article is analysed once with the real pipeline
(``analyze_many``, default stages, the detector given); its replicas reuse that analysis with the
appended text and their own metadata (the spans stay valid: the text only grows at its end).
The store is written as ``spinscope corpus add`` writes it (``Store.add_many``, transactions of
--commit-every documents, one writer).

After each transaction the claims' vectors are kept, as ``corpus add`` does (``Store.claim_vectors``:
each distinct wording embedded once; replicas repeat their article's claims, so at 10,000
documents the distinct claims are those of the 461 articles).

Reported: analysis rate of the distinct articles, the writer's rate (and the claim vectors' time
apart), the file's size, and p50/p95 over --repeats runs of each query: full-text search of one
word, one outlet's newest 50, one outlet in one year, one technique, search within one outlet;
one outlet's profile, every outlet's profiles side by side, actor framing, one outlet's and every
outlet's monthly trends, one claim's timeline (a random stored claim), and the repeats among the
newest 2,000 claims (fewer runs: it compares each claim with every earlier one). Peak memory is
the process's maximum RSS (analysis included), read after writing and again after the queries.

    .venv/bin/python benchmarks/corpus_store.py --documents 1000 [--detector baseline] [--db PATH] [--analyses-cache FILE]
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
from collections.abc import Callable
import json
import os
import platform
import random
import resource
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from spinscope.corpus.add import claim_texts  # noqa: E402
from spinscope.corpus.claims import claim_groups  # noqa: E402
from spinscope.corpus.profiles import first_framings, outlet_profiles, trends  # noqa: E402
from spinscope.document import Analysis, Document  # noqa: E402
from spinscope.pipeline import AnalyzeOptions, SerialExecutor, analyze_many  # noqa: E402
from spinscope.store import CorpusQuery, Store  # noqa: E402
from spinscope.techniques.stage import TechniqueOptions  # noqa: E402
from tests.paths import PTC  # noqa: E402

OUTLETS = ("Daily Planet", "Gotham Gazette", "Metro Times", "Northern Star", "Capital Post", "River Herald",
           "Evening Standard", "Coast Observer", "Valley Voice", "Union Ledger", "Harbor Tribune", "Summit Courier")  # fmt: skip
WORDS = ("government", "police", "election", "president", "war", "vaccine", "media", "court", "muslim", "immigration", "obama", "border")
TECHNIQUES = ("Loaded_Language", "Name_Calling,Labeling", "Doubt", "Flag-Waving", "Appeal_to_fear-prejudice")


def analyse_articles(detector: str, cache: Path | None) -> tuple[list[Analysis], float]:
    """The analyses of the distinct PTC articles and the seconds they took; with ``cache``, read
    from that JSON Lines file when it exists (made by an earlier run with the same detector), else
    written to it."""
    from spinscope.ingest import read_inputs

    if cache is not None and cache.exists():
        lines = cache.read_text(encoding="utf-8").splitlines()
        return [Analysis.from_dict(json.loads(line)) for line in lines[1:]], float(json.loads(lines[0])["seconds"])

    folders = [str(PTC / "train" / "articles"), str(PTC / "unlabeled" / "articles")]
    docs = [d for d in read_inputs([f for f in folders if Path(f).is_dir()]) if isinstance(d, Document)]
    options = AnalyzeOptions(technique=TechniqueOptions(detector=detector))
    start = time.perf_counter()
    analyses = [a for a in analyze_many(docs, options, SerialExecutor()) if isinstance(a, Analysis)]
    seconds = time.perf_counter() - start
    if cache is not None:
        lines = [json.dumps({"seconds": seconds, "detector": detector})] + [json.dumps(a.to_dict(), ensure_ascii=False) for a in analyses]
        cache.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return analyses, seconds


def replica(base: Analysis, i: int) -> dict[str, object]:
    outlet = OUTLETS[i % len(OUTLETS)]
    published = date(2015, 1, 1) + timedelta(days=(i * 7919) % (6 * 365))
    text = base.document.text + f"\n\n[benchmark replica {i}: {outlet}, {published.isoformat()}]\n"
    doc = dataclasses.replace(base.document, id=f"replica-{i}", text=text, outlet=outlet, published=published.isoformat(), source=f"replica/{i}")
    return dataclasses.replace(base, document=doc).to_dict()


def percentiles(times: list[float]) -> str:
    ms = sorted(t * 1000 for t in times)
    p95 = ms[min(len(ms) - 1, int(round(0.95 * (len(ms) - 1))))]
    return f"p50 {statistics.median(ms):7.1f} ms   p95 {p95:7.1f} ms"


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(name: str, make: Callable[[], Callable[[], object]], repeats: int, note: Callable[[object], str] = lambda _r: "") -> None:
    """p50/p95 of ``repeats`` runs; ``make()`` draws each run's query (a random outlet or claim)."""
    times = []
    result: object = None
    for _ in range(repeats):
        run = make()
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
    print(f"{name:34s} {percentiles(times)}   ({note(result)}, {repeats} runs)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--documents", type=int, default=1000)
    parser.add_argument("--detector", default="baseline")
    parser.add_argument("--commit-every", type=int, default=50)
    parser.add_argument("--repeats", type=int, default=50)
    parser.add_argument("--analyses-cache", type=Path, default=None, help="a JSON Lines file of the distinct articles' analyses: read when it exists, else written")
    parser.add_argument("--db", type=Path, default=None, help="where to write the store (default: a temporary folder, removed)")
    args = parser.parse_args()
    if not (PTC / "train" / "articles").is_dir():
        sys.exit(f"PTC articles not found under {PTC}: set SPINSCOPE_SHARED")

    cached = args.analyses_cache is not None and args.analyses_cache.exists()
    bases, analysis_seconds = analyse_articles(args.detector, args.analyses_cache)
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"corpus: {args.documents:,} documents, replicas of {len(bases)} PTC articles (train + unlabeled) with varied outlets "
          f"({len(OUTLETS)}) and dates (2015-2020); each distinct article analysed once, its replicas reuse that analysis")  # fmt: skip
    print(f"analysis ({args.detector}, default stages, one process): {len(bases)} articles in {analysis_seconds:.1f} s = "
          f"{len(bases) / analysis_seconds:.2f} articles/s{' (measured when the cache was made; read from it now)' if cached else ''}")  # fmt: skip

    with tempfile.TemporaryDirectory() as tmp:
        path = args.db or Path(tmp) / "corpus.db"
        with Store(path) as store:
            start = time.perf_counter()
            written = 0
            vector_seconds = 0.0
            batch: list[dict[str, object]] = []
            for first in range(0, args.documents, args.commit_every):
                batch = [replica(bases[i % len(bases)], i) for i in range(first, min(args.documents, first + args.commit_every))]
                written += store.add_many(batch)
                began = time.perf_counter()
                store.claim_vectors(claim_texts(batch))
                vector_seconds += time.perf_counter() - began
            write_seconds = time.perf_counter() - start - vector_seconds
            store._writer.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            size = path.stat().st_size
            print(f"write: {written:,} analyses in {write_seconds:.1f} s = {written / write_seconds:,.0f} documents/s "
                  f"(transactions of {args.commit_every}, synchronous=FULL, serialising included)")  # fmt: skip
            (distinct,) = store._writer.execute("SELECT count(*) FROM claim_vectors").fetchone()
            print(f"claim vectors: {distinct:,} distinct claims embedded and kept in {vector_seconds:.1f} s, after each transaction as corpus add does")
            print(f"database: {size / 1e6:,.1f} MB = {size / written / 1000:,.1f} KB a document (text, analysis_json, spans, FTS indexes, profile tables)")
            print(f"peak memory after writing: {peak_mb():,.0f} MB")

            rng = random.Random(0)
            kinds = {
                "search one word": lambda: CorpusQuery(search=rng.choice(WORDS)),
                "outlet, newest 50": lambda: CorpusQuery(outlets=(rng.choice(OUTLETS),)),
                "outlet, one year": lambda: CorpusQuery(outlets=(rng.choice(OUTLETS),), since=date(y := rng.randint(2015, 2020), 1, 1), until=date(y, 12, 31)),
                "technique": lambda: CorpusQuery(techniques=(rng.choice(TECHNIQUES),)),
                "search within outlet": lambda: CorpusQuery(search=rng.choice(WORDS), outlets=(rng.choice(OUTLETS),)),
            }
            for name, make in kinds.items():
                times = []
                for _ in range(args.repeats):
                    query = make()
                    start = time.perf_counter()
                    result = store.query(query)
                    times.append(time.perf_counter() - start)
                print(f"query {name:28s} {percentiles(times)}   ({len(result.rows)} rows, truncated={result.truncated})")

            stored = bases[: args.documents]  # the articles with a replica in the store
            claims = [b.document.text[s.start : s.end] for b in stored for s in b.document.spans.get("claim", ())]
            # a server holds no analyses in memory: dropped, so that the garbage collector's passes
            # over them (hundreds of MB of objects) do not count in the queries' times
            del bases, stored, batch
            gc.collect()
            few = max(3, min(args.repeats, 10))

            def one_outlet() -> Callable[[], object]:
                chosen = (rng.choice(OUTLETS),)
                return lambda: outlet_profiles(store.profile_rows(chosen, actors=False))

            def one_outlet_trends() -> Callable[[], object]:
                chosen = (rng.choice(OUTLETS),)
                return lambda: trends(store.profile_rows(chosen, actors=False))

            def one_claim() -> Callable[[], object]:
                claim = rng.choice(claims)
                return lambda: claim_groups(store, (), claim)

            timed("outlet profile, one outlet", one_outlet, args.repeats, lambda r: f"{len(r)} outlet")  # type: ignore[arg-type]
            timed("outlets side by side, all", lambda: lambda: outlet_profiles(store.profile_rows(actors=False)), few, lambda r: f"{len(r)} outlets")  # type: ignore[arg-type]
            def page_actors() -> object:
                top, count = store.top_actors(limit=30)
                return first_framings(store.profile_rows(actors=False)._replace(actors=top), 30)[0], count

            timed("actor framing, the page's 30", lambda: page_actors, args.repeats, lambda r: f"{r[1]:,} actors")  # type: ignore[index]
            timed("trends by month, one outlet", one_outlet_trends, args.repeats, lambda r: f"{len(r.points):,} points")  # type: ignore[attr-defined]
            timed("trends by month, every outlet", lambda: lambda: trends(store.profile_rows(actors=False)), few, lambda r: f"{len(r.points):,} points")  # type: ignore[attr-defined]
            if claims:
                timed("claim timeline, one claim", one_claim, args.repeats, lambda r: f"{r.groups[0].documents if r.groups else 0} tellings, {r.compared} compared")  # type: ignore[attr-defined]
                timed("repeats among the newest 2,000", lambda: lambda: claim_groups(store, (), None), 3, lambda r: f"{len(r.groups):,} groups")  # type: ignore[attr-defined]
    print(f"peak memory (max RSS of this process{', analyses read from the cache' if cached else ', analysis included'}): {peak_mb():,.0f} MB")


if __name__ == "__main__":
    main()

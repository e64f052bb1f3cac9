#!/usr/bin/env python
"""Load run of the web app: POST /api/analyze with the example article at 1, 4 and 16 clients.

Starts `spinscope serve` as a subprocess on 127.0.0.1 (a free port, a temp database), then drives
it from this process with one thread and one keep-alive connection per client, closed loop: each
client sends its next request when the last one is answered. Every answer is checked (200, the
exact text back, spans present, every span's offsets slice to its text); a wrong answer counts as
an error. A separate thread polls /api/health every 50 ms during each level, to show the event
loop stays free while the analysis pool is busy. A burst of requests far past the pool's capacity
comes last: the excess must be refused with a fast 503 while the rest are answered correctly. The
burst runs twice, from an httpx asyncio client (what a real client sees) and from raw sockets with
the bytes built in advance (the server's share); the difference is the client's own cost.

Closed loop measures throughput and service latency, not latency at a fixed arrival rate
(coordinated omission; RELIABILITY.md §5 asks for an open-loop run for published figures).

    .venv/bin/python benchmarks/web_load.py [--seconds 15] [--clients 1,4,16]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = Path(os.environ.get("SPINSCOPE_SHARED", ROOT.parent / "shared")) / "examples" / "aleppo-2016-12.txt"
DEMO = ROOT / "examples" / "demo-article.txt"


@dataclass
class Level:
    clients: int
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    health: list[float] = field(default_factory=list)
    seconds: float = 0.0


def check(response: httpx.Response, text: str) -> str | None:
    """None when the answer is right, else what is wrong with it."""
    if response.status_code != 200:
        return f"status {response.status_code}: {response.text[:200]}"
    analysis = response.json()["analysis"]
    if analysis["document"]["text"] != text:
        return "the text came back changed"
    spans = analysis["spans"].get("technique", [])
    if not spans:
        return "no technique spans"
    for span in spans:
        if text[span["start"] : span["end"]] != span["text"]:
            return f"span {span['start']}-{span['end']} does not slice to its text"
    return None


def client_loop(url: str, text: str, stop: float, level: Level, lock: threading.Lock) -> None:
    with httpx.Client(base_url=url, timeout=120) as client:
        while time.monotonic() < stop:
            started = time.perf_counter()
            try:
                response = client.post("/api/analyze", json={"text": text, "title": "load"})
                problem = check(response, text)
            except httpx.HTTPError as exc:
                problem = f"{type(exc).__name__}: {exc}"
            elapsed = time.perf_counter() - started
            with lock:
                if problem:
                    level.errors.append(problem)
                else:
                    level.latencies.append(elapsed)


def health_loop(url: str, stop: float, level: Level) -> None:
    with httpx.Client(base_url=url, timeout=10) as client:
        while time.monotonic() < stop:
            started = time.perf_counter()
            if client.get("/api/health").status_code == 200:
                level.health.append(time.perf_counter() - started)
            time.sleep(0.05)


def run_level(url: str, text: str, clients: int, seconds: float) -> Level:
    level = Level(clients)
    lock = threading.Lock()
    stop = time.monotonic() + seconds
    threads = [threading.Thread(target=client_loop, args=(url, text, stop, level, lock)) for _ in range(clients)]
    threads.append(threading.Thread(target=health_loop, args=(url, stop, level)))
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    level.seconds = time.monotonic() - started  # includes the last requests finishing after `stop`
    return level


@dataclass
class Burst:
    size: int
    ok: list[float] = field(default_factory=list)
    refused: list[float] = field(default_factory=list)
    other: list[str] = field(default_factory=list)
    health: list[float] = field(default_factory=list)  # /api/health during an httpx burst
    connect: list[float] = field(default_factory=list)  # connection set-up in a raw burst


def run_burst(url: str, text: str, size: int) -> Burst:
    """`size` requests at once, far past the pool's capacity: the excess must get a fast 503.

    One asyncio client with `size` connections, so the client's own threads do not slow the burst.
    """
    burst = Burst(size)

    async def one(client: httpx.AsyncClient) -> None:
        started = time.perf_counter()
        try:
            response = await client.post("/api/analyze", json={"text": text})
            if response.status_code == 503:
                burst.refused.append(time.perf_counter() - started)
            elif (problem := check(response, text)) is None:
                burst.ok.append(time.perf_counter() - started)
            else:
                burst.other.append(problem)
        except httpx.HTTPError as exc:
            burst.other.append(f"{type(exc).__name__}: {exc}")

    async def health() -> None:
        async with httpx.AsyncClient(base_url=url, timeout=10) as client:
            for _ in range(40):
                started = time.perf_counter()
                if (await client.get("/api/health")).status_code == 200:
                    burst.health.append(time.perf_counter() - started)
                await asyncio.sleep(0.05)

    async def main() -> None:
        limits = httpx.Limits(max_connections=size, max_keepalive_connections=size)
        async with httpx.AsyncClient(base_url=url, timeout=120, limits=limits) as client:
            await asyncio.gather(health(), *(one(client) for _ in range(size)))

    asyncio.run(main())
    return burst


def run_raw_burst(url: str, text: str, size: int) -> Burst:
    """The same burst from raw sockets: each request's bytes built before the clock starts and
    its answer read by Content-Length, so the times are the server's and the network's, with no
    client library in them. Set beside `run_burst`, the difference is what the client costs."""
    host, port = url.removeprefix("http://").split(":")
    body = json.dumps({"text": text}).encode()
    payload = (f"POST /api/analyze HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/json\r\n"
               f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode() + body  # fmt: skip
    burst = Burst(size)

    async def one() -> None:
        started = time.perf_counter()
        try:
            reader, writer = await asyncio.open_connection(host, int(port))
            burst.connect.append(time.perf_counter() - started)
            writer.write(payload)
            await writer.drain()
            head = await reader.readuntil(b"\r\n\r\n")
            length = re.search(rb"(?i)content-length: *(\d+)", head)
            await reader.readexactly(int(length.group(1)) if length else 0)
            elapsed = time.perf_counter() - started
            writer.close()
            status = int(head.split(b" ", 2)[1])
            if status == 503:
                burst.refused.append(elapsed)
            elif status == 200:
                burst.ok.append(elapsed)
            else:
                burst.other.append(f"status {status}")
        except (OSError, asyncio.IncompleteReadError) as exc:
            burst.other.append(f"{type(exc).__name__}: {exc}")

    async def main() -> None:
        await asyncio.gather(*(one() for _ in range(size)))

    asyncio.run(main())
    return burst


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def wait_idle(url: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while httpx.get(f"{url}/api/health").json()["in_flight"] and time.monotonic() < deadline:
        time.sleep(0.1)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def start_server(db: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen([sys.executable, "-m", "spinscope", "serve", "--port", str(port), "--db", str(db)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"spinscope serve exited with {proc.returncode}: {proc.stderr.read().decode() if proc.stderr else ''}")
        try:
            if httpx.get(f"{url}/api/health", timeout=1).status_code == 200:
                return proc, url
        except httpx.TransportError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("spinscope serve did not answer within 120 s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=float, default=15.0, help="duration of each level")
    ap.add_argument("--clients", default="1,4,16", help="comma-separated concurrency levels")
    ap.add_argument("--burst", type=int, default=200, help="then this many requests at once (0: skip)")
    ap.add_argument("--text", type=Path, default=EXAMPLE if EXAMPLE.is_file() else DEMO)
    args = ap.parse_args()
    text = args.text.read_text(encoding="utf-8")
    levels = [int(c) for c in args.clients.split(",")]

    with tempfile.TemporaryDirectory() as tmp:
        proc, url = start_server(Path(tmp) / "load.db")
        try:
            for _ in range(3):  # warm-up: model loaded, caches filled
                problem = check(httpx.post(f"{url}/api/analyze", json={"text": text}, timeout=120), text)
                if problem:
                    raise SystemExit(f"warm-up answer is wrong: {problem}")
            workers = httpx.get(f"{url}/api/health").json()
            results = [run_level(url, text, c, args.seconds) for c in levels]
            burst = run_burst(url, text, args.burst) if args.burst else None
            wait_idle(url)  # the burst's admitted analyses finish first
            raw = run_raw_burst(url, text, args.burst) if args.burst else None
        finally:
            proc.send_signal(2)
            proc.wait(30)

    print(f"spinscope web load: POST /api/analyze, {args.text.name} ({len(text):,} chars), {args.seconds:g} s per level, closed loop")
    print(f"server: {workers['workers']} analysis workers, capacity {workers['capacity']}; "
          f"machine: {os.cpu_count()} CPUs, {platform.processor() or platform.machine()}, Python {platform.python_version()}, {platform.system()} {platform.release()}")
    print()
    header = f"{'clients':>7} {'requests':>8} {'errors':>6} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'health p99 ms':>13}"
    print(header)
    print("-" * len(header))
    failed = False
    for level in results:
        lat = [x * 1000 for x in level.latencies]
        health = [x * 1000 for x in level.health]
        print(f"{level.clients:>7} {len(lat):>8} {len(level.errors):>6} {len(lat) / level.seconds:>7.2f} "
              f"{percentile(lat, 50):>8.1f} {percentile(lat, 95):>8.1f} {percentile(lat, 99):>8.1f} {percentile(health, 99):>13.1f}")
        failed = failed or bool(level.errors)
    if burst is not None:
        ok = [x * 1000 for x in burst.ok]
        refused = [x * 1000 for x in burst.refused]
        print()
        print(f"burst of {burst.size} at once: {len(ok)} answered 200 (p95 {percentile(ok, 95):.0f} ms), "
              f"{len(refused)} refused 503 (p50 {percentile(refused, 50):.0f} ms, p95 {percentile(refused, 95):.0f} ms), "
              f"{len(burst.other)} other; health p99 {percentile([x * 1000 for x in burst.health], 99):.1f} ms")
        failed = failed or bool(burst.other)
        for problem in sorted(set(burst.other))[:5]:
            print(f"  burst: {problem}")
    if raw is not None:
        ms = [[x * 1000 for x in values] for values in (raw.ok, raw.refused, raw.connect)]
        print(f"same burst, raw sockets: {len(ms[0])} answered 200, {len(ms[1])} refused 503 (p50 {percentile(ms[1], 50):.0f} ms, "
              f"p95 {percentile(ms[1], 95):.0f} ms), {len(raw.other)} other; connect p50 {percentile(ms[2], 50):.0f} ms")
        print("  (the httpx line is what a real client sees; the raw line is the server's share, the difference the client's)")
    for level in results:
        for problem in sorted(set(level.errors))[:5]:
            print(f"  {level.clients} clients: {problem}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()

"""The real web server for the web tests: uvicorn on 127.0.0.1, a free port, a temp database.

`serve_in_thread` runs `create_app` on uvicorn in a background thread (as httpx's own tests do),
so a test can pick the limits it needs; tests/test_web_server.py runs `spinscope serve` itself
as a subprocess. `SlowPages` is a local page server whose answers take as long as a test says,
for the overload and deadline tests. Imported by tests/test_web_*.py.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import uvicorn
from fastapi import FastAPI

from spinscope.web import WebOptions, create_app
from spinscope.web.connections import server_settings
from tests.paths import DEMO, EXAMPLE


def example_text() -> str:
    """The shared example article, or the bundled demo where the shared folder is absent."""
    return (EXAMPLE if EXAMPLE.is_file() else DEMO).read_text(encoding="utf-8")


@dataclass(frozen=True, slots=True)
class RunningServer:
    url: str
    app: FastAPI
    db: Path


def free_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


@contextmanager
def serve_in_thread(db: Path, **kwargs: Any) -> Iterator[RunningServer]:
    """`create_app(db, **kwargs)` served until the block ends; the lifespan runs, so the store closes."""
    app = create_app(db, **kwargs)
    sock = free_socket()
    port = sock.getsockname()[1]
    options = kwargs.get("options", WebOptions())
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on", timeout_graceful_shutdown=2, **server_settings(options)))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="uvicorn-test", daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.01)
    try:
        yield RunningServer(url=f"http://127.0.0.1:{port}", app=app, db=db)
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


class SlowPages:
    """Serves an HTML article at /slow/<seconds> after waiting that long."""

    def __init__(self, body: str) -> None:
        page = f"<html><head><title>Slow page</title></head><body><article><p>{body}</p></article></body></html>".encode()

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                seconds = float(self.path.rsplit("/", 1)[-1]) if self.path.startswith("/slow/") else 0.0
                time.sleep(seconds)
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(page)))
                self.end_headers()
                self.wfile.write(page)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = int(self.httpd.server_address[1])

    def url(self, seconds: float) -> str:
        return f"http://127.0.0.1:{self.port}/slow/{seconds}"


@contextmanager
def slow_pages(body: str) -> Iterator[SlowPages]:
    pages = SlowPages(body)
    thread = threading.Thread(target=pages.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield pages
    finally:
        pages.httpd.shutdown()
        pages.httpd.server_close()
        thread.join(5)

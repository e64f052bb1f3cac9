"""Slow and numerous clients against the real server: header and body deadlines, a connection cap."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import httpx

from spinscope.web import WebOptions
from tests.web_server import serve_in_thread


def _connect(url: str) -> socket.socket:
    host, port = url.removeprefix("http://").split(":")
    return socket.create_connection((host, int(port)), timeout=5)


def _closed_within(sock: socket.socket, seconds: float) -> bool:
    """True when the server closes ``sock`` (recv gives b"" or a reset) within ``seconds``."""
    sock.settimeout(seconds)
    try:
        while sock.recv(4096):
            pass
        return True
    except ConnectionResetError:
        return True
    except TimeoutError:
        return False


def test_web_connections_a_stalled_header_is_closed_at_the_deadline(tmp_path: Path) -> None:
    options = WebOptions(header_timeout=0.5)
    with serve_in_thread(tmp_path / "db.sqlite", options=options) as server:
        stalled = [_connect(server.url) for _ in range(20)]
        for sock in stalled:
            sock.sendall(b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        started = time.monotonic()
        assert all(_closed_within(sock, 5) for sock in stalled)
        assert time.monotonic() - started < 4
        assert httpx.get(f"{server.url}/api/health").status_code == 200, "the server still answers"
        for sock in stalled:
            sock.close()


def test_web_connections_a_trickled_body_is_closed_at_the_deadline(tmp_path: Path) -> None:
    options = WebOptions(header_timeout=5, body_timeout=0.5)
    with serve_in_thread(tmp_path / "db.sqlite", options=options) as server:
        sock = _connect(server.url)
        sock.sendall(b"POST /api/analyze HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"text\": \"")
        assert _closed_within(sock, 5)
        sock.close()


def test_web_connections_a_prompt_client_on_a_kept_alive_connection_is_untouched(tmp_path: Path) -> None:
    options = WebOptions(header_timeout=0.3)
    with serve_in_thread(tmp_path / "db.sqlite", options=options) as server, httpx.Client(base_url=server.url) as client:
        for _ in range(3):
            assert client.get("/api/health").status_code == 200
            time.sleep(0.5)  # longer than the header deadline, shorter than uvicorn's keep-alive


def test_web_connections_past_the_cap_are_closed_at_once(tmp_path: Path) -> None:
    options = WebOptions(max_connections=5, header_timeout=30)
    with serve_in_thread(tmp_path / "db.sqlite", options=options) as server:
        held = [_connect(server.url) for _ in range(5)]
        time.sleep(0.2)
        extra = _connect(server.url)
        assert _closed_within(extra, 3), "the sixth connection is closed"
        for sock in held:
            sock.close()
        extra.close()
        time.sleep(0.2)
        assert httpx.get(f"{server.url}/api/health").status_code == 200, "room again once the held ones close"

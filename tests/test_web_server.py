"""`spinscope serve` as a user runs it: a subprocess on a free port, then a clean shutdown."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.web_server import free_socket


def _spinscope(*args: str) -> list[str]:
    return [sys.executable, "-m", "spinscope", *args]


def _free_port() -> int:
    sock = free_socket()
    port: int = sock.getsockname()[1]
    sock.close()
    return port


@pytest.mark.parametrize("allow_private", [False, True])
def test_web_serve_command_starts_answers_and_stops(tmp_path: Path, allow_private: bool) -> None:
    port = _free_port()
    db = tmp_path / "served.db"
    args = ["serve", "--port", str(port), "--db", str(db)] + (["--allow-private"] if allow_private else [])
    proc = subprocess.Popen(_spinscope(*args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, "NO_COLOR": "1"})
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/api/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "spinscope serve did not answer within 60 s"
            time.sleep(0.1)
        assert httpx.get(f"{url}/api/health", headers={"Host": "attacker.example"}).status_code == 400
        answer = httpx.post(f"{url}/api/analyze", json={"url": f"{url}/api/health"}, timeout=30)
        assert answer.status_code == (502 if allow_private else 400), answer.text  # private: fetched, but JSON is not a page
        assert db.is_file()
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err
    assert "Traceback" not in err


def test_web_serve_garbage_database_exit_code(tmp_path: Path) -> None:
    db = tmp_path / "garbage.db"
    db.write_bytes(b"definitely not sqlite\n" * 100)
    result = subprocess.run(_spinscope("serve", "--port", str(_free_port()), "--db", str(db)), capture_output=True, text=True, timeout=60)
    assert result.returncode == 6, result.stderr
    assert "garbage.db" in result.stderr and "Traceback" not in result.stderr
    assert db.read_bytes() == b"definitely not sqlite\n" * 100


def test_web_serve_help_lists_its_options() -> None:
    result = subprocess.run(_spinscope("serve", "--help"), capture_output=True, text=True, timeout=60, env={**os.environ, "NO_COLOR": "1", "COLUMNS": "200"})
    assert result.returncode == 0
    for option in ("--host", "--port", "--db", "--allow-private"):
        assert option in result.stdout

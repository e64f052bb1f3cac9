"""fetch.py against a real server on 127.0.0.1: SSRF refusals, redirects, limits and deadlines.

The test server is itself a private address, so tests that must reach it exempt 127.0.0.1 with
`allowed_hosts`; every refusal test leaves the exemption out and checks the server saw nothing.
"""

from __future__ import annotations

import gzip
import ipaddress
import shutil
import socket
import ssl
import subprocess
import threading
import time
import tracemalloc
import zlib
from collections.abc import Iterable, Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from spinscope.errors import (
    BlockedURLError,
    ContentTypeError,
    FetchError,
    FetchTimeoutError,
    InputTooLargeError,
    TooManyRedirectsError,
)
from spinscope.ingest.fetch import check_addresses, fetch_url, is_forbidden_address
from spinscope.settings import IngestOptions
from tests.http_server import LocalServer, _running_server, closed_port, http_server  # noqa: F401  (fixtures)

LOCAL = frozenset({"127.0.0.1"})
LOCAL_NAMES = frozenset({"127.0.0.1", "::1"})  # what "localhost" may resolve to
OPTIONS = IngestOptions(fetch_timeout=5.0)
PAGE = b"<html><body><article><p>The army entered the city on Tuesday.</p></article></body></html>"


def test_fetch_reads_a_page(http_server: LocalServer) -> None:
    url = http_server.serve("/a", PAGE, content_type="text/html; charset=ISO-8859-1")
    page = fetch_url(url, OPTIONS, allowed_hosts=LOCAL)
    assert (page.url, page.content_type, page.charset, page.body) == (url, "text/html", "iso-8859-1", PAGE)
    path, headers = http_server.requests[0]
    assert path == "/a"
    assert headers["Host"] == f"127.0.0.1:{http_server.port}"
    assert headers["User-Agent"].startswith("spinscope/")


def _localhost_first_ipv4() -> None:
    if socket.getaddrinfo("localhost", 80, type=socket.SOCK_STREAM)[0][4][0] != "127.0.0.1":
        pytest.skip("localhost does not resolve to 127.0.0.1 first here")


def test_fetch_keeps_the_host_name_when_connecting_to_the_checked_address(http_server: LocalServer) -> None:
    _localhost_first_ipv4()
    url = http_server.serve("/a", PAGE).replace("127.0.0.1", "localhost")
    page = fetch_url(url, OPTIONS, allowed_hosts=LOCAL_NAMES)
    assert page.body == PAGE
    assert http_server.requests[0][1]["Host"] == f"localhost:{http_server.port}"


def test_fetch_https_sends_the_name_as_sni_and_verifies_the_certificate_for_it(tmp_path: Path) -> None:
    _localhost_first_ipv4()
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a test certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj", "/CN=localhost", "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    names: list[str | None] = []
    context.sni_callback = lambda _sock, name, _ctx: names.append(name)  # type: ignore[assignment,misc]

    with socket.create_server(("127.0.0.1", 0)) as listener:

        def handshake() -> None:
            conn, _ = listener.accept()
            with conn:
                try:
                    context.wrap_socket(conn, server_side=True).close()
                except OSError:  # the client rejects the self-signed certificate
                    pass

        thread = threading.Thread(target=handshake, daemon=True)
        thread.start()
        # Connected to the checked 127.0.0.1, yet TLS still names and verifies "localhost".
        with pytest.raises(FetchError, match="CERTIFICATE_VERIFY_FAILED"):
            fetch_url(f"https://localhost:{listener.getsockname()[1]}/", OPTIONS, allowed_hosts=LOCAL_NAMES)
        thread.join(timeout=5)
    assert names == ["localhost"]


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1",
        "localhost",
        "127.1",
        "0",
        "2130706433",
        "0x7f000001",
        "0177.0.0.1",
        "0x7f.0.0.1",
        "[::1]",
        "[::ffff:127.0.0.1]",
        "[::ffff:7f00:1]",
    ],
)
def test_fetch_refuses_loopback_in_any_spelling_before_connecting(http_server: LocalServer, host: str) -> None:
    http_server.serve("/", PAGE)
    with pytest.raises(BlockedURLError, match="refused"):
        fetch_url(f"http://{host}:{http_server.port}/", OPTIONS)
    assert http_server.requests == []


@pytest.mark.parametrize(
    "url",
    [
        "http://012.0.0.1/",
        "http://127.0.0.1:6379/",
        "http://169.254.169.254/latest/meta-data/",
        "http://100.100.100.200/",
        "http://10.0.0.1/",
        "http://172.16.5.4/",
        "http://192.168.1.1/",
        "http://224.0.0.1/",
        "http://[::ffff:169.254.169.254]/",
        "http://[2002:c0a8:ffff::]/",
        "http://[64:ff9b::192.168.2.1]/",
        "http://[2001:0:4136:e378:8000:63bf:3f57:fdf2]/",
        "http://[fe80::1]/",
        "http://[fc00::1]/",
        "file:///etc/passwd",
        "gopher://127.0.0.1:6379/_INFO",
        "data:text/html,<p>hi</p>",
        "ftp://example.com/file.txt",
        "http://a@127.0.0.1@example.com/",
        "https://user:secret@example.com/",
        "http:///no-host",
    ],
)
def test_fetch_refuses_forbidden_urls(url: str) -> None:
    with pytest.raises(BlockedURLError):
        fetch_url(url, IngestOptions(fetch_timeout=1.0))


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "0.0.0.0",
        "10.0.0.1",
        "172.31.255.255",
        "192.168.0.1",
        "169.254.169.254",
        "100.100.100.200",
        "224.0.0.1",
        "255.255.255.255",
        "240.0.0.1",
        "::1",
        "::",
        "::ffff:127.0.0.1",
        "::ffff:7f00:1",
        "::ffff:169.254.169.254",
        "2002:c0a8:ffff::",
        "2002:7f00:1::",
        "64:ff9b::192.168.2.1",
        "64:ff9b::7f00:1",
        "2001:0:4136:e378:8000:63bf:3f57:fdf2",
        "fe80::1",
        "fc00::1",
        "ff02::1",
    ],
)
def test_fetch_forbidden_addresses(address: str) -> None:
    assert is_forbidden_address(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["8.8.8.8", "1.1.1.1", "93.184.215.14", "2606:4700:4700::1111", "2002:808:808::"])
def test_fetch_public_addresses_are_allowed(address: str) -> None:
    assert not is_forbidden_address(ipaddress.ip_address(address))


@pytest.mark.parametrize(
    "answers",
    [["93.184.215.14", "127.0.0.1"], ["127.0.0.1", "93.184.215.14"], ["2606:4700:4700::1111", "::1"]],
)
def test_fetch_mixed_dns_answers_are_refused(answers: list[str]) -> None:
    with pytest.raises(BlockedURLError):
        check_addresses("rebind.example", [ipaddress.ip_address(a) for a in answers], allow_private=False, exempt=frozenset())


@pytest.mark.parametrize(
    ("host", "answer", "message"),
    [
        ("intranet.corp.example", "10.20.30.40", "refused intranet.corp.example: it resolves to an address that is not a public address"),
        ("10.20.30.40", "10.20.30.40", "refused 10.20.30.40: it resolves to 10.20.30.40, which is not a public address"),
        ("0x7f000001", "127.0.0.1", "refused 0x7f000001: it resolves to 127.0.0.1, which is not a public address"),
        ("fc00::1", "fc00::1", "refused fc00::1: it resolves to fc00::1, which is not a public address"),
    ],
)
def test_fetch_refusal_names_the_address_only_when_the_url_gave_it(host: str, answer: str, message: str) -> None:
    with pytest.raises(BlockedURLError) as refused:
        check_addresses(host, [ipaddress.ip_address(answer)], allow_private=False, exempt=frozenset())
    assert str(refused.value) == f"{message} (--allow-private permits it)"


@pytest.mark.parametrize("host", ["localhost", "localhost.", "LocalHost.", "api.localhost", "api.localhost."])
def test_fetch_refuses_localhost_names_without_a_lookup(monkeypatch: pytest.MonkeyPatch, host: str) -> None:
    lookups: list[object] = []
    monkeypatch.setattr(socket, "getaddrinfo", lambda *args, **kwargs: lookups.append(args))
    with pytest.raises(BlockedURLError, match=f"refused {host.lower()}: it resolves to an address that is not a public address"):
        fetch_url(f"http://{host}/", OPTIONS)
    assert lookups == []


def test_fetch_localhost_dot_is_loopback_when_private_addresses_are_allowed(http_server: LocalServer) -> None:
    url = http_server.serve("/a", PAGE).replace("127.0.0.1", "localhost.")
    assert fetch_url(url, IngestOptions(fetch_timeout=5.0, allow_private=True)).body == PAGE
    assert http_server.requests[0][1]["Host"] == f"localhost.:{http_server.port}"


@pytest.mark.parametrize(
    ("answers", "allow_private", "exempt", "chosen"),
    [
        (["93.184.215.14", "1.1.1.1"], False, [], "93.184.215.14"),
        (["127.0.0.1"], True, [], "127.0.0.1"),
        (["10.1.2.3"], False, ["10.1.2.3"], "10.1.2.3"),
    ],
)
def test_fetch_checked_address_is_the_one_connected_to(answers: list[str], allow_private: bool, exempt: list[str], chosen: str) -> None:
    ips = [ipaddress.ip_address(a) for a in answers]
    allowed = frozenset(ipaddress.ip_address(a) for a in exempt)
    assert check_addresses("host", ips, allow_private=allow_private, exempt=allowed) == ipaddress.ip_address(chosen)


def test_fetch_follows_relative_redirects(http_server: LocalServer) -> None:
    http_server.serve("/final", PAGE)
    http_server.redirect("/two", "/final", status=301)
    url = http_server.redirect("/one", http_server.url("/two"), status=307)
    page = fetch_url(url, OPTIONS, allowed_hosts=LOCAL)
    assert page.url == http_server.url("/final")
    assert [path for path, _ in http_server.requests] == ["/one", "/two", "/final"]


@pytest.mark.parametrize(
    "target",
    [
        "http://10.0.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]:{port}/final",
        "http://[::ffff:127.0.0.1]:{port}/final",
        "file:///etc/passwd",
    ],
)
@pytest.mark.parametrize("hop", [1, 3])
def test_fetch_refuses_a_redirect_to_a_forbidden_address(http_server: LocalServer, target: str, hop: int) -> None:
    http_server.serve("/final", PAGE)
    http_server.redirect(f"/r{hop}", target.format(port=http_server.port))
    for n in range(hop - 1, 0, -1):
        http_server.redirect(f"/r{n}", f"/r{n + 1}")
    with pytest.raises(BlockedURLError):
        fetch_url(http_server.url("/r1"), OPTIONS, allowed_hosts=LOCAL)
    assert [path for path, _ in http_server.requests] == [f"/r{n}" for n in range(1, hop + 1)]


@pytest.mark.parametrize(("hops", "ok"), [(2, True), (3, False)])
def test_fetch_redirect_cap(http_server: LocalServer, hops: int, ok: bool) -> None:
    http_server.serve("/r0", PAGE)
    for n in range(1, hops + 1):
        http_server.redirect(f"/r{n}", f"/r{n - 1}")
    options = IngestOptions(max_redirects=2, fetch_timeout=5.0)
    if ok:
        assert fetch_url(http_server.url(f"/r{hops}"), options, allowed_hosts=LOCAL).body == PAGE
    else:
        with pytest.raises(TooManyRedirectsError, match="more than 2 times"):
            fetch_url(http_server.url(f"/r{hops}"), options, allowed_hosts=LOCAL)


def _trickle(request: BaseHTTPRequestHandler) -> None:
    request.send_response(200)
    request.send_header("Content-Type", "text/html")
    request.end_headers()
    try:
        for _ in range(20):
            request.wfile.write(b"x")
            request.wfile.flush()
            time.sleep(0.2)
    except OSError:
        pass


def _stall(request: BaseHTTPRequestHandler) -> None:
    request.send_response(200)
    request.send_header("Content-Type", "text/html")
    request.end_headers()
    request.wfile.flush()
    time.sleep(2)


def _slow_redirect(request: BaseHTTPRequestHandler) -> None:
    time.sleep(0.3)
    request.send_response(302)
    request.send_header("Location", "/slow")
    request.end_headers()


@pytest.mark.parametrize(("handler", "name"), [(_trickle, "trickle"), (_stall, "stall"), (_slow_redirect, "slow-redirects")])
def test_fetch_total_deadline(http_server: LocalServer, handler: object, name: str) -> None:
    url = http_server.handle("/slow", handler)  # type: ignore[arg-type]
    options = IngestOptions(fetch_timeout=0.5, max_redirects=50)
    started = time.monotonic()
    with pytest.raises(FetchTimeoutError, match=r"within 0.5 seconds \(raise the limit with --timeout\)"):
        fetch_url(url, options, allowed_hosts=LOCAL)
    assert time.monotonic() - started < 1.0


@pytest.mark.parametrize("content_type", ["application/pdf", "image/png", "application/json", ""])
def test_fetch_refuses_other_content_types(http_server: LocalServer, content_type: str) -> None:
    url = http_server.serve("/doc", b"%PDF-1.7", content_type=content_type)
    with pytest.raises(ContentTypeError, match=content_type or "no content type"):
        fetch_url(url, OPTIONS, allowed_hosts=LOCAL)


@pytest.mark.parametrize("content_type", ["text/html", "text/html; charset=utf-8", "application/xhtml+xml", "TEXT/PLAIN"])
def test_fetch_accepts_page_content_types(http_server: LocalServer, content_type: str) -> None:
    url = http_server.serve("/doc", PAGE, content_type=content_type)
    assert fetch_url(url, OPTIONS, allowed_hosts=LOCAL).body == PAGE


def _unsized(request: BaseHTTPRequestHandler) -> None:
    request.send_response(200)
    request.send_header("Content-Type", "text/plain")
    request.end_headers()
    try:
        request.wfile.write(b"a" * 300_000)
    except OSError:
        pass


@pytest.mark.parametrize("kind", ["content-length", "no-length", "gzip-bomb"])
def test_fetch_refuses_a_body_over_the_limit(http_server: LocalServer, kind: str) -> None:
    if kind == "content-length":
        url = http_server.serve("/big", b"a" * 200_000, content_type="text/plain")
        message = r"is 200,000 bytes, over the limit of 100,000 bytes \(max_bytes: --max-bytes on the command line, spinscope serve --max-bytes for the web app\)"
    elif kind == "no-length":
        url = http_server.handle("/big", _unsized)
        message = r"is over the limit of 100,000 bytes"
    else:
        bomb = gzip.compress(b"a" * 20_000_000)
        url = http_server.serve("/big", bomb, headers={"Content-Encoding": "gzip"})
        message = r"is over the limit of 100,000 bytes"
    with pytest.raises(InputTooLargeError, match=message):
        fetch_url(url, IngestOptions(max_bytes=100_000, fetch_timeout=5.0), allowed_hosts=LOCAL)


def _compressed(chunks: Iterable[bytes], wbits: int) -> Iterator[bytes]:
    compressor = zlib.compressobj(9, zlib.DEFLATED, wbits)
    for chunk in chunks:
        yield compressor.compress(chunk)
    yield compressor.flush()


GZIP = 16 + zlib.MAX_WBITS


@pytest.mark.parametrize(
    ("encoding", "wbits"),
    [("gzip, gzip", [GZIP, GZIP]), ("deflate, gzip", [zlib.MAX_WBITS, GZIP]), ("gzip, deflate, gzip", [GZIP, -zlib.MAX_WBITS, GZIP])],
)
def test_fetch_stacked_encoding_bomb_is_refused_in_bounded_memory(http_server: LocalServer, encoding: str, wbits: list[int]) -> None:
    chunks: Iterable[bytes] = (bytes(1 << 20) for _ in range(200))  # 200 MB of zeros, never held
    for bits in wbits:
        chunks = _compressed(chunks, bits)
    bomb = b"".join(chunks)
    assert len(bomb) < 10_000
    url = http_server.serve("/bomb", bomb, headers={"Content-Encoding": encoding})
    tracemalloc.start()
    try:
        with pytest.raises(InputTooLargeError, match="over the limit of 100,000 bytes"):
            fetch_url(url, IngestOptions(max_bytes=100_000, fetch_timeout=5.0), allowed_hosts=LOCAL)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 5_000_000


@pytest.mark.parametrize("encoding", ["gzip", "x-gzip", "deflate", "deflate-raw", "gzip, identity", "deflate, gzip"])
def test_fetch_decodes_each_content_encoding(http_server: LocalServer, encoding: str) -> None:
    wbits = {"gzip": GZIP, "x-gzip": GZIP, "deflate": zlib.MAX_WBITS, "deflate-raw": -zlib.MAX_WBITS, "identity": None}
    body = PAGE
    layers = [name.strip() for name in encoding.split(",")]
    for name in layers:
        bits = wbits[name]
        body = body if bits is None else b"".join(_compressed([body], bits))
    header = ", ".join("deflate" if name == "deflate-raw" else name for name in layers)
    url = http_server.serve("/enc", body, headers={"Content-Encoding": header})
    assert fetch_url(url, OPTIONS, allowed_hosts=LOCAL).body == PAGE


@pytest.mark.parametrize(
    ("body", "encoding", "error", "words"),
    [
        (b"compressed", "br", ContentTypeError, "Content-Encoding 'br', which spinscope does not read"),
        (b"compressed", "gzip, compress", ContentTypeError, "Content-Encoding 'compress'"),
        (b"not gzip at all", "gzip", FetchError, "gzip data that cannot be decoded"),
        (gzip.compress(PAGE)[:40], "gzip", FetchError, "ended in the middle of its gzip data"),
    ],
    ids=["brotli", "compress", "not-gzip", "truncated"],
)
def test_fetch_refuses_bodies_it_cannot_decode(http_server: LocalServer, body: bytes, encoding: str, error: type[Exception], words: str) -> None:
    url = http_server.serve("/enc", body, headers={"Content-Encoding": encoding})
    with pytest.raises(error, match=words):
        fetch_url(url, OPTIONS, allowed_hosts=LOCAL)


def test_fetch_asks_only_for_encodings_it_decodes(http_server: LocalServer) -> None:
    url = http_server.serve("/a", PAGE)
    fetch_url(url, OPTIONS, allowed_hosts=LOCAL)
    assert http_server.requests[0][1]["Accept-Encoding"] == "gzip, deflate"


def test_fetch_never_reads_a_redirect_body(http_server: LocalServer) -> None:
    http_server.serve("/final", PAGE)
    bomb = gzip.compress(b"a" * 20_000_000)
    url = http_server.serve("/bomb", bomb, status=302, headers={"Location": "/final", "Content-Encoding": "gzip"})
    assert fetch_url(url, IngestOptions(max_bytes=100_000), allowed_hosts=LOCAL).body == PAGE


@pytest.mark.parametrize("status", [404, 500, 503])
def test_fetch_http_errors_name_the_status(http_server: LocalServer, status: int) -> None:
    url = http_server.serve("/gone", b"", status=status)
    with pytest.raises(FetchError, match=f"HTTP {status}"):
        fetch_url(url, OPTIONS, allowed_hosts=LOCAL)


def test_fetch_closed_port_cannot_connect(closed_port: int) -> None:
    with pytest.raises(FetchError, match="could not connect to 127.0.0.1"):
        fetch_url(f"http://127.0.0.1:{closed_port}/", IngestOptions(allow_private=True, fetch_timeout=2.0))


@pytest.mark.parametrize("variable", ["HTTP_PROXY", "http_proxy", "ALL_PROXY"])
def test_fetch_ignores_proxy_environment(http_server: LocalServer, closed_port: int, monkeypatch: pytest.MonkeyPatch, variable: str) -> None:
    monkeypatch.setenv(variable, f"http://127.0.0.1:{closed_port}")
    url = http_server.serve("/a", PAGE)
    assert fetch_url(url, IngestOptions(allow_private=True), allowed_hosts=frozenset()).body == PAGE

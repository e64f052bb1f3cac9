"""Fetching a page by URL without letting a URL reach inside the network it runs in (SSRF).

Every hop is checked the same way: http/https only, no credentials in the URL, and every address
the host resolves to must be public. The connection then goes to the address that was checked (the
host name travels in the Host header and TLS SNI), so a DNS answer that changes between the check
and the connect cannot redirect it. Redirects are followed here, one checked hop at a time, and
one deadline covers the whole fetch, body included.

Content encodings are undone here, not by httpx: its decoders inflate a whole network read at
once, and gzip inside gzip turns 2 KB on the wire into gigabytes in one call. Each layer here
yields at most `_CHUNK` bytes per step, so the body never holds more than the byte limit plus a
chunk, whatever the compression ratio or the number of layers.
"""

from __future__ import annotations

import functools
import ipaddress
import socket
import ssl
import time
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx

from spinscope import __version__
from spinscope.errors import BlockedURLError, ContentTypeError, FetchError, FetchTimeoutError, TooManyRedirectsError
from spinscope.ingest.decode import too_large
from spinscope.settings import IngestOptions

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

CONTENT_TYPES = frozenset({"text/html", "application/xhtml+xml", "text/plain"})
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_HEADERS = {
    "User-Agent": f"spinscope/{__version__}",
    "Accept": "text/html,application/xhtml+xml,text/plain;q=0.9",
    "Accept-Encoding": "gzip, deflate",
}
# zlib window bits per content encoding: gzip's header, zlib's header (deflate, RFC 9110), and
# the raw deflate stream that some servers send as "deflate" anyway.
_WBITS = {"gzip": 16 + zlib.MAX_WBITS, "x-gzip": 16 + zlib.MAX_WBITS, "deflate": zlib.MAX_WBITS}
_RAW_DEFLATE = -zlib.MAX_WBITS
_CHUNK = 64 * 1024
_LOOPBACK: tuple[IPAddress, ...] = (ipaddress.IPv4Address("127.0.0.1"), ipaddress.IPv6Address("::1"))


@dataclass(frozen=True, slots=True)
class Page:
    """A fetched body, still bytes: the header's charset travels with it for decode.py to weigh."""

    url: str
    content_type: str
    charset: str | None
    body: bytes


def fetch_url(url: str, options: IngestOptions, allowed_hosts: frozenset[str] = frozenset()) -> Page:
    """GET `url` within options' limits, refusing any hop that resolves to a non-public address.

    `allowed_hosts` lists IP addresses exempt from that refusal while `options.allow_private` is
    off: for tests serving from 127.0.0.1, and for an operator who must reach one internal host
    without opening all of them.
    """
    exempt = frozenset(ipaddress.ip_address(host) for host in allowed_hosts)
    deadline = time.monotonic() + options.fetch_timeout
    current = url
    with httpx.Client(trust_env=False, follow_redirects=False, headers=_HEADERS, verify=_tls()) as client:
        for _hop in range(options.max_redirects + 1):
            target = checked_url(current)
            port = target.port or (443 if target.scheme == "https" else 80)
            ip = check_addresses(target.host, resolve(target.host, port), allow_private=options.allow_private, exempt=exempt)
            try:
                with _send(client, target, ip, _timeout(deadline, url, options)) as response:
                    location = _redirect_location(response, current)
                    if location is None:
                        return _read_page(response, str(target), options, deadline)
            except httpx.TimeoutException as exc:
                raise _timed_out(url, options) from exc
            except httpx.ConnectError as exc:
                raise FetchError(f"could not connect to {target.host} ({ip}) port {port}: {exc}") from exc
            except httpx.HTTPError as exc:
                raise FetchError(f"could not fetch {current}: {exc}") from exc
            current = str(target.join(location))
    raise TooManyRedirectsError(f"{url} redirected more than {options.max_redirects} times (--max-redirects)")


def checked_url(url: str) -> httpx.URL:
    """The URL parsed, if its form is allowed at all; its addresses are checked separately."""
    try:
        parsed = httpx.URL(url)
    # UnicodeError: a lone surrogate (from JSON) in the path cannot be percent-encoded as UTF-8.
    except (httpx.InvalidURL, UnicodeError) as exc:
        raise BlockedURLError(f"refused {url!r}: not a valid URL ({exc})") from exc
    if parsed.scheme not in ("http", "https"):
        raise BlockedURLError(f"refused {url!r}: only http and https URLs are fetched, not {parsed.scheme or 'no scheme'}")
    if parsed.userinfo:
        raise BlockedURLError(f"refused {url!r}: URLs with a user name or password are not fetched")
    if not parsed.host:
        raise BlockedURLError(f"refused {url!r}: the URL has no host")
    return parsed


def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address `host` resolves to; numeric forms like 2130706433 or 0x7f000001 come out as
    the address they really mean, which is why the check runs on these and not on the name.
    localhost names are loopback without asking DNS (RFC 6761), so "localhost." is refused
    before any lookup rather than sent to a resolver that may answer otherwise."""
    if is_localhost_name(host):
        return list(_LOOPBACK)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchError(f"could not connect to {host}: the name does not resolve ({exc})") from exc
    return [ipaddress.ip_address(info[4][0]) for info in infos]


def is_localhost_name(host: str) -> bool:
    """localhost, or a name under it, with or without the root's trailing dot (RFC 6761)."""
    name = host.lower().removesuffix(".")
    return name == "localhost" or name.endswith(".localhost")


def check_addresses(host: str, addresses: list[IPAddress], *, allow_private: bool, exempt: frozenset[IPAddress]) -> IPAddress:
    """The address to connect to, once all of them pass: one bad answer among good ones is
    refused too, since a later connect could get it. The address is named only when the URL
    gave it: what an internal name resolves to would map the network for whoever asks."""
    if not allow_private:
        for ip in addresses:
            if ip not in exempt and is_forbidden_address(ip):
                where = f"{ip}, which" if _is_address_literal(host) else "an address that"
                raise BlockedURLError(f"refused {host}: it resolves to {where} is not a public address (--allow-private permits it)")
    return addresses[0]


def _is_address_literal(host: str) -> bool:
    """Whether `host` is an address written out (in any form the resolver takes, 0x7f000001 too), not a name."""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        try:
            socket.inet_aton(host)
        except OSError:
            return False
    return True


def is_forbidden_address(ip: IPAddress) -> bool:
    """Whether `ip` is anything but a public unicast address, looking inside IPv6 wrappings of IPv4.

    Python 3.11 calls ::ffff:127.0.0.1 not loopback (gh-117566), and 6to4, Teredo and NAT64
    addresses carry an IPv4 address the network may route to, so each embedded address is checked
    as well.
    """
    if isinstance(ip, ipaddress.IPv6Address):
        embedded: list[ipaddress.IPv4Address | None] = [ip.ipv4_mapped, ip.sixtofour, *(ip.teredo or ())]
        if ip in _NAT64:
            embedded.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
        if any(inner is not None and is_forbidden_address(inner) for inner in embedded):
            return True
    return (
        ip.is_loopback
        or ip.is_private
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    )


@functools.cache
def _tls() -> ssl.SSLContext:
    """One verifying TLS context for every fetch: building one loads the CA bundle (~20 ms).
    SSL_CERT_FILE is still honoured, for sites behind a corporate CA; proxies never are."""
    return httpx.create_ssl_context()


@contextmanager
def _send(client: httpx.Client, target: httpx.URL, ip: IPAddress, timeout: httpx.Timeout) -> Iterator[httpx.Response]:
    """GET `target` from the checked `ip`: the name goes in Host and SNI, never to a resolver again."""
    pinned = target.copy_with(host=str(ip))
    headers = {"Host": target.netloc.decode("ascii")}
    extensions = {"sni_hostname": target.raw_host.decode("ascii")}
    with client.stream("GET", pinned, headers=headers, timeout=timeout, extensions=extensions) as response:
        yield response


def _timeout(deadline: float, url: str, options: IngestOptions) -> httpx.Timeout:
    """httpx limits each connect and read, not the whole; giving each what is left of the deadline
    bounds a stalled read, and `_read_page` checks the deadline between chunks for a trickle."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise _timed_out(url, options)
    return httpx.Timeout(left)


def _redirect_location(response: httpx.Response, url: str) -> str | None:
    if response.status_code not in _REDIRECTS:
        return None
    location: str | None = response.headers.get("Location")
    if not location:
        raise FetchError(f"{url} answered HTTP {response.status_code} without saying where to go")
    return location


def _read_page(response: httpx.Response, url: str, options: IngestOptions, deadline: float) -> Page:
    if response.status_code >= 400:
        raise FetchError(f"{url} answered HTTP {response.status_code} {response.reason_phrase}".rstrip())
    if response.status_code != 200:
        raise FetchError(f"{url} answered HTTP {response.status_code}, not a page")
    content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if content_type not in CONTENT_TYPES:
        shown = content_type or "no content type"
        raise ContentTypeError(f"{url} is {shown}, not an HTML or text page")
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and "Content-Encoding" not in response.headers and int(declared) > options.max_bytes:
        raise too_large(url, options.max_bytes, int(declared))
    body = bytearray()
    # Each decoded chunk is at most _CHUNK bytes, and the deadline is checked after every one,
    # however small: a 1 byte/s server cannot outlast it.
    for chunk in _decoded(response.iter_raw(), _content_encodings(response, url), url):
        body += chunk
        if len(body) > options.max_bytes:
            raise too_large(url, options.max_bytes)
        if time.monotonic() > deadline:
            raise _timed_out(url, options)
    return Page(url=url, content_type=content_type, charset=response.charset_encoding, body=bytes(body))


def _content_encodings(response: httpx.Response, url: str) -> list[str]:
    """The encodings applied to the body, in the order they were applied; refused when unknown."""
    encodings = [value.strip().lower() for value in response.headers.get("Content-Encoding", "").split(",")]
    applied = [encoding for encoding in encodings if encoding not in ("", "identity")]
    for encoding in applied:
        if encoding not in _WBITS:
            raise ContentTypeError(f"{url} is sent with Content-Encoding {encoding!r}, which spinscope does not read (only gzip and deflate)")
    return applied


def _decoded(raw: Iterable[bytes], encodings: list[str], url: str) -> Iterator[bytes]:
    """The body with every content encoding undone, last applied first, one bounded chunk at a time."""
    chunks: Iterable[bytes] = raw
    for encoding in reversed(encodings):
        chunks = _inflated(chunks, encoding, url)
    return iter(chunks)


def _inflated(chunks: Iterable[bytes], encoding: str, url: str) -> Iterator[bytes]:
    """One layer inflated with zlib's `max_length`, so no step yields more than `_CHUNK` bytes.

    Data after the end of the stream is ignored, as browsers do; a stream cut short is an error,
    since the text would be silently truncated.
    """
    inflater = zlib.decompressobj(_WBITS[encoding])
    started = False
    try:
        for chunk in chunks:
            data = chunk
            while data and not inflater.eof:
                if not started and encoding == "deflate" and not _has_zlib_header(data):
                    inflater = zlib.decompressobj(_RAW_DEFLATE)
                started = True
                out = inflater.decompress(data, _CHUNK)
                data = inflater.unconsumed_tail
                yield out
        if started and not inflater.eof:
            raise FetchError(f"{url} ended in the middle of its {encoding} data")
        yield inflater.flush()
    except zlib.error as exc:
        raise FetchError(f"{url} sent {encoding} data that cannot be decoded ({exc})") from exc


def _has_zlib_header(data: bytes) -> bool:
    """Whether a deflate body starts with the two-byte zlib header (method 8, checksum mod 31)."""
    return len(data) < 2 or (data[0] & 0x0F == 8 and (data[0] << 8 | data[1]) % 31 == 0)


def _timed_out(url: str, options: IngestOptions) -> FetchTimeoutError:
    return FetchTimeoutError(f"{url} was not fetched within {options.fetch_timeout:g} seconds (raise the limit with --timeout)")

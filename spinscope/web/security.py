"""Response headers, the Host check and CSRF tokens: what every page and form relies on.

- Every response carries a strict Content-Security-Policy (no script at all on the app's own pages;
  the report page brings its own hash-pinned policy), ``nosniff`` and ``no-referrer``.
- The Host header must name this server when it listens on loopback: a page on another site that
  rebinds its DNS name to 127.0.0.1 would otherwise talk to the API as a same-origin page.
- Forms carry a token bound to the client: a ``SameSite=Strict`` cookie holds a random client
  value signed with a per-process key, and the hidden field holds an HMAC of that cookie, so a
  token issued with one cookie is refused with any other. A restarted server rejects old forms,
  which then ask for a reload.
- A form POST whose ``Origin`` is not this server's own (scheme, host and port of the request), or
  whose ``Sec-Fetch-Site`` is ``cross-site`` or ``same-site``, is refused whatever its token.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable, Collection
from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

PAGE_CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})

CSRF_COOKIE = "spinscope_csrf"
CSRF_FIELD = "csrf_token"


def security_headers(csp: str = PAGE_CSP) -> dict[str, str]:
    return {
        "Content-Security-Policy": csp,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "X-Frame-Options": "DENY",
        "Cross-Origin-Opener-Policy": "same-origin",
        "Cross-Origin-Resource-Policy": "same-origin",
    }


class SecurityHeadersMiddleware:
    """Adds the security headers to every response; a response that sets its own CSP keeps it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._headers = [(k.lower().encode(), v.encode()) for k, v in security_headers().items()]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [(k, v) for k, v in self._headers if k not in present]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def host_of(header: str) -> str:
    """The host part of a Host header: ``[::1]:8000`` → ``::1``, ``Example.org:80`` → ``example.org``."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1 : header.find("]")] if "]" in header else header
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


class HostCheckMiddleware:
    """Refuses requests whose Host is not one of `allowed` (DNS-rebinding defence)."""

    def __init__(self, app: ASGIApp, allowed: Collection[str], refuse: Callable[[Scope, int, str], Response]) -> None:
        self.app = app
        self.allowed = frozenset(h.lower().strip("[]") for h in allowed)
        self.refuse = refuse

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            host = host_of(Headers(scope=scope).get("host", ""))
            if host not in self.allowed:
                await self.refuse(scope, 400, f"this server does not answer to the host name {host!r}")(scope, receive, send)
                return
        await self.app(scope, receive, send)


class CsrfTokens:
    """Issues client cookies and the form tokens bound to them (see the module docstring)."""

    def __init__(self, key: bytes | None = None) -> None:
        self._key = key or secrets.token_bytes(32)

    def _sign(self, purpose: str, value: str) -> str:
        return hmac.new(self._key, f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()

    def new_client(self) -> str:
        """A cookie value for a new client: a random nonce and its signature."""
        nonce = secrets.token_urlsafe(24)
        return f"{nonce}.{self._sign('client', nonce)}"

    def is_valid(self, cookie: str | None) -> bool:
        """The cookie is one this server issued."""
        if not cookie or cookie.count(".") != 1:
            return False
        nonce, signature = cookie.split(".")
        return hmac.compare_digest(signature, self._sign("client", nonce))

    def token_for(self, cookie: str) -> str:
        """The form token of the client holding `cookie`; it differs from the cookie itself."""
        return self._sign("form", cookie)

    def check(self, cookie: str | None, field: str | None) -> bool:
        """The cookie is one this server issued and the form's field is the token bound to it."""
        return cookie is not None and self.is_valid(cookie) and field is not None and hmac.compare_digest(field, self.token_for(cookie))


DEFAULT_PORTS = {"http": 80, "https": 443}


def _origin_parts(url: str) -> tuple[str, str, int] | None:
    parts = urlsplit(url.strip().lower())
    try:
        port = parts.port or DEFAULT_PORTS.get(parts.scheme)
    except ValueError:  # a port that is not a number or out of range
        return None
    return (parts.scheme, parts.hostname, port) if parts.hostname and port else None


def is_cross_origin(headers: Headers, scheme: str) -> bool:
    """The request came from a page of another origin than this server, reached by `scheme` at its
    Host header: its ``Origin`` names another, or ``Sec-Fetch-Site`` says cross-site or same-site.
    ``Origin: null`` is left to ``Sec-Fetch-Site``: browsers send it for this app's own forms too,
    because its pages are served with ``Referrer-Policy: no-referrer``."""
    if headers.get("sec-fetch-site") in ("cross-site", "same-site"):
        return True
    origin = headers.get("origin")
    if origin is None or origin == "null":
        return False
    own = _origin_parts(f"{scheme}://{headers.get('host', '')}")
    return own is None or _origin_parts(origin) != own


def set_csrf_cookie(response: Response, token: str, secure: bool) -> None:
    response.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="strict", secure=secure, path="/")

"""Response headers, the Host check and CSRF tokens: what every page and form relies on.

- Every response carries a strict Content-Security-Policy (no script at all on the app's own pages;
  the report page brings its own hash-pinned policy), ``nosniff`` and ``no-referrer``.
- The Host header must name this server when it listens on loopback: a page on another site that
  rebinds its DNS name to 127.0.0.1 would otherwise talk to the API as a same-origin page.
- Forms use a signed double-submit token: a random value, HMAC-signed with a per-process key, sits
  in a ``SameSite=Strict`` cookie and in a hidden field, and both must match. A restarted server
  rejects old forms, which then ask for a reload.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable, Collection

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
    """Issues and checks signed double-submit tokens (see the module docstring)."""

    def __init__(self, key: bytes | None = None) -> None:
        self._key = key or secrets.token_bytes(32)

    def _sign(self, nonce: str) -> str:
        return hmac.new(self._key, nonce.encode(), hashlib.sha256).hexdigest()

    def issue(self) -> str:
        nonce = secrets.token_urlsafe(24)
        return f"{nonce}.{self._sign(nonce)}"

    def is_valid(self, token: str | None) -> bool:
        if not token or token.count(".") != 1:
            return False
        nonce, signature = token.split(".")
        return hmac.compare_digest(signature, self._sign(nonce))

    def check(self, cookie: str | None, field: str | None) -> bool:
        """The form's field equals the cookie, and the cookie is one this server signed."""
        return self.is_valid(cookie) and field is not None and hmac.compare_digest(field, cookie or "")


def set_csrf_cookie(response: Response, token: str, secure: bool) -> None:
    response.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="strict", secure=secure, path="/")

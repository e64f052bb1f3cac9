"""The request-body cap, enforced before any handler or parser sees the body.

Uvicorn has no body limit (RELIABILITY.md §5). This middleware reads the body itself, counting
bytes as they arrive: a declared ``Content-Length`` over the cap is refused before one byte is
read, and a chunked body with no length is cut off as soon as the count passes the cap. Either way
the answer is 413 and at most ``limit`` bytes were ever held. Bodies under the cap are handed on
whole, so handlers and the multipart parser never stream more than that.

The 413 goes out at once, but its last (empty) body frame waits while the rest of the upload is
read and thrown away for a moment, bounded in bytes and time, like a web server's lingering close:
closing a socket that still has unread data makes the kernel send a reset, which can destroy the
413 before a client that writes its whole body first gets to read it. A browser, which reads while
it uploads, sees the 413 and stops sending.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from starlette.datastructures import Headers
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from spinscope.settings import flag

DRAIN_BYTES = 512 * 1024 * 1024
DRAIN_SECONDS = 3.0


class BodyLimitMiddleware:
    """413 for bodies over `limit` bytes; `refuse(scope, status, message)` builds the answer."""

    def __init__(self, app: ASGIApp, limit: int, refuse: Callable[[Scope, int, str], Response]) -> None:
        self.app = app
        self.limit = limit
        self.refuse = refuse

    async def _too_large(self, scope: Scope, receive: Receive, send: Send, size: int | None) -> None:
        got = f"{size:,} bytes, " if size is not None else ""
        response = self.refuse(scope, 413, f"the request body is {got}over the limit of {self.limit:,} bytes; send a smaller text or file "
                               f"(the server's limit is set with spinscope serve {flag('max_body_bytes')})")
        response.headers["Connection"] = "close"
        await send({"type": "http.response.start", "status": response.status_code, "headers": response.raw_headers})
        await send({"type": "http.response.body", "body": response.body, "more_body": True})
        await _drain(receive)
        await send({"type": "http.response.body", "body": b"", "more_body": False})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.limit:
            await self._too_large(scope, receive, send, declared)
            return
        chunks: list[bytes] = []
        total = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            total += len(chunk)
            if total > self.limit:
                chunks.clear()
                await self._too_large(scope, receive, send, None)
                return
            chunks.append(chunk)
            more = bool(message.get("more_body", False))
        await self.app(scope, _replay(b"".join(chunks), receive), send)


def _content_length(scope: Scope) -> int | None:
    value = Headers(scope=scope).get("content-length")
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _replay(body: bytes, receive: Receive) -> Receive:
    """A receive() that gives the buffered body once, then waits for the client to go away."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


async def _drain(receive: Receive) -> None:
    deadline = time.monotonic() + DRAIN_SECONDS
    drained = 0
    while drained < DRAIN_BYTES:
        left = deadline - time.monotonic()
        if left <= 0:
            return
        try:
            message = await asyncio.wait_for(receive(), left)
        except TimeoutError:
            return
        if message["type"] != "http.request":
            return
        drained += len(message.get("body", b""))
        if not message.get("more_body", False):
            return

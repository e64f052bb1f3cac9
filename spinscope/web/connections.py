"""Bounds on connections that uvicorn does not set: header and body read time, open connections.

uvicorn times out idle keep-alive connections but not a client that sends its request slowly:
400 connections that each send half a header line and stall stayed open for as long as their
clients liked (issue 14). Each connection here gets a deadline for its request headers and one
for its body, and connections past the limit are closed as soon as they open, so a crowd of slow
clients cannot hold the server's sockets and memory.
"""

from __future__ import annotations

import asyncio
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from spinscope.web.settings import WebOptions


class GuardedH11Protocol(H11Protocol):
    """uvicorn's HTTP/1.1 protocol with a header deadline, a body deadline and a connection cap.

    The deadlines are checked against h11's view of the client: still sending headers (IDLE,
    with bytes received) or still sending the body (SEND_BODY) when its timer fires means the
    connection is closed; the application sees a disconnect.
    """

    options = WebOptions()

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        self._deadline: asyncio.TimerHandle | None = None
        self._awaiting: object = None  # the h11 state the armed deadline is for
        super().connection_made(transport)
        if len(self.connections) > self.options.max_connections:
            transport.close()
            return
        self._arm(h11.IDLE, self.options.header_timeout)

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        state = self.conn.their_state
        if state is h11.IDLE and self._awaiting is not h11.IDLE:
            self._arm(h11.IDLE, self.options.header_timeout)  # the next request on a kept-alive connection
        elif state is h11.SEND_BODY and self._awaiting is not h11.SEND_BODY:
            self._arm(h11.SEND_BODY, self.options.body_timeout)
        elif state not in (h11.IDLE, h11.SEND_BODY):
            self._disarm()

    def on_response_complete(self) -> None:
        self._disarm()  # an idle kept-alive connection is uvicorn's own timeout_keep_alive
        super().on_response_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self, state: object, seconds: float) -> None:
        self._disarm()
        self._awaiting = state
        self._deadline = self.loop.call_later(seconds, self._too_slow)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
        self._deadline = None
        self._awaiting = None

    def _too_slow(self) -> None:
        awaiting, self._deadline, self._awaiting = self._awaiting, None, None
        if self.conn.their_state is awaiting and not self.transport.is_closing():
            self.transport.close()


def server_settings(options: WebOptions) -> dict[str, Any]:
    """The uvicorn settings every server of the web app runs with (``uvicorn.run`` or ``Config``
    keyword arguments): the guarded protocol bound to ``options``, no Server header, no proxy headers."""
    protocol = type("GuardedH11", (GuardedH11Protocol,), {"options": options})
    return {"http": protocol, "server_header": False, "proxy_headers": False}

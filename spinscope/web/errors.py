"""Every error the web app answers with: one JSON shape for the API, a friendly page for people.

    {"ok": false, "error": "<what went wrong and how to get past it>", "status": <HTTP status>}

spinscope's own errors keep their message (written for users); anything unexpected becomes a
generic 500 with no stack trace, and the trace goes to the server log only.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.types import Scope

from spinscope.errors import SpinscopeError
from spinscope.web.security import security_headers
from spinscope.web.templating import env

log = logging.getLogger("spinscope.web")


def wants_json(scope: Scope) -> bool:
    path = str(scope.get("path", ""))
    return path.startswith("/api/") or path == "/api" or path == "/openapi.json"


def error_body(status: int, message: str) -> dict[str, Any]:
    return {"ok": False, "error": message, "status": status}


def error_response(scope: Scope, status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    """The API's JSON error or the error page, by the path asked for."""
    headers = dict(headers or {})
    if status == 503:
        headers.setdefault("Retry-After", "1")
    if wants_json(scope):
        return JSONResponse(error_body(status, message), status_code=status, headers=headers)
    reason = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error"
    page = env.get_template("error.html").render(status=status, reason=reason, message=message)
    return HTMLResponse(page, status_code=status, headers=headers)


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for error in exc.errors()[:5]:
        where = ".".join(str(p) for p in error.get("loc", ()) if p != "body") or "body"
        parts.append(f"{where}: {error.get('msg', 'invalid')}")
    return "invalid request: " + "; ".join(parts)


def install(app: FastAPI) -> None:
    """Register the handlers that give every error its status and shape."""

    async def on_spinscope_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, SpinscopeError)
        status = exc.http_status
        if status >= 500 and status not in (503, 504, 502):
            log.error("%s: %s", type(exc).__name__, exc)
        return error_response(request.scope, status, " ".join(str(exc).split()))

    async def on_http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        message = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).phrase
        if exc.status_code == 404 and message == "Not Found":
            message = f"nothing here: {request.url.path}"
        return error_response(request.scope, exc.status_code, message, dict(exc.headers or {}))

    async def on_validation_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        # A header not as documented is a bad request; 422 is for a body or query without the documented fields.
        in_headers = all(error.get("loc", ("",))[0] == "header" for error in exc.errors())
        return error_response(request.scope, 400 if in_headers else 422, _validation_message(exc))

    async def on_unexpected(request: Request, exc: Exception) -> Response:
        # ServerErrorMiddleware calls this outside the other middleware, so the headers go on here.
        log.exception("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
        return error_response(request.scope, 500, "internal error; the server log has the details", security_headers())

    app.add_exception_handler(SpinscopeError, on_spinscope_error)
    app.add_exception_handler(StarletteHTTPException, on_http_error)
    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.add_exception_handler(Exception, on_unexpected)

"""``create_app``: the FastAPI app with its store, analysis pool, middleware and routes.

Request path, outermost first: security headers → Host check (loopback servers) → body-size cap
→ FastAPI (error handlers → routes). The store opens here, so a bad database file fails the
``serve`` command at once with its exit code instead of failing the first request.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Collection
from contextlib import asynccontextmanager
from dataclasses import replace
from functools import partial
from pathlib import Path

from fastapi import FastAPI
from starlette.staticfiles import StaticFiles

from spinscope import __version__
from spinscope.pipeline import AnalyzeOptions
from spinscope.store import Store, StoreOptions
from spinscope.web import api, errors, outlets, pages
from spinscope.web.limits import BodyLimitMiddleware
from spinscope.web.security import LOOPBACK_HOSTS, CsrfTokens, HostCheckMiddleware, SecurityHeadersMiddleware
from spinscope.web.service import warm_up
from spinscope.web.settings import WebOptions
from spinscope.web.state import WebState
from spinscope.web.worker import AnalysisPool


def hosts_for(bind: str) -> frozenset[str] | None:
    """The Host names a server bound to `bind` answers to: loopback names on loopback, any otherwise."""
    host = bind.strip("[]").lower()
    return LOOPBACK_HOSTS if host in LOOPBACK_HOSTS or host.startswith("127.") else None


def create_app(
    db_path: Path | str,
    allow_private: bool = False,
    *,
    options: WebOptions = WebOptions(),
    analyze_options: AnalyzeOptions | None = None,
    allowed_hosts: Collection[str] | None = None,
    store_options: StoreOptions = StoreOptions(),
) -> FastAPI:
    """The web app over the store at `db_path`.

    allow_private (bool): let submitted URLs reach loopback/private/link-local addresses (only for a
        server started with --allow-private).
    options (WebOptions): the web limits (body size, workers, queue, deadline ...).
    analyze_options (AnalyzeOptions): detector and ingest limits; its allow_private is replaced.
    allowed_hosts: Host header names to answer to; None answers to any (see hosts_for).
    store_options (StoreOptions): how the store waits for other writers.
    """
    base = analyze_options or AnalyzeOptions()
    analyze = replace(base, ingest=replace(base.ingest, allow_private=allow_private))
    store = Store(Path(db_path), options=store_options)
    pool = AnalysisPool(options.analysis_workers, options.analysis_queue, options.analysis_memory_mb, partial(warm_up, analyze))

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            pool.shutdown()
            store.close()

    app = FastAPI(
        title="spinscope",
        version=__version__,
        description="Propaganda technique spans in news text, with the evidence. Every error is {ok: false, error, status}.",
        docs_url=None,  # Swagger UI and ReDoc load scripts from a CDN; /docs is built from /openapi.json instead
        redoc_url=None,
        openapi_url="/openapi.json",
        lifespan=lifespan,
    )
    app.state.web = WebState(store=store, pool=pool, options=options, analyze=analyze, csrf=CsrfTokens())
    errors.install(app)
    app.include_router(api.router)
    app.include_router(pages.router)
    app.include_router(outlets.router)
    app.include_router(outlets.api_router)
    app.mount("/static", StaticFiles(packages=[("spinscope.web", "static")]), name="static")
    # add_middleware puts each one outside those added before it.
    app.add_middleware(BodyLimitMiddleware, limit=options.max_body_bytes, refuse=errors.error_response)
    if allowed_hosts is not None:
        app.add_middleware(HostCheckMiddleware, allowed=allowed_hosts, refuse=errors.error_response)
    app.add_middleware(SecurityHeadersMiddleware)
    return app

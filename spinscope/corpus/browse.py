"""``spinscope corpus browse``: the store in Datasette (tables, facets, SQL, JSON API), read-only.

Datasette runs in this process under uvicorn and opens the store with ``?mode=ro``: SQLite
refuses every write, whatever a request asks, and the file's bytes stay as they were (``corpus
add`` may go on writing meanwhile; pages show what it has committed). Datasette only ever sees a store
at this spinscope's schema version: it cannot migrate one, so an older store is refused with the
command that brings it up to date. Datasette is imported on use: ``import spinscope`` stays fast
and the rest of spinscope works without the browse extra.
"""

from __future__ import annotations

import importlib
import os
import sqlite3
import sys
import threading
import time
import webbrowser
from collections.abc import Callable
from pathlib import Path

from spinscope.errors import StoreError, UsageError
from spinscope.store.metadata import DATABASE, metadata
from spinscope.store.schema import LATEST

_URI_SPECIAL = set("?#%")  # Datasette puts the path into a file: URI unquoted


def check_store(path: Path) -> None:
    """Refuse, with what to do instead, a store Datasette should not be shown: missing, not a
    spinscope store, or at another schema version. Opens it read-only."""
    if not path.is_file():
        raise UsageError(f"{path}: no such store; add documents first with spinscope corpus add ... --db {path}")
    if _URI_SPECIAL & set(str(path.resolve())):
        raise UsageError(f"{path}: Datasette cannot open a path with ?, # or % in it; rename it or move it")
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise StoreError(f"cannot open the store {path}: {exc}") from exc
    try:
        version: int = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path} is not a spinscope store ({exc})") from exc
    finally:
        conn.close()
    if version == 0 or "analyses" not in tables:
        raise StoreError(f"{path} is not a spinscope store (no analyses table); create one with spinscope corpus add ... --db {path}")
    if version > LATEST:
        raise StoreError(f"the store {path} has schema version {version}, newer than this spinscope knows ({LATEST}); upgrade spinscope")
    if version < LATEST:
        raise StoreError(
            f"the store {path} has schema version {version}, older than this spinscope's ({LATEST}), and browse never changes a store; "
            f"bring it up to date in place by opening it with spinscope once (spinscope corpus query --db {path} --limit 1), then browse it"
        )


def _has_display() -> bool:
    """Whether a browser window can open. Without a display (over SSH, in a container) Python's
    webbrowser falls back to a text browser (lynx, w3m) that would take over this terminal."""
    return not sys.platform.startswith("linux") or bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def browse(path: Path, host: str, port: int, *, query_timeout: float, open_browser: bool, ready: Callable[[str], None]) -> None:
    """Serve the store at ``path`` (one `check_store` accepted) until Ctrl-C or SIGTERM; ``ready``
    gets its URL once the server answers. Each SQL query Datasette runs stops after ``query_timeout`` seconds."""
    try:
        import uvicorn
        from datasette.app import Datasette
        from datasette.database import Database
        from starlette.responses import PlainTextResponse

        from spinscope.web import hosts_for
        from spinscope.web.security import HostCheckMiddleware
    except ImportError as exc:
        raise UsageError(f"spinscope corpus browse needs Datasette: pip install 'spinscope[browse]' ({exc})") from None
    # With rich installed (spinscope's terminal output), Datasette prints every failed request, a
    # mistyped SQL query included, as a traceback with its local variables: pages of it a query.
    # Without rich it prints only the tracebacks of its own errors (500s).
    # (Imported after datasette.app, which registers it as a plugin: imported first, it would be
    # registered half-initialised, without its handler.)
    setattr(importlib.import_module("datasette.handle_exception"), "rich", None)
    # Datasette gives up on a facet after 200 ms: at 10,000 documents (660,000 spans) the spans
    # table's label facet takes longer, and a page that drops its facets is no use. 2 s is enough there.
    settings = {"sql_time_limit_ms": max(1, round(query_timeout * 1000)), "facet_time_limit_ms": 2000}
    ds = Datasette(metadata=metadata(path.name), settings=settings)
    ds.add_database(Database(ds, path=str(path.resolve()), is_mutable=True), name=DATABASE)
    app = ds.app()
    allowed = hosts_for(host)
    if allowed is not None:  # on loopback, answer only to loopback names: a DNS-rebinding page cannot read the store
        app = HostCheckMiddleware(app, allowed, refuse=lambda scope, status, message: PlainTextResponse(message, status_code=status))
    server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning", timeout_graceful_shutdown=5))
    url = f"http://{'[' + host + ']' if ':' in host else host}:{port}/{DATABASE}"

    def announce() -> None:
        while not server.started and not server.should_exit:
            time.sleep(0.05)
        if server.started:
            ready(url)
            if open_browser and _has_display():
                webbrowser.open(url)

    threading.Thread(target=announce, daemon=True).start()
    try:
        server.run()
    except KeyboardInterrupt:  # uvicorn shuts down on Ctrl-C, then raises it again: stopping is what was asked
        pass

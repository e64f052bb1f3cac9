"""The web app: paste, fetch or upload an article and read its report; a JSON API beside it.

``spinscope serve`` runs ``create_app`` on uvicorn. Layout: app.py (the factory), api.py and
pages.py (routes), service.py (one analysis, away from HTTP), worker.py (the bounded pool),
limits.py (body cap), security.py (headers, Host check, CSRF), errors.py (one error shape),
settings.py (the web limits), templates/ and static/.
"""

from __future__ import annotations

from spinscope.web.app import create_app, hosts_for
from spinscope.web.settings import WebOptions

__all__ = ["WebOptions", "create_app", "hosts_for"]

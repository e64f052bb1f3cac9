"""What every request handler shares, held on ``app.state.web`` and typed here."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request

from spinscope.pipeline import AnalyzeOptions
from spinscope.store import Store
from spinscope.web.security import CsrfTokens
from spinscope.web.settings import WebOptions
from spinscope.web.worker import AnalysisPool


@dataclass(frozen=True, slots=True)
class WebState:
    store: Store
    pool: AnalysisPool
    options: WebOptions
    analyze: AnalyzeOptions
    csrf: CsrfTokens


def web_state(request: Request) -> WebState:
    state: WebState = request.app.state.web
    return state

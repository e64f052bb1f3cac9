"""What every request handler shares, held on ``app.state.web`` and typed here."""

from __future__ import annotations

from dataclasses import dataclass, field

from starlette.requests import Request

from spinscope.pipeline import AnalyzeOptions
from spinscope.store import Store
from spinscope.web.security import CsrfTokens
from spinscope.web.service import RunningKeys
from spinscope.web.settings import WebOptions
from spinscope.web.worker import AnalysisPool


@dataclass(frozen=True, slots=True)
class WebState:
    store: Store
    pool: AnalysisPool
    options: WebOptions
    analyze: AnalyzeOptions
    csrf: CsrfTokens
    running: RunningKeys = field(default_factory=RunningKeys)  # idempotency keys being analysed now


def web_state(request: Request) -> WebState:
    state: WebState = request.app.state.web
    return state

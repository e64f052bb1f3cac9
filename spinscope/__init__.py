"""spinscope: shows, with evidence, how a news text tries to persuade.

``import spinscope`` stays fast: models, trafilatura and numpy load on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = ["Analysis", "Document", "Failure", "Span", "SpinscopeError", "__version__", "analyze"]

from spinscope.document import Analysis, Document, Failure, Span
from spinscope.errors import SpinscopeError

if TYPE_CHECKING:
    from spinscope.pipeline import analyze


def __getattr__(name: str) -> Any:
    if name == "analyze":
        from spinscope.pipeline import analyze

        return analyze
    raise AttributeError(f"module 'spinscope' has no attribute {name!r}")

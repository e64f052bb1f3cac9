"""spinscope: shows, with evidence, how a news text tries to persuade.

``import spinscope`` stays fast: models, trafilatura and numpy load on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "Analysis",
    "AnalyzeOptions",
    "Document",
    "Failure",
    "Relation",
    "Span",
    "SpanRef",
    "SpinscopeError",
    "__version__",
    "analyze",
    "analyze_many",
    "read",
    "read_many",
]

from spinscope.document import Analysis, Document, Failure, Relation, Span, SpanRef
from spinscope.errors import SpinscopeError

if TYPE_CHECKING:
    from spinscope.pipeline import AnalyzeOptions, analyze, analyze_many, read, read_many

_LAZY = frozenset({"AnalyzeOptions", "analyze", "analyze_many", "read", "read_many"})


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import spinscope.pipeline

        return getattr(spinscope.pipeline, name)
    raise AttributeError(f"module 'spinscope' has no attribute {name!r}")

"""The one entry point: ``analyze(text_or_path_or_url)`` returns an ``Analysis``."""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from spinscope.document import TECHNIQUE, Analysis, Document, Span
from spinscope.settings import IngestOptions
from spinscope.techniques.registry import DEFAULT_DETECTOR, get_detector


@dataclass(frozen=True, slots=True)
class AnalyzeOptions:
    """Everything ``analyze`` can be told; each default is what the CLI uses."""

    detector: str = DEFAULT_DETECTOR
    min_score: float = 0.0
    ingest: IngestOptions = field(default_factory=IngestOptions)


def analyze_document(doc: Document, options: AnalyzeOptions = AnalyzeOptions()) -> Analysis:
    detector = get_detector(options.detector)
    return analysis_of(doc, detector.detect(doc), detector.info(), options.min_score)


def analysis_of(doc: Document, spans: list[Span], detector_info: dict[str, Any], min_score: float = 0.0) -> Analysis:
    """The Analysis of ``doc`` given its detected technique spans (wherever they were found)."""
    from spinscope.summary import summarise

    kept = [s for s in spans if s.score is None or s.score >= min_score]
    doc = doc.with_spans(TECHNIQUE, kept)
    return Analysis(document=doc, summary=summarise(doc, doc.spans[TECHNIQUE]), detector=detector_info)


def _looks_like_path(value: str) -> bool:
    if "\n" in value or len(value) > 4096:
        return False
    try:
        return value == "-" or Path(value).exists()
    except OSError:
        return False


def analyze(source: str | Document, options: AnalyzeOptions | None = None, **kwargs: object) -> Analysis:
    """Analyse a text, a path (file), a URL or a ready Document.

    A string is read as a URL when it starts with http:// or https://, as a path when such a file
    exists, and as the article text otherwise. Keyword arguments set AnalyzeOptions fields, or
    IngestOptions fields (``max_bytes``, ``allow_private`` ...), for one call.
    """
    from spinscope import ingest

    options = _merge_options(options or AnalyzeOptions(), kwargs)
    if isinstance(source, Document):
        doc = source
    elif source.startswith(("http://", "https://")) or _looks_like_path(source):
        doc = ingest.read_one(source, options.ingest)
    else:
        doc = ingest.document_from_text(source)
    return analyze_document(doc, options)


def _merge_options(options: AnalyzeOptions, kwargs: dict[str, object]) -> AnalyzeOptions:
    own = {f.name for f in fields(AnalyzeOptions)} - {"ingest"}
    ingest_names = {f.name for f in fields(IngestOptions)}
    unknown = set(kwargs) - own - ingest_names
    if unknown:
        raise TypeError(f"analyze() got unknown options: {', '.join(sorted(unknown))}")
    ingest_opts = replace(options.ingest, **{k: v for k, v in kwargs.items() if k in ingest_names})
    return replace(options, ingest=ingest_opts, **{k: v for k, v in kwargs.items() if k in own})

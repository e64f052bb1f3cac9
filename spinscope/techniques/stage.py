"""The technique stage: a detector's spans, kept above the score threshold, as ``spans["technique"]``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from spinscope.document import BOILERPLATE, EVIDENCE, SENTENCE, TECHNIQUE, Component, Document
from spinscope.settings import check_defaults
from spinscope.techniques.base import Detector
from spinscope.techniques.edges import outermost
from spinscope.techniques.confidence import is_shown, reader_threshold
from spinscope.techniques.registry import DEFAULT_DETECTOR, detector_card, get_detector
from spinscope.techniques.summary import summarise


@dataclass(frozen=True, slots=True)
class TechniqueOptions:
    """Which detector runs and which of its spans are kept; defaults come from SETTINGS."""

    detector: str = DEFAULT_DETECTOR
    min_score: float = 0.0


check_defaults(TechniqueOptions, "analysis")


def detector_component(stage: str, detector: Detector) -> Component:
    """What ran in ``stage``: the detector's name, version and model hash."""
    found = detector.component()
    return Component(stage=stage, name=str(found["name"]), version=str(found["version"]), model_sha256=found["model_sha256"])


class TechniqueStage:
    """Runs one detector over the analysable text (the detector skips boilerplate itself), with
    one span where the detector's spans of a technique nest (`outermost`)."""

    name = TECHNIQUE
    reads: tuple[str, ...] = (BOILERPLATE, SENTENCE)
    writes: tuple[str, ...] = (TECHNIQUE,)
    amends: tuple[str, ...] = ()

    def __init__(self, options: TechniqueOptions = TechniqueOptions()) -> None:
        self.options = options
        # an unknown name or a missing model fails here, when the pipeline is built
        self.detector: Detector = get_detector(options.detector)

    def __call__(self, doc: Document) -> Document:
        floor = self.options.min_score
        # folded after the score floor, so that a span under it changes no other span
        kept = outermost([s for s in self.detector.detect(doc) if s.score is None or s.score >= floor])
        return doc.with_spans(TECHNIQUE, kept)

    def info(self) -> Component:
        return detector_component(self.name, self.detector)

    def summarise(self, doc: Document) -> dict[str, Any]:
        return summarise(doc, doc.spans.get(TECHNIQUE, ()))


class EvidenceStage:
    """Adds to each technique span the words that moved its detector (``attributes["evidence"]``,
    measured by occlusion: `evidence.py`).

    A stage of its own because only a reader uses it, and it costs: every word of a span is one
    more model run. Reports, the web app and ``analyze`` run it; ``predict``, ``evaluate`` and the
    benchmarks of the SemEval figures leave it out. Only the spans a reader is shown by default
    (at or above the detector's reader threshold, `confidence.reader_threshold`) are measured:
    on the example article that is 6 spans of 15, and the cost falls with them.
    """

    name = EVIDENCE
    reads: tuple[str, ...] = (SENTENCE,)
    writes: tuple[str, ...] = ()
    amends: tuple[str, ...] = (TECHNIQUE,)

    def __init__(self, options: TechniqueOptions = TechniqueOptions()) -> None:
        self.detector: Detector = get_detector(options.detector)
        self.floor = reader_threshold(detector_card(options.detector))

    def __call__(self, doc: Document) -> Document:
        spans = list(doc.spans.get(TECHNIQUE, ()))
        shown = [i for i, s in enumerate(spans) if is_shown(s.score, self.floor)]
        if not shown:
            return doc
        for i, span in zip(shown, self.detector.explain(doc, [spans[i] for i in shown])):
            spans[i] = span
        return doc.with_spans(TECHNIQUE, spans)

    def info(self) -> Component:
        return detector_component(self.name, self.detector)

    def summarise(self, doc: Document) -> dict[str, Any]:
        spans = doc.spans.get(TECHNIQUE, ())
        return {"spans_with_evidence": sum(bool(s.attributes.get("evidence")) for s in spans)}

"""What an analysis is told: which stages run, each stage's own options, and the ingest limits."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields, is_dataclass, replace
from typing import Any

from spinscope.errors import UsageError
from spinscope.pipeline.stage import Stage
from spinscope.settings import IngestOptions
from spinscope.techniques.stage import TechniqueOptions


def _sentence_stage(options: "AnalyzeOptions") -> Stage:
    from spinscope.nlp.stage import SentenceStage

    return SentenceStage()


def _quote_stage(options: "AnalyzeOptions") -> Stage:
    from spinscope.quotes.stage import QuoteStage

    return QuoteStage()


def _source_stage(options: "AnalyzeOptions") -> Stage:
    from spinscope.sources.stage import SourceStage

    return SourceStage()


def _technique_stage(options: "AnalyzeOptions") -> Stage:
    from spinscope.techniques.stage import TechniqueStage

    return TechniqueStage(options.technique)


def _voice_stage(options: "AnalyzeOptions") -> Stage:
    from spinscope.techniques.voice import VoiceStage

    return VoiceStage(options.technique)


def _claim_stage(options: "AnalyzeOptions") -> Stage:
    from spinscope.claims.stage import ClaimStage

    return ClaimStage()


def _evidence_stage(options: "AnalyzeOptions") -> Stage:
    from spinscope.techniques.stage import EvidenceStage

    return EvidenceStage(options.technique)


# Every stage by name, in the order they run; a new stage registers here with its options field.
# The order is docs/who-says-what.md's: "voice" tells each technique span whose words it is in,
# so it runs after "quote" and "technique".
STAGES: dict[str, Callable[["AnalyzeOptions"], Stage]] = {
    "sentence": _sentence_stage,
    "quote": _quote_stage,
    "source": _source_stage,
    "technique": _technique_stage,
    "voice": _voice_stage,
    "claim": _claim_stage,
    "evidence": _evidence_stage,
}
# "quote" is opt-in: spaCy's parse adds about 0.25 s to an average article on 2 cores
# (benchmarks/quotes_polnear.py), over the 0.2 s budget of a default analysis (issue 11, point 9).
DEFAULT_STAGES: tuple[str, ...] = ("sentence", "technique", "evidence")
WITH_QUOTES: tuple[str, ...] = ("sentence", "quote", "technique", "evidence")
# Who says what (issue 11): quotes, their sources, and whose voice each technique span is in.
WHO_SAYS_WHAT: tuple[str, ...] = ("sentence", "quote", "source", "technique", "voice", "evidence")
# What the SemEval figures need (predict, evaluate): the spans, without the reader's evidence.
DETECTION_STAGES: tuple[str, ...] = ("sentence", "technique")


@dataclass(frozen=True, slots=True)
class AnalyzeOptions:
    """Everything an analysis can be told; each default is what the CLI uses.

    Hashable and picklable: worker processes build their pipeline from it, once each.
    """

    stages: tuple[str, ...] = DEFAULT_STAGES
    technique: TechniqueOptions = field(default_factory=TechniqueOptions)
    ingest: IngestOptions = field(default_factory=IngestOptions)

    def __post_init__(self) -> None:
        unknown = [name for name in self.stages if name not in STAGES]
        if unknown:
            raise UsageError(f"unknown stage {unknown[0]!r}; choose from: {', '.join(STAGES)}")

    def check(self) -> None:
        """Fail now on what would fail every document (an unknown detector, a missing or altered
        model file), without loading any model."""
        if "technique" in self.stages:
            from spinscope.techniques.registry import check_detector

            check_detector(self.technique.detector)
        if "claim" in self.stages:
            from spinscope.claims.model import default_folder
            from spinscope.techniques.model_files import verified_files

            verified_files(default_folder())

    def build(self) -> list[Stage]:
        """The stages, in pipeline order (the order of STAGES, whatever order they were named in)."""
        return [STAGES[name](self) for name in STAGES if name in self.stages]

    def record(self) -> dict[str, Any]:
        """What an Analysis keeps of its options: the stages and each running stage's options."""
        out: dict[str, Any] = {"stages": [name for name in STAGES if name in self.stages]}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name in self.stages and is_dataclass(value) and not isinstance(value, type):
                out[f.name] = asdict(value)
        return out

    def merged(self, changes: dict[str, object]) -> "AnalyzeOptions":
        """A copy with keyword changes applied to its own fields or to a field of one of its
        option groups (``min_score`` sets ``technique.min_score``, ``max_bytes`` sets
        ``ingest.max_bytes``); an unknown name is a TypeError, as a bad keyword would be."""
        groups: dict[str, Any] = {f.name: getattr(self, f.name) for f in fields(self) if is_dataclass(getattr(self, f.name))}
        own = {f.name for f in fields(self)} - set(groups)
        group_changes: dict[str, dict[str, object]] = {name: {} for name in groups}
        top: dict[str, Any] = {}
        for key, value in changes.items():
            if key in own:
                top[key] = tuple(value) if key == "stages" else value  # type: ignore[arg-type]
                continue
            owner = next((g for g, opts in groups.items() if key in {f.name for f in fields(opts)}), None)
            if owner is None:
                raise TypeError(f"unknown option {key!r}")
            group_changes[owner][key] = value
        new_groups = {g: replace(groups[g], **c) for g, c in group_changes.items() if c}
        return replace(self, **top, **new_groups)

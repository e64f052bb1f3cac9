"""The "transformer" detector: the MiniLM model mixed with the baseline, as the trainer chose;
and "accurate", the same over MPNet-base (``models/mpnet``, about 4x slower).

Pipeline on ``doc.text[:doc.content_end]`` (trailing boilerplate is never looked at):
MiniLM's word probabilities, mixed linearly with the baseline's token probabilities (weight
``si_baseline_weight``) → spans (`decode_words`) → MiniLM's technique probabilities, mixed
log-linearly with the baseline's technique model (weight ``tc_baseline_weight``) → a calibrated
score. A span whose runner-up technique is likely enough (``second_technique_min``) is given
that technique as well, as a second span over the same words (`ranking.detected_labels`).
Both weights, the decoding, the second-technique threshold and the calibration come from
``models/minilm/config.json``; a weight of 0 leaves the baseline out (and unloaded), and a
config without ``second_technique_min`` gives one technique a span, as before.

Why an ensemble: the two models err differently, and the mix scored higher on the validation
split than either model alone (``models/minilm/card.json``, ``ensemble``).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from spinscope.document import Document, Span
from spinscope.errors import ModelError
from spinscope.nlp.align import char_span
from spinscope.nlp.segment import sentence_spans, sentences
from spinscope.techniques.activations import softmax
from spinscope.techniques.base import check_spans, classify_extent
from spinscope.techniques.baseline import BaselineModel
from spinscope.techniques.edges import at_word_edges
from spinscope.techniques.evidence import EVIDENCE_TOKENS, Window, with_evidence
from spinscope.techniques.features import ArticleView
from spinscope.techniques.model_files import install_hint, model_component, model_info, models_root
from spinscope.techniques.ranking import detected_labels, rank_labels
from spinscope.techniques.transformer.decoding import Calibration, WordDecodeParams, decode_words
from spinscope.techniques.transformer.inputs import ArticleTokens
from spinscope.techniques.transformer.model import MiniLMModel, missing_files, read_config
from spinscope.techniques.transformer.span_scorer import SpanScorer, WordView

NAME = "transformer"
ACCURATE = "accurate"  # the same ensemble on MPNet-base (models/mpnet): more accurate, about 4x slower
NO_SECOND = 1.01  # a probability never reached: one technique per detected span


def mix(p: np.ndarray, q: np.ndarray, w: float) -> np.ndarray:
    """Log-linear mix (1 - w) log p + w log q, renormalised."""
    z = (1 - w) * np.log(np.maximum(p, 1e-9)) + w * np.log(np.maximum(q, 1e-9))
    return softmax(z)


def baseline_dir(minilm_dir: Path) -> Path:
    """The baseline mixed into the model in ``minilm_dir``: its sibling folder, else the shipped one."""
    sibling = minilm_dir.parent / "baseline"
    return sibling if sibling.is_dir() else models_root() / "baseline"


@dataclass
class Ensemble:
    """MiniLM and (when a weight is over 0) the baseline, with the decoding and calibration
    chosen for their mix; pure onnxruntime + tokenizers + numpy."""

    minilm: MiniLMModel
    decode: WordDecodeParams
    calibration: Calibration
    baseline: BaselineModel | None = None
    si_weight: float = 0.0  # SI: linear mix of word probabilities with the baseline's token model (0: off)
    tc_weight: float = 0.0  # TC: log-linear mix with the baseline's technique model (0: off)
    second_min: float = NO_SECOND  # a detected span also gets its runner-up technique where it is this likely
    config: dict[str, Any] = field(default_factory=dict)
    scorer: SpanScorer | None = None  # SI decoding by the span scorer (None: `decode_words` alone)

    @classmethod
    def load(cls, directory: Path, threads: int | None = None) -> "Ensemble":
        config = read_config(directory)
        minilm = MiniLMModel.load(directory, config, threads)
        try:
            model = cls(
                minilm=minilm,
                decode=WordDecodeParams(**config["decode"]),
                calibration=Calibration(**config.get("calibration", {})),
                si_weight=float(config.get("si_baseline_weight", 0.0)),
                tc_weight=float(config.get("tc_baseline_weight", 0.0)),
                second_min=float(config.get("second_technique_min", NO_SECOND)),
                config=config,
                scorer=SpanScorer.load(directory / config["span_scorer"]) if config.get("span_scorer") else None,
            )
        except (KeyError, TypeError) as exc:
            raise ModelError(f"{directory / 'config.json'} lacks {exc}") from exc
        if model.si_weight > 0 or model.tc_weight > 0:
            try:
                model.baseline = BaselineModel.load(baseline_dir(directory))
            except ModelError as exc:
                raise ModelError(f"the transformer model mixes in the baseline's technique model, which is missing: {exc}") from exc
        return model

    def baseline_view(self, text: str, end: int, sents: list[tuple[int, int]] | None = None) -> ArticleView | None:
        """The baseline's view of ``text[:end]``, built once per article for both mixes (None
        when no baseline is mixed in); ``sents`` as for `ArticleView.build`."""
        if self.baseline is None or (self.tc_weight <= 0 and self.si_weight <= 0):
            return None
        return ArticleView.build(text, end, sents)

    def word_probs(self, text: str, end: int, view: ArticleView | None = None) -> tuple[ArticleTokens, np.ndarray]:
        """The words of ``text[:end]`` and their mixed P(in a span)."""
        art, p, _ = self.word_parts(text, end, view)
        return art, p

    def word_parts(self, text: str, end: int, view: ArticleView | None = None) -> tuple[ArticleTokens, np.ndarray, np.ndarray]:
        """The words of ``text[:end]``, their mixed P(in a span) and the baseline's share of the
        mix (its word probabilities; zeros where it is not mixed in)."""
        art, p = self.minilm.word_probs(text, end)
        p_base = np.zeros(len(p))
        if len(p) and self.si_weight > 0 and self.baseline is not None:
            view = ArticleView.build(text, end) if view is None else view
            p_base = self.baseline_word_probs(art, view)
            p = (1 - self.si_weight) * p + self.si_weight * p_base
        return art, p, p_base

    def baseline_word_probs(self, art: ArticleTokens, view: ArticleView) -> np.ndarray:
        """The baseline's token probabilities carried over to MiniLM's words: each word gets the
        probability of the baseline token holding its first character (0 where none does)."""
        out = np.zeros(len(art.words))
        if self.baseline is None or not view.toks:
            return out
        p_sent = self.baseline.sentence_probs(view)
        if not len(p_sent):
            return out
        p_tok = self.baseline.token_probs(view, p_sent)
        for w, start in enumerate(art.words[:, 0].tolist()):
            a, b = char_span(view.starts, view.ends, start, start + 1, "expand")
            if a < b:
                out[w] = p_tok[a]
        return out

    def find_spans(self, text: str, end: int, view: ArticleView | None = None, params: WordDecodeParams | None = None) -> list[tuple[int, int, float]]:
        """(start, end, mean word probability) spans of ``text[:end]``, in text order. With a
        span scorer (and no ``params``): the scorer's spans, and the decoding's spans (its phrase
        spans among them) that lie inside one, more chances of the right technique on the same
        words (``benchmarks/span_scorer.py``, "FLC+in")."""
        art, p, p_base = self.word_parts(text, end, view)
        if not len(p):
            return []
        if self.scorer is None or params is not None:
            return decode_words(text, art, p, params or self.decode)
        sents = view.sents if view is not None else sentences(text, 0, end)
        return self.scored_spans(WordView(text, end, sents, art, p, p_base))

    def scored_spans(self, v: WordView) -> list[tuple[int, int, float]]:
        """`find_spans` of an article already read (its words and probabilities in ``v``): what
        a trainer fits the span-score calibration over."""
        decoded = decode_words(v.text, v.art, v.p_word, self.decode)
        if self.scorer is None:
            return decoded
        chosen = self.scorer.spans(v, self.decode, self.si_weight)
        inside = [d for d in decoded if any(s <= d[0] and d[1] <= e for s, e, _ in chosen)]
        merged = {(s, e): c for s, e, c in [*inside, *chosen]}
        return [(s, e, c) for (s, e), c in sorted(merged.items())]

    def technique_probs(self, text: str, spans: list[tuple[int, int]], view: ArticleView | None = None, max_len: int | None = None) -> np.ndarray:
        """(n_spans, n_labels) technique probabilities; ``view`` must reach every span's end
        (built from the whole text when None); ``max_len`` as for `MiniLMModel.technique_logits`."""
        p = softmax(self.minilm.technique_logits(text, spans, max_len) / self.calibration.tc_temperature)
        if self.tc_weight > 0 and self.baseline is not None and spans:
            p = mix(p, self.baseline_probs(spans, ArticleView.build(text) if view is None else view), self.tc_weight)
        return p

    def window_probs(self, windows: list[Window]) -> np.ndarray:
        """`technique_probs` of each window's span, read in the window alone with
        `EVIDENCE_TOKENS` tokens of MiniLM input (`evidence.WindowProbs`)."""
        items = [(w.text, (w.start, w.end)) for w in windows]
        p = softmax(self.minilm.technique_logits_each(items, EVIDENCE_TOKENS) / self.calibration.tc_temperature)
        if self.tc_weight > 0 and self.baseline is not None and windows:
            p = mix(p, self.in_minilm_order(self.baseline.window_probs(windows)), self.tc_weight)
        return p

    def baseline_probs(self, spans: list[tuple[int, int]], view: ArticleView) -> np.ndarray:
        """The baseline's technique probabilities in MiniLM's label order."""
        return self.in_minilm_order(self.baseline_model().technique_probs(view, list(spans)))

    def baseline_model(self) -> BaselineModel:
        if self.baseline is None:
            raise ModelError("no baseline is mixed into this transformer model")
        return self.baseline

    def in_minilm_order(self, pb: np.ndarray) -> np.ndarray:
        """Columns of the baseline's label order put in MiniLM's."""
        labels = list(self.baseline_model().labels)
        return pb[:, [labels.index(lab) for lab in self.minilm.labels]]


class EnsembleDetector:
    """The `Detector` registered as "transformer" (models/minilm) and, over models/mpnet, as
    "accurate" (`accurate_detector`); ``name`` goes into every result's info and component, so
    a stored analysis says which model made it. The models load lazily, once, thread-safely."""

    def __init__(self, model_dir: str | Path | None = None, threads: int | None = None, folder: str = "minilm", name: str = NAME) -> None:
        self.name = name
        self._dir = Path(model_dir) if model_dir is not None else models_root() / folder
        self._threads = threads
        self._model: Ensemble | None = None
        self._lock = threading.Lock()
        missing = missing_files(self._dir)
        if missing:
            raise ModelError(f"{name} model not found: {', '.join(missing)} missing in {self._dir}; {install_hint(self._dir)}")

    @property
    def model(self) -> Ensemble:
        if self._model is None:
            with self._lock:
                if self._model is None:
                    self._model = Ensemble.load(self._dir, self._threads)
        return self._model

    def detect(self, doc: Document) -> list[Span]:
        """Technique spans in ``doc.text[:doc.content_end]`` at word edges, one per technique a
        span is given (`detected_labels`); score = calibrated P(span and technique right)."""
        model = self.model
        view = model.baseline_view(doc.text, doc.content_end, sentence_spans(doc))
        found = model.find_spans(doc.text, doc.content_end, view)
        if not found:
            return []
        probs = model.technique_probs(doc.text, [(s, e) for s, e, _ in found], view)
        cal = model.calibration
        spans = []
        for (s, e, conf), p in zip(found, probs):
            spans += [
                Span(
                    start=s,
                    end=e,
                    label=model.minilm.labels[k],
                    score=round(cal.score(conf, float(p[k])), 6),
                    attributes={"span_confidence": round(conf, 6), "technique_probability": round(float(p[k]), 6)},
                )
                for k in detected_labels(p, model.second_min)
            ]
        return at_word_edges(doc.text, spans)

    def explain(self, doc: Document, spans: list[Span]) -> list[Span]:
        """``spans`` (found by `detect`) with the words that moved the model (`evidence.with_evidence`)."""
        model = self.model
        return with_evidence(doc.text, doc.content_end, sentence_spans(doc), spans, model.minilm.labels, model.window_probs)

    def classify(self, doc: Document, spans: list[tuple[int, int]]) -> list[tuple[str, float]]:
        """One (technique, probability) per span, in order; the n-th repeat of a span gets its
        n-th most likely technique (SemEval TC lists a span once per gold technique)."""
        model = self.model
        check_spans(doc, spans)
        if not spans:
            return []
        view = model.baseline_view(doc.text, *classify_extent(doc, spans))
        return rank_labels(spans, model.technique_probs(doc.text, list(spans), view), model.minilm.labels)

    def info(self) -> dict[str, Any]:
        model = self.model
        return model_info(
            self.name,
            model.config,
            self._dir,
            decode=model.decode.to_dict(),
            calibration=model.calibration.to_dict(),
            tc_baseline_weight=model.tc_weight,
            si_baseline_weight=model.si_weight,
            second_technique_min=model.second_min,
            span_scorer=model.config.get("span_scorer"),
        )

    def component(self) -> dict[str, Any]:
        """Which models produced a result: MiniLM's folder and, when it is mixed in, the
        baseline's, hashed as one."""
        model = self.model
        hashes = (model.minilm.sha256,) + ((model.baseline.sha256,) if model.baseline is not None else ())
        return model_component(self.name, model.config, *hashes)


def accurate_detector() -> EnsembleDetector:
    """The "accurate" detector: the ensemble over models/mpnet (MPNet-base and the baseline)."""
    return EnsembleDetector(folder="mpnet", name=ACCURATE)

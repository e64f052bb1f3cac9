"""The baseline detector: hashed-feature logistic regressions run with numpy alone.

Why it exists: it is fast (no model runtime, a few MB of weights), it needs nothing but numpy,
and it is the reference every later (transformer) detector is measured against.

Pipeline on ``doc.text[:doc.content_end]`` (trailing boilerplate is never looked at):

1. sentence model: P(sentence holds any propaganda) and P(sentence is mostly one propaganda
   span), from a bag of the sentence's words and bigrams;
2. token model (span identification as tagging): P(token lies in a propaganda span), from a
   window of words around it plus the first sentence probability (stacked);
3. decoding (`TokenDecodeParams`, `decode_tokens`; MiniLM decodes words instead, hence the
   names): runs of tokens at or over ``token_threshold`` within a sentence, merged across gaps
   of at most ``max_gap`` tokens, edge punctuation trimmed, runs shorter than ``min_chars``
   dropped (short fragments are most false positives); plus the whole sentence (less its final
   punctuation) where P(mostly one span) reaches ``sentence_threshold``, because sentence-long
   spans (Doubt, Causal_Oversimplification, ...) are under-predicted by token tagging; plus
   short unmerged *phrase* runs, which leave SI (overlaps merge) nearly unchanged but let a
   technique label land on the phrase itself;
4. technique model (multinomial): one of the 14 techniques for each span, from the span's
   words, edges, length, sentence coverage, context and whether its text recurs in the article.

A detected span's score is its span confidence (mean token probability, or the sentence
probability for a whole-sentence span) times the technique probability.

Weights live in ``models/baseline/`` (``weights.npz`` + ``config.json``), found next to the
package or under ``$SPINSCOPE_MODELS``, and load on first use.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from spinscope.document import Document, Span
from spinscope.errors import ModelError
from spinscope.nlp.segment import sentence_spans
from spinscope.techniques.activations import sigmoid, softmax
from spinscope.techniques.base import TECHNIQUES, check_spans, classify_extent
from spinscope.techniques.edges import at_word_edges
from spinscope.techniques.evidence import Window, with_evidence
from spinscope.techniques.ranking import rank_labels
from spinscope.techniques.features import ArticleView, all_token_features, sentence_features, span_feature_names
from spinscope.techniques.hashing import Rows, linear_scores, stacked
from spinscope.techniques.model_files import model_component, model_info, models_root, verified_files

NAME = "baseline"
FORMAT = "spinscope-baseline/1"
WEIGHTS_FILE = "weights.npz"
_EDGE_PUNCT = frozenset(".,;:!?…-–—")


@dataclass(frozen=True, slots=True)
class TokenDecodeParams:
    """How token and sentence probabilities become spans; chosen on the validation split by the trainer.

    ``token_threshold``/``max_gap``/``min_chars`` give the *extent* spans (tuned for SI, where
    merging across long gaps pays), kept only where some token reaches ``peak_threshold``
    (hysteresis: a confident seed, extended through less confident neighbours); ``phrase_*`` give short *phrase* spans inside them (tuned
    for FLC: a loaded word inside a long extent is its own technique span); a value over 1
    switches a threshold off.
    """

    token_threshold: float = 0.35
    max_gap: int = 1
    min_chars: int = 6
    peak_threshold: float = 0.0
    sentence_threshold: float = 0.6
    phrase_threshold: float = 1.01
    phrase_max_gap: int = 0
    phrase_min_chars: int = 8

    def to_dict(self) -> dict[str, float | int]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class BaselineModel:
    """The weight arrays and settings of one trained baseline; pure numpy."""

    sent_bits: int
    tok_bits: int
    span_bits: int
    sent_w: np.ndarray  # (2^sent_bits, 2): [any, whole]
    sent_b: np.ndarray  # (2,)
    tok_w: np.ndarray  # (2^tok_bits, 1)
    tok_b: np.ndarray  # (1,)
    span_w: np.ndarray  # (2^span_bits, 14)
    span_b: np.ndarray  # (14,)
    labels: tuple[str, ...]
    decode: TokenDecodeParams
    config: dict[str, Any]
    sha256: str | None = None  # the folder's verified hash (model_files.verified_files); None while a trainer holds it

    # -- the four stages ----------------------------------------------------------------------

    def sentence_probs(self, view: ArticleView) -> np.ndarray:
        """(n_sentences, 2): P(any propaganda), P(mostly one span)."""
        rows = Rows(self.sent_bits)
        for j in range(len(view.sents)):
            rows.add(sentence_features(view, j))
        if not len(rows):
            return np.zeros((0, 2))
        return sigmoid(linear_scores(rows, self.sent_w, self.sent_b))

    def token_probs(self, view: ArticleView, p_sent: np.ndarray) -> np.ndarray:
        """P(token in a span), given the sentence probabilities (n_sentences, 2) as features."""
        rows = Rows(self.tok_bits)
        per_sentence = [stacked(p.tolist()) for p in p_sent]  # once a sentence, not once a token: a sixth of this step's time
        for i, names in enumerate(all_token_features(view)):
            rows.add(names, per_sentence[view.tok_sent[i]])
        if not len(rows):
            return np.zeros(0)
        return sigmoid(linear_scores(rows, self.tok_w, self.tok_b))[:, 0]

    def technique_probs(self, view: ArticleView, spans: list[tuple[int, int]]) -> np.ndarray:
        return self.technique_probs_each([(view, s, e) for s, e in spans])

    def technique_probs_each(self, items: Iterable[tuple[ArticleView, int, int]]) -> np.ndarray:
        """(n_items, n_labels): the technique probabilities of each span in its own view, in
        one matrix product (occlusion evidence measures many altered views, one span each); a
        view is dropped once its features are read, so ``items`` may be a generator."""
        rows = Rows(self.span_bits)
        for view, s, e in items:
            rows.add(span_feature_names(view, s, e))
        if not len(rows):
            return np.zeros((0, len(self.labels)))
        return softmax(linear_scores(rows, self.span_w, self.span_b))

    def window_probs(self, windows: list[Window]) -> np.ndarray:
        """`technique_probs` of each window's span, in a view of the window alone
        (`evidence.WindowProbs`)."""
        # a generator: holding every window's view at once cost 160 MB on a 92 KB text
        return self.technique_probs_each((ArticleView.build(w.text, None, w.sents), w.start, w.end) for w in windows)

    def find_spans(self, view: ArticleView, params: TokenDecodeParams | None = None) -> list[tuple[int, int, float]]:
        """Span identification: (start, end, confidence) in text order."""
        params = params or self.decode
        p_sent = self.sentence_probs(view)
        if not len(p_sent):
            return []
        p_tok = self.token_probs(view, p_sent)
        return decode_tokens(view, p_tok, p_sent[:, 1], params)

    # -- loading --------------------------------------------------------------------------------

    @classmethod
    def load(cls, directory: Path) -> "BaselineModel":
        weights_path, config_path = directory / WEIGHTS_FILE, directory / "config.json"
        missing = [p.name for p in (weights_path, config_path) if not p.is_file()]
        if missing:
            raise ModelError(
                f"baseline model not found: {', '.join(missing)} missing in {directory}; "
                "run `spinscope train --detector baseline` (needs `pip install -e '.[train]'`) or set SPINSCOPE_MODELS to a folder holding baseline/"
            )
        sha256 = verified_files(directory)
        try:
            config = json.loads(config_path.read_text(encoding="utf-8"))
            with np.load(weights_path, allow_pickle=False) as npz:
                arrays = {k: npz[k] for k in npz.files}
        except (OSError, ValueError, json.JSONDecodeError) as exc:
            raise ModelError(f"baseline model in {directory} is unreadable: {exc}") from exc
        if config.get("format") != FORMAT:
            raise ModelError(f"{config_path}: format {config.get('format')!r}, expected {FORMAT!r}")
        try:
            bits = config["bits"]
            model = cls(
                sent_bits=int(bits["sentence"]),
                tok_bits=int(bits["token"]),
                span_bits=int(bits["span"]),
                sent_w=arrays["sent_w"].astype(np.float32),
                sent_b=arrays["sent_b"].astype(np.float64),
                tok_w=arrays["tok_w"].astype(np.float32).reshape(-1, 1),
                tok_b=arrays["tok_b"].astype(np.float64).reshape(1),
                span_w=arrays["span_w"].astype(np.float32),
                span_b=arrays["span_b"].astype(np.float64),
                labels=tuple(config["labels"]),
                decode=TokenDecodeParams(**config["decode"]),
                config=config,
                sha256=sha256,
            )
        except (KeyError, TypeError) as exc:
            raise ModelError(f"baseline model in {directory} lacks {exc}") from exc
        expected = {
            "sent_w": (1 << model.sent_bits, 2),
            "tok_w": (1 << model.tok_bits, 1),
            "span_w": (1 << model.span_bits, len(model.labels)),
        }
        for key, shape in expected.items():
            if getattr(model, key).shape != shape:
                raise ModelError(f"{weights_path}: {key} has shape {getattr(model, key).shape}, expected {shape}")
        unknown = set(model.labels) - set(TECHNIQUES)
        if unknown:
            raise ModelError(f"{config_path}: unknown techniques {sorted(unknown)}")
        return model


_JOINERS = frozenset("-/")


def _whole_words(view: ArticleView, a: int, b: int) -> tuple[int, int]:
    """Grow the token range [a, b) so it does not cut a hyphenated word ("al-Qaeda")."""
    toks, low = view.toks, view.low
    while a >= 2 and low[a - 1] in _JOINERS and toks[a - 2][1] == toks[a - 1][0] and toks[a - 1][1] == toks[a][0]:
        a -= 2
    n = len(toks)
    while b + 1 < n and low[b] in _JOINERS and toks[b - 1][1] == toks[b][0] and toks[b][1] == toks[b + 1][0]:
        b += 2
    return a, b


def _trim(view: ArticleView, a: int, b: int) -> tuple[int, int]:
    """Drop edge punctuation tokens of the token range [a, b)."""
    while a < b and view.low[a] in _EDGE_PUNCT:
        a += 1
    while b > a and view.low[b - 1] in _EDGE_PUNCT:
        b -= 1
    return a, b


def _runs(p_tok: np.ndarray, a: int, b: int, threshold: float, max_gap: int) -> list[tuple[int, int]]:
    """Token ranges [start, end) in [a, b) at or over ``threshold``, merged across short gaps."""
    runs: list[list[int]] = []
    if threshold > 1:
        return []
    for i in np.flatnonzero(p_tok[a:b] >= threshold) + a:
        if runs and i - runs[-1][1] <= max_gap:
            runs[-1][1] = int(i) + 1
        else:
            runs.append([int(i), int(i) + 1])
    return [(x, y) for x, y in runs]


def decode_tokens(view: ArticleView, p_tok: np.ndarray, p_whole: np.ndarray, params: TokenDecodeParams) -> list[tuple[int, int, float]]:
    """Token and sentence probabilities → (start, end, confidence) spans, in text order.

    A span found twice (say an extent that is also a phrase) is kept once, with the higher
    confidence.
    """
    found: dict[tuple[int, int], float] = {}

    def add(ta: int, tb: int, conf: float, min_chars: int) -> None:
        ta, tb = _trim(view, ta, tb)
        if ta >= tb:
            return
        ta, tb = _whole_words(view, ta, tb)
        start, end = view.toks[ta][0], view.toks[tb - 1][1]
        if end - start >= min_chars:
            found[(start, end)] = max(conf, found.get((start, end), 0.0))

    for j, (a, b) in enumerate(view.sent_toks):
        for ra, rb in _runs(p_tok, a, b, params.token_threshold, params.max_gap):
            if p_tok[ra:rb].max() >= params.peak_threshold:
                add(ra, rb, float(p_tok[ra:rb].mean()), params.min_chars)
        for ra, rb in _runs(p_tok, a, b, params.phrase_threshold, params.phrase_max_gap):
            add(ra, rb, float(p_tok[ra:rb].mean()), params.phrase_min_chars)
        if p_whole[j] >= params.sentence_threshold:
            add(a, b, float(p_whole[j]), 1)
    return [(s, e, c) for (s, e), c in sorted(found.items())]


class BaselineDetector:
    """The `Detector` of the baseline model; weights load lazily, once, thread-safely."""

    name = NAME

    def __init__(self, model_dir: str | Path | None = None) -> None:
        self._dir = Path(model_dir) if model_dir is not None else models_root() / NAME
        self._model: BaselineModel | None = None
        self._lock = threading.Lock()

    @property
    def model(self) -> BaselineModel:
        if self._model is None:
            with self._lock:
                if self._model is None:
                    self._model = BaselineModel.load(self._dir)
        return self._model

    def detect(self, doc: Document) -> list[Span]:
        """Technique spans in ``doc.text[:doc.content_end]`` at word edges, score = span confidence × P(technique)."""
        model = self.model
        view = ArticleView.build(doc.text, doc.content_end, sentence_spans(doc))
        found = model.find_spans(view)
        if not found:
            return []
        probs = model.technique_probs(view, [(s, e) for s, e, _ in found])
        spans = []
        for (s, e, conf), p in zip(found, probs):
            k = int(np.argmax(p))
            spans.append(
                Span(
                    start=s,
                    end=e,
                    label=model.labels[k],
                    score=round(float(conf * p[k]), 6),
                    attributes={"span_confidence": round(conf, 6), "technique_probability": round(float(p[k]), 6)},
                )
            )
        return at_word_edges(doc.text, spans)

    def explain(self, doc: Document, spans: list[Span]) -> list[Span]:
        """``spans`` (found by `detect`) with the words that moved the model (`evidence.with_evidence`)."""
        model = self.model
        return with_evidence(doc.text, doc.content_end, sentence_spans(doc), spans, model.labels, model.window_probs)

    def classify(self, doc: Document, spans: list[tuple[int, int]]) -> list[tuple[str, float]]:
        """One (technique, probability) per span, in order.

        When the same (start, end) is asked again, its n-th occurrence gets its n-th most likely
        technique: SemEval TC lists a span once per gold technique, and the same answer twice
        could never be right twice.
        """
        model = self.model
        check_spans(doc, spans)
        if not spans:
            return []
        view = ArticleView.build(doc.text, *classify_extent(doc, spans))
        return rank_labels(spans, model.technique_probs(view, list(spans)), model.labels)

    def info(self) -> dict[str, Any]:
        model = self.model
        return model_info(NAME, model.config, self._dir, decode=model.decode.to_dict())

    def component(self) -> dict[str, Any]:
        """Which model produced a result: its ``weights.npz``."""
        return model_component(NAME, self.model.config, self.model.sha256)

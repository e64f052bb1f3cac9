"""The transformer detector: a fine-tuned MiniLM-L6 run with onnxruntime + tokenizers only.

One int8 ONNX graph holds a shared all-MiniLM-L6-v2 encoder and two heads:

* ``si_logits`` (batch, length): P(word piece lies in a propaganda span), read over
  overlapping windows of the article (document context on both sides of every token);
* ``tc_logits`` (batch, 14): the technique of a span, read from ``[CLS] span [SEP] line [SEP]``
  plus a few scalar features the uncased encoder cannot see (``span_features``: does the span
  recur in the article, capitals, exclamation and question marks, quotes, length, coverage).

Pipeline on ``doc.text[:doc.content_end]`` (trailing boilerplate is never looked at):
windows → word-piece probabilities (averaged where windows overlap) → word probabilities →
runs of words at or over a threshold within a line, merged across short gaps, kept where a
word reaches a peak threshold and the span is long enough (most wrong spans are short
fragments) → the technique of each span → a calibrated score (``Calibration``, fitted on the
validation split by the trainer).

No torch and no transformers here: this module needs numpy, onnxruntime and tokenizers, and
the training code (``spinscope.techniques.training``) imports its preprocessing so training
and inference see exactly the same inputs.
"""

from __future__ import annotations

import json
import math
import os
import re
import threading
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from spinscope.document import Document, Span
from spinscope.errors import ModelError
from spinscope.techniques.base import TECHNIQUES, check_spans
from spinscope.techniques.ranking import rank_labels
from spinscope.techniques.model_files import models_root, read_card

NAME = "transformer"
FORMAT = "spinscope-transformer/1"
MODEL_FILE = "model.onnx"
_WORD = re.compile(r"\w+", re.UNICODE)
_EDGE_PUNCT = frozenset(".,;:!?…-–—\"'“”‘’()[]")
N_FEATS = 10
BATCH_SLACK = 0.2  # see length_batches


# ---------------------------------------------------------------------------------------------
# preprocessing shared by training and inference


def load_tokenizer(path: str | Path) -> Any:
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(path))
    tok.no_truncation()
    tok.no_padding()
    return tok


@dataclass(slots=True)
class ArticleTokens:
    """The word pieces of ``text[:end]`` (no special tokens) and their words."""

    ids: np.ndarray  # (n,) int64
    offsets: np.ndarray  # (n, 2) char offsets into the text
    word_of: np.ndarray  # (n,) index into words
    words: np.ndarray  # (m, 2) char offsets of words
    word_line: np.ndarray  # (m,) line number of each word


def article_tokens(tokenizer: Any, text: str, end: int | None = None) -> ArticleTokens:
    end = len(text) if end is None else end
    enc = tokenizer.encode(text[:end], add_special_tokens=False)
    ids = np.asarray(enc.ids, dtype=np.int64)
    offsets = np.asarray(enc.offsets, dtype=np.int64).reshape(-1, 2)
    wids = enc.word_ids
    word_of = np.zeros(len(ids), dtype=np.int64)
    words: list[list[int]] = []
    last = None
    for i, w in enumerate(wids):
        s, e = int(offsets[i, 0]), int(offsets[i, 1])
        # a new word where the pre-tokenizer says so, or where there is a gap in the text
        if w != last or not words or s > words[-1][1]:
            words.append([s, e])
        else:
            words[-1][1] = e
        word_of[i] = len(words) - 1
        last = w
    warr = np.asarray(words, dtype=np.int64).reshape(-1, 2)
    if len(warr):
        # line of a word = number of newlines before its start
        prefix = np.concatenate([[0], np.cumsum(np.frombuffer(text[:end].encode("utf-32-le"), dtype=np.uint32) == 10)])
        word_line = prefix[warr[:, 0]]
    else:
        word_line = np.zeros(0, dtype=np.int64)
    return ArticleTokens(ids, offsets, word_of, warr, word_line.astype(np.int64))


def windows(n: int, window: int, stride: int) -> list[tuple[int, int]]:
    """Token ranges [a, b) of at most ``window - 2`` pieces covering 0..n, ``stride`` apart."""
    size = window - 2
    if n <= size:
        return [(0, n)] if n else []
    out = []
    a = 0
    while True:
        b = min(a + size, n)
        out.append((a, b))
        if b >= n:
            break
        a += stride
    return out


def window_batch(ids: np.ndarray, spans: list[tuple[int, int]], cls_id: int, sep_id: int) -> tuple[np.ndarray, np.ndarray]:
    """(input_ids, attention_mask) for windows, padded with 0 to the longest."""
    length = max(b - a for a, b in spans) + 2
    x = np.zeros((len(spans), length), dtype=np.int64)
    m = np.zeros((len(spans), length), dtype=np.int64)
    for r, (a, b) in enumerate(spans):
        x[r, 0] = cls_id
        x[r, 1 : 1 + b - a] = ids[a:b]
        x[r, 1 + b - a] = sep_id
        m[r, : b - a + 2] = 1
    return x, m


def _norm(s: str) -> str:
    return " ".join(_WORD.findall(s.lower()))


def line_bounds(text: str, s: int, e: int) -> tuple[int, int]:
    a = text.rfind("\n", 0, s) + 1
    b = text.find("\n", e)
    return a, (len(text) if b < 0 else b)


def count_phrase(key: str, padded: str) -> int:
    """Non-overlapping occurrences of the normalised phrase ``key`` as whole words in
    ``padded`` (a normalised text with a space at each end)."""
    needle = f" {key} "
    count = pos = 0
    while (pos := padded.find(needle, pos)) >= 0:
        count += 1
        pos += len(key) + 1  # the space after a match may open the next one
    return count


def span_features(text: str, s: int, e: int, norm_text: str | None = None) -> list[float]:
    """Scalar features of span ``text[s:e]`` that an uncased encoder over one line cannot see."""
    span = text[s:e]
    key = _norm(span)
    norm_text = _norm(text) if norm_text is None else norm_text
    count = count_phrase(key, f" {norm_text} ") if key else 0
    letters = [c for c in span if c.isalpha()]
    upper = sum(c.isupper() for c in letters) / len(letters) if letters else 0.0
    words = span.split()
    capword = sum(1 for w in words if w[:1].isupper()) / len(words) if words else 0.0
    a, b = line_bounds(text, s, e)
    after = text[e : min(b, e + 3)]
    return [
        1.0 if count >= 2 else 0.0,
        math.log1p(max(count - 1, 0)),
        upper,
        1.0 if upper > 0.6 and len(letters) > 3 else 0.0,
        capword,
        1.0 if "!" in span or "!" in after else 0.0,
        1.0 if "?" in span or "?" in after else 0.0,
        1.0 if any(q in text[max(a, s - 2) : min(b, e + 2)] for q in "\"“”") else 0.0,
        math.log1p(len(words)) / 4,
        (e - s) / max(b - a, 1),
    ]


@dataclass(frozen=True, slots=True)
class TcSequence:
    """One span's classifier input: ``[CLS] span [SEP] line(s) around it [SEP]`` and where the
    context (token type 1) begins."""

    ids: list[int]
    context_start: int


def tc_sequences(tokenizer: Any, text: str, spans: list[tuple[int, int]], max_len: int) -> tuple[list[TcSequence], np.ndarray]:
    """The classifier input of each span and its (n, N_FEATS) ``span_features``."""
    norm_text = _norm(text)
    seqs = []
    feats = []
    for s, e in spans:
        a, b = line_bounds(text, s, e)
        a, b = max(a, s - 400), min(b, e + 400)
        span_ids = tokenizer.encode(text[s:e], add_special_tokens=False).ids[: max_len // 2]
        before = tokenizer.encode(text[a:s], add_special_tokens=False).ids
        after = tokenizer.encode(text[e:b], add_special_tokens=False).ids
        room = max_len - 3 - len(span_ids)
        # context: the span in its line, with as much on each side as fits
        left = min(len(before), max(room // 2, room - len(after)))
        right = min(len(after), room - left)
        ctx = before[len(before) - left :] + span_ids + after[:right]
        seqs.append(TcSequence([CLS_ID, *span_ids, SEP_ID, *ctx, SEP_ID], len(span_ids) + 2))
        feats.append(span_features(text, s, e, norm_text))
    return seqs, np.asarray(feats, dtype=np.float32).reshape(len(seqs), N_FEATS)


def tc_batch(seqs: list[TcSequence]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(input_ids, attention_mask, token_type_ids), padded with 0 to the longest."""
    length = max((len(q.ids) for q in seqs), default=3)
    x = np.zeros((len(seqs), length), dtype=np.int64)
    m = np.zeros((len(seqs), length), dtype=np.int64)
    t = np.zeros((len(seqs), length), dtype=np.int64)
    for r, q in enumerate(seqs):
        x[r, : len(q.ids)] = q.ids
        m[r, : len(q.ids)] = 1
        t[r, q.context_start : len(q.ids)] = 1
    return x, m, t


def length_batches(lengths: list[int], max_batch: int, slack: float) -> list[list[int]]:
    """Indices grouped, longest first, into batches whose members are at least ``1 - slack`` of
    the batch's longest: padding costs as much as real input, so similar lengths run together."""
    batches: list[list[int]] = []
    for i in sorted(range(len(lengths)), key=lambda k: -lengths[k]):
        if batches and len(batches[-1]) < max_batch and lengths[i] >= (1 - slack) * lengths[batches[-1][0]]:
            batches[-1].append(i)
        else:
            batches.append([i])
    return batches


CLS_ID, SEP_ID = 101, 102  # bert-base-uncased vocabulary, checked against the tokenizer on load


# ---------------------------------------------------------------------------------------------
# decoding


@dataclass(frozen=True, slots=True)
class DecodeParams:
    """How word probabilities become spans; chosen on the validation split by the trainer."""

    threshold: float = 0.4
    max_gap: int = 1
    min_chars: int = 9
    peak_threshold: float = 0.0
    line_threshold: float = 1.01  # a whole line is one span where its mean word probability reaches this
    # short *phrase* spans inside the extents: SI (overlaps merge) hardly moves, but a technique
    # label can land on the phrase itself (FLC); a threshold over 1 switches them off
    phrase_threshold: float = 1.01
    phrase_max_gap: int = 0
    phrase_min_chars: int = 8

    def to_dict(self) -> dict[str, float | int]:
        return asdict(self)


def word_probs(art: ArticleTokens, piece_probs: np.ndarray) -> np.ndarray:
    """Mean piece probability per word."""
    m = len(art.words)
    if not m:
        return np.zeros(0)
    sums = np.bincount(art.word_of, weights=piece_probs, minlength=m)
    counts = np.bincount(art.word_of, minlength=m)
    return sums / np.maximum(counts, 1)


def decode(text: str, art: ArticleTokens, p_word: np.ndarray, params: DecodeParams) -> list[tuple[int, int, float]]:
    """Word probabilities → (start, end, mean probability) spans in text order."""
    hot = np.flatnonzero(p_word >= params.threshold)
    runs: list[list[int]] = []
    for i in hot:
        i = int(i)
        if runs and i - runs[-1][1] <= params.max_gap and art.word_line[i] == art.word_line[runs[-1][1] - 1]:
            runs[-1][1] = i + 1
        else:
            runs.append([i, i + 1])
    if params.line_threshold <= 1 and len(p_word):
        lines = art.word_line
        cuts = np.flatnonzero(np.diff(lines)) + 1
        starts = np.concatenate([[0], cuts])
        ends = np.concatenate([cuts, [len(lines)]])
        keep = []
        for a, b in zip(starts, ends):
            if p_word[a:b].mean() >= params.line_threshold:
                keep.append([int(a), int(b)])
        # a whole line replaces the runs inside it
        covered = {int(lines[a]) for a, _ in keep}
        runs = [r for r in runs if int(lines[r[0]]) not in covered] + keep
        runs.sort()
    found: dict[tuple[int, int], float] = {}

    def add(a: int, b: int, peak: float, min_chars: int) -> None:
        while a < b and text[art.words[a, 0] : art.words[a, 1]] in _EDGE_PUNCT:
            a += 1
        while b > a and text[art.words[b - 1, 0] : art.words[b - 1, 1]] in _EDGE_PUNCT:
            b -= 1
        if a >= b:
            return
        seg = p_word[a:b]
        if seg.max() < peak:
            return
        s, e = int(art.words[a, 0]), int(art.words[b - 1, 1])
        if e - s < min_chars:
            return
        found[(s, e)] = max(float(seg.mean()), found.get((s, e), 0.0))

    for a, b in runs:
        add(a, b, params.peak_threshold, params.min_chars)
    if params.phrase_threshold <= 1:
        runs = []
        for i in np.flatnonzero(p_word >= params.phrase_threshold):
            i = int(i)
            if runs and i - runs[-1][1] <= params.phrase_max_gap and art.word_line[i] == art.word_line[runs[-1][1] - 1]:
                runs[-1][1] = i + 1
            else:
                runs.append([i, i + 1])
        for a, b in runs:
            add(a, b, 0.0, params.phrase_min_chars)
    return [(s, e, c) for (s, e), c in sorted(found.items())]


# ---------------------------------------------------------------------------------------------
# calibration


@dataclass(frozen=True, slots=True)
class Calibration:
    """``tc_temperature`` divides the technique logits; the span score is
    sigmoid(a * logit(span probability) + b * log(technique probability) + c), fitted on the
    validation split to P(the span overlaps a gold span of the predicted technique)."""

    tc_temperature: float = 1.0
    a: float = 1.0
    b: float = 1.0
    c: float = 0.0

    def score(self, span_prob: float, tech_prob: float) -> float:
        sp = min(max(span_prob, 1e-6), 1 - 1e-6)
        z = self.a * math.log(sp / (1 - sp)) + self.b * math.log(max(tech_prob, 1e-6)) + self.c
        return 1.0 / (1.0 + math.exp(-z))

    def to_dict(self) -> dict[str, float]:
        return asdict(self)


def mix(p: np.ndarray, q: np.ndarray, w: float) -> np.ndarray:
    """Log-linear mix (1 - w) log p + w log q, renormalised."""
    z = (1 - w) * np.log(np.maximum(p, 1e-9)) + w * np.log(np.maximum(q, 1e-9))
    return softmax(z)


def softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


# ---------------------------------------------------------------------------------------------
# the runtime model


@dataclass
class TransformerModel:
    """An ONNX session, its tokenizer and settings; pure onnxruntime + tokenizers + numpy."""

    session: Any
    tokenizer: Any
    labels: tuple[str, ...]
    window: int
    stride: int
    tc_max_len: int
    decode: DecodeParams
    calibration: Calibration
    config: dict[str, Any] = field(default_factory=dict)
    batch: int = 16
    baseline_weight: float = 0.0  # TC: log-linear mix with the baseline's technique model (0: off)
    si_baseline_weight: float = 0.0  # SI: linear mix of word probabilities with the baseline's token model (0: off)
    baseline: Any = None  # a BaselineModel, loaded when baseline_weight > 0

    @classmethod
    def load(cls, directory: Path, threads: int | None = None) -> "TransformerModel":
        onnx_path, tok_path, config_path = directory / MODEL_FILE, directory / "tokenizer.json", directory / "config.json"
        missing = [p.name for p in (onnx_path, tok_path, config_path) if not p.is_file()]
        if missing:
            raise ModelError(
                f"transformer model not found: {', '.join(missing)} missing in {directory}; "
                "run `spinscope train --data ../shared/data/ptc --out models/minilm` (needs the train extra), "
                "set SPINSCOPE_MODELS to a folder holding minilm/, or use --detector baseline"
            )
        try:
            config = json.loads(config_path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise ModelError(f"{config_path} is unreadable: {exc}") from exc
        if config.get("format") != FORMAT:
            raise ModelError(f"{config_path}: format {config.get('format')!r}, expected {FORMAT!r}")
        try:
            import onnxruntime as ort
        except ImportError as exc:  # pragma: no cover - a dependency
            raise ModelError(f"the transformer detector needs onnxruntime: {exc}") from exc
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads or int(os.environ.get("SPINSCOPE_THREADS", 0)) or min(4, os.cpu_count() or 1)
        opts.inter_op_num_threads = 1
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        try:
            session = ort.InferenceSession(str(onnx_path), sess_options=opts, providers=["CPUExecutionProvider"])
            tokenizer = load_tokenizer(tok_path)
        except Exception as exc:  # onnxruntime raises its own exception types
            raise ModelError(f"transformer model in {directory} is unreadable: {exc}") from exc
        if tokenizer.token_to_id("[CLS]") != CLS_ID or tokenizer.token_to_id("[SEP]") != SEP_ID:
            raise ModelError(f"{tok_path}: not the bert-base-uncased vocabulary the model was trained with")
        try:
            labels = tuple(config["labels"])
            model = cls(
                session=session,
                tokenizer=tokenizer,
                labels=labels,
                window=int(config["window"]),
                stride=int(config["stride"]),
                tc_max_len=int(config["tc_max_len"]),
                decode=DecodeParams(**config["decode"]),
                calibration=Calibration(**config.get("calibration", {})),
                config=config,
                baseline_weight=float(config.get("tc_baseline_weight", 0.0)),
                si_baseline_weight=float(config.get("si_baseline_weight", 0.0)),
            )
        except (KeyError, TypeError) as exc:
            raise ModelError(f"{config_path} lacks {exc}") from exc
        unknown = set(labels) - set(TECHNIQUES)
        if unknown:
            raise ModelError(f"{config_path}: unknown techniques {sorted(unknown)}")
        if model.baseline_weight > 0 or model.si_baseline_weight > 0:
            from spinscope.techniques.baseline import BaselineModel

            base_dir = directory.parent / "baseline"
            if not base_dir.is_dir():
                base_dir = models_root() / "baseline"
            try:
                model.baseline = BaselineModel.load(base_dir)
            except ModelError as exc:
                raise ModelError(f"the transformer model mixes in the baseline's technique model, which is missing: {exc}") from exc
        return model

    def _run(self, ids: np.ndarray, mask: np.ndarray, types: np.ndarray, feats: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        si, tc = self.session.run(["si_logits", "tc_logits"], {"input_ids": ids, "attention_mask": mask, "token_type_ids": types, "feats": feats})
        return si, tc

    def piece_probs(self, art: ArticleTokens) -> np.ndarray:
        """P(in a span) for every word piece, averaged over the windows that hold it."""
        n = len(art.ids)
        wins = windows(n, self.window, self.stride)
        total = np.zeros(n)
        count = np.zeros(n)
        for idx in length_batches([b - a for a, b in wins], self.batch, BATCH_SLACK):
            chunk = [wins[i] for i in idx]
            x, m = window_batch(art.ids, chunk, CLS_ID, SEP_ID)
            si, _ = self._run(x, m, np.zeros_like(x), np.zeros((len(chunk), N_FEATS), np.float32))
            p = 1 / (1 + np.exp(-si))
            for r, (a, b) in enumerate(chunk):
                total[a:b] += p[r, 1 : 1 + b - a]
                count[a:b] += 1
        return total / np.maximum(count, 1)

    def technique_logits(self, text: str, spans: list[tuple[int, int]]) -> np.ndarray:
        res = np.zeros((len(spans), len(self.labels)), dtype=np.float64)
        if not spans:
            return res
        seqs, feats = tc_sequences(self.tokenizer, text, spans, self.tc_max_len)
        for idx in length_batches([len(q.ids) for q in seqs], 32, BATCH_SLACK):
            x, m, t = tc_batch([seqs[i] for i in idx])
            _, tc = self._run(x, m, t, feats[idx])
            res[idx] = tc
        return res

    def baseline_view(self, text: str, end: int) -> Any:
        """The baseline's view of ``text[:end]``, built once per article for both mixes (None
        when no baseline is mixed in)."""
        if self.baseline is None or (self.baseline_weight <= 0 and self.si_baseline_weight <= 0):
            return None
        from spinscope.techniques.features import ArticleView

        return ArticleView.build(text, end)

    def technique_probs(self, text: str, spans: list[tuple[int, int]], end: int | None = None, view: Any = None) -> np.ndarray:
        p = softmax(self.technique_logits(text, spans) / self.calibration.tc_temperature)
        if self.baseline_weight > 0 and self.baseline is not None and spans:
            p = mix(p, self.baseline_probs(text, spans, end, view), self.baseline_weight)
        return p

    def baseline_probs(self, text: str, spans: list[tuple[int, int]], end: int | None = None, view: Any = None) -> np.ndarray:
        """The baseline's technique probabilities in this model's label order."""
        from spinscope.techniques.features import ArticleView

        end = max(end if end is not None else len(text), max(e for _, e in spans))
        if view is None or view.end != min(end, len(text)):
            view = ArticleView.build(text, end)
        pb = self.baseline.technique_probs(view, list(spans))
        order = [list(self.baseline.labels).index(lab) for lab in self.labels]
        return pb[:, order]

    def word_probs(self, text: str, end: int, view: Any = None) -> tuple[ArticleTokens, np.ndarray]:
        art = article_tokens(self.tokenizer, text, end)
        if not len(art.ids):
            return art, np.zeros(0)
        p = word_probs(art, self.piece_probs(art))
        if self.si_baseline_weight > 0 and self.baseline is not None:
            p = (1 - self.si_baseline_weight) * p + self.si_baseline_weight * self.baseline_word_probs(text, end, art, view)
        return art, p

    def baseline_word_probs(self, text: str, end: int, art: ArticleTokens, view: Any = None) -> np.ndarray:
        """The baseline's token probabilities carried over to this model's words (by the token holding the word's start)."""
        from spinscope.techniques.features import ArticleView

        view = ArticleView.build(text, end) if view is None else view
        out = np.zeros(len(art.words))
        if not view.toks:
            return out
        p_sent = self.baseline.sentence_probs(view)
        if not len(p_sent):
            return out
        p_tok = self.baseline.token_probs(view, p_sent)
        starts = np.array([s for s, _ in view.toks])
        ends = np.array([e for _, e in view.toks])
        k = np.searchsorted(starts, art.words[:, 0], side="right") - 1
        ok = (k >= 0) & (ends[np.maximum(k, 0)] > art.words[:, 0])
        out[ok] = p_tok[k[ok]]
        return out

    def find_spans(self, text: str, end: int, params: DecodeParams | None = None, view: Any = None) -> list[tuple[int, int, float]]:
        art, p = self.word_probs(text, end, view)
        if not len(p):
            return []
        return decode(text, art, p, params or self.decode)


class TransformerDetector:
    """The `Detector` of the MiniLM model; the ONNX session loads lazily, once, thread-safely."""

    name = NAME

    def __init__(self, model_dir: str | Path | None = None, threads: int | None = None) -> None:
        self._dir = Path(model_dir) if model_dir is not None else models_root() / "minilm"
        self._threads = threads
        self._model: TransformerModel | None = None
        self._lock = threading.Lock()
        if not (self._dir / MODEL_FILE).is_file():
            raise ModelError(
                f"transformer model not found: {self._dir / MODEL_FILE} is missing; run "
                "`spinscope train --data ../shared/data/ptc --out models/minilm` (needs `pip install -e '.[train]'`), "
                "set SPINSCOPE_MODELS to a folder holding minilm/, or use --detector baseline"
            )

    @property
    def model(self) -> TransformerModel:
        if self._model is None:
            with self._lock:
                if self._model is None:
                    self._model = TransformerModel.load(self._dir, self._threads)
        return self._model

    def detect(self, doc: Document) -> list[Span]:
        """Technique spans in ``doc.text[:doc.content_end]``; score = calibrated P(span and technique right)."""
        model = self.model
        view = model.baseline_view(doc.text, doc.content_end)
        found = model.find_spans(doc.text, doc.content_end, view=view)
        if not found:
            return []
        probs = model.technique_probs(doc.text, [(s, e) for s, e, _ in found], doc.content_end, view)
        cal = model.calibration
        spans = []
        for (s, e, conf), p in zip(found, probs):
            k = int(np.argmax(p))
            spans.append(
                Span(
                    start=s,
                    end=e,
                    label=model.labels[k],
                    score=round(cal.score(conf, float(p[k])), 6),
                    attributes={"span_confidence": round(conf, 6), "technique_probability": round(float(p[k]), 6)},
                )
            )
        return spans

    def classify(self, doc: Document, spans: list[tuple[int, int]]) -> list[tuple[str, float]]:
        """One (technique, probability) per span, in order; the n-th repeat of a span gets its
        n-th most likely technique (SemEval TC lists a span once per gold technique)."""
        model = self.model
        check_spans(doc, spans)
        if not spans:
            return []
        return rank_labels(spans, model.technique_probs(doc.text, list(spans), doc.content_end), model.labels)

    def info(self) -> dict[str, Any]:
        model = self.model
        card = read_card(self._dir)
        return {
            "name": NAME,
            "version": model.config.get("version"),
            "path": str(self._dir),
            "decode": model.decode.to_dict(),
            "calibration": model.calibration.to_dict(),
            "tc_baseline_weight": model.baseline_weight,
            "si_baseline_weight": model.si_baseline_weight,
            "metrics": card.get("metrics", {}),
        }

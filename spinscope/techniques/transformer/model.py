"""The fine-tuned MiniLM-L6 (or MPNet-base, the accurate model) as one int8 ONNX graph, run
with onnxruntime + tokenizers only.

The graph holds a shared encoder (all-MiniLM-L6-v2; all-mpnet-base-v2 for the accurate
model, whose config.json names the ids it frames inputs with: ``specials``) and two heads:

* ``si_logits`` (batch, length): P(word piece lies in a propaganda span), read over
  overlapping windows of the article (document context on both sides of every token);
* ``tc_logits`` (batch, 14): the technique of a span, read from ``[CLS] span [SEP] line [SEP]``
  plus ``span_numeric_features``.

No torch and no transformers here: the trainer (`spinscope.training`) hands this class a torch
session that quacks like onnxruntime's, so validation runs through the same code.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from spinscope.errors import ModelError
from spinscope.techniques.base import TECHNIQUES
from spinscope.techniques.model_files import install_hint, verified_files
from spinscope.techniques.transformer.decoding import pieces_to_words
from spinscope.techniques.transformer.graph import MODEL_FILE, has_graph, read_graph
from spinscope.techniques.transformer.inputs import (
    BATCH_SLACK,
    BERT_SPECIALS,
    CLS_ID,
    N_FEATS,
    SEP_ID,
    ArticleTokens,
    SpecialIds,
    TcSequence,
    article_tokens,
    length_batches,
    load_tokenizer,
    special_ids,
    tc_batch,
    tc_sequences,
    window_batch,
    windows,
)

FORMAT = "spinscope-transformer/1"
TOKENIZER_FILE = "tokenizer.json"
CONFIG_FILE = "config.json"


def missing_files(directory: Path) -> list[str]:
    """The files a transformer model folder needs that it lacks (the graph in either form, see `graph`)."""
    graph = [] if has_graph(directory) else [MODEL_FILE]
    return graph + [name for name in (TOKENIZER_FILE, CONFIG_FILE) if not (directory / name).is_file()]


def read_config(directory: Path) -> dict[str, Any]:
    """The model folder's config.json, once its three files are known to be there."""
    config_path = directory / CONFIG_FILE
    missing = missing_files(directory)
    if missing:
        raise ModelError(f"transformer model not found: {', '.join(missing)} missing in {directory}; {install_hint(directory)}")
    try:
        config: dict[str, Any] = json.loads(config_path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ModelError(f"{config_path} is unreadable: {exc}") from exc
    if config.get("format") != FORMAT:
        raise ModelError(f"{config_path}: format {config.get('format')!r}, expected {FORMAT!r}")
    return config


def onnx_session(graph: Path | bytes, threads: int) -> Any:
    """A CPU onnxruntime session for the graph at a path or in bytes (joined parts, `graph.read_graph`);
    one thread between operators, as the graph is a chain."""
    try:
        import onnxruntime as ort
    except ImportError as exc:  # pragma: no cover - a dependency
        raise ModelError(f"the transformer detector needs onnxruntime: {exc}") from exc
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    opts.inter_op_num_threads = 1
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    # Idle threads sleep instead of spinning: occlusion evidence makes a call a sequence, and
    # between such short calls spinning threads burned as much CPU again as the work on a busy
    # machine (the demo's evidence: 1.26 s CPU spinning, 0.67 s not; detection alone 0.24 / 0.18).
    opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
    try:
        return ort.InferenceSession(str(graph) if isinstance(graph, Path) else graph, sess_options=opts, providers=["CPUExecutionProvider"])
    except Exception as exc:  # onnxruntime raises its own exception types
        where = graph if isinstance(graph, Path) else f"the {len(graph):,} bytes of the joined {MODEL_FILE} parts"
        raise ModelError(f"transformer model {where} is unreadable: {exc}") from exc


def config_specials(config: dict[str, Any]) -> SpecialIds:
    """The ids the model frames its inputs with: config's ``specials``, else BERT's (configs
    written before other encoders were shipped, such as the MiniLM model's)."""
    given = config.get("specials")
    if given is None:
        return BERT_SPECIALS
    try:
        return SpecialIds(int(given["cls"]), int(given["sep"]), int(given["pad"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise ModelError(f"config.json: specials {given!r} are not {{\"cls\": id, \"sep\": id, \"pad\": id}} ({exc!r})") from exc


def check_specials(tokenizer: Any, specials: SpecialIds, path: Path) -> None:
    """ModelError unless ``tokenizer`` is the vocabulary the model was trained with, as far as
    its framing shows: BERT's [CLS]/[SEP] ids, or the tokenizer's own framing (`special_ids`)
    equal to the config's ``specials``."""
    if specials == BERT_SPECIALS:
        if tokenizer.token_to_id("[CLS]") != CLS_ID or tokenizer.token_to_id("[SEP]") != SEP_ID:
            raise ModelError(f"{path}: not the bert-base-uncased vocabulary the model was trained with")
        return
    try:
        own = special_ids(tokenizer)
    except ValueError as exc:
        raise ModelError(f"{path}: {exc}") from exc
    if own != specials:
        raise ModelError(f"{path} frames sequences with {own}, but config.json says the model was trained with {specials}")


@dataclass
class MiniLMModel:
    """An ONNX session (or anything with its ``run``), its tokenizer and input settings."""

    session: Any
    tokenizer: Any
    labels: tuple[str, ...]
    window: int
    stride: int
    tc_max_len: int
    batch: int = 16
    sha256: str | None = None  # the folder's verified hash (model_files.verified_files); None while a trainer holds it
    specials: SpecialIds = BERT_SPECIALS  # MPNet (the accurate model, a trainer's teacher) frames its inputs with other ids

    @classmethod
    def load(cls, directory: Path, config: dict[str, Any], threads: int | None = None) -> "MiniLMModel":
        """The model in ``directory`` as ``config`` (from `read_config`) describes it."""
        threads = threads or int(os.environ.get("SPINSCOPE_THREADS", 0)) or min(4, os.cpu_count() or 1)
        sha256 = verified_files(directory)
        session = onnx_session(read_graph(directory), threads)
        try:
            tokenizer = load_tokenizer(directory / TOKENIZER_FILE)
        except Exception as exc:  # tokenizers raises its own exception types
            raise ModelError(f"transformer model in {directory} is unreadable: {exc}") from exc
        specials = config_specials(config)
        check_specials(tokenizer, specials, directory / TOKENIZER_FILE)
        try:
            model = cls(
                session=session,
                tokenizer=tokenizer,
                labels=tuple(config["labels"]),
                window=int(config["window"]),
                stride=int(config["stride"]),
                tc_max_len=int(config["tc_max_len"]),
                sha256=sha256,
                specials=specials,
            )
        except (KeyError, TypeError) as exc:
            raise ModelError(f"{directory / CONFIG_FILE} lacks {exc}") from exc
        unknown = set(model.labels) - set(TECHNIQUES)
        if unknown:
            raise ModelError(f"{directory / CONFIG_FILE}: unknown techniques {sorted(unknown)}")
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
            x, m = window_batch([art.ids[a:b] for a, b in chunk], self.specials)
            si, _ = self._run(x, m, np.zeros_like(x), np.zeros((len(chunk), N_FEATS), np.float32))
            p = 1 / (1 + np.exp(-si))
            for r, (a, b) in enumerate(chunk):
                total[a:b] += p[r, 1 : 1 + b - a]
                count[a:b] += 1
        return total / np.maximum(count, 1)

    def word_probs(self, text: str, end: int) -> tuple[ArticleTokens, np.ndarray]:
        """The words of ``text[:end]`` and this model's P(in a span) for each."""
        art = article_tokens(self.tokenizer, text, end)
        if not len(art.ids):
            return art, np.zeros(0)
        return art, pieces_to_words(art, self.piece_probs(art))

    def technique_logits(self, text: str, spans: list[tuple[int, int]], max_len: int | None = None) -> np.ndarray:
        """(n_spans, n_labels) technique logits, in ``labels`` order; ``max_len`` tokens a
        sequence (span and context), the trained ``tc_max_len`` when None."""
        if not spans:
            return np.zeros((0, len(self.labels)), dtype=np.float64)
        return self._tc_logits(*tc_sequences(self.tokenizer, text, spans, max_len or self.tc_max_len, self.specials))

    def technique_logits_each(self, items: list[tuple[str, tuple[int, int]]], max_len: int) -> np.ndarray:
        """(len(items), n_labels) technique logits of each span in its own text, for occlusion
        evidence (`techniques.evidence`): many altered texts, one span each.

        Each sequence runs alone: the int8 model quantizes its activations per batch, so a
        span's logits move with whatever shares its batch (by up to 0.46 beside three other
        sequences of its length on the aleppo example), which would put noise of that size into
        every drop; alone they are a function of the input. On one thread alone costs no more
        CPU than batched (7.0 ms a 32-token sequence either way, measured on the aleppo spans)."""
        if not items:
            return np.zeros((0, len(self.labels)), dtype=np.float64)
        built = [tc_sequences(self.tokenizer, text, [span], max_len, self.specials) for text, span in items]
        return self._tc_logits([q for seqs, _ in built for q in seqs], np.concatenate([feats for _, feats in built]), batch=1)

    def _tc_logits(self, seqs: list[TcSequence], feats: np.ndarray, batch: int = 32) -> np.ndarray:
        res = np.zeros((len(seqs), len(self.labels)), dtype=np.float64)
        for idx in length_batches([len(q.ids) for q in seqs], batch, BATCH_SLACK):
            x, m, t = tc_batch([seqs[i] for i in idx], self.specials)
            _, tc = self._run(x, m, t, feats[idx])
            res[idx] = tc
        return res

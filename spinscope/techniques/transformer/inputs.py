"""What the MiniLM model reads: word pieces, words, windows, technique-classifier sequences, batches.

Shared by the run-time model (`spinscope.techniques.transformer.model`) and the trainer
(`spinscope.training`), so training and inference see exactly the same inputs. Needs numpy and
tokenizers only.

* SI reads overlapping windows of the article's word pieces (`windows`, `window_batch`);
* TC reads ``[CLS] span [SEP] line(s) around it [SEP]`` (`tc_sequences`, `tc_batch`) plus a few
  numbers the uncased encoder cannot see (`span_numeric_features`: does the span recur in the
  article, capitals, exclamation and question marks, quotes, length, coverage).
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from spinscope.techniques.base import CONTEXT_REACH

_WORD = re.compile(r"\w+", re.UNICODE)
N_FEATS = 10  # len(span_numeric_features(...)), the width of the graph's ``feats`` input
BATCH_SLACK = 0.2  # see length_batches
CLS_ID, SEP_ID = 101, 102  # bert-base-uncased vocabulary, checked against the tokenizer on load


@dataclass(frozen=True, slots=True)
class SpecialIds:
    """The ids a model frames its inputs with. The shipped MiniLM reads BERT's ([CLS] 101,
    [SEP] 102, [PAD] 0); a trainer's other encoders (MPNet: <s> 0, </s> 2, <pad> 1) bring their
    own, read off their tokenizer by `special_ids`."""

    cls: int
    sep: int
    pad: int


BERT_SPECIALS = SpecialIds(CLS_ID, SEP_ID, 0)


def special_ids(tokenizer: Any) -> SpecialIds:
    """The tokenizer's own framing: the first and last id it adds around one sequence, and its
    padding id (``<pad>`` where the vocabulary has one, else ``[PAD]``)."""
    framed = tokenizer.encode("a", add_special_tokens=True).ids
    bare = tokenizer.encode("a", add_special_tokens=False).ids
    if len(framed) != len(bare) + 2:
        raise ValueError("the tokenizer does not frame a sequence with one leading and one trailing special token")
    pad = tokenizer.token_to_id("<pad>")
    if pad is None:
        pad = tokenizer.token_to_id("[PAD]")
    return SpecialIds(int(framed[0]), int(framed[-1]), int(pad if pad is not None else 0))


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


def window_batch(pieces: list[np.ndarray], specials: SpecialIds = BERT_SPECIALS) -> tuple[np.ndarray, np.ndarray]:
    """(input_ids, attention_mask) of ``[CLS] window [SEP]`` rows, padded (with 0 for BERT) to the longest."""
    length = max(len(ids) for ids in pieces) + 2
    x = np.full((len(pieces), length), specials.pad, dtype=np.int64)
    m = np.zeros((len(pieces), length), dtype=np.int64)
    for r, ids in enumerate(pieces):
        k = len(ids)
        x[r, 0] = specials.cls
        x[r, 1 : 1 + k] = ids
        x[r, 1 + k] = specials.sep
        m[r, : k + 2] = 1
    return x, m


def _norm(s: str) -> str:
    return " ".join(_WORD.findall(s.lower()))


def line_bounds(text: str, s: int, e: int) -> tuple[int, int]:
    """The line around ``text[s:e]``, searched at most CONTEXT_REACH characters each way."""
    lo, hi = max(0, s - CONTEXT_REACH), min(len(text), e + CONTEXT_REACH)
    a = text.rfind("\n", lo, s) + 1 or lo
    b = text.find("\n", e, hi)
    return a, (hi if b < 0 else b)


def count_phrase(key: str, padded: str, start: int = 0, end: int | None = None) -> int:
    """Non-overlapping occurrences of the normalised phrase ``key`` as whole words in
    ``padded[start:end]`` (a normalised text with a space at each end)."""
    needle = f" {key} "
    end = len(padded) if end is None else end
    count, pos = 0, start
    while (pos := padded.find(needle, pos, end)) >= 0:
        count += 1
        pos += len(key) + 1  # the space after a match may open the next one
    return count


class Phrases:
    """An article's words, normalised once, for counting a span's recurrences near it
    (CONTEXT_REACH characters each way: the whole article for any article of ordinary length)."""

    def __init__(self, text: str) -> None:
        words = list(_WORD.finditer(text.lower()))  # as _norm reads a span: lowered, then split
        self.starts = [m.start() for m in words]
        self.padded = " " + " ".join(m.group() for m in words) + " "
        # where each word begins in ``padded``, less one: the space before it
        self.at: list[int] = []
        pos = 0
        for m in words:
            self.at.append(pos)
            pos += len(m.group()) + 1

    def count(self, key: str, s: int, e: int) -> int:
        first = bisect_left(self.starts, s - CONTEXT_REACH)
        last = bisect_left(self.starts, e + CONTEXT_REACH)
        start = self.at[first] if first < len(self.at) else len(self.padded)
        end = self.at[last] + 1 if last < len(self.at) else len(self.padded)
        return count_phrase(key, self.padded, start, end)


def span_numeric_features(text: str, s: int, e: int, phrases: Phrases | None = None) -> list[float]:
    """Scalar features of span ``text[s:e]`` that an uncased encoder over one line cannot see."""
    span = text[s:e]
    key = _norm(span)
    count = (phrases or Phrases(text)).count(key, s, e) if key else 0
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


def tc_sequences(
    tokenizer: Any, text: str, spans: list[tuple[int, int]], max_len: int, specials: SpecialIds = BERT_SPECIALS
) -> tuple[list[TcSequence], np.ndarray]:
    """The classifier input of each span and its (n, N_FEATS) ``span_numeric_features``."""
    phrases = Phrases(text)
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
        seqs.append(TcSequence([specials.cls, *span_ids, specials.sep, *ctx, specials.sep], len(span_ids) + 2))
        feats.append(span_numeric_features(text, s, e, phrases))
    return seqs, np.asarray(feats, dtype=np.float32).reshape(len(seqs), N_FEATS)


def tc_batch(seqs: list[TcSequence], specials: SpecialIds = BERT_SPECIALS) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(input_ids, attention_mask, token_type_ids), padded (with 0 for BERT) to the longest."""
    length = max((len(q.ids) for q in seqs), default=3)
    x = np.full((len(seqs), length), specials.pad, dtype=np.int64)
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


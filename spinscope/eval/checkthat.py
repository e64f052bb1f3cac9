"""CheckThat! 2020 Task 2 (English): tweets, their gold verified claims, and the claim collection.

The closest public benchmark for repeated-claim matching ("has this claim been made, and checked,
before?"). Every file is TAB-separated and CSV-quoted where a text holds a double quote (some
verified claims hold a line break inside a quoted field), so each is read with ``csv.reader``.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from spinscope.errors import MalformedInputError, UnsupportedInputError

SPLITS = ("train", "dev")
COLLECTION = "verified_claims.docs.tsv"


@dataclass(frozen=True, slots=True)
class VerifiedClaim:
    id: str
    claim: str
    title: str


@dataclass(frozen=True, slots=True)
class RetrievalData:
    """One split: its tweets (id -> text, file order), the gold claim ids of each tweet, and the
    whole collection in file order."""

    queries: dict[str, str]
    gold: dict[str, frozenset[str]]
    claims: tuple[VerifiedClaim, ...]


def _rows(path: Path, width: int, header: bool) -> list[list[str]]:
    try:
        with path.open(encoding="utf-8", newline="") as f:
            rows = list(csv.reader(f, delimiter="\t"))
    except OSError as exc:
        raise UnsupportedInputError(f"{path}: cannot be read ({exc})") from exc
    rows = rows[1:] if header else rows
    for number, row in enumerate(rows, start=2 if header else 1):
        if len(row) != width:
            raise MalformedInputError(f"{path}: record {number} has {len(row)} fields, expected {width}")
    return rows


def load_collection(folder: Path) -> tuple[VerifiedClaim, ...]:
    return tuple(VerifiedClaim(i, claim, title) for i, claim, title in _rows(folder / COLLECTION, 3, header=True))


def load_split(folder: Path, split: str, claims: tuple[VerifiedClaim, ...] | None = None) -> RetrievalData:
    """Read ``split`` (train or dev) from ``folder``; pass ``claims`` to reuse a collection already read."""
    if split not in SPLITS:
        raise UnsupportedInputError(f"unknown split {split!r}: one of {', '.join(SPLITS)}")
    queries = {i: text for i, text in _rows(folder / f"{split}-tweets.queries.tsv", 2, header=True)}
    gold: dict[str, set[str]] = {}
    for tweet, _, claim, relevant in _rows(folder / f"{split}-tweet-vclaim-pairs.qrels", 4, header=False):
        if relevant != "0":
            gold.setdefault(tweet, set()).add(claim)
    return RetrievalData(queries, {k: frozenset(v) for k, v in gold.items()}, claims or load_collection(folder))


_PICTURE = re.compile(r"\s*pic\.twitter\.com/\w+")
_URL = re.compile(r"https?://\S+")
_SIGNATURE = re.compile(
    r"\s*[—–-]\s*([^—–()]{0,80}?)\s*\(@\w+\)\s*(?:January|February|March|April|May|June|July|August|September|October|November|December)\s+\d{1,2},\s+\d{4}\s*$"
)


def tweet_text(raw: str) -> str:
    """A tweet as a claim: links and picture links out, and the embed signature
    ("— Name (@handle) January 6, 2020") reduced to the author's name, whose date would otherwise
    count as a figure the claim states."""
    text = _URL.sub(" ", _PICTURE.sub(" ", raw))
    text = _SIGNATURE.sub(lambda m: f" ({m.group(1).strip()})" if m.group(1).strip() else "", text)
    return " ".join(text.split())

"""SemEval-2020 Task 11 tab-separated formats.

SI lines are ``article_id<TAB>start<TAB>end``; TC and FLC lines are
``article_id<TAB>technique<TAB>start<TAB>end``. A TC template has ``?`` in the technique column.
Readers check every line and name the file and line of the first bad one, because a silently
skipped line changes a score.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from spinscope.errors import MalformedInputError, UnsupportedInputError


@dataclass(frozen=True, slots=True)
class Labelled:
    """One line of a SemEval file; ``technique`` is None in SI files and ``?`` in templates."""

    article_id: str
    start: int
    end: int
    technique: str | None = None


def _lines(path: Path) -> Iterable[tuple[int, list[str]]]:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise UnsupportedInputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise UnsupportedInputError(f"{path}: is a folder, expected a tab-separated file") from None
    except OSError as exc:
        raise UnsupportedInputError(f"{path}: cannot be read ({(exc.strerror or type(exc).__name__).lower()})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise MalformedInputError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            yield number, line.rstrip("\r\n").split("\t")


def _offsets(path: Path, number: int, start: str, end: str) -> tuple[int, int]:
    try:
        s, e = int(start), int(end)
    except ValueError:
        raise MalformedInputError(f"{path}: line {number}: offsets must be integers, got {start!r} {end!r}") from None
    if not 0 <= s < e:
        raise MalformedInputError(f"{path}: line {number}: need 0 <= start < end, got {s} {e}")
    return s, e


def read_si(path: str | Path) -> list[Labelled]:
    path = Path(path)
    out = []
    for number, cols in _lines(path):
        if len(cols) != 3:
            raise MalformedInputError(f"{path}: line {number}: expected 3 tab-separated columns (article_id start end), got {len(cols)}")
        s, e = _offsets(path, number, cols[1], cols[2])
        out.append(Labelled(cols[0], s, e))
    return out


def read_tc(path: str | Path, allow_unknown: bool = False) -> list[Labelled]:
    """Read a TC/FLC file; ``allow_unknown`` accepts ``?`` techniques (a TC template)."""
    path = Path(path)
    out = []
    for number, cols in _lines(path):
        if len(cols) != 4:
            raise MalformedInputError(
                f"{path}: line {number}: expected 4 tab-separated columns (article_id technique start end), got {len(cols)}"
            )
        if cols[1] == "?" and not allow_unknown:
            raise MalformedInputError(f"{path}: line {number}: technique is '?' (a template, not predictions)")
        s, e = _offsets(path, number, cols[2], cols[3])
        out.append(Labelled(cols[0], s, e, cols[1]))
    return out


def format_si(rows: Iterable[Labelled]) -> str:
    return "".join(f"{r.article_id}\t{r.start}\t{r.end}\n" for r in rows)


def format_tc(rows: Iterable[Labelled]) -> str:
    return "".join(f"{r.article_id}\t{r.technique}\t{r.start}\t{r.end}\n" for r in rows)

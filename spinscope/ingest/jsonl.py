"""JSONL corpora: one article per line, given as its text or as a URL to fetch.

A bad line becomes a Failure naming its line number and the rest of the file is still read: a
million-line crawl should not die on line 4,012. Lines are read with a byte cap, so one 1 GB line
costs a skip, not the memory to hold it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from spinscope.document import Document, Failure, Pending
from spinscope.errors import MalformedInputError, SpinscopeError, UnsupportedInputError
from spinscope.ingest.decode import too_large
from spinscope.ingest.documents import document_from_text, read_pending, without_surrogates
from spinscope.settings import IngestOptions

_STRING_FIELDS = ("text", "url", "title", "outlet", "published")
_METADATA_FIELDS = ("id", "title", "outlet", "published")
_SKIP_CHUNK_BYTES = 1 << 20


def read_jsonl(path: Path, options: IngestOptions, deferred: bool = False, part: LineRange | None = None) -> Iterator[Document | Failure | Pending]:
    """Each non-blank line as a Document or a Failure, in file order; sources are `path:line`.
    With `deferred`, a `url` record comes as a Pending, fetched where it is analysed; with `part`,
    only the lines of that byte range (from `split_jsonl`), numbered as in the whole file."""
    try:
        stream = path.open("rb")
    except OSError as exc:
        raise UnsupportedInputError(f"{path}: cannot read it ({exc.strerror or exc})") from exc
    with stream:
        if part is not None:
            stream.seek(part.start)
        lines = _lines(stream, options.max_bytes, None if part is None else part.stop)
        for number, line in enumerate(lines, start=1 if part is None else part.first_line):
            source = f"{path}:{number}"
            try:
                if line is None:
                    raise too_large(f"{source}: the line", options.max_bytes)
                if line.strip():
                    yield _document(line, path, number, options, deferred)
            except SpinscopeError as exc:
                yield Failure.of(source, exc)


def count_jsonl(path: Path, options: IngestOptions) -> int:
    """How many results `read_jsonl` yields for `path` (one a non-blank or over-long line), with
    no line parsed: a progress total."""
    with path.open("rb") as stream:
        return sum(1 for line in _lines(stream, options.max_bytes) if line is None or line.strip())


@dataclass(frozen=True, slots=True)
class LineRange:
    """Bytes [start, stop) of a JSONL file, whole lines, the first of them line `first_line`,
    holding `results` results of `read_jsonl`."""

    start: int
    stop: int
    first_line: int
    results: int


def split_jsonl(path: Path, options: IngestOptions, size: int, within: LineRange | None = None) -> Iterator[LineRange]:
    """`path` (or its range `within`) cut into ranges of `size` results of `read_jsonl` each (the
    last may hold fewer), found by scanning for newlines: no line is parsed. A worker reads its
    own range."""
    within = within or LineRange(0, -1, 1, 0)
    with path.open("rb") as stream:
        stream.seek(within.start)
        start, first, results, number = within.start, within.first_line, 0, within.first_line - 1
        for line in _lines(stream, options.max_bytes, None if within.stop < 0 else within.stop):
            number += 1
            results += line is None or bool(line.strip())
            if results == size:
                stop = stream.tell()
                yield LineRange(start, stop, first, results)
                start, first, results = stop, number + 1, 0
        if results:
            yield LineRange(start, stream.tell(), first, results)


def _lines(stream: BinaryIO, limit: int, stop: int | None = None) -> Iterator[bytes | None]:
    """Physical lines without their newline, or None for a line over `limit` bytes; with `stop`,
    the lines that start before byte `stop`."""
    while (stop is None or stream.tell() < stop) and (line := stream.readline(limit + 1)):
        content = line[:-1] if line.endswith(b"\n") else line
        if len(content) <= limit:
            yield content
            continue
        while line and not line.endswith(b"\n"):
            line = stream.readline(_SKIP_CHUNK_BYTES)
        yield None


def _document(line: bytes, path: Path, number: int, options: IngestOptions, deferred: bool) -> Document | Pending:
    source = f"{path}:{number}"
    record = _parse(line, source)
    given_id = record.get("id")
    doc_id = f"{path.stem}:{number}" if given_id is None else str(given_id)
    meta = {key: record.get(key) for key in ("title", "outlet", "published")}
    if record.get("text") is not None:
        return document_from_text(record["text"], options, id=doc_id, source=source, url=record.get("url"), **meta)
    # What the corpus says about an article beats what extraction guessed from the page.
    pending = Pending(record["url"], id=doc_id, source=source, **meta)
    return pending if deferred else read_pending(pending, options)


def _parse(line: bytes, where: str) -> dict[str, Any]:
    """The record of one line; errors start with ``where`` (path:line), the source of its Failure."""
    try:
        record = json.loads(line)  # bytes: json finds UTF-8/16/32 and skips a BOM itself
    # ValueError covers bad UTF-8 and over-long integers, RecursionError a line of 10^5 "[".
    except (ValueError, RecursionError) as exc:
        raise MalformedInputError(f"{where}: not valid JSON ({exc})") from exc
    if not isinstance(record, dict):
        raise MalformedInputError(f"{where}: expected a JSON object, got {_json_type(record)}")
    for key in _STRING_FIELDS:
        if record.get(key) is not None and not isinstance(record[key], str):
            raise MalformedInputError(f'{where}: "{key}" must be a string, got {_json_type(record[key])}')
    given_id = record.get("id")
    if given_id is not None and (isinstance(given_id, bool) or not isinstance(given_id, str | int)):
        raise MalformedInputError(f'{where}: "id" must be a string or an integer, got {_json_type(given_id)}')
    if record.get("text") is None and record.get("url") is None:
        raise MalformedInputError(f'{where}: needs a "text" or a "url" field')
    # JSON may spell lone surrogates ("\\ud800"), which UTF-8 output cannot hold: metadata loses
    # them here; the text keeps them for document_from_text, which marks each one it replaces, and
    # a URL to fetch keeps them for the fetcher, which refuses it rather than fetch another URL.
    for key in _METADATA_FIELDS:
        if isinstance(record.get(key), str):
            record[key] = without_surrogates(record[key])
    return record


def _json_type(value: object) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "true or false", int: "a number", float: "a number"}
    return "null" if value is None else names.get(type(value), type(value).__name__)


"""Ingestion: every kind of input spinscope reads, turned into Documents.

An input is `-` (stdin), an http/https URL, a .txt/.html/.htm file, a .jsonl file, or a folder of
.txt/.html/.htm files (a PTC folder of article<ID>.txt among them). `read_inputs` reads a batch and
keeps going past bad inputs, each becoming a Failure; `read_one` reads one and raises.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, Literal, overload

from spinscope.document import Document, Failure, Pending
from spinscope.errors import SpinscopeError, UnsupportedInputError
from spinscope.ingest.decode import read_limited
from spinscope.ingest.documents import (
    HTML_SUFFIXES,
    TEXT_SUFFIXES,
    document_from_bytes,
    document_from_file,
    document_from_text,
    document_from_url,
    existing_path,
    folder_file_id,
    is_url,
    read_pending,
)
from spinscope.ingest.jsonl import count_jsonl, read_jsonl
from spinscope.settings import IngestOptions

__all__ = ["IngestOptions", "count_inputs", "document_from_text", "folder_files", "read_inputs", "read_one", "read_pending"]


@overload
def read_inputs(
    inputs: list[str], options: IngestOptions = ..., stdin: BinaryIO | None = ..., *, deferred: Literal[False] = ...
) -> Iterator[Document | Failure]: ...


@overload
def read_inputs(
    inputs: list[str], options: IngestOptions = ..., stdin: BinaryIO | None = ..., *, deferred: bool
) -> Iterator[Document | Failure | Pending]: ...


def read_inputs(
    inputs: list[str],
    options: IngestOptions = IngestOptions(),
    stdin: BinaryIO | None = None,
    *,
    deferred: bool = False,
) -> Iterator[Document | Failure | Pending]:
    """Every document in `inputs`, in order; an input or document that fails becomes a Failure.

    With `deferred`, files and URLs (JSONL `url` records too) come as Pending, for the process that
    analyses them to read (`read_pending`); stdin and JSONL texts are read here, as they must be.
    """
    for item in inputs:
        try:
            path = _collection(item)
            if path is None:
                yield Pending(item if is_url(item) else str(existing_path(item))) if deferred and item != "-" else read_one(item, options, stdin)
            elif path.is_dir():
                yield from _read_folder(path, options, deferred)
            else:
                yield from read_jsonl(path, options, deferred)
        except SpinscopeError as exc:
            yield Failure.of("stdin" if item == "-" else item, exc)


def read_one(input: str, options: IngestOptions = IngestOptions(), stdin: BinaryIO | None = None) -> Document:
    """The one document `input` names; raises a SpinscopeError subclass when it cannot be read.

    `stdin` replaces sys.stdin for `-`, for callers (and tests) that hold the bytes elsewhere.
    """
    if input == "-":
        data = read_limited(stdin or sys.stdin.buffer, options.max_bytes, "stdin")
        return document_from_bytes(data, source="stdin", html=None)
    if is_url(input):
        return document_from_url(input, options)
    if _collection(input) is not None:
        raise UnsupportedInputError(f"{input} holds many documents; read it with read_inputs or the command line")
    return document_from_file(existing_path(input), options)


def _collection(item: str) -> Path | None:
    """The folder or .jsonl file `item` names, if it names one."""
    if item == "-" or is_url(item):
        return None
    path = existing_path(item)
    return path if path.is_dir() or path.suffix.lower() == ".jsonl" else None


def count_inputs(inputs: list[str], options: IngestOptions = IngestOptions()) -> int:
    """How many results `read_inputs(inputs)` yields, for a progress bar's total, without reading
    a document: a folder's matching files, a JSONL file's non-blank lines (scanned, not parsed),
    one for anything else, an input that cannot be read among them (it yields one Failure)."""
    total = 0
    for item in inputs:
        try:
            total += _count(item, options)
        except (SpinscopeError, OSError):
            total += 1
    return total


def _count(item: str, options: IngestOptions) -> int:
    path = _collection(item)
    if path is None:
        return 1
    if path.is_dir():
        return len(folder_files(path)) or 1  # an empty folder yields one Failure
    return count_jsonl(path, options)


def folder_files(folder: Path) -> list[Path]:
    """The .txt/.html/.htm files under `folder`, in path order so that runs are reproducible."""
    suffixes = TEXT_SUFFIXES | HTML_SUFFIXES
    return sorted(p for p in folder.rglob("*") if p.suffix.lower() in suffixes and p.is_file())


def _read_folder(folder: Path, options: IngestOptions, deferred: bool) -> Iterator[Document | Failure | Pending]:
    """Every .txt/.html/.htm file under `folder`, in path order."""
    files = folder_files(folder)
    if not files:
        raise UnsupportedInputError(f"{folder}: no .txt, .html or .htm files in this folder")
    for file in files:
        try:
            doc_id = folder_file_id(folder, file)
            yield Pending(str(file), id=doc_id) if deferred else document_from_file(file, options, id=doc_id)
        except SpinscopeError as exc:
            yield Failure.of(str(file), exc)

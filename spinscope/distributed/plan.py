"""A batch's inputs cut into partitions that workers read themselves.

The driver lists file names and scans JSONL files for newlines; it reads no document. A partition
is a run of consecutive files or URLs of one input (a folder, a URL list), or a byte range of whole lines of one JSONL
file, so a worker opens (or fetches) exactly what it analyses. Its key hashes what it holds, so a
rerun over the same inputs finds the partitions a manifest says are done.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from spinscope.document import Document, Failure, Pending
from spinscope.errors import UnsupportedInputError, UsageError
from spinscope.ingest import folder_files
from spinscope.ingest.documents import existing_path, folder_file_id, is_url
from spinscope.ingest.url_lists import url_list
from spinscope.ingest.jsonl import LineRange, read_jsonl, split_jsonl
from spinscope.settings import IngestOptions


@dataclass(frozen=True, slots=True)
class Partition:
    """Files and URLs (``pending``), or the lines ``lines`` of the JSONL file ``jsonl``."""

    key: str
    label: str  # what it holds, for the manifest and messages: "a.txt … z.txt" or "x.jsonl lines 51+ (25 records)"
    pending: tuple[Pending, ...] = ()
    jsonl: str | None = None
    lines: LineRange | None = None

    @property
    def size(self) -> int:
        """How many results (documents or failures) it gives."""
        return len(self.pending) if self.lines is None else self.lines.results

    def split(self, options: IngestOptions) -> list[Partition]:
        """One partition a document (keys left empty): to find the one that kills its worker."""
        if self.lines is None:
            return [_files([p]) for p in self.pending]
        assert self.jsonl is not None
        return [Partition("", f"{self.jsonl}:{r.first_line}", jsonl=self.jsonl, lines=r) for r in split_jsonl(Path(self.jsonl), options, 1, self.lines)]

    def read(self, options: IngestOptions) -> Iterator[Document | Failure | Pending]:
        """Its items, as ``read_inputs(..., deferred=True)`` gives them: what a worker runs."""
        if self.lines is None:
            yield from self.pending
        else:
            assert self.jsonl is not None
            yield from read_jsonl(Path(self.jsonl), options, deferred=True, part=self.lines)


def plan(inputs: list[str], options: IngestOptions, size: int) -> list[Partition]:
    """The partitions of ``inputs``, in input order, ``size`` results each at most; raises what
    is wrong with an input (missing, an empty folder, stdin) before any work starts. Files and
    URLs named one by one are grouped as a folder's files are."""
    if not inputs:
        raise UsageError("give at least one input: files, folders, .jsonl files or URLs")
    parts: list[Partition] = []
    seen: dict[str, int] = {}
    singles: list[Pending] = []

    def add(content: object, part: Partition) -> None:
        digest = json.dumps(content)
        seen[digest] = seen.get(digest, 0) + 1  # an input given twice is analysed twice, as analyze does
        key = hashlib.sha256(f"{digest}#{seen[digest]}".encode()).hexdigest()[:20]
        parts.append(Partition(key, part.label, part.pending, part.jsonl, part.lines))

    def flush() -> None:
        if singles:
            add(_content(singles), _files(singles))
            singles.clear()

    for item in inputs:
        for unit in _units(item, options, size):
            if isinstance(unit, Pending):
                singles.append(unit)
                if len(singles) == size:
                    flush()
            else:
                flush()
                add(_content(list(unit.pending)) if unit.lines is None else ["jsonl", str(Path(unit.jsonl or "").resolve()), unit.lines.start, unit.lines.stop], unit)
    flush()
    return parts


def _content(pending: list[Pending]) -> list[object]:
    """What a key hashes for files and URLs: absolute paths (a rerun from another folder finds them) and ids."""
    return ["files", [[p.location if is_url(p.location) else str(Path(p.location).resolve()), p.id] for p in pending]]


def _files(pending: list[Pending]) -> Partition:
    label = pending[0].location if len(pending) == 1 else f"{pending[0].location} … {pending[-1].location}"
    return Partition("", label, tuple(pending))


def _units(item: str, options: IngestOptions, size: int) -> Iterator[Pending | Partition]:
    """A file or URL named alone (a Pending), or the partitions of a folder or JSONL file (keys to come)."""
    if item == "-":
        raise UsageError("spinscope batch cannot read stdin (each worker reads its own inputs); save it to a file and give its name")
    if is_url(item):
        yield Pending(item)
        return
    path = existing_path(item)
    if path.is_dir():
        files = folder_files(path)
        if not files:
            raise UsageError(f"{path}: no .txt, .html or .htm files in this folder")
        for start in range(0, len(files), size):
            yield _files([Pending(str(file), id=folder_file_id(path, file)) for file in files[start : start + size]])
    elif path.suffix.lower() == ".jsonl":
        try:
            ranges = list(split_jsonl(path, options, size))
        except OSError as exc:
            raise UnsupportedInputError(f"{path}: cannot read it ({exc.strerror or exc})") from None
        for lines in ranges:
            yield Partition("", f"{path} lines {lines.first_line}+ ({lines.results} records)", jsonl=str(path), lines=lines)
    elif (urls := url_list(str(path), options)) is not None:
        for start in range(0, len(urls), size):
            yield _files([Pending(url, source=f"{path}:{number}") for number, url in urls[start : start + size]])
    else:
        yield Pending(str(path))

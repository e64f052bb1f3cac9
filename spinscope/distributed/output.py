"""A batch's output folder: Parquet files per partition and the manifest of finished ones.

    DIR/documents/<key>.parquet   one row a document, in input order; a failed one has its
                                  error_type and error and no text
    DIR/spans/<key>.parquet       one row a span of any group: document_id, group, label,
                                  start, end, score, text, attributes (JSON), span_id
    DIR/manifest.jsonl            JSON Lines: first the run's settings, then one line a finished
                                  partition (its key, what it holds, its counts)

Only the driver writes. Each Parquet file is written under a temporary name and renamed into place
(``os.replace``), and only then is the partition's line appended to the manifest (and synced): a
partition is done once the manifest says so, and one whose files exist without its line (a run
stopped between the two) is written again, whole. Appending a line, rather than rewriting one
JSON file, keeps a million-article run from rewriting a growing manifest 40,000 times; a torn last
line is ignored. A task that Dask ran twice is written once: its result reaches the driver once.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from spinscope.document import Analysis, Failure
from spinscope.errors import UsageError

FORMAT = "spinscope-batch/1"

DOCUMENTS = pa.schema([
    ("document_id", pa.string()), ("source", pa.string()), ("title", pa.string()), ("url", pa.string()), ("outlet", pa.string()),
    ("published", pa.string()), ("language", pa.string()), ("text", pa.string()), ("summary", pa.string()), ("relations", pa.string()),
    ("components", pa.string()), ("error_type", pa.string()), ("error", pa.string()),
])  # fmt: skip
SPANS = pa.schema([
    ("document_id", pa.string()), ("group", pa.string()), ("label", pa.string()), ("start", pa.int64()), ("end", pa.int64()),
    ("score", pa.float64()), ("text", pa.string()), ("attributes", pa.string()), ("span_id", pa.string()),
])  # fmt: skip


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def document_row(result: Analysis | Failure) -> dict[str, Any]:
    """The documents-table row of one result."""
    if isinstance(result, Failure):
        return {name: None for name in DOCUMENTS.names} | {"source": result.source, "error_type": result.error, "error": result.message}
    doc = result.document
    data = result.to_dict()
    return {
        "document_id": doc.id, "source": doc.source, "title": doc.title, "url": doc.url, "outlet": doc.outlet, "published": doc.published,
        "language": doc.language, "text": doc.text, "summary": _json(result.summary), "relations": _json([r.to_dict() for r in doc.relations]),
        "components": _json(data.get("components", [])), "error_type": None, "error": None,
    }  # fmt: skip


def span_rows(result: Analysis | Failure) -> list[dict[str, Any]]:
    """The spans-table rows of one result, by group then position (none for a failure)."""
    if isinstance(result, Failure):
        return []
    doc = result.document
    return [
        {"document_id": doc.id, "group": group, "label": span.label, "start": span.start, "end": span.end, "score": span.score,
         "text": span.text(doc), "attributes": _json(dict(span.attributes)), "span_id": span.id}
        for group in sorted(doc.spans) for span in doc.spans[group]
    ]  # fmt: skip


@contextmanager
def _replacing(target: Path) -> Iterator[Path]:
    """A temporary name next to ``target``, renamed onto it when the block succeeds and removed
    when it does not (Ctrl-C included): ``target`` is whole or absent, never half written."""
    temp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        yield temp
        os.replace(temp, target)
    finally:
        temp.unlink(missing_ok=True)


class Output:
    """The output folder of one batch; ``settings`` (options, partition size) must match a
    manifest already there, so a rerun never mixes results of two configurations."""

    def __init__(self, folder: Path, settings: dict[str, Any]) -> None:
        self.folder = folder
        self.manifest = folder / "manifest.jsonl"
        self.settings = settings
        self.done: dict[str, dict[str, Any]] = {}
        if self.manifest.exists():
            self._load()

    def _load(self) -> None:
        try:
            lines = self.manifest.read_text(encoding="utf-8").splitlines()
            header = json.loads(lines[0]) if lines else None
        except (OSError, ValueError) as exc:
            raise UsageError(f"{self.manifest}: not a spinscope batch manifest ({exc}); give another --out folder") from None
        if not isinstance(header, dict) or header.get("format") != FORMAT:
            raise UsageError(f"{self.manifest}: not a {FORMAT} manifest; give another --out folder")
        if header.get("settings") != self.settings:
            raise UsageError(
                f"{self.folder} holds a batch run with other settings ({_json(header.get('settings'))}); "
                "rerun with the same options to resume it, or give another --out folder"
            )
        for line in lines[1:]:
            try:
                entry = json.loads(line)
            except ValueError:
                continue  # a line torn by a crash: its partition runs again
            if isinstance(entry, dict) and all(path.exists() for path in self._files(str(entry.get("key")))):
                self.done[entry["key"]] = entry

    def _files(self, key: str) -> tuple[Path, Path]:
        return self.folder / "documents" / f"{key}.parquet", self.folder / "spans" / f"{key}.parquet"

    def prepare(self) -> None:
        """Create the folders and, for a new run, the manifest's first line."""
        for sub in ("documents", "spans"):
            (self.folder / sub).mkdir(parents=True, exist_ok=True)
        if not self.manifest.exists():
            with _replacing(self.manifest) as temp:
                temp.write_text(_json({"format": FORMAT, "settings": self.settings}) + "\n", encoding="utf-8")

    def write(self, key: str, label: str, results: list[Analysis | Failure]) -> dict[str, Any]:
        """Write one finished partition's two files, then append its line to the manifest."""
        documents = pa.Table.from_pylist([document_row(r) for r in results], schema=DOCUMENTS)
        spans = pa.Table.from_pylist([row for r in results for row in span_rows(r)], schema=SPANS)
        for table, target in zip((documents, spans), self._files(key), strict=True):
            with _replacing(target) as temp:
                pq.write_table(table, temp)
        failures = sum(isinstance(r, Failure) for r in results)
        entry = {"key": key, "label": label, "documents": len(results) - failures, "failures": failures, "spans": spans.num_rows}
        with self.manifest.open("a", encoding="utf-8") as fh:
            fh.write(_json(entry) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        self.done[key] = entry
        return entry

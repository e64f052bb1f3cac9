"""Query results written out: a table for the terminal, CSV, JSON Lines or Parquet.

Every format has the same columns, those of `CorpusRow`, in its order. Text from the store
(titles, snippets) is never read as Rich markup in the table.
"""

from __future__ import annotations

import csv
import json
from dataclasses import asdict, fields
from importlib.util import find_spec
from pathlib import Path
from typing import IO

from rich.console import Console
from rich.table import Table
from rich.text import Text

from spinscope.errors import UsageError
from spinscope.store import CorpusRow

COLUMNS: tuple[str, ...] = tuple(f.name for f in fields(CorpusRow))
FORMATS = ("table", "csv", "jsonl", "parquet")
PARQUET_INSTALL = "pip install 'spinscope[dask]' (or pyarrow==26.0.1)"


def check_format(fmt: str, out: Path | None) -> None:
    """Raise UsageError now for a format that cannot be written as asked, before the query runs."""
    if fmt == "parquet":
        if out is None:
            raise UsageError("--format parquet writes a file: give it with --out PATH")
        if find_spec("pyarrow") is None:
            raise UsageError(f"--format parquet needs pyarrow: {PARQUET_INSTALL}")


def write_table(rows: tuple[CorpusRow, ...], console: Console) -> None:
    table = Table("analysis", "published", "outlet", "title", "techniques", "quotes", "claims", "match", show_lines=False)
    for r in rows:
        table.add_row(str(r.analysis_id), Text(r.published_date or r.published or ""), Text(r.outlet or ""), Text(r.title or r.document_id),
                      str(r.techniques), str(r.quotes), str(r.claims), Text(r.match or ""))  # fmt: skip
    console.print(table)


def write_csv(rows: tuple[CorpusRow, ...], out: IO[str]) -> None:
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(asdict(r) for r in rows)


def write_jsonl(rows: tuple[CorpusRow, ...], out: IO[str]) -> None:
    for r in rows:
        out.write(json.dumps(asdict(r), ensure_ascii=False) + "\n")


def write_parquet(rows: tuple[CorpusRow, ...], path: Path) -> None:
    """One Parquet file with a typed column per field (pyarrow, imported only here)."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise UsageError(f"--format parquet needs pyarrow: {PARQUET_INSTALL}") from None
    types = {"analysis_id": pa.int64(), "techniques": pa.int64(), "quotes": pa.int64(), "claims": pa.int64()}
    schema = pa.schema([(name, types.get(name, pa.string())) for name in COLUMNS])
    table = pa.Table.from_pylist([asdict(r) for r in rows], schema=schema)
    pq.write_table(table, path)

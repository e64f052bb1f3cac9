"""The inputs of ``spinscope corpus add``: what ``read_inputs`` reads, plus URL lists.

A URL list is a ``.txt`` file whose every line (blank lines and ``#`` comments aside) is one
http(s) URL; any other line makes it an article. Each URL becomes a Pending item, fetched where it
is analysed, with ``list.txt:<line>`` as its source.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from spinscope.document import Document, Failure, Pending
from spinscope.ingest import count_inputs, read_inputs
from spinscope.ingest.documents import is_url
from spinscope.settings import IngestOptions

_URL_LINE = re.compile(r"https?://\S+", re.IGNORECASE)


def url_list(item: str, options: IngestOptions) -> list[tuple[int, str]] | None:
    """The (line number, URL) pairs of the URL list ``item`` names, None when it is not one."""
    if is_url(item):
        return None
    path = Path(item)
    if path.suffix.lower() != ".txt" or not path.is_file():
        return None
    try:
        with path.open("rb") as stream:
            data = stream.read(options.max_bytes + 1)
    except OSError:
        return None  # read_inputs reports it
    if len(data) > options.max_bytes:
        return None
    urls = []
    for number, line in enumerate(data.decode("utf-8", "replace").splitlines(), start=1):  # a URL is ASCII; anything else is not a list
        value = line.strip()
        if not value or value.startswith("#"):
            continue
        if not _URL_LINE.fullmatch(value):
            return None
        urls.append((number, value))
    return urls or None


def read_sources(inputs: list[str], options: IngestOptions) -> Iterator[Document | Failure | Pending]:
    """Every item of ``inputs`` in order, as ``read_inputs(..., deferred=True)`` gives them, a URL
    list's URLs as Pending items."""
    for item in inputs:
        urls = url_list(item, options)
        if urls is None:
            yield from read_inputs([item], options, deferred=True)
        else:
            yield from (Pending(url, source=f"{item}:{number}") for number, url in urls)


def count_sources(inputs: list[str], options: IngestOptions) -> int:
    """How many items `read_sources` yields, for a progress bar's total, no document read."""
    return sum(len(urls) if (urls := url_list(item, options)) is not None else count_inputs([item], options) for item in inputs)

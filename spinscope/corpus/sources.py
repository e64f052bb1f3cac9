"""The inputs of ``spinscope corpus add``: what ``read_inputs`` reads, plus URL lists
(``spinscope.ingest.url_lists``), each URL a Pending item fetched where it is analysed, with
``list.txt:<line>`` as its source.
"""

from __future__ import annotations

from collections.abc import Iterator

from spinscope.document import Document, Failure, Pending
from spinscope.ingest import count_inputs, read_inputs
from spinscope.ingest.url_lists import url_list
from spinscope.settings import IngestOptions


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

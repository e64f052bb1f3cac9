"""URL lists: a ``.txt`` file whose every line (blank lines and ``#`` comments aside) is one
http(s) URL. Any other line makes it an article, so a list is never mistaken for text to analyse
nor an article for a list. ``corpus add`` and ``batch`` both read them.
"""

from __future__ import annotations

import re
from pathlib import Path

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

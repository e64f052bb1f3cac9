"""HTML to a Document: trafilatura finds the article text and its metadata.

The extracted text becomes `Document.text`, so every later offset is into the extraction, never into
the HTML. trafilatura and lxml raise a zoo of exceptions on hostile pages (deep nesting, huge
colspans, broken encodings); each becomes one typed error so a batch keeps going.
"""

from __future__ import annotations

import re

from spinscope.document import Document
from spinscope.errors import EmptyInputError, MalformedInputError

# The HTML standard's prescan looks at the first 1024 bytes for <meta charset> / http-equiv.
_META_CHARSET = re.compile(rb"<meta[^>]*?charset\s*=\s*[\"']?\s*([a-z0-9_.:-]+)", re.IGNORECASE)
_PRESCAN_BYTES = 1024


def declared_charset(data: bytes) -> str | None:
    """The charset a page declares in a meta tag, for files (a fetched page has its header too)."""
    match = _META_CHARSET.search(data[:_PRESCAN_BYTES])
    return match.group(1).decode("ascii") if match else None


def looks_like_html(text: str) -> bool:
    """Whether stdin carries a page rather than plain text; stdin has no file name to go by."""
    head = text.lstrip()[:_PRESCAN_BYTES].lower()
    return head.startswith("<!doctype html") or "<html" in head


def html_to_document(html: str, *, id: str, source: str, url: str | None = None) -> Document:
    """The article in `html` with its title, date and outlet; `url` helps extraction and wins
    over the page's own canonical URL, since it is where the page was actually read from.
    trafilatura is imported here, not at the top: it costs ~0.2 s and plain text never needs it."""
    import trafilatura
    from lxml.etree import LxmlError
    from trafilatura.settings import Document as Extraction

    try:
        extracted = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False)
    # MemoryError here is an allocation a crafted page asked for (trafilatura #657, #665), not
    # the process running out: refusing that one page is the right answer.
    except (ValueError, TypeError, RecursionError, MemoryError, LxmlError) as exc:
        raise MalformedInputError(f"{source}: the HTML could not be parsed ({type(exc).__name__}: {exc})") from exc
    if not isinstance(extracted, Extraction) or not extracted.text or not extracted.text.strip():
        raise EmptyInputError(f"{source}: no article text found in the HTML")
    return Document(
        id=id,
        text=extracted.text,
        title=extracted.title or None,
        url=url or extracted.url or None,
        outlet=extracted.sitename or extracted.hostname or None,
        published=extracted.date or None,
        source=source,
    )

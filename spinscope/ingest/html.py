"""HTML to a Document: trafilatura finds the article text and its metadata.

The extracted text becomes `Document.text`, so every later offset is into the extraction, never into
the HTML. trafilatura and lxml raise a zoo of exceptions on hostile pages (deep nesting, huge
colspans, broken encodings); each becomes one typed error so a batch keeps going.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from spinscope.document import Document
from spinscope.errors import EmptyInputError, MalformedInputError

# The HTML standard's prescan looks at the first 1024 bytes for <meta charset> / http-equiv.
_META_CHARSET = re.compile(rb"<meta[^>]*?charset\s*=\s*[\"']?\s*([a-z0-9_.:-]+)", re.IGNORECASE)
_PRESCAN_BYTES = 1024

# libxml2 drops whatever lies deeper than 255 elements unless the tree is parsed as huge, and even
# then deeper than about 2,045; trafilatura's time grows fast with depth (1 s at 1,000 levels,
# 4 s at 2,000), so pages nested deeper than this are refused with their depth.
MAX_NESTING = 1000
_LIBXML_NESTING = 255
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)[^>]*>")
# Void elements never nest; these others close themselves when the next one opens, so counting
# them would make a page of unclosed <p> look deep. Leaving them out can only undercount.
_NOT_COUNTED = frozenset(
    "area base br col embed hr img input link meta param source track wbr "
    "html head body p li dt dd option optgroup tr td th thead tbody tfoot colgroup caption rb rt rp".split()
)


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

    A page nested deeper than libxml2's default depth is parsed again as a huge tree when the
    first pass finds nothing, up to MAX_NESTING levels.
    """
    extracted = _extract(html, source, url)
    if not extracted:
        depth = nesting_depth(html)
        if depth > MAX_NESTING:
            raise EmptyInputError(f"{source}: no article text found in the HTML, which is nested {depth:,} elements deep; spinscope reads at most {MAX_NESTING:,}")
        if depth > _LIBXML_NESTING:
            from lxml.html import HTMLParser, document_fromstring

            extracted = _extract(lambda: document_fromstring(html, parser=HTMLParser(huge_tree=True)), source, url)
    if not extracted:
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


def nesting_depth(html: str) -> int:
    """How deep the page's elements nest, counted from its tags (no parser keeps what is too deep)."""
    depth = deepest = 0
    for match in _TAG.finditer(html):
        if match.group(2).lower() in _NOT_COUNTED or match.group(0).endswith("/>"):
            continue
        depth = max(depth - 1, 0) if match.group(1) else depth + 1
        deepest = max(deepest, depth)
    return deepest


def _extract(page: str | Callable[[], Any], source: str, url: str | None) -> Any:
    """trafilatura's extraction of `page` (markup, or a function that parses it), or None when it
    holds no text. trafilatura is imported here, not at the top: it costs ~0.2 s and plain text
    never needs it."""
    import trafilatura
    from lxml.etree import LxmlError
    from trafilatura.settings import Document as Extraction

    try:
        extracted = trafilatura.bare_extraction(page if isinstance(page, str) else page(), url=url, with_metadata=True, include_comments=False)
    # MemoryError here is an allocation a crafted page asked for (trafilatura #657, #665), not
    # the process running out: refusing that one page is the right answer.
    except (ValueError, TypeError, RecursionError, MemoryError, LxmlError) as exc:
        raise MalformedInputError(f"{source}: the HTML could not be parsed ({type(exc).__name__}: {exc})") from exc
    if not isinstance(extracted, Extraction) or not extracted.text or not extracted.text.strip():
        return None
    return extracted

"""Building Documents, the same way whatever the input was: a string, bytes, a file or a URL.

Every Document leaves here with its trailing-boilerplate spans set, so no caller can forget them,
and with an id and a source that lead back to the input.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import replace
from pathlib import Path

from spinscope.document import BOILERPLATE, DECODING, Document, Pending, Span
from spinscope.errors import EmptyInputError, UnsupportedInputError
from spinscope.ingest.boilerplate import find_trailing_boilerplate
from spinscope.ingest.decode import decode_bytes, read_limited, reject_binary_text, replace_surrogates, replaced_in_extraction, too_large
from spinscope.ingest.fetch import fetch_url
from spinscope.ingest.html import declared_charset, html_to_document, looks_like_html
from spinscope.settings import IngestOptions

TEXT_SUFFIXES = frozenset({".txt"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
# PTC / SemEval-2020 Task 11 names its files article<ID>.txt and its labels use the bare ID.
_PTC_NAME = re.compile(r"article(\d+)")


def document_from_text(
    text: str,
    options: IngestOptions = IngestOptions(),
    *,
    id: str | None = None,
    source: str = "text",
    title: str | None = None,
    url: str | None = None,
    outlet: str | None = None,
    published: str | None = None,
) -> Document:
    """A Document for text already in memory, held to the same byte limit as a file.

    Lone surrogates (JSON and Python strings may hold them, UTF-8 cannot) become U+FFFD in every
    field, and each one in the text gets a span in the ``decoding`` group.
    """
    text, replaced = replace_surrogates(text)
    source = without_surrogates(source)
    id, title, url, outlet, published = (None if value is None else without_surrogates(value) for value in (id, title, url, outlet, published))
    size = len(text.encode("utf-8"))
    if size > options.max_bytes:
        raise too_large(source, options.max_bytes, size)
    if not text.strip():
        raise EmptyInputError(f"{source} is empty")
    reject_binary_text(text, source)
    doc = Document(
        id=id or short_id(text), text=text, title=title or headline(text), url=url, outlet=outlet, published=published, source=source
    )
    return with_decoding(with_boilerplate(doc), replaced)


def document_from_bytes(
    data: bytes,
    *,
    source: str,
    html: bool | None,
    id: str | None = None,
    charset: str | None = None,
    url: str | None = None,
) -> Document:
    """Decode and, for a page, extract. `html=None` means sniff it (stdin has no name to go by);
    `id=None` means a hash of the decoded input."""
    if html is not False:
        charset = charset or declared_charset(data)
    text, replaced = decode_bytes(data, source, charset)
    doc_id = id or short_id(text)
    if html or (html is None and looks_like_html(text)):
        page = with_boilerplate(html_to_document(text, id=doc_id, source=source, url=url))
        return with_decoding(page, replaced_in_extraction(page.text, replaced))
    return with_decoding(with_boilerplate(Document(id=doc_id, text=text, title=headline(text), url=url, source=source)), replaced)


def document_from_url(url: str, options: IngestOptions, *, id: str | None = None, source: str | None = None) -> Document:
    """A fetched page; its id is a hash of the URL as given, so refetching keeps the id."""
    page = fetch_url(url, options)
    html = page.content_type != "text/plain"
    return document_from_bytes(page.body, source=source or url, html=html, id=id or short_id(url), charset=page.charset, url=page.url)


def document_from_file(path: Path, options: IngestOptions, *, id: str | None = None) -> Document:
    """A .txt or .html file, read in binary so that \\r\\n stays in the text (offsets count it)."""
    suffix = path.suffix.lower()
    if suffix not in TEXT_SUFFIXES | HTML_SUFFIXES:
        raise UnsupportedInputError(f"{path}: cannot read {suffix or 'a file without an extension'}; give a .txt, .html, .htm or .jsonl file, a folder, a URL or -")
    try:
        with path.open("rb") as stream:
            size = os.fstat(stream.fileno()).st_size
            if size > options.max_bytes:
                raise too_large(str(path), options.max_bytes, size)
            data = read_limited(stream, options.max_bytes, str(path))
    except OSError as exc:
        raise UnsupportedInputError(f"{path}: cannot read it ({exc.strerror or exc})") from exc
    return document_from_bytes(data, source=str(path), html=suffix in HTML_SUFFIXES, id=id or file_id(path))


_HEADLINE = re.compile(r"\A[ \t]*([^\r\n]{1,200}?)[ \t]*\r?\n[ \t]*\r?\n")


def headline(text: str) -> str | None:
    """A plain text's title: a short first line followed by a blank line, as news dumps and the
    PTC articles are laid out. The text itself is untouched; this is metadata only."""
    match = _HEADLINE.match(text)
    return match.group(1) if match else None


def file_id(path: Path) -> str:
    match = _PTC_NAME.fullmatch(path.stem)
    return match.group(1) if match else path.stem


def folder_file_id(folder: Path, path: Path) -> str:
    """The id of a file found under ``folder``: its ``file_id``, behind its subfolders, so that
    ``a/x.txt`` and ``b/x.txt`` stay two documents."""
    parents = path.relative_to(folder).parent.parts
    return "/".join([*parents, file_id(path)])


def short_id(value: str) -> str:
    """A stable id for inputs without a name: 12 hex digits of sha1, enough to tell a corpus apart."""
    return hashlib.sha1(value.encode("utf-8", "surrogatepass")).hexdigest()[:12]


def with_boilerplate(doc: Document) -> Document:
    return doc.with_spans(BOILERPLATE, find_trailing_boilerplate(doc.text))


def with_decoding(doc: Document, replaced: list[Span]) -> Document:
    """The ``decoding`` span group, only on a document where decoding replaced something."""
    return doc.with_spans(DECODING, replaced) if replaced else doc


def without_surrogates(value: str) -> str:
    """A metadata field with its lone surrogates replaced, as ``document_from_text`` does for the text."""
    return replace_surrogates(value)[0]


# Two letters at least, so a Windows drive (C:\\...) is a path, not a scheme.
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]+:")


def is_url(item: str) -> bool:
    # Any scheme counts, so file: and gopher: reach the fetcher and are refused there by name.
    return bool(_SCHEME.match(item)) and not Path(item).exists()


def existing_path(item: str) -> Path:
    path = Path(item)
    if not item or not path.exists():
        raise UnsupportedInputError(f"{item}: no such file or folder (inputs are files, folders, http(s) URLs or - for stdin)")
    return path


def read_pending(item: Pending, options: IngestOptions = IngestOptions()) -> Document:
    """The document a Pending names, read now; raises as read_one does."""
    if is_url(item.location):
        doc = document_from_url(item.location, options, id=item.id, source=item.source)
        return replace(
            doc,
            title=doc.title if item.title is None else item.title,
            outlet=doc.outlet if item.outlet is None else item.outlet,
            published=doc.published if item.published is None else item.published,
        )
    return document_from_file(existing_path(item.location), options, id=item.id)

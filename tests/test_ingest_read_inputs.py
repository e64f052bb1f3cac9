"""read_inputs / read_one: every kind of input, ids and sources, and a batch that survives bad ones."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from spinscope.document import BOILERPLATE, Document, Failure, Pending
from spinscope.errors import BinaryInputError, BlockedURLError, EmptyInputError, InputTooLargeError, UnsupportedInputError
from spinscope.ingest import count_inputs, document_from_text, read_inputs, read_one, read_pending
from spinscope.document import DECODING
from spinscope.settings import IngestOptions
from tests.http_server import LocalServer, _running_server, http_server  # noqa: F401  (fixtures)

TEXT = "Line one — «quoted».\r\nLine two, naïve café.\r\n\r\nRelated Articles\r\n"
PAGE = """<!DOCTYPE html><html><head><title>Aleppo</title><meta charset="windows-1252"></head>
<body><article><p>The army entered the eastern districts on Tuesday, officials said.</p>
<p>“We are home,” said one resident of the city.</p></article></body></html>"""
LOCAL = IngestOptions(allow_private=True, fetch_timeout=5.0)


def _docs(items: list[Document | Failure]) -> list[Document]:
    assert all(isinstance(i, Document) for i in items), items
    return [i for i in items if isinstance(i, Document)]


def test_read_inputs_txt_keeps_exact_text(tmp_path: Path) -> None:
    path = tmp_path / "story.txt"
    path.write_bytes(TEXT.encode())
    (doc,) = _docs(list(read_inputs([str(path)])))
    assert doc.text == TEXT
    assert (doc.id, doc.source, doc.url) == ("story", str(path), None)
    assert [doc.text[s.start : s.end] for s in doc.spans[BOILERPLATE]] == ["Related Articles"]
    assert doc.content_end == TEXT.index("Related Articles")


def test_read_inputs_example_article(example_article: Path) -> None:
    doc = read_one(str(example_article))
    assert doc.text == example_article.read_bytes().decode("utf-8")
    assert doc.text[doc.content_end :].split() == ["Related", "Articles", "Back", "to", "top", "button"]


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1"])
def test_read_inputs_legacy_encoded_file(tmp_path: Path, encoding: str) -> None:
    text = "Die Armee habe die östlichen Viertel von Aleppo befreit, erklärte die Regierung. Die Bewohner kehrten zurück, heißt es.\n"
    path = tmp_path / "alt.txt"
    path.write_bytes(text.encode(encoding))
    assert read_one(str(path)).text == text


def test_read_inputs_html_file(tmp_path: Path) -> None:
    path = tmp_path / "page.HTM"
    path.write_bytes(PAGE.encode("cp1252"))
    doc = read_one(str(path))
    assert "“We are home,” said one resident" in doc.text
    assert (doc.id, doc.title, doc.source) == ("page", "Aleppo", str(path))
    assert BOILERPLATE in doc.spans


def test_read_inputs_folder_sorted_recursive_with_ptc_ids(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "article111.txt").write_text("First.", encoding="utf-8")
    (tmp_path / "sub" / "article222.txt").write_text("Second.", encoding="utf-8")
    (tmp_path / "article000.labels").write_text("ignored", encoding="utf-8")
    (tmp_path / "b.html").write_text(PAGE, encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    items = list(read_inputs([str(tmp_path)]))
    assert [(i.id, i.text) for i in items if isinstance(i, Document) and i.id[-1].isdigit()] == [("111", "First."), ("sub/222", "Second.")]
    assert [i.source for i in items] == [str(tmp_path / n) for n in ("article111.txt", "b.html", "empty.txt", "sub/article222.txt")]
    (failure,) = [i for i in items if isinstance(i, Failure)]
    assert failure.error == "EmptyInputError"


def test_read_inputs_same_name_in_two_subfolders_stays_two_documents(tmp_path: Path) -> None:
    for sub, text in (("a", "From a."), ("b", "From b.")):
        (tmp_path / sub).mkdir()
        (tmp_path / sub / "x.txt").write_text(text, encoding="utf-8")
    items = list(read_inputs([str(tmp_path)]))
    assert [(i.id, i.text) for i in items if isinstance(i, Document)] == [("a/x", "From a."), ("b/x", "From b.")]


def test_read_inputs_jsonl(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    path.write_text(json.dumps({"text": "one"}) + "\nnot json\n", encoding="utf-8")
    doc, failure = read_inputs([str(path)])
    assert isinstance(doc, Document) and isinstance(failure, Failure)
    assert failure.source == f"{path}:2" and failure.message.startswith(f"{path}:2: not valid JSON")


@pytest.mark.parametrize(
    ("data", "html"),
    [(TEXT.encode(), False), (PAGE.encode(), True), (b"\xef\xbb\xbfplain text with a BOM", False)],
)
def test_read_inputs_stdin(data: bytes, html: bool) -> None:
    (doc,) = _docs(list(read_inputs(["-"], stdin=io.BytesIO(data))))
    assert doc.source == "stdin"
    assert len(doc.id) == 12
    assert ("We are home" in doc.text) if html else (doc.text == data.decode("utf-8-sig"))
    assert read_one("-", stdin=io.BytesIO(data)).id == doc.id


def test_read_inputs_url(http_server: LocalServer) -> None:
    url = http_server.serve("/a", PAGE.encode("cp1252"), content_type="text/html; charset=windows-1252")
    doc = read_one(url, LOCAL)
    assert "“We are home,” said one resident" in doc.text
    assert (doc.source, doc.url, doc.title) == (url, url, "Aleppo")
    assert doc.id == read_one(url, LOCAL).id and len(doc.id) == 12


def test_read_inputs_plain_text_url_keeps_exact_text(http_server: LocalServer) -> None:
    url = http_server.serve("/t", TEXT.encode(), content_type="text/plain; charset=utf-8")
    assert read_one(url, LOCAL).text == TEXT


def test_read_inputs_url_refused_without_allow_private(http_server: LocalServer) -> None:
    url = http_server.serve("/a", PAGE.encode())
    with pytest.raises(BlockedURLError):
        read_one(url)
    assert http_server.requests == []


@pytest.mark.parametrize(
    ("name", "data", "error"),
    [
        ("empty.txt", b"", "EmptyInputError"),
        ("blank.txt", b" \r\n\t", "EmptyInputError"),
        ("binary.txt", bytes(range(1, 32)) * 3, "BinaryInputError"),
        ("nul.txt", b"text\x00text", "BinaryInputError"),
        ("doc.txt", b"%PDF-1.4\n%\xe2\xe3", "BinaryInputError"),
        ("big.txt", b"a" * 101, "InputTooLargeError"),
        ("empty.html", b"<html><body></body></html>", "EmptyInputError"),
        ("notes.pdf", b"text", "UnsupportedInputError"),
        ("noext", b"text", "UnsupportedInputError"),
    ],
)
def test_read_inputs_bad_file_is_a_failure_and_the_batch_goes_on(tmp_path: Path, name: str, data: bytes, error: str) -> None:
    bad = tmp_path / name
    bad.write_bytes(data)
    good = tmp_path / "good.txt"
    good.write_text("Fine text.", encoding="utf-8")
    failure, doc = read_inputs([str(bad), str(good)], IngestOptions(max_bytes=100))
    assert isinstance(failure, Failure)
    assert (failure.source, failure.error) == (str(bad), error)
    assert isinstance(doc, Document) and doc.text == "Fine text."


@pytest.mark.parametrize(
    ("item", "error"),
    [
        ("no/such/file.txt", "UnsupportedInputError"),
        ("", "UnsupportedInputError"),
        ("file:///etc/passwd", "BlockedURLError"),
        ("gopher://127.0.0.1:70/", "BlockedURLError"),
        ("http://127.0.0.1:9/", "BlockedURLError"),
        ("http://[::1]/", "BlockedURLError"),
    ],
)
def test_read_inputs_bad_input_is_a_failure(item: str, error: str) -> None:
    (failure,) = read_inputs([item])
    assert isinstance(failure, Failure)
    assert (failure.source, failure.error) == (item, error)


def test_read_inputs_file_over_the_limit_says_size_and_option(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(b"a" * 2_000)
    with pytest.raises(InputTooLargeError, match=r"is 2,000 bytes, over the limit of 1,000 bytes \(max_bytes: --max-bytes on the command line, spinscope serve --max-bytes for the web app\)"):
        read_one(str(path), IngestOptions(max_bytes=1_000))


def test_read_inputs_stdin_over_the_limit() -> None:
    (failure,) = read_inputs(["-"], IngestOptions(max_bytes=10), stdin=io.BytesIO(b"a" * 11))
    assert isinstance(failure, Failure) and (failure.source, failure.error) == ("stdin", "InputTooLargeError")


@pytest.mark.parametrize("kind", ["folder", "jsonl"])
def test_read_one_refuses_collections(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "c.jsonl"
    path.write_text('{"text": "x"}\n', encoding="utf-8")
    with pytest.raises(UnsupportedInputError, match="many documents"):
        read_one(str(tmp_path if kind == "folder" else path))


def test_read_inputs_empty_folder_is_a_failure(tmp_path: Path) -> None:
    (failure,) = read_inputs([str(tmp_path)])
    assert isinstance(failure, Failure) and "no .txt, .html or .htm files" in failure.message


def test_document_from_text_marks_boilerplate_and_hashes_id() -> None:
    doc = document_from_text(TEXT)
    assert doc.text == TEXT and doc.source == "text" and len(doc.id) == 12
    assert doc.id == document_from_text(TEXT).id != document_from_text(TEXT + "x").id
    assert doc.content_end == TEXT.index("Related Articles")


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("", EmptyInputError),
        (" \n\t", EmptyInputError),
        ("é" * 60, InputTooLargeError),
        ("a text\x00with a NUL", BinaryInputError),
        ("\x01\x02\x03\x04 mostly controls", BinaryInputError),
    ],
    ids=["empty", "blank", "too-large", "nul", "controls"],
)
def test_document_from_text_refuses(text: str, error: type[Exception]) -> None:
    with pytest.raises(error):
        document_from_text(text, IngestOptions(max_bytes=100))


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Aleppo liberated\n\nBody text here.", "Aleppo liberated"),
        ("Title with CRLF\r\n\r\nBody.", "Title with CRLF"),
        ("One paragraph only, no title line.", None),
        ("First line\nsecond line\n\nthird", None),
        ("x" * 300 + "\n\nbody", None),
    ],
)
def test_read_inputs_plain_text_title_is_a_short_first_line(text: str, title: str | None) -> None:
    from spinscope.ingest import document_from_text

    doc = document_from_text(text)
    assert doc.title == title
    assert doc.text == text


def test_read_inputs_stray_byte_in_utf8_file_is_replaced_and_marked(tmp_path: Path) -> None:
    path = tmp_path / "stray.txt"
    path.write_bytes("Café naïve, déjà vu.\n\nThe army entered the city.".encode().replace(b"vu", b"v\xff"))
    doc = read_one(str(path))
    assert doc.text == "Café naïve, déjà v\ufffd.\n\nThe army entered the city."
    (span,) = doc.spans[DECODING]
    assert (span.text(doc), span.label, span.attributes) == ("\ufffd", "replaced_byte", {"byte": "0xff"})


def test_read_inputs_stray_byte_in_utf8_page_is_marked_in_the_extraction(tmp_path: Path) -> None:
    path = tmp_path / "stray.html"
    page = "<html><body><article><p>The army entered the café district on Tuesday, officials said. Naïve \xff readers.</p></article></body></html>"
    path.write_bytes(page.encode().replace(b"\xc3\xbf", b"\xff"))
    doc = read_one(str(path))
    (span,) = doc.spans[DECODING]
    assert "café" in doc.text and (span.text(doc), span.label) == ("\ufffd", "replaced_byte")


def test_document_from_text_replaces_lone_surrogates_in_every_field() -> None:
    doc = document_from_text("Text \udfff here.", id="i\ud800", title="T\ud800", url="https://x.example/\ud800", outlet="\udc00", published="2016\ud800")
    assert (doc.text, doc.id, doc.title, doc.url, doc.outlet, doc.published) == ("Text \ufffd here.", "i\ufffd", "T\ufffd", "https://x.example/\ufffd", "\ufffd", "2016\ufffd")
    assert [(s.start, s.label, s.attributes) for s in doc.spans[DECODING]] == [(5, "replaced_surrogate", {"code_point": "U+DFFF"})]


def test_read_inputs_deferred_reads_each_file_and_url_where_it_is_read_pending(tmp_path: Path, http_server: LocalServer) -> None:
    """Deferred, a batch hands files and URLs on unread (the analysing child reads them, within the
    document's budget); reading them then gives exactly what reading them at once gives."""
    (tmp_path / "folder" / "sub").mkdir(parents=True)
    (tmp_path / "folder" / "sub" / "article7.txt").write_bytes(TEXT.encode())
    (tmp_path / "page.html").write_text(PAGE, encoding="cp1252")
    url = http_server.serve("/a", PAGE.encode("cp1252"), content_type="text/html; charset=windows-1252")
    corpus = tmp_path / "c.jsonl"
    corpus.write_text(json.dumps({"text": "one"}) + "\n" + json.dumps({"url": url, "id": "u1", "outlet": "The Corpus"}) + "\n", encoding="utf-8")
    inputs = [str(tmp_path / "folder"), str(tmp_path / "page.html"), url, str(corpus)]
    deferred = list(read_inputs(inputs, LOCAL, deferred=True))
    assert [type(i).__name__ for i in deferred] == ["Pending", "Pending", "Pending", "Document", "Pending"]
    assert http_server.requests == [], "nothing was fetched while listing the batch"
    read = [read_pending(i, LOCAL) if isinstance(i, Pending) else i for i in deferred]
    assert _docs(read) == _docs(list(read_inputs(inputs, LOCAL)))
    assert (read[1].id, read[4].id, read[4].outlet, read[4].source) == ("page", "u1", "The Corpus", f"{corpus}:2")
    assert read[0].id == "sub/7", "a file in a folder keeps its subfolder in its id"


def test_read_pending_fails_as_reading_at_once_does(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    (pending,) = read_inputs([str(tmp_path / "empty.txt")], deferred=True)
    assert isinstance(pending, Pending)
    with pytest.raises(EmptyInputError):
        read_pending(pending)


def test_count_inputs_matches_what_read_inputs_yields(tmp_path: Path) -> None:
    """The progress bar's total: counted from file names and JSONL lines, and equal to the results."""
    folder = tmp_path / "articles"
    (folder / "sub").mkdir(parents=True)
    for name in ("article1.txt", "b.html", "sub/c.htm", "notes.md"):
        (folder / name).write_text("The corrupt elite lies to you every day.", encoding="utf-8")
    (tmp_path / "empty").mkdir()
    corpus = tmp_path / "batch.jsonl"
    small = IngestOptions(max_bytes=200)
    corpus.write_bytes(b'{"text": "One."}\n\n   \n{"text": "Two."}\nnot json\n{"text": "' + b"x" * 300 + b'"}\n{"text": "Last, no newline."}')
    single = tmp_path / "story.txt"
    single.write_text("A story.", encoding="utf-8")
    inputs = [str(folder), str(corpus), str(single), str(tmp_path / "missing.txt"), str(tmp_path / "empty"), "https://example.org/story"]
    assert [count_inputs([i], small) for i in inputs] == [3, 5, 1, 1, 1, 1]
    assert count_inputs(inputs, small) == len(list(read_inputs(inputs, small, deferred=True))) == 12
    assert count_inputs(["-"]) == 1 and count_inputs([]) == 0

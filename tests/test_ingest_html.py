"""html.py: trafilatura's article text and metadata, or a typed error, never a crash."""

from __future__ import annotations

import pytest

from spinscope.errors import BinaryInputError, EmptyInputError, InputError
from spinscope.ingest.documents import document_from_bytes
from spinscope.ingest.html import MAX_NESTING, declared_charset, html_to_document, looks_like_html, nesting_depth

PAGE = """<!DOCTYPE html>
<html lang="en"><head>
<title>Aleppo is free | The Daily Example</title>
<meta property="og:site_name" content="The Daily Example">
<meta property="article:published_time" content="2016-12-14T09:00:00Z">
<link rel="canonical" href="https://daily.example/world/aleppo">
</head><body>
<nav><a href="/">Home</a> | <a href="/world">World</a></nav>
<article><h1>Aleppo is free</h1>
<p>The army entered the eastern districts on Tuesday, officials said, ending four years of fighting.</p>
<p>“We are home,” said one resident, who asked not to be named. The UN called for restraint.</p>
</article>
<div class="comments"><p>Great article! Visit my site for cheap pills.</p></div>
<footer>Copyright 2016 The Daily Example</footer>
</body></html>"""


def test_html_extracts_article_and_metadata() -> None:
    doc = html_to_document(PAGE, id="a1", source="page.html")
    assert "The army entered the eastern districts on Tuesday" in doc.text
    assert "“We are home,” said one resident" in doc.text
    assert "Home | World" not in doc.text and "cheap pills" not in doc.text
    assert (doc.id, doc.source, doc.outlet, doc.published) == ("a1", "page.html", "The Daily Example", "2016-12-14")
    assert doc.title is not None and doc.title.startswith("Aleppo is free")
    assert doc.url == "https://daily.example/world/aleppo"


def test_html_given_url_wins_over_canonical() -> None:
    doc = html_to_document(PAGE, id="a1", source="x", url="https://mirror.example/a")
    assert doc.url == "https://mirror.example/a"


@pytest.mark.parametrize(
    "html",
    [
        "<html><head><title>Nothing</title></head><body></body></html>",
        "<html><body><script>var a = 1;</script><style>p { color: red }</style></body></html>",
        "<html><body>" + "<div>" * 100_000 + "deep" + "</div>" * 100_000 + "</body></html>",
    ],
    ids=["empty-body", "no-article", "deep-nesting"],
)
def test_html_without_article_text_is_refused(html: str) -> None:
    with pytest.raises(EmptyInputError, match="no article text found in the HTML"):
        html_to_document(html, id="x", source="page.html")


def _nested(depth: int, inner: str = "<p>The army entered the eastern districts on Tuesday, officials said, ending four years of fighting.</p>") -> str:
    return "<html><body>" + "<div>" * depth + inner + "</div>" * depth + "</body></html>"


@pytest.mark.parametrize("depth", [250, 300, MAX_NESTING])
def test_html_deeply_nested_article_is_extracted(depth: int) -> None:
    doc = html_to_document(_nested(depth), id="x", source="page.html")
    assert doc.text == "The army entered the eastern districts on Tuesday, officials said, ending four years of fighting."


@pytest.mark.parametrize("depth", [MAX_NESTING + 1, 10_000])
def test_html_nested_deeper_than_read_says_how_deep(depth: int) -> None:
    with pytest.raises(EmptyInputError, match=f"no article text found in the HTML, which is nested {depth:,} elements deep; spinscope reads at most {MAX_NESTING:,}"):
        html_to_document(_nested(depth), id="x", source="page.html")


@pytest.mark.parametrize(
    ("html", "depth"),
    [(_nested(3), 3), ("<p>a<p>b<br><img src=x><li>c<div/>" * 500, 0), ("<div><span>a</span><DIV>b</DIV></div></div></div><div>", 2)],
    ids=["divs", "self-closing-and-optional-end-tags", "stray-end-tags"],
)
def test_html_nesting_depth(html: str, depth: int) -> None:
    assert nesting_depth(html) == depth


@pytest.mark.parametrize(
    "html",
    [
        '<html><body><table><tr><td colspan="9007199254740991">a</td></tr></table><p>Some paragraph of text here.</p></body></html>',
        "<html><body><p>NUL\x00 inside a paragraph of text.</p></body></html>",
        "<html><body><p>unclosed <b><i>tags <table><tr><td>everywhere",
        "<?xml version='1.0' encoding='utf-8'?><html><body><p>An XML declaration in a str.</p></body></html>",
        "<html><body>" + "<p>x</p>" * 5_000 + "</body></html>",
    ],
    ids=["huge-colspan", "nul", "unclosed", "xml-declaration", "many-siblings"],
)
def test_html_hostile_markup_gives_a_document_or_a_typed_error(html: str) -> None:
    try:
        doc = html_to_document(html, id="x", source="page.html")
    except InputError:
        return
    assert doc.text.strip()


@pytest.mark.parametrize(
    ("data", "error"),
    [(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", BinaryInputError), (b"<html>\x00\x01\x02</html>", BinaryInputError), (b"   ", EmptyInputError)],
)
def test_html_bytes_that_are_not_a_page_are_refused(data: bytes, error: type[Exception]) -> None:
    with pytest.raises(error):
        document_from_bytes(data, source="page.html", html=True)


@pytest.mark.parametrize(
    ("data", "charset"),
    [
        (b'<html><head><meta charset="windows-1252"></head>', "windows-1252"),
        (b"<meta http-equiv='Content-Type' content='text/html; charset=ISO-8859-1'>", "ISO-8859-1"),
        (b"<html><head><title>none</title></head>", None),
        (b" " * 2000 + b'<meta charset="koi8-r">', None),
    ],
)
def test_html_declared_charset(data: bytes, charset: str | None) -> None:
    assert declared_charset(data) == charset


@pytest.mark.parametrize(
    ("text", "expected"),
    [("\n  <!DOCTYPE html><html>", True), ("<html lang=en>", True), ("Plain text about <html> tags.", True), ("Plain article text.", False)],
)
def test_html_looks_like_html(text: str, expected: bool) -> None:
    assert looks_like_html(text) is expected


def test_html_cp1252_page_decoded_by_its_meta_charset() -> None:
    page = PAGE.replace("<head>", '<head><meta charset="windows-1252">').encode("cp1252")
    doc = document_from_bytes(page, source="page.html", html=True, id="p")
    assert "“We are home,” said one resident" in doc.text

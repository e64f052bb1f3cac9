"""jsonl.py: one document per line; a bad line is a Failure with its line number, the rest go on."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from spinscope.document import BOILERPLATE, Document, Failure
from spinscope.document import DECODING
from spinscope.ingest.jsonl import read_jsonl
from spinscope.settings import IngestOptions
from tests.http_server import LocalServer, _running_server, http_server  # noqa: F401  (fixtures)

GOOD = {"text": "The rebels shelled the city.\r\nCivilians fled — «again».\n\nShare this:", "id": "a1", "title": "T", "outlet": "O", "published": "2016-12-14"}


def _write(tmp_path: Path, lines: list[str | bytes]) -> Path:
    path = tmp_path / "corpus.jsonl"
    path.write_bytes(b"\n".join(line if isinstance(line, bytes) else line.encode() for line in lines) + b"\n")
    return path


def test_jsonl_reads_text_and_metadata_exactly(tmp_path: Path) -> None:
    path = _write(tmp_path, [json.dumps(GOOD), json.dumps({"text": "Second article."})])
    first, second = read_jsonl(path, IngestOptions())
    assert isinstance(first, Document) and isinstance(second, Document)
    assert first.text == GOOD["text"]
    assert (first.id, first.title, first.outlet, first.published, first.source) == ("a1", "T", "O", "2016-12-14", f"{path}:1")
    assert [first.text[s.start : s.end] for s in first.spans[BOILERPLATE]] == ["Share this:"]
    assert (second.id, second.source) == ("corpus:2", f"{path}:2")


def test_jsonl_integer_id_and_blank_lines(tmp_path: Path) -> None:
    path = _write(tmp_path, ["", "   ", json.dumps({"id": 42, "text": "x"}), ""])
    (doc,) = read_jsonl(path, IngestOptions())
    assert isinstance(doc, Document)
    assert (doc.id, doc.source) == ("42", f"{path}:3")


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ('{"text": "unterminated', "not valid JSON"),
        ("[1, 2, 3]", "expected a JSON object, got an array"),
        ('"just a string"', "expected a JSON object, got a string"),
        ('{"title": "no text or url"}', 'needs a "text" or a "url" field'),
        ('{"text": 12}', '"text" must be a string, got a number'),
        ('{"text": "x", "title": ["a"]}', '"title" must be a string, got an array'),
        ('{"text": "x", "id": true}', '"id" must be a string or an integer, got true or false'),
        ('{"text": "x", "id": {"a": 1}}', '"id" must be a string or an integer, got an object'),
        ('{"text": "   "}', "is empty"),
        ("[" * 100_000, "not valid JSON"),
        (b'{"text": "caf\xe9"}', "not valid JSON"),
        ('{"text": "x", "n": 1' + "0" * 5000 + "}", "not valid JSON"),
    ],
    ids=["truncated", "array", "string", "no-text", "text-type", "title-type", "bool-id", "object-id", "empty-text", "deep", "latin-1", "huge-int"],
)
def test_jsonl_malformed_line_is_a_failure_and_the_rest_is_read(tmp_path: Path, line: str | bytes, words: str) -> None:
    path = _write(tmp_path, [json.dumps({"text": "before"}), line, json.dumps({"text": "after"})])
    before, bad, after = read_jsonl(path, IngestOptions())
    assert isinstance(before, Document) and before.text == "before"
    assert isinstance(bad, Failure)
    assert bad.source == f"{path}:2"
    assert words in bad.message
    assert bad.message.startswith(f"{path}:2")
    assert "\n" not in bad.message
    assert isinstance(after, Document) and (after.text, after.source) == ("after", f"{path}:3")


@pytest.mark.parametrize("size", [500, 5_000_000])
def test_jsonl_line_over_the_limit_is_skipped_without_reading_it_whole(tmp_path: Path, size: int) -> None:
    path = _write(tmp_path, [json.dumps({"text": "a" * size}), json.dumps({"text": "small"})])
    big, small = read_jsonl(path, IngestOptions(max_bytes=100))
    assert isinstance(big, Failure)
    assert (big.error, big.source) == ("InputTooLargeError", f"{path}:1")
    assert big.message == f"{path}:1: the line is over the limit of 100 bytes (max_bytes: --max-bytes on the command line, spinscope serve --max-bytes for the web app)"
    assert isinstance(small, Document) and small.source == f"{path}:2"


def test_jsonl_line_of_exactly_the_limit_is_read(tmp_path: Path) -> None:
    line = json.dumps({"text": "a" * 50})
    path = _write(tmp_path, [line])
    (doc,) = read_jsonl(path, IngestOptions(max_bytes=len(line)))
    assert isinstance(doc, Document)


def test_jsonl_last_line_without_newline_and_a_bom(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps({"text": "one"}).encode() + b"\r\n" + json.dumps({"text": "two"}).encode())
    assert [d.text for d in read_jsonl(path, IngestOptions()) if isinstance(d, Document)] == ["one", "two"]


def test_jsonl_url_lines_are_fetched(tmp_path: Path, http_server: LocalServer) -> None:
    page = "<html><head><title>From the page</title></head><body><article><p>The army entered the city on Tuesday, officials said.</p></article></body></html>"
    url = http_server.serve("/article", page.encode())
    path = _write(tmp_path, [json.dumps({"url": url, "id": "u1", "title": "From the corpus"}), json.dumps({"url": http_server.url("/missing")})])
    doc, missing = read_jsonl(path, IngestOptions(allow_private=True))
    assert isinstance(doc, Document)
    assert "The army entered the city on Tuesday" in doc.text
    assert (doc.id, doc.title, doc.url, doc.source) == ("u1", "From the corpus", url, f"{path}:1")
    assert isinstance(missing, Failure) and missing.error == "FetchError" and "HTTP 404" in missing.message


def test_jsonl_url_lines_obey_the_address_check(tmp_path: Path, http_server: LocalServer) -> None:
    url = http_server.serve("/article", b"<html></html>")
    path = _write(tmp_path, [json.dumps({"url": url})])
    (failure,) = read_jsonl(path, IngestOptions())
    assert isinstance(failure, Failure) and failure.error == "BlockedURLError"
    assert http_server.requests == []


def test_jsonl_lone_surrogates_are_replaced_and_the_batch_goes_on(tmp_path: Path, http_server: LocalServer) -> None:
    url = http_server.serve("/article", b"<html><body><article><p>The army entered the city on Tuesday.</p></article></body></html>")
    lines = [
        json.dumps({"text": "A good first article."}),
        '{"text": "Broken \\ud800 text.", "id": "s\\udbff"}',
        '{"text": "Fine text.", "title": "Bad \\udfff title", "outlet": "\\ud800", "published": "2016\\udc00"}',
        json.dumps({"url": url + "/\ud800"}),
        json.dumps({"text": "A good last article."}),
    ]
    good, text, title, fetched, last = read_jsonl(_write(tmp_path, lines), IngestOptions(allow_private=True))
    assert isinstance(good, Document) and isinstance(last, Document)
    assert isinstance(text, Document) and (text.text, text.id) == ("Broken \ufffd text.", "s\ufffd")
    assert [(s.start, s.end, s.label, s.attributes) for s in text.spans[DECODING]] == [(7, 8, "replaced_surrogate", {"code_point": "U+D800"})]
    assert isinstance(title, Document) and (title.title, title.outlet, title.published) == ("Bad \ufffd title", "\ufffd", "2016\ufffd")
    assert DECODING not in title.spans and DECODING not in good.spans
    assert isinstance(fetched, Failure) and fetched.error == "BlockedURLError" and "not a valid URL" in fetched.message
    assert http_server.requests == []
    written = [[doc.id, doc.text, doc.metadata(), [s.to_dict(doc) for s in doc.spans.get(DECODING, ())]] for doc in (good, text, title, last)]
    json.dumps([*written, fetched.to_dict()], ensure_ascii=False).encode("utf-8")  # UTF-8 output can hold every field

"""The web app over HTTP, against a real uvicorn server on 127.0.0.1 with a temp database."""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
import threading
import time
from collections.abc import Iterator
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pytest

from spinscope.document import ACTOR, CLAIM, QUOTE, SOURCE, TECHNIQUE
from spinscope.pipeline import AnalyzeOptions
from spinscope.report.html import render as render_report
from spinscope.techniques.stage import TechniqueOptions
from spinscope.settings import IngestOptions
from spinscope.store import Store
from spinscope.techniques.base import TECHNIQUES
from spinscope.techniques.definitions import CHECKS, display_name
from spinscope.web import WebOptions, hosts_for
from tests.web_server import RunningServer, example_text, serve_in_thread, slow_pages
from tests.who_fixture import who_analysis

SCHEMA = json.loads((Path(__file__).resolve().parent.parent / "spinscope" / "schema" / "analysis.schema.json").read_text())
SMALL_BODY = 200_000


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    with serve_in_thread(tmp_path_factory.mktemp("web") / "web.db") as running:
        yield running


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """Small limits, so the size tests stay fast: 200 kB bodies, 2 kB texts."""
    with serve_in_thread(
        tmp_path_factory.mktemp("small") / "web.db",
        options=WebOptions(max_body_bytes=SMALL_BODY),
        analyze_options=AnalyzeOptions(ingest=IngestOptions(max_bytes=2_000)),
        allowed_hosts=hosts_for("127.0.0.1"),
    ) as running:
        yield running


@pytest.fixture
def client(server: RunningServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=60) as c:
        yield c


@pytest.fixture(scope="module")
def stored(server: RunningServer) -> dict[str, Any]:
    """The example article, analysed once through the API."""
    response = httpx.post(f"{server.url}/api/analyze", json={"text": example_text(), "title": "The example", "outlet": "Example News"}, timeout=60)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def assert_error(response: httpx.Response, status: int) -> str:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"ok", "error", "status"} and body["ok"] is False and body["status"] == status
    assert isinstance(body["error"], str) and body["error"]
    assert "Traceback" not in body["error"]
    error: str = body["error"]
    return error


def test_web_api_health(client: httpx.Client) -> None:
    response = client.get("/api/health")
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is True and body["in_flight"] == 0 and body["capacity"] == body["workers"] + WebOptions().analysis_queue


def test_web_api_analyze_returns_stored_analysis(stored: dict[str, Any]) -> None:
    assert stored["ok"] is True and isinstance(stored["id"], int)
    analysis = stored["analysis"]
    jsonschema.validate(analysis, SCHEMA)
    text = analysis["document"]["text"]
    assert text == example_text()
    assert analysis["document"]["title"] == "The example" and analysis["document"]["outlet"] == "Example News"
    spans = analysis["spans"]["technique"]
    assert spans, "the example article has technique spans"
    for span in spans:
        assert text[span["start"] : span["end"]] == span["text"]


def test_web_api_get_analysis_matches_post(client: httpx.Client, stored: dict[str, Any]) -> None:
    response = client.get(f"/api/analyses/{stored['id']}")
    assert response.status_code == 200
    assert response.json() == stored


def test_web_api_downloads_the_analysis_as_json(client: httpx.Client, stored: dict[str, Any]) -> None:
    response = client.get(f"/api/analyses/{stored['id']}/analysis.json")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.headers["content-disposition"] == f'attachment; filename="spinscope-analysis-{stored["id"]}.json"'
    assert response.json() == stored["analysis"], "the analysis object alone, as the CLI writes it"
    jsonschema.validate(response.json(), SCHEMA)


def test_web_api_carries_the_who_says_what_groups_unchanged(server: RunningServer, client: httpx.Client) -> None:
    """Quotes, sources, actors, claims, their relations and summaries and the technique spans'
    voice reach API clients exactly as the analysis holds them; the result page shows the panel."""
    analysis = who_analysis()
    jsonschema.validate(analysis, SCHEMA)
    with Store(server.db) as store:
        analysis_id = store.save(analysis)
    got = client.get(f"/api/analyses/{analysis_id}").json()["analysis"]
    assert all(got["spans"][g] == analysis["spans"][g] and got["spans"][g] for g in (QUOTE, SOURCE, ACTOR, CLAIM, TECHNIQUE))
    assert {s["attributes"]["voice"] for s in got["spans"][TECHNIQUE]} == {"author", "quoted"}
    assert got == analysis and client.get(f"/api/analyses/{analysis_id}/analysis.json").json() == analysis
    page = client.get(f"/analyses/{analysis_id}")
    assert page.status_code == 200 and '<section class="who"' in page.text and page.text.count('class="who-link"') == 17


def test_web_api_downloads_the_spans_as_csv(client: httpx.Client, stored: dict[str, Any]) -> None:
    response = client.get(f"/api/analyses/{stored['id']}/spans.csv")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == f'attachment; filename="spinscope-analysis-{stored["id"]}.csv"'
    rows = list(csv.DictReader(io.StringIO(response.text, newline="")))
    spans = stored["analysis"]["spans"]["technique"]
    text = stored["analysis"]["document"]["text"]
    assert list(rows[0]) == ["technique", "name", "score", "text", "start", "end", "sentence"]
    assert [(r["technique"], int(r["start"]), int(r["end"]), float(r["score"])) for r in rows] == [(s["label"], s["start"], s["end"], s["score"]) for s in spans]
    for row, span in zip(rows, spans, strict=True):
        assert row["name"] == display_name(span["label"]) and row["text"] == span["text"]
        assert span["text"] in row["sentence"] and row["sentence"] in text, "the whole sentence(s) the span is in"


@pytest.mark.parametrize("suffix", ["analysis.json", "spans.csv"])
def test_web_api_download_of_a_missing_analysis_is_404(client: httpx.Client, suffix: str) -> None:
    assert "987654" in assert_error(client.get(f"/api/analyses/987654/{suffix}"), 404)
    assert_error(client.get(f"/api/analyses/0/{suffix}"), 422)


def test_web_api_downloads_are_documented(client: httpx.Client) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path, media in (("/api/analyses/{analysis_id}/analysis.json", "application/json"), ("/api/analyses/{analysis_id}/spans.csv", "text/csv")):
        op = paths[path]["get"]
        assert op["description"] and list(op["responses"]["200"]["content"]) == [media]
        assert {"200", "404", "422"} <= set(op["responses"])
    docs = client.get("/docs").text
    assert "/api/analyses/{analysis_id}/spans.csv" in docs


def test_web_result_page_links_its_downloads_and_itself(client: httpx.Client, stored: dict[str, Any]) -> None:
    page = client.get(f"/analyses/{stored['id']}").text
    links = re.findall(r'<a (?:class="permalink" )?href="([^"]+)"( download)?', page.split('<p class="export">')[1].split("</p>")[0])
    permalink = f"{str(client.base_url).rstrip('/')}/analyses/{stored['id']}"
    assert links == [
        (f"/api/analyses/{stored['id']}/analysis.json", " download"),
        (f"/api/analyses/{stored['id']}/spans.csv", " download"),
        (f"/analyses/{stored['id']}/report.html", " download"),
        (f"/analyses?a={stored['id']}", ""),
        (permalink, ""),
    ]
    assert client.get(permalink).status_code == 200


def test_web_standalone_report_download_is_the_clis_report(client: httpx.Client, stored: dict[str, Any]) -> None:
    response = client.get(f"/analyses/{stored['id']}/report.html")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    assert response.headers["content-disposition"] == f'attachment; filename="spinscope-analysis-{stored["id"]}.html"'
    assert response.text == render_report(stored["analysis"]), "no navigation of this site: it opens offline"
    meta = unescape(re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', response.text).group(1))
    assert response.headers["content-security-policy"] == meta + "; frame-ancestors 'none'"
    assert client.get("/analyses/987654/report.html").status_code == 404


def test_web_api_list_newest_first(client: httpx.Client, stored: dict[str, Any]) -> None:
    second = client.post("/api/analyze", json={"text": "They are traitors and cowards. Only we can save the nation!"}).json()
    listed = client.get("/api/analyses", params={"limit": 500}).json()["analyses"]
    ids = [a["id"] for a in listed]
    assert ids[0] == second["id"] and stored["id"] in ids
    assert ids == sorted(ids, reverse=True)
    assert listed[0]["span_count"] == len(second["analysis"]["spans"]["technique"])


def test_web_api_techniques(client: httpx.Client, stored: dict[str, Any]) -> None:
    body = client.get("/api/techniques").json()
    assert [t["label"] for t in body["techniques"]] == list(TECHNIQUES)
    assert [t["name"] for t in body["techniques"]] == [display_name(t) for t in TECHNIQUES]
    assert all(t["definition"] for t in body["techniques"])
    guide = client.get("/techniques").text
    assert "Whataboutism, straw man or red herring" in guide and "Straw_Men" not in guide and "Straw Men" not in guide
    examples = [e for t in body["techniques"] for e in t["examples"]]
    assert examples, "stored spans become examples"
    text = stored["analysis"]["document"]["text"]
    assert all(e["text"] in text or e["analysis_id"] != stored["id"] for e in examples)


def test_web_api_techniques_show_what_to_check_and_the_builtin_example_first(client: httpx.Client, stored: dict[str, Any]) -> None:
    body = client.get("/api/techniques").json()
    assert [t["check"] for t in body["techniques"]] == [CHECKS[t] for t in TECHNIQUES]
    assert all(t["builtin_example"]["source"] == f"PTC training article {t['builtin_example']['article_id']}" for t in body["techniques"])
    guide = client.get("/techniques").text
    assert "No examples stored yet" not in guide
    for section, technique in zip(guide.split('<section class="technique"')[1:], body["techniques"]):
        builtin = technique["builtin_example"]
        assert f"What to check: {technique['check']}" in unescape(section)
        assert f"from the PTC training data, article {builtin['article_id']}" in section
        quotes = re.findall(r"<blockquote>(.*?)</blockquote>", section, re.S)
        assert unescape(quotes[0]) == builtin["text"], "the built-in example comes first"
        assert [unescape(q) for q in quotes[1:]] == [e["text"] for e in technique["examples"]], "then the stored ones"


@pytest.mark.parametrize("path", ["/api/analyses/987654", "/api/nothing-here"])
def test_web_api_404_shape(client: httpx.Client, path: str) -> None:
    assert_error(client.get(path), 404)


@pytest.mark.parametrize(
    "path,status",
    [("/api/analyses/99999999999999999999", 422), (f"/api/analyses/{2**63 - 1}", 404), ("/api/analyses/0", 422),
     ("/api/analyses/-1", 422), ("/api/analyses?offset=100000000000000000000", 422), (f"/api/analyses?offset={2**63 - 1}", 200)],
)
def test_web_api_ids_past_sqlite_integers_are_refused_not_500(client: httpx.Client, path: str, status: int) -> None:
    """SQLite integers are 64-bit: a larger id or offset overflowed in the driver and gave a 500."""
    for _ in range(2):  # the same connection still answers afterwards
        response = client.get(path)
        if status == 200:
            assert response.status_code == 200 and response.json()["analyses"] == []
        else:
            assert_error(response, status)


@pytest.mark.parametrize("path,status", [("/analyses/99999999999999999999", 422), (f"/analyses/{2**63 - 1}", 404), ("/analyses/0", 422)])
def test_web_report_page_ids_past_sqlite_integers_are_refused_not_500(client: httpx.Client, path: str, status: int) -> None:
    response = client.get(path)
    assert response.status_code == status and response.headers["content-type"].startswith("text/html")


def test_web_openapi_says_exactly_one_of_text_or_url(client: httpx.Client) -> None:
    """The documented schema and the validation agree: each alternative is accepted, neither or both refused."""
    schema = client.get("/openapi.json").json()["components"]["schemas"]["AnalyzeRequest"]
    validator = jsonschema.Draft202012Validator(schema)
    assert validator.is_valid({"text": "Some words."}) and validator.is_valid({"url": "https://example.org/", "title": "t"})
    assert not validator.is_valid({}) and not validator.is_valid({"title": "t"})
    assert not validator.is_valid({"text": "a", "url": "https://example.org/"})
    assert not validator.is_valid({"text": None}) and not validator.is_valid({"text": "", "url": "https://example.org/"})
    assert validator.is_valid({"text": "a", "url": None})


@pytest.mark.parametrize("field", ["text", "title", "outlet", "published", "url"])
def test_web_api_lone_surrogates_are_refused_not_500(client: httpx.Client, field: str) -> None:
    """JSON can carry an unpaired \\udfff; it used to reach the store as a str that cannot be encoded."""
    body = {"text": "Only we can save the nation!", field: "a lone \udfff surrogate"}
    if field == "url":
        del body["text"]
    content = json.dumps(body).encode()  # ensure_ascii writes it as the escape \\udfff
    assert b"\\udfff" in content
    error = assert_error(client.post("/api/analyze", content=content, headers={"Content-Type": "application/json"}), 422)
    assert field in error


def test_web_api_idempotency_key_retry_returns_the_first_analysis(server: RunningServer, client: httpx.Client) -> None:
    body = {"text": "They are traitors. Only we can save the nation!", "title": "Retried"}
    key = {"Idempotency-Key": "retry-test-1"}
    first = client.post("/api/analyze", json=body, headers=key)
    assert first.status_code == 200, first.text
    count = sqlite3.connect(server.db).execute("SELECT count(*) FROM analyses").fetchone()[0]
    respaced = json.dumps(dict(reversed(body.items())), indent=2).encode()  # the same request, written otherwise
    for retry in (client.post("/api/analyze", json=body, headers=key),
                  client.post("/api/analyze", content=respaced, headers={**key, "Content-Type": "application/json"})):
        assert retry.status_code == 200, retry.text
        assert retry.json() == first.json()
    assert sqlite3.connect(server.db).execute("SELECT count(*) FROM analyses").fetchone()[0] == count, "no new row"
    error = assert_error(client.post("/api/analyze", json={**body, "title": "Another"}, headers=key), 409)
    assert "Idempotency-Key" in error and "another request" in error
    other = client.post("/api/analyze", json=body, headers={"Idempotency-Key": "retry-test-2"})
    assert other.status_code == 200 and other.json()["id"] != first.json()["id"]


@pytest.mark.parametrize("key", ["", "x" * 201, "has space", "tab\tkey", "caf\u00e9"])
def test_web_api_idempotency_key_must_be_short_printable_ascii(client: httpx.Client, key: str) -> None:
    headers = [("Idempotency-Key", key.encode("latin-1")), ("Content-Type", b"application/json")]
    assert_error(client.post("/api/analyze", content=b'{"text": "Only we can save the nation!"}', headers=headers), 400)


def test_web_openapi_declares_the_idempotency_key(client: httpx.Client) -> None:
    parameters = client.get("/openapi.json").json()["paths"]["/api/analyze"]["post"]["parameters"]
    (header,) = [p for p in parameters if p["name"] == "Idempotency-Key"]
    assert header["in"] == "header" and not header["required"] and "409" in header["description"]


@pytest.mark.parametrize("path", ["/analyses/987654", "/no-such-page"])
def test_web_html_404_is_a_friendly_page(client: httpx.Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "Not Found" in response.text and "Traceback" not in response.text


@pytest.mark.parametrize(
    "content",
    [b"{}", b'{"text": "a", "url": "https://example.org/"}', b'{"text": 5}', b'{"text": "x", "nope": 1}', b"{not json", b"[]"],
    ids=["empty", "both", "wrong-type", "extra-field", "bad-json", "array"],
)
def test_web_api_validation_422(client: httpx.Client, content: bytes) -> None:
    assert_error(client.post("/api/analyze", content=content, headers={"Content-Type": "application/json"}), 422)


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", None])
def test_web_api_requires_json_content_type(client: httpx.Client, content_type: str | None) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    message = assert_error(client.post("/api/analyze", content=b'{"text": "Hello there."}', headers=headers), 415)
    assert "application/json" in message


@pytest.mark.parametrize("text", ["   \n\t ", "\u00a0\u2003\n"])
def test_web_api_unusable_text_400(client: httpx.Client, text: str) -> None:
    assert_error(client.post("/api/analyze", json={"text": text}), 400)


@pytest.mark.parametrize("text", ["/etc/passwd", "pyproject.toml"])
def test_web_api_text_that_names_a_file_stays_text(client: httpx.Client, text: str) -> None:
    response = client.post("/api/analyze", json={"text": text})
    assert response.status_code == 200, response.text
    assert response.json()["analysis"]["document"]["text"] == text


def test_web_api_text_over_max_bytes_413(small: RunningServer) -> None:
    response = httpx.post(f"{small.url}/api/analyze", json={"text": "word " * 1000})
    assert "2,000" in assert_error(response, 413)


@pytest.mark.parametrize("size", [SMALL_BODY + 1, 50_000_000])
def test_web_api_big_body_413_early(small: RunningServer, size: int) -> None:
    body = b'{"text": "' + b"a" * (size - 12) + b'"}'
    started = time.monotonic()
    response = httpx.post(f"{small.url}/api/analyze", content=body, headers={"Content-Type": "application/json"}, timeout=30)
    assert_error(response, 413)
    assert time.monotonic() - started < 10


@pytest.mark.parametrize("total", [SMALL_BODY * 5, 200_000_000])
def test_web_api_chunked_body_without_length_413(small: RunningServer, total: int) -> None:
    sent = 0

    def chunks() -> Iterator[bytes]:
        nonlocal sent
        yield b'{"text": "'
        while sent < total:
            sent += 65536
            yield b"a" * 65536
        yield b'"}'

    request = httpx.Request("POST", f"{small.url}/api/analyze", content=chunks(), headers={"Content-Type": "application/json"})
    assert "content-length" not in request.headers and request.headers["transfer-encoding"] == "chunked"
    with httpx.Client(timeout=30) as c:
        response = c.send(request)
    assert_error(response, 413)


def test_web_api_chunked_body_under_limit_is_whole(small: RunningServer) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"text": "They are traitors. '
        yield b'Only we can save the nation!"}'

    response = httpx.post(f"{small.url}/api/analyze", content=chunks(), headers={"Content-Type": "application/json"})
    assert response.status_code == 200, response.text
    assert response.json()["analysis"]["document"]["text"] == "They are traitors. Only we can save the nation!"


@pytest.mark.parametrize("host", ["evil.example", "rebound.attacker.test:8000", "127.0.0.1.nip.io"])
def test_web_host_check_refuses_other_names(small: RunningServer, host: str) -> None:
    assert_error(httpx.get(f"{small.url}/api/health", headers={"Host": host}), 400)
    assert httpx.get(f"{small.url}/api/health", headers={"Host": "localhost:1234"}).status_code == 200


def _csrf(client: httpx.Client) -> str:
    page = client.get("/")
    match = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert match and client.cookies.get("spinscope_csrf") not in (None, unescape(match.group(1)))
    return unescape(match.group(1))


def test_web_form_post_with_token_redirects_to_report(server: RunningServer) -> None:
    with httpx.Client(base_url=server.url) as c:
        token = _csrf(c)
        response = c.post("/analyze", data={"csrf_token": token, "text": "They are traitors. Only we can save the nation!"}, files={"file": ("", b"")})
        assert response.status_code == 303
        report = c.get(response.headers["location"])
    assert report.status_code == 200
    assert "They are traitors. Only we can save the nation!" in re.sub(r"<[^>]+>", "", report.text)


@pytest.mark.parametrize("origin", ["own", "none", "null"])
def test_web_form_post_from_own_origin_is_accepted(server: RunningServer, origin: str) -> None:
    """``null`` is what Chromium sends for the app's own form under Referrer-Policy: no-referrer."""
    with httpx.Client(base_url=server.url) as c:
        token = _csrf(c)
        headers = {"own": {"Origin": server.url, "Sec-Fetch-Site": "same-origin"}, "none": {},
                   "null": {"Origin": "null", "Sec-Fetch-Site": "same-origin"}}[origin]
        response = c.post("/analyze", data={"csrf_token": token, "text": "Only we can save the nation!"}, files={"file": ("", b"")}, headers=headers)
    assert response.status_code == 303, response.text


@pytest.mark.parametrize(
    "case",
    ["no-token", "no-cookie", "wrong-token", "forged-cookie", "cross-site", "cookie-as-token", "other-client-token",
     "evil-origin", "null-origin-cross-site", "same-site", "other-port-origin", "other-scheme-origin"],
)
def test_web_form_csrf_rejected(server: RunningServer, case: str) -> None:
    with httpx.Client(base_url=server.url) as c:
        token = _csrf(c)
        data = {"text": "Short text to analyse.", "csrf_token": token}
        headers = {}
        port = server.url.rsplit(":", 1)[1]
        origins = {"evil-origin": "http://evil.example", "null-origin-cross-site": "null", "other-port-origin": "http://127.0.0.1:1",
                   "other-scheme-origin": f"https://127.0.0.1:{port}"}
        if case in origins:
            headers["Origin"] = origins[case]  # a valid token and cookie, sent from another origin
            if case == "null-origin-cross-site":
                headers["Sec-Fetch-Site"] = "cross-site"
        elif case == "same-site":
            headers["Sec-Fetch-Site"] = "same-site"
        elif case == "cookie-as-token":
            data["csrf_token"] = c.cookies["spinscope_csrf"]
        elif case == "other-client-token":
            with httpx.Client(base_url=server.url) as other:
                data["csrf_token"] = _csrf(other)  # valid, but issued with another client's cookie
        elif case == "no-token":
            del data["csrf_token"]
        elif case == "no-cookie":
            c.cookies.clear()
        elif case == "wrong-token":
            data["csrf_token"] = token[:-4] + "0000"
        elif case == "forged-cookie":
            c.cookies.set("spinscope_csrf", "forged.value")
            data["csrf_token"] = "forged.value"
        else:
            headers["Sec-Fetch-Site"] = "cross-site"
        before = c.get("/api/analyses", params={"limit": 1}).json()["analyses"]
        response = c.post("/analyze", data=data, files={"file": ("", b"")}, headers=headers)
        after = c.get("/api/analyses", params={"limit": 1}).json()["analyses"]
    assert response.status_code == 403
    assert "expired or came from another site" in response.text
    assert before == after, "a rejected form stores nothing"


def test_web_csrf_cookie_is_strict(server: RunningServer) -> None:
    cookie = httpx.get(f"{server.url}/").headers["set-cookie"].lower()
    assert "samesite=strict" in cookie and "httponly" in cookie and "path=/" in cookie


@pytest.mark.parametrize(
    "upload,status",
    [(("story.html", b"<html><head><title>Uploaded story</title></head><body><article><p>They are traitors. Only we can save the nation, and we will.</p></article></body></html>", "text/html"), 303),
     (("notes.pdf", b"%PDF-1.4 binary", "application/pdf"), 400)],
    ids=["html", "pdf"],
)
def test_web_form_upload(server: RunningServer, upload: tuple[str, bytes, str], status: int) -> None:
    with httpx.Client(base_url=server.url) as c:
        token = _csrf(c)
        response = c.post("/analyze", data={"csrf_token": token}, files={"file": upload})
        assert response.status_code == status, response.text
        if status == 303:
            assert "Uploaded story" in c.get(response.headers["location"]).text


@pytest.mark.parametrize("url", ["PRIVATE", "http://localhost:9/", "http://[::1]/", "http://169.254.169.254/latest/meta-data/", "http://2130706433/"])
def test_web_api_private_url_refused_without_allow_private(client: httpx.Client, url: str) -> None:
    with slow_pages("They are traitors. Only we can save the nation!") as pages:
        target = pages.url(0) if url == "PRIVATE" else url
        assert_error(client.post("/api/analyze", json={"url": target}), 400)


@pytest.mark.parametrize("url", ["file:///etc/passwd", "/etc/passwd", "gopher://127.0.0.1:6379/", "javascript:alert(1)"])
def test_web_api_non_http_url_refused(client: httpx.Client, url: str) -> None:
    assert_error(client.post("/api/analyze", json={"url": url}), 400)


def test_web_api_private_url_allowed_with_allow_private(tmp_path: Path) -> None:
    with slow_pages("They are traitors and cowards. Only we can save the nation!") as pages, serve_in_thread(tmp_path / "p.db", allow_private=True) as running:
        response = httpx.post(f"{running.url}/api/analyze", json={"url": pages.url(0)}, timeout=60)
    assert response.status_code == 200, response.text
    doc = response.json()["analysis"]["document"]
    assert "Only we can save the nation" in doc["text"] and doc["url"] == pages.url(0)


def test_web_overload_answers_503_fast_and_health_stays_responsive(tmp_path: Path) -> None:
    options = WebOptions(analysis_workers=1, analysis_queue=0)
    with slow_pages("They are traitors. Only we can save the nation!") as pages, serve_in_thread(tmp_path / "o.db", allow_private=True, options=options) as running:
        results: list[httpx.Response] = []
        busy = threading.Thread(target=lambda: results.append(httpx.post(f"{running.url}/api/analyze", json={"url": pages.url(2)}, timeout=30)))
        busy.start()
        with httpx.Client(base_url=running.url, timeout=10) as c:
            deadline = time.monotonic() + 5
            while c.get("/api/health").json()["in_flight"] < 1 and time.monotonic() < deadline:
                time.sleep(0.02)
            started = time.monotonic()
            refused = c.post("/api/analyze", json={"text": "Another article, please."})
            refused_after = time.monotonic() - started
            health_times = []
            for _ in range(20):
                t = time.monotonic()
                assert c.get("/api/health").status_code == 200
                health_times.append(time.monotonic() - t)
        busy.join()
    assert_error(refused, 503)
    assert refused.headers["retry-after"] == "1"
    assert refused_after < 0.5
    # the event loop never waits on the analysis: a blocked loop would show whole seconds (a noisy machine, a few tens of ms)
    assert sorted(health_times)[len(health_times) // 2] < 0.1 and max(health_times) < 0.5
    assert results[0].status_code == 200


def _wait_idle(client: httpx.Client, seconds: float) -> float:
    """Seconds until /api/health shows nothing in flight (or ``seconds`` when it never does)."""
    started = time.monotonic()
    while client.get("/api/health").json()["in_flight"] and time.monotonic() - started < seconds:
        time.sleep(0.02)
    return time.monotonic() - started


def _serves_again(client: httpx.Client, seconds: float = 30) -> bool:
    """Whether a small analysis gets 200 within ``seconds``: after a kill, the replacement process
    loads its models in the background, and on a loaded machine that can outlast a short deadline."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if client.post("/api/analyze", json={"text": "They are traitors."}).status_code == 200:
            return True
        time.sleep(0.2)
    return False


BASELINE = AnalyzeOptions(technique=TechniqueOptions(detector="baseline"))


def test_web_deadline_stops_a_slow_fetch_and_frees_its_slot_at_once(tmp_path: Path) -> None:
    options = WebOptions(analysis_workers=1, analysis_queue=0, analysis_timeout=2)
    with slow_pages("They are traitors. Only we can save the nation!") as pages, \
            serve_in_thread(tmp_path / "d.db", allow_private=True, options=options, analyze_options=BASELINE) as running:  # fmt: skip
        with httpx.Client(base_url=running.url, timeout=30) as c:
            started = time.monotonic()
            late = c.post("/api/analyze", json={"url": pages.url(30)})
            waited = time.monotonic() - started
            assert _wait_idle(c, 5) < 1, "the slot is free as soon as the deadline passed, not when the page would have come"
            assert _serves_again(c)
    assert_error(late, 504)
    assert 1.8 < waited < 3.5


def test_web_deadline_stops_a_huge_analysis_and_the_server_goes_on(tmp_path: Path) -> None:
    options = WebOptions(analysis_workers=1, analysis_queue=0, analysis_timeout=3)
    huge = (example_text() + "\n") * (2_000_000 // len(example_text()))
    with serve_in_thread(tmp_path / "h.db", options=options, analyze_options=BASELINE) as running, httpx.Client(base_url=running.url, timeout=60) as c:
        assert c.post("/api/analyze", json={"text": "Warm up: they are traitors."}).status_code == 200
        started = time.monotonic()
        late = c.post("/api/analyze", json={"text": huge})
        waited = time.monotonic() - started
        assert _wait_idle(c, 5) < 1
        assert _serves_again(c)
    assert_error(late, 504)
    assert waited < 6, "a 2 MB analysis takes far longer than the deadline; it was stopped at it"


def test_web_an_analysis_past_its_memory_budget_gets_413_and_the_server_goes_on(tmp_path: Path) -> None:
    options = WebOptions(analysis_workers=1, analysis_queue=0, analysis_timeout=60, analysis_memory_mb=300)
    huge = (example_text() + "\n") * (2_000_000 // len(example_text()))
    with serve_in_thread(tmp_path / "m.db", options=options, analyze_options=BASELINE) as running, httpx.Client(base_url=running.url, timeout=60) as c:
        assert c.post("/api/analyze", json={"text": "Warm up: they are traitors."}).status_code == 200
        message = assert_error(c.post("/api/analyze", json={"text": huge}), 413)
        assert "memory budget of 300 MB" in message
        assert c.post("/api/analyze", json={"text": "They are traitors."}).status_code == 200, "a fresh process took its place"


def test_web_openapi_served(client: httpx.Client) -> None:
    spec = client.get("/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    assert {"/api/analyze", "/api/analyses/{analysis_id}", "/api/techniques", "/api/health"} <= set(spec["paths"])
    assert "AnalyzeRequest" in spec["components"]["schemas"]
    errors = [op["responses"]["422"]["content"]["application/json"]["schema"] for path in spec["paths"].values() for op in path.values() if "422" in op["responses"]]
    assert errors and all(e == {"$ref": "#/components/schemas/ErrorBody"} for e in errors), "422 answers are ErrorBody, as sent"
    docs = client.get("/docs")
    assert docs.status_code == 200 and "/api/analyze" in docs.text and "<script" not in docs.text


PAGES = ["/", "/analyses", "/techniques", "/docs", "/static/app.css", "/api/health", "/api/techniques", "/openapi.json", "/api/analyses/987654", "/nope"]


@pytest.mark.parametrize("path", PAGES)
def test_web_security_headers_everywhere(client: httpx.Client, path: str) -> None:
    headers = client.get(path).headers
    csp = headers["content-security-policy"]
    for directive in ("default-src 'none'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "style-src 'self'", "img-src 'self' data:"):
        assert directive in csp
    assert "script-src" not in csp
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"


def test_web_security_headers_on_errors_from_middleware(small: RunningServer) -> None:
    response = httpx.post(f"{small.url}/api/analyze", content=b"x" * (SMALL_BODY + 10), headers={"Content-Type": "application/json"})
    assert response.status_code == 413 and response.headers["x-content-type-options"] == "nosniff"


def test_web_report_page_sends_its_own_csp(client: httpx.Client, stored: dict[str, Any]) -> None:
    response = client.get(f"/analyses/{stored['id']}")
    assert response.status_code == 200
    meta = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', response.text)
    assert meta
    assert response.headers["content-security-policy"] == unescape(meta.group(1)) + "; frame-ancestors 'none'"
    assert "script-src 'sha256-" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"


PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    '"><script>alert(1)</script>',
    "' onmouseover='alert(1)",
    "</script><script>alert(1)</script>",
    "<a href=\"javascript:alert(1)\">x</a>",
    "<a href=\"\tJaVaScRiPt:alert(1)\">x</a>",
    "<iframe src=\"data:text/html,<script>alert(1)</script>\"></iframe>",
    "{{7*7}}",
]


class _Elements(HTMLParser):
    """Every start tag with its attributes, as a browser's tokenizer would see them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))


def executable_parts(page: str) -> list[str]:
    parser = _Elements()
    parser.feed(page)
    found = []
    for tag, attrs in parser.tags:
        if tag in ("iframe", "svg", "img", "object", "embed", "base"):
            found.append(tag)
        if tag == "script" and attrs.get("type") != "application/json" and attrs:
            found.append(f"script {attrs}")
        for name, value in attrs.items():
            if name.startswith("on"):
                found.append(f"{tag} {name}")
            if name in ("href", "src", "action", "formaction") and re.sub(r"[\x00-\x20]", "", value).lower().startswith(("javascript:", "data:")):
                found.append(f"{tag} {name}={value}")
    return found


@pytest.mark.parametrize("payload", PAYLOADS)
def test_web_pages_escape_payloads_in_every_field(client: httpx.Client, payload: str) -> None:
    text = f"They are traitors {payload}. Only we can save the nation! {payload}"
    body = client.post("/api/analyze", json={"text": text, "title": payload, "outlet": payload, "published": payload}).json()
    for path in (f"/analyses/{body['id']}", "/analyses", "/techniques"):
        page = client.get(path).text
        assert executable_parts(page) == [], path
        scripts = re.findall(r"<script[^>]*>", page)
        assert scripts in ([], ['<script type="application/json" id="span-data">', "<script>"]), scripts
    assert "{{7*7}}" in client.get(f"/analyses/{body['id']}").text or payload != "{{7*7}}"

"""The HTML pages: the form, a report, two reports compared, the past analyses, the technique guide, the API reference.

The app's own pages run no script at all (their CSP has no script-src). The report page is the
CLI's self-contained report (spinscope.report.html.render) with a navigation bar added; it is
served with its own hash-pinned CSP repeated as a header, so both policies agree.
"""

from __future__ import annotations

import html
import re
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.datastructures import UploadFile
from starlette.responses import HTMLResponse, RedirectResponse, Response

from spinscope.errors import SpinscopeError
from spinscope.report.html import render as render_report
from spinscope.web.api import SQLITE_MAX_INT, AnalysisId, AnalysisQuery, attachment, compare_stored, load_analysis, technique_guide
from spinscope.web.security import CSRF_COOKIE, CSRF_FIELD, is_cross_origin, set_csrf_cookie
from spinscope.web.service import Metadata, Submission, analyse_and_save
from spinscope.web.state import WebState, web_state
from spinscope.web.templating import env, templates

router = APIRouter(include_in_schema=False)

_META_CSP = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">')


def _form_page(request: Request, web: WebState, status: int = 200, error: str | None = None, values: dict[str, str] | None = None) -> Response:
    """The home page with its form; reuses a valid CSRF cookie or sets a new one, and puts the token
    bound to that cookie in the form."""
    cookie = request.cookies.get(CSRF_COOKIE)
    fresh = cookie is None or not web.csrf.is_valid(cookie)
    if fresh or cookie is None:
        cookie = web.csrf.new_client()
    context = {"csrf_field": CSRF_FIELD, "csrf_token": web.csrf.token_for(cookie), "error": error, "values": values or {}, "options": web.options,
               "max_bytes": web.analyze.ingest.max_bytes, "allow_private": web.analyze.ingest.allow_private}
    response = templates.TemplateResponse(request, "home.html", context, status_code=status)
    if fresh:
        set_csrf_cookie(response, cookie, secure=request.url.scheme == "https")
    return response


@router.get("/")
async def home(request: Request) -> Response:
    return _form_page(request, web_state(request))


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


@router.post("/analyze")
async def analyze_form(request: Request) -> Response:
    """The form's target: CSRF check, one analysis in the pool, then a redirect to its report."""
    web = web_state(request)
    form = await request.form(max_files=1, max_fields=16, max_part_size=web.options.max_body_bytes)
    try:
        values = {k: _text(form.get(k)) for k in ("text", "url", "title", "outlet", "published")}
        if is_cross_origin(request.headers, request.url.scheme) or not web.csrf.check(request.cookies.get(CSRF_COOKIE), _text(form.get(CSRF_FIELD)) or None):
            return _form_page(request, web, 403, "This form has expired or came from another site. Check it and send it again.", values)
        upload = form.get("file")
        name, data = None, None
        if isinstance(upload, UploadFile) and upload.filename:
            name, data = upload.filename, await upload.read()
        try:
            meta = Metadata(values["title"], values["outlet"], values["published"]).check(web.options.max_field_chars)
            submission = Submission(text=values["text"] or None, url=values["url"].strip() or None, upload_name=name, upload=data, metadata=meta)
            analysis_id, _ = await web.pool.run(partial(analyse_and_save, submission, web.analyze, web.store, web.pool.children), web.options.analysis_timeout)
        except SpinscopeError as exc:
            return _form_page(request, web, exc.http_status, " ".join(str(exc).split()), values)
        return RedirectResponse(f"/analyses/{analysis_id}", status_code=303)
    finally:
        await form.close()


@router.get("/analyses")
def analyses(request: Request, page: Annotated[int, Query(ge=1, le=100_000)] = 1, a: Annotated[int | None, Query(ge=1, le=SQLITE_MAX_INT)] = None) -> Response:
    """The past analyses, newest first, with a form that compares two of them; ``a``: the analysis
    a report's "Compare with another analysis" link holds, to be compared with one of the list."""
    web = web_state(request)
    size = web.options.page_size
    result = web.store.recent(size, (page - 1) * size)
    held = None if a is None else web.store.get(a)
    first = None if held is None else {"id": a, "title": held["document"].get("title") or held["document"]["id"]}
    context = {"rows": result.rows, "page": page, "truncated": result.truncated, "compare_with": first}
    return templates.TemplateResponse(request, "analyses.html", context)


@router.get("/analyses/{analysis_id}")
def report(request: Request, analysis_id: AnalysisId) -> Response:
    return report_response(analysis_id, load_analysis(request, analysis_id), str(request.url_for("report", analysis_id=analysis_id)))


def report_response(analysis_id: int, analysis: dict[str, Any], link: str) -> HTMLResponse:
    """The report page, with a navigation bar, its downloads and its stable ``link``."""
    nav = env.get_template("report_nav.html").render(analysis_id=analysis_id, link=link)
    page = _in_site_frame(render_report(analysis), nav)
    return HTMLResponse(page, headers=_report_csp(page))


def _in_site_frame(page: str, nav: str) -> str:
    """The report inside the site's frame: its navigation and the site's own stylesheet, which
    the report's policy is widened to allow (styles from this origin, nothing else); linked
    before the report's style, so that the report's rules win inside the report."""
    match = _META_CSP.search(page)
    if match is None:
        return page
    policy = html.unescape(match.group(1)).replace("style-src ", "style-src 'self' ", 1)
    page = page.replace(match.group(0), f'<meta http-equiv="Content-Security-Policy" content="{html.escape(policy)}">', 1)
    page = page.replace("<style>", '<link rel="stylesheet" href="/static/site.css">\n<style>', 1)
    return page.replace("<body>\n", "<body>\n" + nav, 1)


@router.get("/analyses/{analysis_id}/report.html")
def report_file(request: Request, analysis_id: AnalysisId) -> Response:
    """The standalone report, what `spinscope analyze --format html` writes, as a file to keep or
    send on: no navigation of this site, and it opens offline."""
    page = render_report(load_analysis(request, analysis_id))
    return HTMLResponse(page, headers={**_report_csp(page), **attachment(analysis_id, "html")})


def _report_csp(page: str) -> dict[str, str]:
    """The report's own hash-pinned CSP, as a header too, so that both policies agree."""
    match = _META_CSP.search(page)
    return {"Content-Security-Policy": html.unescape(match.group(1)) + "; frame-ancestors 'none'"} if match else {}


@router.get("/compare")
def compare_page(request: Request, a: AnalysisQuery, b: AnalysisQuery) -> Response:
    """Two stored analyses side by side: the CLI's comparison page in the site's frame, each actor,
    label, claim and source linked to its place in its analysis's report."""
    from spinscope.compare.html import render as render_comparison

    page = render_comparison(compare_stored(request, a, b), (f"/analyses/{a}", f"/analyses/{b}"))
    nav = env.get_template("compare_nav.html").render(a=a, b=b)
    page = _in_site_frame(page, nav)
    return HTMLResponse(page, headers=_report_csp(page))


@router.get("/techniques")
def techniques(request: Request) -> Response:
    web = web_state(request)
    guide = technique_guide(web.store, web.options.guide_examples)
    return templates.TemplateResponse(request, "techniques.html", {"techniques": guide})


@router.get("/docs")
def docs(request: Request) -> Response:
    """The API reference, built from the OpenAPI document: no CDN script, so it works offline under the CSP."""
    spec = request.app.openapi()
    endpoints = []
    for path, methods in spec.get("paths", {}).items():
        for method, op in methods.items():
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
            endpoints.append({
                "method": method.upper(), "path": path, "summary": op.get("summary", ""), "description": op.get("description", ""),
                "parameters": op.get("parameters", []), "body": body.get("$ref", "").rsplit("/", 1)[-1],
                "responses": sorted((code, r.get("description", "")) for code, r in op.get("responses", {}).items()),
            })
    schemas = spec.get("components", {}).get("schemas", {})
    return templates.TemplateResponse(request, "docs.html", {"spec": spec, "endpoints": endpoints, "schemas": schemas})

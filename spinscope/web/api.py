"""The JSON API under /api: analyse, read back, search the corpus, techniques, health. Documented at /openapi.json.

Every answer is JSON; every error has the shape of errors.error_body. ``POST /api/analyze``
accepts only ``Content-Type: application/json``: a page on another site cannot send that without
a CORS preflight, which this server never grants, so the API needs no CSRF token.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header, HTTPException, Path, Query, Request
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from starlette.responses import JSONResponse, Response

from spinscope import __version__
from spinscope.report.spans_csv import render as spans_csv
from spinscope.errors import UsageError
from spinscope.store import CorpusQuery, RequestKey, Store
from spinscope.techniques.base import TECHNIQUES
from spinscope.techniques.definitions import CHECKS, DEFINITIONS, display_name
from spinscope.techniques.examples import builtin_example
from spinscope.web.service import Metadata, Submission, analyse_and_save
from spinscope.web.state import web_state

if TYPE_CHECKING:
    from spinscope.compare import Comparison

router = APIRouter(prefix="/api", tags=["api"])

# SQLite integers are signed 64-bit: a larger id or offset overflows in the driver, so the
# declarations bound them and such a request gets 422 instead of a 500.
SQLITE_MAX_INT = 2**63 - 1
AnalysisId = Annotated[int, Path(ge=1, le=SQLITE_MAX_INT, description="A stored analysis id.")]


class ErrorBody(BaseModel):
    ok: bool = False
    error: str = Field(description="What went wrong, the limit that was hit, and how to get past it.")
    status: int = Field(description="The HTTP status, repeated.")


ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody, "description": text}
    for code, text in (
        (400, "Bad input: empty, binary, not a supported kind, or a URL that is not allowed."),
        (404, "No analysis with this id."),
        (409, "The Idempotency-Key was already used with another request."),
        (413, "The body or the text is over the size limit."),
        (415, "The body is not sent as application/json."),
        (422, "The JSON, the path or the query does not have the documented fields or values."),
        (502, "The URL could not be fetched."),
        (503, "Too many analyses running or waiting; retry in a moment."),
        (504, "The fetch or the analysis took too long."),
        (507, "The store is full; the analysis was not saved."),
    )
}


class AnalyzeRequest(BaseModel):
    """One article: its text, or a URL to fetch it from; metadata replaces what the page says."""

    # The validator below, said in the schema too: exactly one of text or url, as a string.
    model_config = ConfigDict(extra="forbid", json_schema_extra={
        "oneOf": [{"required": [name], "properties": {name: {"type": "string"}}} for name in ("text", "url")],
    })

    text: str | None = Field(None, min_length=1, description="The article text; span offsets index into exactly this string.")
    url: str | None = Field(None, min_length=1, max_length=2048, description="An http(s) URL to fetch (public addresses only unless the server runs with --allow-private).")
    title: str | None = None
    outlet: str | None = None
    published: str | None = Field(None, description="Publication date, as given.")

    @field_validator("title", "outlet", "published")
    @classmethod
    def _unicode(cls, value: str | None) -> str | None:
        # JSON can carry a lone surrogate (\udfff); text and url refuse one already, as pydantic does
        # for constrained strings, and nothing downstream could encode it.
        if value is not None:
            try:
                value.encode("utf-8")
            except UnicodeEncodeError as exc:
                raise ValueError(f"has a lone surrogate at character {exc.start}; send valid Unicode") from None
        return value

    @model_validator(mode="after")
    def _one_input(self) -> "AnalyzeRequest":
        if (self.text is None) == (self.url is None):
            raise ValueError("give exactly one of text or url")
        return self


class StoredAnalysis(BaseModel):
    ok: bool = True
    id: int = Field(description="The stored analysis id: GET /api/analyses/{id}, or /analyses/{id} for the report page.")
    analysis: dict[str, Any] = Field(description=(
        "The analysis, as spinscope/schema/analysis.schema.json describes it. Where the who-says-what stages ran, spans.quote, "
        "spans.source, spans.actor and spans.claim, their relations and summaries, and each technique span's attributes.voice "
        "and attributes.quote come unchanged (docs/who-says-what.md)."))


class AnalysisSummary(BaseModel):
    id: int
    created: str
    document_id: str
    title: str | None
    url: str | None
    outlet: str | None
    source: str | None
    detector: str
    span_count: int


class AnalysisList(BaseModel):
    ok: bool = True
    analyses: list[AnalysisSummary]
    truncated: bool = Field(description="More (older) analyses exist past this page.")


class CorpusDocument(BaseModel):
    analysis_id: int = Field(description="Its latest analysis: GET /api/analyses/{id}.")
    document_id: str
    published: str | None = Field(description="As given.")
    published_date: str | None = Field(description="YYYY-MM-DD read from published; null when it cannot be read without guessing.")
    outlet: str | None
    title: str | None
    url: str | None
    source: str | None
    techniques: int = Field(description="Technique spans in the analysis.")
    quotes: int
    claims: int
    match: str | None = Field(description="Where the search matched, the words in [brackets]; null without a search.")


class CorpusList(BaseModel):
    ok: bool = True
    documents: list[CorpusDocument]
    truncated: bool = Field(description="More documents matched than the limit let through.")


class Example(BaseModel):
    analysis_id: int
    text: str
    score: float | None


class BuiltinExample(BaseModel):
    text: str
    article_id: str = Field(description="The PTC training article the gold span comes from.")
    source: str = Field(description="Where it comes from, in the reader's words.")


class Technique(BaseModel):
    label: str = Field(description="The PTC label, as spans carry it.")
    name: str = Field(description="The technique's name for readers.")
    definition: str
    check: str = Field(description="What a reader should check in a passage flagged with this technique.")
    builtin_example: BuiltinExample | None = Field(description="A gold span of the PTC training data, shipped with spinscope.")
    examples: list[Example] = Field(description="The best-scored spans among the analyses stored here.")


class TechniqueList(BaseModel):
    ok: bool = True
    techniques: list[Technique]


class Health(BaseModel):
    ok: bool = True
    version: str
    in_flight: int = Field(description="Analyses running or waiting now.")
    capacity: int = Field(description="Analyses that may run or wait at once; one more gets 503.")
    workers: int


IdempotencyKey = Annotated[str | None, Header(
    alias="Idempotency-Key", min_length=1, max_length=200, pattern=r"^[!-~]+$",
    description="Any printable ASCII string (no spaces), at most 200 characters, new for each new request. "
    "A retry with the same key and the same body returns the analysis stored the first time (same id, nothing "
    "stored again); the same key with another body gets 409. A key is kept for 24 hours; then it is new again.",
)]


def request_key(key: str | None, body: AnalyzeRequest) -> RequestKey | None:
    """The key with the SHA-256 of the request's fields, so that a reordered or re-spaced JSON body is the same request."""
    if key is None:
        return None
    canonical = json.dumps(body.model_dump(), sort_keys=True, ensure_ascii=True)
    return RequestKey(key, hashlib.sha256(canonical.encode()).hexdigest())


def require_json(request: Request) -> None:
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media != "application/json":
        raise HTTPException(415, "send the body as JSON with Content-Type: application/json")


def stored(analysis_id: int, analysis: dict[str, Any]) -> dict[str, Any]:
    return {"ok": True, "id": analysis_id, "analysis": analysis}


@router.post("/analyze", dependencies=[Depends(require_json)], responses={200: {"model": StoredAnalysis}, **{k: v for k, v in ERRORS.items() if k != 404}})
async def analyze(body: AnalyzeRequest, request: Request, idempotency_key: IdempotencyKey = None) -> Response:
    """Analyse one article (text or URL), store it, and return the analysis with its id.

    Send an Idempotency-Key to retry safely after a lost answer: the retry gets the first analysis."""
    web = web_state(request)
    meta = Metadata(body.title, body.outlet, body.published).check(web.options.max_field_chars)
    submission = Submission(text=body.text, url=body.url, metadata=meta)
    key = request_key(idempotency_key, body)

    def work(deadline: float) -> bytes:
        # Serialised in the worker too: a large analysis would otherwise hold the event loop.
        analysis_id, analysis = analyse_and_save(submission, web.analyze, web.store, web.pool.children, deadline, key, web.running)
        return json.dumps(stored(analysis_id, analysis), ensure_ascii=False).encode()

    return Response(await web.pool.run(work, web.options.analysis_timeout), media_type="application/json")


def load_analysis(request: Request, analysis_id: int) -> dict[str, Any]:
    """The stored analysis, or the 404 every reader of one (API, page, download) answers."""
    analysis = web_state(request).store.get(analysis_id)
    if analysis is None:
        raise HTTPException(404, f"no analysis with id {analysis_id}")
    return analysis


@router.get("/analyses/{analysis_id}", responses={200: {"model": StoredAnalysis}, 404: ERRORS[404], 422: ERRORS[422]})
def get_analysis(analysis_id: AnalysisId, request: Request) -> JSONResponse:
    """One stored analysis, as POST /api/analyze returned it."""
    return JSONResponse(stored(analysis_id, load_analysis(request, analysis_id)))


def attachment(analysis_id: int, extension: str) -> dict[str, str]:
    """The header that makes a download of an analysis a file named after it."""
    return {"Content-Disposition": f'attachment; filename="spinscope-analysis-{analysis_id}.{extension}"'}


@router.get(
    "/analyses/{analysis_id}/analysis.json",
    response_class=Response,
    responses={
        200: {"description": "The analysis as a file, spinscope-analysis-{id}.json.", "content": {"application/json": {"schema": {"type": "object"}}}},
        404: ERRORS[404],
        422: ERRORS[422],
    },
)
def download_json(analysis_id: AnalysisId, request: Request) -> Response:
    """One stored analysis as a JSON file to download: the analysis object alone (what
    `spinscope analyze --format json` writes, spinscope/schema/analysis.schema.json), PTC labels and all."""
    body = json.dumps(load_analysis(request, analysis_id), ensure_ascii=False, indent=2)
    return Response(body, media_type="application/json", headers=attachment(analysis_id, "json"))


@router.get(
    "/analyses/{analysis_id}/spans.csv",
    response_class=Response,
    responses={
        200: {
            "description": "UTF-8 CSV with a header row, spinscope-analysis-{id}.csv.",
            "content": {"text/csv": {"schema": {"type": "string"}}},
        },
        404: ERRORS[404],
        422: ERRORS[422],
    },
)
def download_csv(analysis_id: AnalysisId, request: Request) -> Response:
    """One stored analysis's technique spans as a CSV file, one row a span: technique (PTC label),
    name, score, text, start, end (offsets into the text) and the sentence it is in. A text
    cell that a spreadsheet would take for a formula starts with an apostrophe."""
    body = spans_csv(load_analysis(request, analysis_id))
    return Response(body, media_type="text/csv; charset=utf-8", headers=attachment(analysis_id, "csv"))


AnalysisQuery = Annotated[int, Query(ge=1, le=SQLITE_MAX_INT, description="A stored analysis id.")]


def compare_stored(request: Request, a: int, b: int) -> "Comparison":
    """Stored analyses ``a`` and ``b`` side by side (404 where either is missing); nothing is re-analysed."""
    from spinscope.compare import compare

    return compare(load_analysis(request, a), load_analysis(request, b))


@router.get(
    "/compare",
    response_class=Response,
    responses={
        200: {"description": "The comparison of two stored analyses (spinscope compare --format json): their actors aligned with the labels "
                             "each gives them, their techniques per 1,000 words, the claims both make and those only one makes, their sources.",
              "content": {"application/json": {"schema": {"type": "object"}}}},
        404: ERRORS[404],
        422: ERRORS[422],
    },
)
def compare_analyses(a: AnalysisQuery, b: AnalysisQuery, request: Request) -> Response:
    """Two stored analyses side by side, as `spinscope compare A B --format json` writes them."""
    return JSONResponse(compare_stored(request, a, b).to_dict())


@router.get("/analyses", response_model=AnalysisList, responses={422: ERRORS[422]})
def list_analyses(
    request: Request,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=SQLITE_MAX_INT)] = 0,
) -> AnalysisList:
    """Stored analyses, newest first, without their text."""
    page = web_state(request).store.recent(limit, offset)
    return AnalysisList(analyses=[AnalysisSummary(**asdict(r)) for r in page.rows], truncated=page.truncated)


@router.get("/corpus", response_model=CorpusList, responses={400: ERRORS[400], 422: ERRORS[422], 504: ERRORS[504]})
def corpus(
    request: Request,
    search: Annotated[str | None, Query(description='Words that must all occur; "a phrase", word* for a prefix, OR between two words.')] = None,
    within: Annotated[Literal["text", "quote", "claim"], Query(description="Where the search looks: the whole text, one quote or one claim.")] = "text",
    outlet: Annotated[str | None, Query(description="Only this outlet, exactly as stored.")] = None,
    since: Annotated[date | None, Query(description="Published on or after (YYYY-MM-DD).")] = None,
    until: Annotated[date | None, Query(description="Published on or before (YYYY-MM-DD).")] = None,
    technique: Annotated[str | None, Query(description="Uses this technique (a PTC label).")] = None,
    actor: Annotated[str | None, Query(description="An actor whose name contains this (any case).")] = None,
    speaker: Annotated[str | None, Query(description="A quote whose speaker's name contains this (any case).")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> CorpusList:
    """The stored documents (each with its latest analysis) that match, newest first, as
    ``spinscope corpus query`` lists them; stopped with 504 after the store's query time limit."""
    if technique is not None and technique not in TECHNIQUES:
        raise UsageError(f"technique {technique[:80]!r}: not a technique; choose from {', '.join(TECHNIQUES)}")
    query = CorpusQuery(search=search, within=within, outlets=() if outlet is None else (outlet,), since=since, until=until,
                        techniques=() if technique is None else (technique,),
                        actor=actor, speaker=speaker, limit=limit)  # fmt: skip
    result = web_state(request).store.query(query)
    return CorpusList(documents=[CorpusDocument(**asdict(r)) for r in result.rows], truncated=result.truncated)


def technique_guide(store: Store, per_label: int) -> list[Technique]:
    """Each technique with what to check, its built-in example (so a fresh install shows one)
    and then the best-scored examples stored here."""
    examples = store.examples(per_label=per_label)
    return [
        Technique(
            label=label,
            name=display_name(label),
            definition=DEFINITIONS.get(label, ""),
            check=CHECKS.get(label, ""),
            builtin_example=_builtin(label),
            examples=[Example(analysis_id=e.analysis_id, text=e.text, score=e.score) for e in examples.get(label, [])],
        )
        for label in TECHNIQUES
    ]


def _builtin(label: str) -> BuiltinExample | None:
    found = builtin_example(label)
    return None if found is None else BuiltinExample(text=found.text, article_id=found.article_id, source=found.source)


@router.get("/techniques", response_model=TechniqueList)
def techniques(request: Request) -> TechniqueList:
    """Every technique with its definition, what to check, a built-in example from the PTC
    training data and the best-scored examples among stored analyses."""
    web = web_state(request)
    return TechniqueList(techniques=technique_guide(web.store, web.options.guide_examples))


@router.get("/health", response_model=Health)
async def health(request: Request) -> Health:
    """Answers at once, also under load: it touches neither the model nor the database."""
    stats = web_state(request).pool.stats()
    return Health(version=__version__, in_flight=stats.in_flight, capacity=stats.capacity, workers=stats.workers)

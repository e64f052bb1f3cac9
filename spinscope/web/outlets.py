"""The corpus pages: outlets side by side, an outlet's trends, repeated claims on a timeline, and
the plots they show as same-origin images (``/plots/KIND.svg`` or ``.png``).

The pages run no script, as every page of the app; the plots are images, so the page's policy
(``img-src 'self'``) is unchanged. An SVG plot carries its own policy, which lets matplotlib's
inline styles apply inside the image and nothing else (no script, no fetch).

The profile rows are kept until the store changes (``Store.revision``), and repeated claims for the
last few sets of claims, so a page and its plot compute them once; the claims' vectors are kept in
the store (``Store.claim_vectors``), so each wording is embedded once. ``/claims?claim=TEXT`` is one
claim's timeline: the stored claims that share its words, compared with it.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field
from starlette.responses import Response

from spinscope.corpus.claims import Claims, claim_groups
from spinscope.corpus.outlets import INTERVAL
from spinscope.corpus.plots import KINDS, Format, claim_timeline, technique_bars, trend_lines
from spinscope.corpus.profiles import ALL, ActorFraming, OutletProfile, Trends, actor_framings, first_framings, outlet_profiles, trends
from spinscope.errors import UsageError
from spinscope.store import Store
from spinscope.store.profiles import ActorRow, ProfileRows
from spinscope.techniques.definitions import DEFINITIONS, display_name
from spinscope.web.api import ERRORS
from spinscope.web.state import web_state
from spinscope.web.templating import templates

router = APIRouter(include_in_schema=False)
api_router = APIRouter(prefix="/api", tags=["api"])

MAX_ACTORS = 30  # actors listed on the outlets page, those named by the most outlets first
MAX_GROUPS = 50  # repeated claims listed on the claims page
SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'"
MEDIA = {"svg": "image/svg+xml", "png": "image/png"}

Outlets = Annotated[list[str], Query(max_length=500, description="Only these outlets, exactly as stored.")]
Techniques = Annotated[list[str], Query(max_length=100, description="Only these techniques (PTC labels).")]
ClaimParam = Annotated[str | None, Query(max_length=2000, description="A claim's text: its timeline across the store.")]
PeriodParam = Annotated[Literal["month", "week"], Query(description="Per calendar month or ISO week.")]


@lru_cache(maxsize=8)
def _rows(store: Store, revision: tuple[int, int], outlets: tuple[str, ...], actors: bool) -> ProfileRows:
    return store.profile_rows(outlets, actors=actors)


def profile_rows(request: Request, outlets: tuple[str, ...] = (), actors: bool = False) -> ProfileRows:
    """The store's profile rows (with the actor rows where asked), read again only once an analysis
    was saved: a page and its plot (two requests) read them once."""
    store = web_state(request).store
    return _rows(store, store.revision(), outlets, actors)


@lru_cache(maxsize=8)
def _claims(store: Store, revision: tuple[int, int], outlets: tuple[str, ...], claim: str | None) -> Claims:
    return claim_groups(store, outlets, claim)


def claims_of(request: Request, outlets: tuple[str, ...], claim: str | None) -> Claims:
    """What a claims page and its plot show, computed again only once an analysis was saved."""
    store = web_state(request).store
    return _claims(store, store.revision(), outlets, claim.strip() if claim is not None and claim.strip() else None)


def _labels(given: list[str]) -> tuple[str, ...]:
    unknown = [t for t in given if t not in DEFINITIONS]
    if unknown:
        raise UsageError(f"technique {unknown[0][:80]!r}: not a technique; choose from {', '.join(sorted(DEFINITIONS))}")
    return tuple(given)


@lru_cache(maxsize=2)
def _top_actors(store: Store, revision: tuple[int, int]) -> tuple[tuple[ActorRow, ...], int]:
    return store.top_actors(limit=MAX_ACTORS)


@router.get("/outlets")
def outlets_page(request: Request) -> Response:
    rows = profile_rows(request)
    store = web_state(request).store
    top, actors = _top_actors(store, store.revision())
    profiles = outlet_profiles(rows)
    framings, _ = first_framings(rows._replace(actors=top), MAX_ACTORS)
    context = {"profiles": profiles, "actors": framings, "more_actors": max(0, actors - MAX_ACTORS), "interval": INTERVAL,
               "display_name": display_name}  # fmt: skip
    return templates.TemplateResponse(request, "outlets.html", context)


@router.get("/outlets/trends")
def trends_page(request: Request, outlet: Outlets = [], technique: Techniques = [], period: PeriodParam = "month") -> Response:  # noqa: B006 (FastAPI reads the default, never mutates it)
    labels = _labels(technique)
    known = sorted({d.outlet for d in profile_rows(request).documents if d.outlet is not None}, key=str.casefold)
    found = trends(profile_rows(request, tuple(outlet)), period, labels)
    shown = set(labels) or {ALL}
    points = [p for p in found.points if p.label in shown]
    context = {"outlets": known, "chosen": outlet, "techniques": sorted(DEFINITIONS), "labels": labels, "period": period, "points": points,
               "undated": found.undated, "query": request.url.query, "display_name": display_name, "interval": INTERVAL}  # fmt: skip
    return templates.TemplateResponse(request, "outlet_trends.html", context)


@router.get("/claims")
def claims_page(request: Request, outlet: Outlets = [], claim: ClaimParam = None) -> Response:  # noqa: B006
    groups, compared, truncated = claims_of(request, tuple(outlet), claim)
    asked = claim.strip() if claim is not None and claim.strip() else None
    context = {"groups": groups[:MAX_GROUPS], "more": max(0, len(groups) - MAX_GROUPS), "claims": compared, "truncated": truncated,
               "query": request.url.query, "asked": asked}  # fmt: skip
    return templates.TemplateResponse(request, "claims.html", context)


@router.get("/plots/{kind}.{fmt}")
def plot(
    request: Request,
    kind: str,
    fmt: str,
    outlet: Outlets = [],  # noqa: B006
    technique: Techniques = [],  # noqa: B006
    period: PeriodParam = "month",
    claim: ClaimParam = None,
) -> Response:
    """A plot of the store as an image, for the pages' ``<img>``."""
    if fmt not in MEDIA or kind not in KINDS:
        raise UsageError(f"/plots/{kind[:40]}.{fmt[:10]}: no such plot; give techniques, trends or claims, as .svg or .png")
    image_format: Format = "svg" if fmt == "svg" else "png"
    labels = _labels(technique)
    chosen = tuple(outlet)
    if kind == "claims":
        image = claim_timeline(claims_of(request, chosen, claim).groups, image_format)
    elif kind == "techniques":
        image = technique_bars(outlet_profiles(profile_rows(request, chosen)), labels, image_format)
    else:
        image = trend_lines(trends(profile_rows(request, chosen), period, labels), chosen, labels, image_format)
    headers = {"Cache-Control": "no-store"}
    if image_format == "svg":
        headers["Content-Security-Policy"] = SVG_CSP
    return Response(image, media_type=MEDIA[image_format], headers=headers)


class OutletsBody(BaseModel):
    """Outlets side by side, as ``spinscope corpus outlets --format json`` writes them."""

    interval: str = Field(description="How each rate's 95% interval [low, high] is made.")
    outlets: list[OutletProfile] = Field(description="One profile per outlet; voice and sources are null where their stage did not run.")
    actors: list[ActorFraming] = Field(description="Each actor and how each outlet that names it presents it.")
    trends: Trends = Field(description="Rates per period; undated documents counted apart.")


@api_router.get("/outlets", response_model=OutletsBody, responses={422: ERRORS[422], 504: ERRORS[504]})
def outlets_api(
    request: Request,
    outlet: Annotated[str | None, Query(description="Only this outlet, exactly as stored.")] = None,
    period: PeriodParam = "month",
) -> OutletsBody:
    """Per outlet: technique spans per 1,000 words with 95% intervals, quoted versus own voice, named
    versus anonymous sources, the roles and labels it gives each actor, and trends over time."""
    rows = profile_rows(request, () if outlet is None else (outlet,), actors=True)
    return OutletsBody(interval=INTERVAL, outlets=list(outlet_profiles(rows)), actors=list(actor_framings(rows)), trends=trends(rows, period))

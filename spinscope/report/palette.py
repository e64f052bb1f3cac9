"""One colour per technique, from colour-blind-safe palettes (Okabe-Ito, then Paul Tol's muted)."""

from __future__ import annotations

from spinscope.techniques.base import TECHNIQUES

_COLOURS = (
    "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7",
    "#332288", "#88CCEE", "#44AA99", "#117733", "#999933", "#882255", "#AA4499",
)
FALLBACK = "#777777"
COLOURS: dict[str, str] = dict(zip(sorted(TECHNIQUES, key=lambda t: t.lower()), _COLOURS, strict=True))


def colour(label: str) -> str:
    return COLOURS.get(label, FALLBACK)

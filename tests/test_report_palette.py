"""The technique colours, as readers with the two common colour-vision deficiencies see them.

What this guarantees: (1) every technique's underline has a contrast of at least 2:1 against
every highlight colour of the report (report.css) and the page's white, to normal, deuteranopic
and protanopic eyes, so no underline vanishes into its highlight (the old light blue of Loaded
language, the commonest technique, did on the strong highlight); (2) the five techniques that
make up about four in five gold spans of PTC (the model card's validation counts) differ pairwise
by at least 30 CIE76 Delta-E units to each of those eyes. It does not promise that all fourteen
colours can be told apart: the legend number written after each span (tested in
test_report_html.py) names the rest. Vision is simulated with Machado, Oliveira and Fernandes
(2009) at severity 1, applied in linear RGB.
"""

from __future__ import annotations

import itertools
import re

import pytest

from spinscope.report.palette import COLOURS
from spinscope.techniques.base import TECHNIQUES
from spinscope.techniques.registry import detector_card
from tests.paths import REPO

Matrix = tuple[tuple[float, float, float], ...]
VISIONS: dict[str, Matrix | None] = {
    "normal": None,
    "deuteranopia": ((0.367322, 0.860646, -0.227968), (0.280085, 0.672501, 0.047413), (-0.011820, 0.042940, 0.968881)),
    "protanopia": ((0.152286, 1.052583, -0.204868), (0.114503, 0.786281, 0.099216), (-0.003882, -0.048116, 1.051998)),
}
MIN_CONTRAST = 2.0
MIN_DELTA_E = 30.0
CSS = (REPO / "spinscope" / "report" / "report.css").read_text(encoding="utf-8")
HIGHLIGHTS = {"#ffffff"} | {c.lower() for c in re.findall(r"\.mark[^{]*\{[^}]*background: (#[0-9a-fA-F]{6})", CSS)}


def _seen(hex_colour: str, vision: Matrix | None) -> tuple[float, float, float]:
    """Linear RGB of ``hex_colour`` as the given eye sees it."""
    srgb = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in srgb)
    if vision is None:
        return r, g, b
    return tuple(min(1.0, max(0.0, row[0] * r + row[1] * g + row[2] * b)) for row in vision)  # type: ignore[return-value]


def _luminance(rgb: tuple[float, float, float]) -> float:
    return 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]


def _contrast(a: tuple[float, float, float], b: tuple[float, float, float]) -> float:
    low, high = sorted((_luminance(a), _luminance(b)))
    return (high + 0.05) / (low + 0.05)


def _lab(rgb: tuple[float, float, float]) -> tuple[float, float, float]:
    r, g, b = rgb
    x, y, z = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047, 0.2126 * r + 0.7152 * g + 0.0722 * b, (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883
    fx, fy, fz = (t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116 for t in (x, y, z))
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def test_report_palette_gives_every_technique_its_own_colour() -> None:
    assert set(COLOURS) == set(TECHNIQUES) and len(set(COLOURS.values())) == len(TECHNIQUES)


def test_report_palette_reads_the_highlights_from_the_report_css() -> None:
    assert {"#ffd966", "#ffecb0"} <= HIGHLIGHTS, "the strong and moderate highlights are checked"


@pytest.mark.parametrize("vision", VISIONS)
def test_report_palette_underlines_stay_visible_on_every_highlight(vision: str) -> None:
    faint = [(label, background, round(_contrast(_seen(c, VISIONS[vision]), _seen(background, VISIONS[vision])), 2))
             for label, c in COLOURS.items() for background in HIGHLIGHTS
             if _contrast(_seen(c, VISIONS[vision]), _seen(background, VISIONS[vision])) < MIN_CONTRAST]
    assert faint == []


@pytest.mark.parametrize("vision", VISIONS)
def test_report_palette_keeps_the_commonest_techniques_apart(vision: str) -> None:
    gold = detector_card("transformer")["metrics"]["tc_per_technique"]
    commonest = sorted(gold, key=lambda label: -gold[label]["gold"])[:5]
    assert sum(gold[label]["gold"] for label in commonest) >= 0.75 * sum(g["gold"] for g in gold.values())
    close = []
    for a, b in itertools.combinations(commonest, 2):
        distance = sum((p - q) ** 2 for p, q in zip(_lab(_seen(COLOURS[a], VISIONS[vision])), _lab(_seen(COLOURS[b], VISIONS[vision])))) ** 0.5
        if distance < MIN_DELTA_E:
            close.append((a, b, round(distance, 1)))
    assert close == []

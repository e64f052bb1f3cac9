"""The legend: each technique's number, colour and count near the top, as buttons that show its
passages alone, and its definition at the foot of the report (printed too, with the numbers the
article's end notes carry)."""

from __future__ import annotations

from html import escape

from spinscope.report.article import colour_class
from spinscope.techniques.definitions import DEFINITIONS, display_name


def legend_numbers(labels: list[str]) -> dict[str, int]:
    """Each technique's number: its rank in the chart (most spans first), from 1."""
    return {label: n for n, label in enumerate(dict.fromkeys(labels), start=1)}


def chart_html(counts: dict[str, int], numbers: dict[str, int]) -> str:
    """The counts as bars; each row is a toggle (``aria-pressed``) that filters the article to its
    technique, and "Show all techniques" undoes it. The script (report.js) gives them their effect."""
    if not counts:
        return "<p>No technique spans found.</p>"
    top = max(counts.values())
    rows = []
    for label, n in counts.items():
        name = escape(display_name(label))
        rows.append(
            f'<button type="button" class="row tech" data-n="{numbers[label]}" data-name="{name}" aria-pressed="false" '
            f'aria-label="{numbers[label]} {name}: {n} {"span" if n == 1 else "spans"}" title="Show only {name}">'
            f'<span class="name">{name}</span><span class="num">{numbers[label]}</span>'
            f'<span class="track"><span class="fill w{round(100 * n / top)} {colour_class(label)}"></span></span>'
            f'<span class="n">{n}</span></button>'
        )
    return (
        '<section class="chart" aria-labelledby="chart-title"><h2 id="chart-title">Techniques found</h2>'
        '<p class="hint">Choose a technique to show only its passages; each passage ends with its technique’s number.</p>'
        + "".join(rows)
        + '<button type="button" id="show-all">Show all techniques</button></section>'
    )


def definitions_html(numbers: dict[str, int]) -> str:
    items = "".join(
        f'<li><span class="num">{n}</span><span class="swatch {colour_class(label)}"></span>{escape(display_name(label))}'
        f'<span class="def">{escape(DEFINITIONS.get(label, ""))}</span></li>'
        for label, n in numbers.items()
    )
    return f'<section class="legend"><h2>What the techniques mean</h2><ul>{items}</ul></section>'

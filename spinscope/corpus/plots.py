"""The corpus's plots as PNG or SVG bytes, drawn by matplotlib: technique rates per outlet with
their intervals, rates over time, and repeated claims on a timeline.

matplotlib is imported only when a plot is drawn (it costs about half a second), and each plot is
its own ``Figure`` on the Agg canvas, never pyplot's global state; the web app's threads draw one
at a time (see `_plain`). Names from the store (outlets, techniques, claims) are drawn as plain
text: mathtext is off, so a ``$`` in an outlet's name is a dollar sign, not a formula that could
fail to parse.
"""

from __future__ import annotations

import functools
import io
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Literal, ParamSpec

from spinscope.corpus.profiles import ALL, OutletProfile, Trends, periods_between
from spinscope.errors import UsageError
from spinscope.techniques.definitions import display_name

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from spinscope.repeats import ClaimGroup

Format = Literal["png", "svg"]
KINDS = ("techniques", "trends", "claims")
MAX_BARS = 8  # techniques drawn per outlet: the most used ones across the outlets shown
MAX_SERIES = 12  # lines in a time series, beyond which a plot is unreadable
MAX_GROUPS = 15  # claim groups on a timeline
LABEL_CHARS = 60  # a name or claim longer than this is cut with an ellipsis
P = ParamSpec("P")
_DRAWING = threading.Lock()


def format_of(name: str) -> Format:
    """The image format a file name asks for (.png or .svg); UsageError otherwise."""
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix == "png":
        return "png"
    if suffix == "svg":
        return "svg"
    raise UsageError(f"{name}: give a file ending in .png or .svg")


def _short(text: str | None, chars: int = LABEL_CHARS) -> str:
    value = " ".join((text or "(no outlet)").split())
    return value if len(value) <= chars else value[: chars - 1] + "…"


def _figure(width: float, height: float) -> Figure:
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def _plain(draw: Callable[P, bytes]) -> Callable[P, bytes]:
    """Run ``draw`` with the settings every plot is made under: text read when it is created is
    never mathtext, SVG ids and text do not change from run to run. The settings are matplotlib's
    global rcParams, so one plot is drawn at a time: a thread leaving its context would otherwise
    restore mathtext under another thread's half-drawn plot."""

    @functools.wraps(draw)
    def drawn(*args: P.args, **kwargs: P.kwargs) -> bytes:
        import matplotlib

        # svg.fonttype none: text stays <text>, searchable and selectable
        with _DRAWING, matplotlib.rc_context({"text.parse_math": False, "svg.hashsalt": "spinscope", "svg.fonttype": "none"}):
            return draw(*args, **kwargs)

    return drawn


def _save(figure: Figure, fmt: Format) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format=fmt, dpi=110, metadata={"Date": None} if fmt == "svg" else None)
    return buffer.getvalue()


def _colours(n: int) -> list[tuple[float, float, float, float]]:
    """``n`` colours, one per outlet: tab10's up to ten, tab20's up to twenty (then they repeat)."""
    from matplotlib import colormaps

    palette = colormaps["tab10" if n <= 10 else "tab20"]
    size = 10 if n <= 10 else 20
    return [palette(i % size) for i in range(n)]


def _empty(figure: Figure, message: str) -> None:
    axes = figure.add_subplot()
    axes.set_axis_off()
    axes.text(0.5, 0.5, message, ha="center", va="center", wrap=True, parse_math=False)


@_plain
def technique_bars(profiles: Sequence[OutletProfile], techniques: Sequence[str] = (), fmt: Format = "svg") -> bytes:
    """Spans per 1,000 words of each technique (``techniques``, else the most used) for each
    outlet, with 95% intervals as error bars."""
    import numpy as np

    labels = list(techniques)
    if not labels:
        used: dict[str, int] = {}
        for p in profiles:
            for r in p.techniques:
                used[r.label] = used.get(r.label, 0) + r.spans
        labels = [label for label, _ in sorted(used.items(), key=lambda kv: (-kv[1], kv[0]))[:MAX_BARS]]
    figure = _figure(10, max(3.0, 1.6 + 0.14 * max(1, len(labels)) * max(2, len(profiles))))
    if not profiles or not labels:
        _empty(figure, "No technique spans in the store yet.")
        return _save(figure, fmt)
    axes = figure.add_subplot()
    colours = _colours(len(profiles))
    height = 0.8 / len(profiles)
    y = np.arange(len(labels))
    for n, p in enumerate(profiles):
        rates = [p.rate(label) for label in labels]
        values = np.array([r.per_1000 for r in rates])
        lows = np.array([r.low for r in rates])
        highs = np.array([r.high for r in rates])
        axes.barh(y + n * height - 0.4 + height / 2, values, height, xerr=np.vstack([values - lows, highs - values]), capsize=2, color=colours[n],
                  label=f"{_short(p.outlet, 40)} ({p.documents} doc.)")  # fmt: skip
    axes.set_yticks(y, [display_name(label) for label in labels])
    axes.invert_yaxis()
    axes.set_xlabel("technique spans per 1,000 words (95% interval: spread between documents ∪ Poisson)")
    axes.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.0, 1.0))
    axes.set_title("Techniques by outlet")
    return _save(figure, fmt)


@_plain
def trend_lines(trends: Trends, outlets: Sequence[str] = (), techniques: Sequence[str] = (), fmt: Format = "svg") -> bytes:
    """Spans per 1,000 words per period, a line per outlet and technique (every technique together
    when none is named), with 95% intervals as error bars; undated documents are said in the title."""
    wanted = set(techniques) or {ALL}
    series: dict[tuple[str | None, str], list[tuple[str, float, float, float]]] = {}
    for point in trends.points:
        if point.label in wanted and (not outlets or point.outlet in outlets):
            series.setdefault((point.outlet, point.label), []).append((point.period, point.rate.per_1000, point.rate.low, point.rate.high))
    used = sorted({p for values in series.values() for p, *_ in values})
    periods = periods_between(used[0], used[-1], trends.period) if used else ()
    figure = _figure(9, 4.5)
    if not series:
        _empty(figure, "No dated documents for these outlets and techniques.")
        return _save(figure, fmt)
    axes = figure.add_subplot()
    at = {p: i for i, p in enumerate(periods)}
    drawn = sorted(series.items(), key=lambda kv: (kv[0][0] is None, kv[0][0] or "", kv[0][1]))[:MAX_SERIES]
    for ((outlet, label), values), colour in zip(drawn, _colours(len(drawn))):
        x = [at[p] for p, *_ in values]
        name = _short(outlet, 40) if label == ALL else f"{_short(outlet, 30)}: {display_name(label)}"
        rates = [v for _, v, _, _ in values]
        below = [v - lo for _, v, lo, _ in values]
        above = [hi - v for _, v, _, hi in values]
        axes.errorbar(x, rates, yerr=[below, above], marker="o", capsize=3, label=name, color=colour)
    step = max(1, len(periods) // 12)
    axes.set_xticks(range(0, len(periods), step), periods[::step], rotation=45, ha="right")
    axes.set_ylabel("technique spans per 1,000 words")
    axes.set_ylim(bottom=0)
    undated = sum(n for outlet, n, _ in trends.undated if not outlets or outlet in outlets)
    axes.set_title(f"Techniques per {trends.period}" + (f" ({undated} undated document{'' if undated == 1 else 's'} not shown)" if undated else ""))
    axes.legend(fontsize="small")
    return _save(figure, fmt)


@_plain
def claim_timeline(groups: Sequence[ClaimGroup], fmt: Format = "svg") -> bytes:
    """Each repeated claim (a row, its first telling's words) with a mark per dated telling, coloured
    by outlet; a claim's undated tellings are counted in its row's label."""
    shown = [g for g in groups if any(e.published for e in g.entries)][:MAX_GROUPS]
    figure = _figure(10, 1.5 + 0.45 * max(1, len(shown)))
    if not shown:
        _empty(figure, "No repeated claims with a date in the store yet.")
        return _save(figure, fmt)
    import numpy as np

    axes = figure.add_subplot()
    outlets = sorted({e.outlet or "" for g in shown for e in g.entries})
    colours = _colours(len(outlets))
    for row, group in enumerate(shown):
        dated = [e for e in group.entries if e.published]
        days = np.array([e.published for e in dated], dtype="datetime64[D]")
        axes.plot(np.array([days.min(), days.max()]), [row, row], color="0.75", zorder=1)
        for outlet in outlets:
            mine = days[[(e.outlet or "") == outlet for e in dated]]
            if len(mine):
                axes.scatter(mine, [row] * len(mine), color=colours[outlets.index(outlet)], zorder=2, s=30)
    for n, outlet in enumerate(outlets):
        axes.scatter([], [], color=colours[n], label=_short(outlet or None, 40))
    labels = []
    for g in shown:
        undated = sum(1 for e in g.entries if not e.published)
        labels.append(_short(g.first.text, 50) + (f" (+{undated} undated)" if undated else ""))
    axes.set_yticks(range(len(shown)), labels, fontsize="small")
    axes.invert_yaxis()
    axes.set_title(f"Repeated claims: {len(shown)} of {len(groups)} groups, the most widely told first")
    axes.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.0, 1.0))
    figure.autofmt_xdate()
    return _save(figure, fmt)


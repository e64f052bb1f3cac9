"""CLI options built from the settings table, so flag, help, bounds and default never disagree."""

from __future__ import annotations

from typing import Any

import typer

from spinscope.settings import SETTING
from spinscope.techniques.confidence import DISPLAY_PRECISION, DISPLAY_THRESHOLD

# Which commands expose each scope's settings (a test holds the CLI to this).
COMMANDS_BY_SCOPE: dict[str, tuple[str, ...]] = {
    "ingest": ("analyze", "serve", "corpus add"),
    "analysis": ("analyze", "predict", "corpus add"),
    "stages": ("analyze", "batch", "serve", "corpus add"),
    "web": ("serve",),
    "store": ("serve", "corpus add", "corpus query"),
    "batch": ("batch",),
    "corpus_add": ("corpus add",),
    "corpus_query": ("corpus query",),
}


# Settings whose default one command chooses when it runs, told in that option's help after the
# table's: analyze starts --min-score at the chosen detector's reader threshold (confidence.py).
RUNTIME_DEFAULTS: dict[tuple[str, str], str] = {
    ("analyze", "min_score"): (
        f" Default: where the detector's scores are calibrated (transformer), the reader's threshold, {DISPLAY_THRESHOLD}, above "
        f"which spans were {DISPLAY_PRECISION:.0%} precise on validation; else 0. An html report keeps every span and hides the weaker ones "
        "behind its 'Show weaker spans' control. 0 lists every span."
    ),
}


def option(name: str) -> Any:
    """The typer option of setting ``name``: its flag, help and bounds from the table."""
    s = SETTING[name]
    if s.default is True:  # a setting that is on by default is turned off by its --no- form
        return typer.Option(f"{s.flag}/--no-{s.flag.removeprefix('--')}", help=s.help)
    return typer.Option(s.flag, *s.aliases, help=s.help, min=s.minimum, max=s.maximum)


def runtime_option(command: str, name: str) -> Any:
    """The typer option of a setting whose default ``command`` chooses at run time (None here)."""
    s = SETTING[name]
    return typer.Option(s.flag, help=s.help + RUNTIME_DEFAULTS[command, name], min=s.minimum, max=s.maximum, show_default=False)


def default(name: str) -> Any:
    return SETTING[name].default


def stages_for(who: bool) -> tuple[str, ...]:
    """The stages of analyze, batch, serve and corpus add: every one, or with --no-who the techniques only."""
    from spinscope.pipeline.options import DEFAULT_STAGES, TECHNIQUES_ONLY

    return DEFAULT_STAGES if who else TECHNIQUES_ONLY

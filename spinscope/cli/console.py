"""What the CLI says on stderr, and the files it writes, without trusting the text in them.

Paths, URLs, error messages and titles come from the user: they are never read as Rich markup
(``x[/b].txt`` would crash it, ``http://[fe80::1]/`` would lose its address). Output targets are
checked before any work, so a typo in ``-o`` costs a second, not the whole batch.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rich.console import Console
from rich.text import Text

from spinscope.document import Failure
from spinscope.errors import UsageError


def error(console: Console, message: str) -> None:
    """``error: <message>`` on one line, the message taken literally."""
    console.print(Text.assemble(("error:", "red"), " ", message), highlight=False, soft_wrap=True)


def failed(console: Console, failure: Failure) -> None:
    """One input that failed, as ``error: <source>: <message>`` (the source once, if the message names it)."""
    where = "" if failure.source in failure.message else f"{failure.source}: "
    error(console, f"{where}{failure.message}")


def warning(console: Console, message: str) -> None:
    console.print(Text.assemble(("warning:", "yellow"), " ", message), highlight=False, soft_wrap=True)


def say(console: Console, message: str) -> None:
    """A plain line (``written to <path>``), the message taken literally."""
    console.print(Text(message), highlight=False, soft_wrap=True)


def counted(n: int, noun: str) -> str:
    """"1 document", "2 documents": messages read as sentences."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _reason(exc: OSError) -> str:
    return (exc.strerror or type(exc).__name__).lower()


def check_output(path: Path, *, folder: bool = False) -> None:
    """Raise UsageError now unless ``path`` can be written: an existing file that takes a write, a
    new name in a writable folder, or with ``folder`` (HTML reports) a writable folder. Nothing is
    created or truncated."""
    if path.is_dir():
        if not folder:
            raise UsageError(f"{path}: is a folder; give a file name for --output")
        _check_folder(path, path)
    elif path.exists():
        try:
            _write_nothing(path)
        except OSError as exc:
            raise UsageError(f"{path}: cannot be written ({_reason(exc)})") from None
    else:
        _check_folder(path.parent, path)


def _write_nothing(path: Path) -> None:
    """Open ``path`` for writing and write zero bytes: refused where a write would be (``/proc/version``
    opens even for root), without truncating or changing the file."""
    fd = os.open(path, os.O_WRONLY | os.O_APPEND)
    try:
        os.write(fd, b"")
    finally:
        os.close(fd)


def _check_folder(folder: Path, target: Path) -> None:
    if not folder.is_dir():
        raise UsageError(f"{target}: no such folder {folder}")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise UsageError(f"{target}: the folder {folder} is not writable (permission denied)")


@contextmanager
def writing(path: Path) -> Iterator[None]:
    """Turn a failure to write ``path`` (disk full, folder gone) into one line, not a traceback."""
    try:
        yield
    except OSError as exc:
        raise UsageError(f"{path}: could not be written ({_reason(exc)})") from None


def write_text(path: Path, text: str) -> None:
    with writing(path):
        path.write_text(text, encoding="utf-8")

"""Analyses in child processes that are killed at their deadline.

A thread cannot be stopped: an analysis past its deadline used to hold its web worker until it
finished (minutes for a hostile megabyte page), and two such requests starved every other one.
Here the fetch, extraction and analysis of a request (the web app) or of a document (the CLI,
through executors.ProcessExecutor) run in a child process; at the deadline the child is killed
and the slot is free at once. Children are spawned (clean interpreters), load their models on
their first analysis and then serve one call at a time for as long as they live; results travel
back to the parent, which alone writes output and the store.
"""

from __future__ import annotations

import os
import resource
import signal
import threading
import time
from collections.abc import Callable
from multiprocessing import get_context
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any, TypeVar

from spinscope.errors import AnalysisTimeoutError, InputTooLargeError, ModelError, SpinscopeError

R = TypeVar("R")
READY = "ready"
STARTUP_SECONDS = 120  # a fresh interpreter importing spinscope: about a second, far more on a loaded machine


def cores() -> int:
    """The cores this process may run on (its affinity, where the OS says; else all)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _address_space() -> int:
    """This process's virtual memory in bytes (Linux), or 0 where /proc is not there."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[0]) * resource.getpagesize()
    except OSError:
        return 0


def _serve(conn: Connection, threads: int, memory_mb: int | None, warm: Callable[[], object] | None) -> None:
    """A child's loop: run each (function, arguments) it is sent, send back (ok, value, exiting).

    ``warm`` (loading the models, say) runs first, before the child says it is ready, so that no
    call's deadline or memory budget pays for it; if it fails, the child says so instead.

    Each call may grow the process by ``memory_mb`` at most (an address-space limit set anew
    before each call, over what the process already holds, models included once loaded); past
    it the call fails with InputTooLargeError and the child exits, so its memory goes with it.
    ``None``: no limit.
    """
    os.environ["SPINSCOPE_THREADS"] = str(threads)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the server stops its children itself
    try:
        if warm is not None:
            warm()
    except SpinscopeError as exc:
        conn.send(exc)
        return
    conn.send(READY)
    while True:
        try:
            fn, args = conn.recv()
        except (EOFError, OSError):
            return
        held = _address_space() if memory_mb else 0
        if held and memory_mb:
            limit = held + memory_mb * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_AS, (limit, resource.RLIM_INFINITY))
        spent = False
        try:
            reply: tuple[bool, Any] = (True, fn(*args))
        except SpinscopeError as exc:
            reply = (False, exc)
        except MemoryError:
            spent = True
            reply = (False, InputTooLargeError(f"the analysis needed more than its memory budget of {memory_mb:,} MB; analyse a shorter text or raise the budget"))
        except Exception as exc:  # an unexpected error travels as text: it may not pickle
            reply = (False, RuntimeError(f"{type(exc).__name__}: {exc}"))
        resource.setrlimit(resource.RLIMIT_AS, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
        conn.send((*reply, spent))
        if spent:
            return


class _Child:
    def __init__(self, threads: int, memory_mb: int | None, warm: Callable[[], object] | None) -> None:
        self.conn, child_end = get_context("spawn").Pipe()
        self.process: BaseProcess = get_context("spawn").Process(
            target=_serve, args=(child_end, threads, memory_mb, warm), daemon=True, name="spinscope-analysis"
        )
        self.process.start()
        child_end.close()

    def wait_ready(self) -> None:
        """Wait until the child can take its first call: a deadline counts from then, so that
        starting an interpreter on a busy machine is not charged to a document."""
        try:
            said = self.conn.recv() if self.conn.poll(STARTUP_SECONDS) else None
        except (EOFError, OSError):
            said = None
        if said != READY:
            self.kill()
            if isinstance(said, SpinscopeError):
                raise said
            raise ModelError(f"an analysis process did not start within {STARTUP_SECONDS} seconds")

    def kill(self) -> None:
        self.process.kill()
        self.process.join(5)
        self.conn.close()


class Children:
    """At most ``slots`` children, reused between calls; the caller bounds concurrency.

    ``warm`` runs in each child as it starts (see ``_serve``). A child killed at its deadline is
    replaced at once in the background, and the next call waits for that spare rather than
    starting a second interpreter beside it.
    """

    def __init__(self, slots: int, memory_mb: int | None, warm: Callable[[], object] | None = None) -> None:
        self._threads = max(1, cores() // max(slots, 1))
        self._memory_mb = memory_mb
        self._warm = warm
        self._idle: list[_Child] = []
        self._busy: set[_Child] = set()
        self._launching: set[_Child] = set()
        self._starting = 0
        self._lock = threading.Condition()
        self._closed = False

    def call(self, fn: Callable[..., R], *args: Any, deadline: float | None) -> R:
        """``fn(*args)`` in a child; the child is killed (AnalysisTimeoutError) at ``deadline``
        (a time.monotonic() value; ``None``: no deadline)."""
        child = self._take()
        try:
            child.conn.send((fn, args))
            if not child.conn.poll(None if deadline is None else max(0.0, deadline - time.monotonic())):
                raise AnalysisTimeoutError("the analysis did not finish within its deadline and was stopped")
            ok, value, exiting = child.conn.recv()
        except AnalysisTimeoutError:
            self._drop(child)
            raise
        except (EOFError, OSError, BrokenPipeError):
            self._drop(child)
            raise ModelError("the analysis process died (out of memory?); the next analysis starts a new one") from None
        if exiting:
            self._drop(child)
        else:
            with self._lock:
                self._busy.discard(child)
            self._give_back(child)
        if not ok:
            raise value
        result: R = value
        return result

    def _take(self) -> _Child:
        with self._lock:
            while True:
                while self._idle:
                    child = self._idle.pop()
                    if child.process.is_alive():
                        self._busy.add(child)
                        return child
                    child.kill()
                if not self._starting or not self._lock.wait(STARTUP_SECONDS):
                    break
        child = self._start()
        with self._lock:
            self._busy.add(child)
        return child

    def _start(self) -> _Child:
        """A ready child; close() kills it while it starts, so that none outlives its parent
        half-started (an interpreter whose parent went away mid-start prints a traceback)."""
        stopping = ModelError("the analysis processes are stopping")
        if self._stopping():
            raise stopping
        child = _Child(self._threads, self._memory_mb, self._warm)
        with self._lock:
            admitted = not self._closed
            if admitted:
                self._launching.add(child)
        if not admitted:
            child.kill()
            raise stopping
        try:
            child.wait_ready()
        finally:
            with self._lock:
                self._launching.discard(child)
        return child

    def _stopping(self) -> bool:
        with self._lock:
            return self._closed

    def _drop(self, child: _Child) -> None:
        """Kill a child whose call failed, and start its replacement now, in the background, so
        that the next call does not wait for an interpreter to start."""
        with self._lock:
            self._busy.discard(child)
            spare = not self._closed
            self._starting += spare
        child.kill()
        if spare:
            threading.Thread(target=self._spare, daemon=True, name="spinscope-spare").start()

    def _spare(self) -> None:
        try:
            child: _Child | None = self._start()
        except SpinscopeError:
            child = None  # the next call starts one itself, and says why if that fails too
        with self._lock:
            self._starting -= 1
            self._lock.notify_all()
        if child is not None:
            self._give_back(child)

    def _give_back(self, child: _Child) -> None:
        with self._lock:
            if not self._closed:
                self._idle.append(child)
                self._lock.notify_all()
                return
        child.kill()

    def close(self, busy: bool = False) -> None:
        """Stop every idle child; a busy one is stopped when its call returns, or now with
        ``busy`` (its call then fails with ModelError): how a batch stops at Ctrl-C."""
        with self._lock:
            self._closed = True
            stopping, self._idle = self._idle + list(self._launching) + (list(self._busy) if busy else []), []
        for child in stopping:
            child.kill()
        with self._lock:  # a spare still starting sees the close and stops; wait for it, briefly
            self._lock.wait_for(lambda: self._starting == 0, timeout=10)

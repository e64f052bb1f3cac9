"""`Store`: saved analyses in one SQLite file, safe to use from many threads.

Durability and concurrency choices (see RELIABILITY.md §3):

- WAL with ``synchronous=FULL``: readers never block the writer, and a commit that returned
  survives power loss (NORMAL could lose the last one).
- One writer connection behind a lock, and every write in ``BEGIN IMMEDIATE``, so a write takes
  the database lock up front instead of failing with SQLITE_BUSY when a deferred read upgrades.
- Readers borrow connections from a small pool; each is used by one thread at a time.
- ``busy_timeout`` covers other processes (a second server, a backup) holding the lock briefly.

Every sqlite3 error leaves as a `StoreError` with the file's path in its message.

The web app saves one analysis a request (``save``); the corpus (``spinscope corpus add``,
``spinscope batch --db``) writes many in one transaction (``add_many``), skipping texts the same
pipeline has analysed, and reads them back with ``query`` (query.py). The rows an analysis adds
beside its JSON are written by rows.py.
"""

from __future__ import annotations

import json
import queue
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from spinscope.document import Failure
from spinscope.errors import ConflictError, StoreError, StoreFullError
from spinscope.settings import flag
from spinscope.schema.upgrade import upgrade
from spinscope.store.query import CorpusQuery, QueryResult, run_query
from spinscope.store.records import AnalysisRow, Example, Page, RequestKey, StoreOptions
from spinscope.store.rows import ANALYSIS_COLUMNS, analysed, insert_analysis, pipeline_sha256, text_sha256
from spinscope.store.schema import LATEST, migrate, schema_version

if TYPE_CHECKING:  # imported where used: the claim records bring numpy and the sentence encoder's module
    import numpy as np

    from spinscope.repeats.groups import ClaimRecord
    from spinscope.store.profiles import ActorRow, ProfileRows


KEY_LIFETIME = timedelta(hours=24)  # as long as a client may sensibly retry (Stripe keeps keys as long); then a key is new again


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _key_cutoff() -> str:
    """Keys created before this (ISO 8601 strings in UTC compare as times) have expired."""
    return (datetime.now(UTC) - KEY_LIFETIME).isoformat(timespec="seconds")


class Store:
    """Saved analyses in the SQLite file at `path` (created with its folders if missing).

    path (Path): the database file.
    max_pages (int | None): cap the file at this many pages (``PRAGMA max_page_count``); a write past
        it raises StoreFullError and is rolled back, as on a full disk. None: no cap.
    """

    def __init__(self, path: Path, *, max_pages: int | None = None, options: StoreOptions = StoreOptions()) -> None:
        self.path = Path(path)
        self.options = options
        self._write_lock = threading.Lock()
        self._readers: queue.SimpleQueue[sqlite3.Connection] = queue.SimpleQueue()
        self._closed = False
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the folder for the store {self.path}: {exc.strerror or exc}") from exc
        self._writer = self._connect()
        try:
            with self._errors("open"):
                self._writer.execute("PRAGMA journal_mode = WAL")
                version = schema_version(self._writer)
                if version > LATEST:
                    raise StoreError(
                        f"the store {self.path} has schema version {version}, newer than this spinscope knows ({LATEST}); "
                        "upgrade spinscope or use another --db"
                    )
                migrate(self._writer)
                if max_pages is not None:
                    self._writer.execute(f"PRAGMA max_page_count = {int(max_pages)}")
        except BaseException:
            self._writer.close()
            raise

    def _connect(self) -> sqlite3.Connection:
        try:
            conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=self.options.busy_timeout_ms / 1000)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open the store {self.path}: {exc}") from exc
        try:
            with self._errors("open"):
                conn.execute(f"PRAGMA busy_timeout = {int(self.options.busy_timeout_ms)}")
                conn.execute("PRAGMA synchronous = FULL")
                conn.execute("PRAGMA foreign_keys = ON")
        except BaseException:
            conn.close()
            raise
        return conn

    @contextmanager
    def _errors(self, action: str) -> Iterator[None]:
        """Turn sqlite3's errors into StoreErrors that name the file and what was being done."""
        try:
            yield
        except sqlite3.OperationalError as exc:
            code = getattr(exc, "sqlite_errorcode", 0) & 0xFF  # the primary code of an extended one (SQLITE_READONLY_DIRECTORY ...)
            if code == sqlite3.SQLITE_FULL:
                raise StoreFullError(f"the store {self.path} is full ({action} rolled back): {exc}") from exc
            if code == sqlite3.SQLITE_BUSY:
                raise StoreError(
                    f"cannot {action} the store {self.path}: {exc} (another process held it for {self.options.busy_timeout_ms} ms); "
                    f"try again when it is done, or wait longer with {flag('busy_timeout_ms')}"
                ) from exc
            if code in (sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN):
                raise StoreError(
                    f"cannot {action} the store {self.path}: {exc}; spinscope writes to the file and to its folder (the -wal and -shm "
                    "files beside it), so both must be writable: fix their permissions or work on a copy"
                ) from exc
            raise StoreError(f"cannot {action} the store {self.path}: {exc}") from exc
        except sqlite3.DatabaseError as exc:
            # "file is not a database", "database disk image is malformed" ...
            raise StoreError(f"cannot {action} the store {self.path}: {exc} (is it a spinscope database?)") from exc
        except sqlite3.Error as exc:
            raise StoreError(f"cannot {action} the store {self.path}: {exc}") from exc

    @contextmanager
    def _write(self, action: str) -> Iterator[sqlite3.Connection]:
        """One write transaction on the one writer: all of it commits, or none of it."""
        with self._write_lock, self._errors(action):
            self._check_open()
            conn = self._writer
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise

    @contextmanager
    def _read(self, action: str) -> Iterator[sqlite3.Connection]:
        self._check_open()
        try:
            conn = self._readers.get_nowait()
        except queue.Empty:
            conn = self._connect()
        try:
            with self._errors(action):
                yield conn
        finally:
            if self._closed:
                conn.close()
            else:
                self._readers.put(conn)

    def _check_open(self) -> None:
        if self._closed:
            raise StoreError(f"the store {self.path} is closed")

    def _keyed(self, conn: sqlite3.Connection, request_key: RequestKey) -> int | None:
        """The analysis id stored under this key, None if the key is new; ConflictError when the key
        came with another request."""
        row = conn.execute(
            "SELECT request_sha256, analysis_id FROM idempotency_keys WHERE key = ? AND created >= ?", (request_key.key, _key_cutoff())
        ).fetchone()
        if row is None:
            return None
        if row[0] != request_key.request_sha256:
            raise ConflictError(
                f"the Idempotency-Key {request_key.key[:80]!r} was used for another request (analysis {row[1]}); "
                "send a new key with a new request, or the same request with the same key"
            )
        analysis_id: int = row[1]
        return analysis_id

    def find(self, request_key: RequestKey) -> tuple[int, dict[str, Any]] | None:
        """The analysis stored under this idempotency key and its id, None if the key is new;
        ConflictError when the key came with another request."""
        with self._read("read") as conn:
            analysis_id = self._keyed(conn, request_key)
        analysis = None if analysis_id is None else self.get(analysis_id)
        return None if analysis_id is None or analysis is None else (analysis_id, analysis)

    def save(self, analysis: dict[str, Any], request_key: RequestKey | None = None) -> int:
        """Store one analysis (`Analysis.to_dict()` output) and its rows (document, spans ...); returns its id.

        With `request_key`, the key is stored with it in the same transaction; if the key is already
        stored (a concurrent retry saved first), nothing is saved and that analysis's id is returned.
        """
        created = _now()
        with self._write("save to") as conn:
            earlier = None if request_key is None else self._keyed(conn, request_key)
            if earlier is not None:
                return earlier
            if request_key is not None:  # expired keys go, so the table holds a day of keys, not every key ever sent
                conn.execute("DELETE FROM idempotency_keys WHERE created < ?", (_key_cutoff(),))
            analysis_id = insert_analysis(conn, analysis, created)
            if request_key is not None:
                conn.execute(
                    "INSERT INTO idempotency_keys (key, request_sha256, analysis_id, created) VALUES (?, ?, ?, ?)",
                    (request_key.key, request_key.request_sha256, analysis_id, created),
                )
        return analysis_id

    def add_many(self, analyses: Sequence[dict[str, Any]], failures: Sequence[Failure] = ()) -> int:
        """The corpus's write: many analyses, and the inputs that failed, in one transaction (all
        or none of them). An analysis of a text that its pipeline has analysed already is left out,
        so a rerun adds nothing twice; a source that fails again replaces its failure row, one that
        succeeds removes it. Returns how many analyses were added."""
        created = _now()
        added = 0
        with self._write("add to") as conn:
            for analysis in analyses:
                sha = pipeline_sha256(list(analysis.get("components") or []), dict(analysis.get("options") or {}))
                if not analysed(conn, text_sha256(str(analysis["document"]["text"])), sha):
                    insert_analysis(conn, analysis, created)
                    added += 1
                conn.execute("DELETE FROM failures WHERE source = ?", (analysis["document"].get("source") or analysis["document"]["id"],))
            conn.executemany(
                "INSERT OR REPLACE INTO failures (source, error_type, message, created) VALUES (?, ?, ?, ?)",
                [(f.source, f.error, f.message, created) for f in failures],
            )
        return added

    def analysed(self, text_sha: str, pipeline_sha: str) -> bool:
        """Whether the pipeline with this hash has analysed the text with this hash here."""
        with self._read("read") as conn:
            return analysed(conn, text_sha, pipeline_sha)

    def analysed_url(self, url: str, pipeline_sha: str) -> bool:
        """Whether the pipeline with this hash has analysed a document fetched from ``url`` here."""
        with self._read("read") as conn:
            row = conn.execute(
                "SELECT 1 FROM documents d JOIN analyses a ON a.document = d.id JOIN pipelines p ON p.id = a.pipeline WHERE d.url = ? AND p.sha256 = ? LIMIT 1",
                (url, pipeline_sha),
            ).fetchone()
        return row is not None

    def query(self, query: CorpusQuery) -> QueryResult:
        """The corpus's analyses that match ``query``, stopped at its time limit (QueryTimeoutError)."""
        with self._read("query") as conn:
            return run_query(conn, query)

    def profile_rows(self, outlets: tuple[str, ...] = (), timeout: float = 5.0, actors: bool = True) -> ProfileRows:
        """The rows outlet profiles and trends are computed from (spinscope.corpus.profiles), for
        ``outlets`` (all when empty), stopped after ``timeout`` seconds (QueryTimeoutError);
        ``actors=False`` leaves out the actor rows, which only actor framing reads."""
        from spinscope.store.profiles import profile_rows

        with self._read("query") as conn:
            return profile_rows(conn, outlets, timeout, actors)

    def claim_records(self, outlets: tuple[str, ...] = (), limit: int = 5_000, timeout: float = 5.0) -> tuple[tuple[ClaimRecord, ...], bool]:
        """The newest ``limit`` claims of the latest analyses as ``ClaimRecord``s, and whether more
        were left out, stopped after ``timeout`` seconds (QueryTimeoutError)."""
        from spinscope.store.profiles import claim_records

        with self._read("query") as conn:
            return claim_records(conn, outlets, limit, timeout)

    def top_actors(self, outlets: tuple[str, ...] = (), limit: int = 30, timeout: float = 5.0) -> tuple[tuple[ActorRow, ...], int]:
        """The rows of the ``limit`` actors named by the most outlets, and how many actors there are."""
        from spinscope.store.profiles import top_actors

        with self._read("query") as conn:
            return top_actors(conn, outlets, limit, timeout)

    def claim_candidates(self, text: str, outlets: tuple[str, ...] = (), limit: int = 200, timeout: float = 5.0) -> tuple[ClaimRecord, ...]:
        """The stored claims that share the most words with ``text``, where its repeats are
        (`spinscope.corpus.claims.claim_timeline` compares them), stopped after ``timeout`` seconds."""
        from spinscope.store.profiles import claim_candidates

        with self._read("query") as conn:
            return claim_candidates(conn, text, outlets, limit, timeout)

    def claim_vectors(self, texts: Sequence[str]) -> np.ndarray:
        """Unit vectors of ``texts`` (in order) by the shared sentence encoder: those the store
        keeps are read back, the others embedded and kept, so that a wording is embedded once per
        store. Every vector goes through float16, as kept, so a text's vector is the same on its
        first and later reads. A store that cannot be written (read-only file) still gets its
        vectors; they are embedded again next time."""
        import numpy as np

        from spinscope.nlp.embed import embed, encoder
        from spinscope.store.vectors import as_kept, keep_vectors, stored_vectors

        model = encoder()
        distinct = list(dict.fromkeys(texts))
        with self._read("read") as conn:
            found = stored_vectors(conn, distinct, model.sha256, model.dim)
        missing = [t for t in distinct if t not in found]
        if missing:
            new = dict(zip(missing, as_kept(embed(missing, model)), strict=True))
            try:
                with self._write("keep claim vectors in") as conn:
                    keep_vectors(conn, new, model.sha256)
            except StoreError:
                pass
            found.update(new)
        out = np.zeros((len(texts), model.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            out[i] = found[text]
        return out

    def get(self, analysis_id: int) -> dict[str, Any] | None:
        """The stored analysis dict, or None when no analysis has this id."""
        with self._read("read") as conn:
            row = conn.execute("SELECT analysis_json FROM analyses WHERE id = ?", (analysis_id,)).fetchone()
        return None if row is None else upgrade(dict(json.loads(row[0])))

    def recent(self, limit: int = 50, offset: int = 0) -> Page:
        """Saved analyses, newest first."""
        with self._read("read") as conn:
            rows = conn.execute(
                f"SELECT {ANALYSIS_COLUMNS} FROM analyses ORDER BY id DESC LIMIT ? OFFSET ?", (limit + 1, offset)
            ).fetchall()
        return Page(rows=tuple(AnalysisRow(*r) for r in rows[:limit]), truncated=len(rows) > limit)

    def revision(self) -> tuple[int, int]:
        """The newest analysis id and the number of analyses: it changes whenever an analysis is
        saved or removed, so what was computed from the store may be kept until it does."""
        with self._read("read") as conn:
            newest, count = conn.execute("SELECT coalesce(max(id), 0), count(*) FROM analyses").fetchone()
        return int(newest), int(count)

    def count(self) -> int:
        with self._read("read") as conn:
            n: int = conn.execute("SELECT count(*) FROM analyses").fetchone()[0]
        return n

    def examples(self, per_label: int = 3, max_chars: int = 300) -> dict[str, list[Example]]:
        """The highest-scored distinct span texts of each technique, at most `per_label` each."""
        with self._read("read") as conn:
            rows = conn.execute(
                """SELECT analysis_id, label, score, text FROM (
                       SELECT analysis_id, label, score, text,
                              ROW_NUMBER() OVER (PARTITION BY label ORDER BY score DESC, analysis_id DESC) AS rank
                       FROM (SELECT label, text, max(analysis_id) AS analysis_id, max(score) AS score
                             FROM spans WHERE span_group = 'technique' AND length(text) <= ? GROUP BY label, text)
                   ) WHERE rank <= ? ORDER BY label, rank""",
                (max_chars, per_label),
            ).fetchall()
        out: dict[str, list[Example]] = {}
        for analysis_id, label, score, text in rows:
            out.setdefault(label, []).append(Example(analysis_id, label, score, text))
        return out

    def integrity_check(self) -> str:
        """SQLite's own verdict on the file: ``ok`` or the problems it found."""
        with self._read("check") as conn:
            rows = conn.execute("PRAGMA integrity_check").fetchall()
        return "\n".join(str(r[0]) for r in rows)

    def close(self) -> None:
        """Close every connection; borrowed readers close when they are given back."""
        with self._write_lock:
            if self._closed:
                return
            self._closed = True
            self._writer.close()
        while True:
            try:
                self._readers.get_nowait().close()
            except queue.Empty:
                break

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


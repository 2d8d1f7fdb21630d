"""Search analytics: a log of the searches readers make, and the site owner's view of it.

Each search is one row of a small SQLite file beside the live index
(``index_data/analytics.sqlite3``, outside the generation folders, so rebuilds keep it):

    at           when, UTC, to the second ("2026-04-05T12:07:00Z")
    surface      where the search was made: "page" (the search page) or "api" (the JSON API,
                 which the widget uses)
    query        what was typed, normalised: NFC, lower case, whitespace collapsed
    interpreted  what timkiem searched for when it restored accents or decoded Telex, else NULL
    results      how many articles matched
    took_ms      how long the search took

Nothing about the reader is stored: no IP address, user agent, cookie, referrer or session.

:class:`SearchLog` writes from one background thread through a bounded queue, in batches, so
a search never waits for the disk; a full queue drops the row (and counts it), and a store
that cannot be written (read-only or missing directory, a file that is not a database)
disables the log with one warning. :func:`read_stats` answers the site owner's questions: the
top queries, the queries that find nothing, the slowest queries, searches per day.
"""

from __future__ import annotations

import atexit
import logging
import os
import queue
import sqlite3
import threading
import time
import weakref
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from ..errors import TimkiemError
from ..search.parse import MAX_QUERY_CHARS
from ..text.normalize import nfc

LOG_FILE = "analytics.sqlite3"
MAX_DAYS = 3650

log = logging.getLogger("timkiem.analytics")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS searches (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    surface TEXT NOT NULL,
    query TEXT NOT NULL,
    interpreted TEXT,
    results INTEGER NOT NULL,
    took_ms REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS searches_at ON searches (at);
CREATE INDEX IF NOT EXISTS searches_query ON searches (query, at);
"""
_INSERT = (
    "INSERT INTO searches (at, surface, query, interpreted, results, took_ms) "
    "VALUES (?, ?, ?, ?, ?, ?)"
)
_ROW = tuple[str, str, str, str | None, int, float]


class AnalyticsMissingError(TimkiemError):
    status = 404

    def __init__(self, path: Path) -> None:
        super().__init__(
            f"No searches logged yet in {path}. Searches made through the web page and the API "
            "(timkiem serve) are logged there while TIMKIEM_ANALYTICS is on (the default)."
        )


class AnalyticsUnreadableError(TimkiemError):
    status = 503

    def __init__(self, path: Path, reason: object) -> None:
        super().__init__(
            f"Cannot read the search log {path} ({reason}). Move it away and timkiem starts a "
            "new one."
        )

    @property
    def public_message(self) -> str:
        return (
            f"Cannot read the search log ({LOG_FILE} in the index directory). Move it away "
            "and timkiem starts a new one."
        )


def log_path(index_dir: str | os.PathLike[str]) -> Path:
    """The search log of an index directory (beside the generations, kept by rebuilds)."""
    return Path(index_dir) / LOG_FILE


def normalize_query(text: str) -> str:
    """The form a query is logged and counted in: NFC, lower case, whitespace collapsed
    ("  Dân   Vận " → "dân vận"), cut to the length the engine searches."""
    return " ".join(nfc(text).lower().split())[:MAX_QUERY_CHARS]


def _utc_stamp(moment: float) -> str:
    return datetime.fromtimestamp(int(moment), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def local_time(stamp: str) -> datetime | None:
    """A logged UTC time ("2026-04-05T05:07:00Z") in the server's time zone; None if it is
    not one."""
    try:
        moment = datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except ValueError:
        return None
    return moment.astimezone()


# Logs with rows still queued, flushed when the interpreter exits (their threads are daemons).
_LIVE_LOGS: weakref.WeakSet[SearchLog] = weakref.WeakSet()


@atexit.register
def _flush_at_exit() -> None:  # pragma: no cover - runs at interpreter exit
    for search_log in list(_LIVE_LOGS):
        search_log.flush(timeout=2.0)


class SearchLog:
    """Append-only log of searches, written by a background thread.

    ``record`` never blocks and never raises: it normalises the query, queues one row and
    returns. The writer thread takes everything queued, inserts it in one transaction (WAL
    mode, so readers such as ``timkiem stats`` never block it), and stops after
    ``idle_seconds`` without searches (the next search starts it again). Rows older than
    ``retention_days`` (0: keep everything) are deleted when the writer starts and hourly.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        retention_days: int = 0,
        queue_size: int = 10_000,
        batch_size: int = 500,
        idle_seconds: float = 5.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.path = Path(path)
        self.retention_days = max(0, int(retention_days))
        self.batch_size = batch_size
        self.idle_seconds = idle_seconds
        self.clock = clock
        self.dropped = 0
        self.written = 0
        self.disabled_reason: str | None = None
        self._queue: queue.Queue[_ROW] = queue.Queue(maxsize=queue_size)
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._pending = 0
        self._thread: threading.Thread | None = None
        self._warned_write = False
        self._pruned_at = 0.0
        _LIVE_LOGS.add(self)

    @property
    def enabled(self) -> bool:
        return self.disabled_reason is None

    def record(
        self,
        query: str,
        *,
        interpreted: str | None,
        results: int,
        took_ms: float,
        surface: str,
    ) -> bool:
        """Queue one search; False when it is not logged (empty query, log disabled, queue
        full). Cheap enough for the request thread: no I/O, no lock held while waiting."""
        try:
            if self.disabled_reason is not None:
                return False
            text = normalize_query(query)
            if not text:
                return False
            shown = normalize_query(interpreted) if interpreted else None
            row = (
                _utc_stamp(self.clock()),
                surface,
                text,
                shown or None,
                int(results),
                round(float(took_ms), 2),
            )
            with self._lock:
                try:
                    self._queue.put_nowait(row)
                except queue.Full:
                    self.dropped += 1
                    return False
                self._pending += 1
                if self._thread is None:
                    self._thread = threading.Thread(
                        target=self._run, name="timkiem-analytics", daemon=True
                    )
                    self._thread.start()
            return True
        except Exception:  # a search must never fail because of its log
            log.exception("Search analytics: could not queue a search")
            return False

    def flush(self, timeout: float = 5.0) -> bool:
        """Wait until every queued row is written (or dropped); False on timeout."""
        deadline = time.monotonic() + timeout
        with self._idle:
            while self._pending:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._idle.wait(remaining)
        return True

    # -- the writer thread ---------------------------------------------------------------

    def _disable(self, reason: str) -> None:
        self.disabled_reason = reason
        log.warning(
            "Search analytics is off: cannot write %s (%s). Searches are not affected; "
            "set TIMKIEM_ANALYTICS=off to silence this warning.",
            self.path,
            reason,
        )

    def _connect(self) -> sqlite3.Connection | None:
        if not self.path.parent.is_dir():
            self._disable("the directory does not exist")
            return None
        conn: sqlite3.Connection | None = None
        try:
            conn = sqlite3.connect(self.path, timeout=10.0, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.executescript(_SCHEMA)
            return conn
        except (sqlite3.Error, OSError) as exc:
            if conn is not None:
                conn.close()
            self._disable(str(exc))
            return None

    def _take_batch(self, first: _ROW) -> list[_ROW]:
        batch = [first]
        while len(batch) < self.batch_size:
            try:
                batch.append(self._queue.get_nowait())
            except queue.Empty:
                break
        return batch

    def _done(self, n: int, *, written: bool) -> None:
        with self._idle:
            self._pending -= n
            if written:
                self.written += n
            else:
                self.dropped += n
            if not self._pending:
                self._idle.notify_all()

    def _write(self, conn: sqlite3.Connection, batch: list[_ROW]) -> bool:
        try:
            with conn:  # one transaction per batch
                conn.execute("BEGIN")
                conn.executemany(_INSERT, batch)
            return True
        except sqlite3.Error as exc:
            if not self._warned_write:
                self._warned_write = True
                log.warning("Search analytics: could not write to %s (%s)", self.path, exc)
            return False

    def _prune(self, conn: sqlite3.Connection) -> None:
        now = self.clock()
        if not self.retention_days or now - self._pruned_at < 3600:
            return
        self._pruned_at = now
        cutoff = _utc_stamp(now - self.retention_days * 86400)
        try:
            with conn:
                conn.execute("DELETE FROM searches WHERE at < ?", (cutoff,))
        except sqlite3.Error as exc:
            log.warning("Search analytics: could not delete old searches (%s)", exc)

    def _run(self) -> None:
        try:
            self._serve()
        except Exception as exc:  # pragma: no cover - a bug; the searches must go on
            log.exception("Search analytics: the writer stopped")
            self.disabled_reason = f"the writer stopped: {exc}"
            with self._idle:
                self._thread = None
                self.dropped += self._pending
                self._pending = 0
                self._idle.notify_all()

    def _serve(self) -> None:
        conn = self._connect()
        try:
            if conn is not None:
                self._prune(conn)
            while True:
                try:
                    first = self._queue.get(timeout=self.idle_seconds)
                except queue.Empty:
                    with self._lock:
                        if self._queue.empty():
                            self._thread = None
                            return
                    continue
                batch = self._take_batch(first)
                if conn is None:  # disabled: discard what was queued before it was
                    self._done(len(batch), written=False)
                    continue
                self._prune(conn)
                self._done(len(batch), written=self._write(conn, batch))
        finally:
            if conn is not None:
                conn.close()

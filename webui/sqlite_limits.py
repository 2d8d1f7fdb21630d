"""A storage for the ``limits`` library in one SQLite file: ``sqlite:///PATH``.

Rate-limit counters have to be shared by every server process, or N processes would let a
client make N times the limit. Redis or memcached share them across machines, but need a
service of their own; a SQLite file shares them between the processes of one machine with
nothing to install. Each counter is one row (key, count, expiry), incremented with one
atomic ``INSERT … ON CONFLICT DO UPDATE … RETURNING`` statement, so two processes never
lose each other's hits. The file holds only counters: it may be deleted at any time (every
client then starts afresh).

Only the fixed-window strategy is supported (Flask-Limiter's default, and what timkiem uses).
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

from limits.storage import Storage

__all__ = ["SQLiteStorage"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS counters (
    key TEXT PRIMARY KEY,
    value INTEGER NOT NULL,
    expires REAL NOT NULL
) WITHOUT ROWID
"""
_INCR = """
INSERT INTO counters (key, value, expires) VALUES (:key, :amount, :expires)
ON CONFLICT (key) DO UPDATE SET
    value = CASE WHEN counters.expires <= :now THEN :amount ELSE counters.value + :amount END,
    expires = CASE WHEN counters.expires <= :now THEN :expires ELSE counters.expires END
RETURNING value
"""
# Expired rows are deleted now and then, so the file holds only the clients of the moment.
PURGE_EVERY = 1000


class SQLiteStorage(Storage):
    """Fixed-window counters in a SQLite file shared by the processes of one machine."""

    STORAGE_SCHEME = ["sqlite"]  # noqa: RUF012 (the limits registry reads this list)

    def __init__(self, uri: str, wrap_exceptions: bool = False, **options: Any) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        path = uri.split("://", 1)[1]
        if not path or path == "/":
            raise ValueError(f"a sqlite:// rate-limit storage needs a file: {uri!r}")
        self.path = Path(path)
        self.timeout = float(options.get("timeout", 5.0))
        self._local = threading.local()
        self._writes = 0

    @property
    def base_exceptions(self) -> type[Exception] | tuple[type[Exception], ...]:
        return (sqlite3.Error, OSError)

    def _db(self) -> sqlite3.Connection:
        """This thread's connection (a forked process opens its own)."""
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is not None and getattr(self._local, "pid", None) == os.getpid():
            return db
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=OFF")  # counters: losing the last ones on a crash is fine
        db.execute(_SCHEMA)
        self._local.db, self._local.pid = db, os.getpid()
        return db

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        now = time.time()
        db = self._db()
        (value,) = db.execute(
            _INCR, {"key": key, "amount": amount, "expires": now + expiry, "now": now}
        ).fetchone()
        self._writes += 1
        if self._writes % PURGE_EVERY == 0:
            db.execute("DELETE FROM counters WHERE expires <= ?", (now,))
        return int(value)

    def get(self, key: str) -> int:
        row = (
            self._db()
            .execute("SELECT value FROM counters WHERE key = ? AND expires > ?", (key, time.time()))
            .fetchone()
        )
        return int(row[0]) if row else 0

    def get_expiry(self, key: str) -> float:
        now = time.time()
        row = (
            self._db()
            .execute("SELECT expires FROM counters WHERE key = ? AND expires > ?", (key, now))
            .fetchone()
        )
        return float(row[0]) if row else now

    def check(self) -> bool:
        try:
            self._db().execute("SELECT 1").fetchone()
        except (sqlite3.Error, OSError):
            return False
        return True

    def reset(self) -> int | None:
        return self._db().execute("DELETE FROM counters").rowcount

    def clear(self, key: str) -> None:
        self._db().execute("DELETE FROM counters WHERE key = ?", (key,))

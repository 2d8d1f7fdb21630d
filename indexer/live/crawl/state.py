"""What the crawler remembers between runs, in ``crawl.sqlite3`` beside the index.

One row per page address: the article it gave (its id and content hash), the validators
the site sent (``ETag``, ``Last-Modified``), the date the sitemap or feed gave it
(``lastmod``) and when it was last checked. A re-crawl sends those validators back, so an
unchanged page costs a 304, and does not ask for a page whose lastmod is the same as last
time unless it is due for a revisit (``revisit_days``). One row per host whose lastmod proved
wrong (table ``untrusted_lastmod``): its lastmod no longer spares a page a request.

The rows are written in one transaction, after the index build they describe succeeded: a
crawl that fails or is killed leaves the previous state, which at worst makes the next crawl
fetch a page again in full.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable
from contextlib import AbstractContextManager, closing
from dataclasses import astuple, dataclass
from pathlib import Path

from ...errors import TimkiemError
from ...index.generations import file_lock

STATE_FILE = "crawl.sqlite3"
LOCK_FILE = ".crawl.lock"
_VERSION = 2  # 2: the table untrusted_lastmod
_SCHEMA = """
CREATE TABLE IF NOT EXISTS pages (
    url TEXT PRIMARY KEY,        -- the address as requested (normalized)
    article_id TEXT,             -- the article it gave, if any
    etag TEXT,
    last_modified TEXT,
    content_hash TEXT,           -- of the article, as the index stores it
    lastmod TEXT,                -- as the sitemap or feed gave it
    depth INTEGER NOT NULL DEFAULT 0,
    checked TEXT NOT NULL        -- when it was last fetched (UTC, ISO 8601)
);
CREATE TABLE IF NOT EXISTS untrusted_lastmod (
    host TEXT PRIMARY KEY,       -- a host whose sitemap or feed dates proved wrong
    why TEXT NOT NULL,           -- the page that proved it, in words
    since TEXT NOT NULL          -- when (UTC, ISO 8601)
);
"""


class CrawlLockedError(TimkiemError):
    def __init__(self, index_dir: str) -> None:
        super().__init__(
            f"Another timkiem crawl is running on {index_dir}. Wait for it to finish, then run "
            "the command again."
        )


class CrawlStateError(TimkiemError):
    def __init__(self, path: Path, exc: Exception) -> None:
        super().__init__(
            f"The crawl state {path} cannot be read ({exc}). Remove it to start afresh: "
            "the next crawl then fetches every page in full."
        )


@dataclass(slots=True)
class PageState:
    """What the last crawl learnt of one address."""

    url: str
    article_id: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    content_hash: str | None = None
    lastmod: str | None = None
    depth: int = 0
    checked: str = ""


_COLUMNS = ("url", "article_id", "etag", "last_modified", "content_hash", "lastmod", "depth")


def state_path(index_dir: str | os.PathLike[str]) -> Path:
    return Path(index_dir) / STATE_FILE


def crawl_lock(index_dir: str | os.PathLike[str]) -> AbstractContextManager[None]:
    """One crawl at a time per index directory (index builds have a lock of their own)."""
    return file_lock(Path(index_dir) / LOCK_FILE, lambda: CrawlLockedError(str(index_dir)))


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, timeout=30.0, isolation_level=None)
    conn.execute("PRAGMA synchronous=FULL")
    conn.executescript(_SCHEMA)
    conn.execute(f"PRAGMA user_version={_VERSION}")
    return conn


def load_state(index_dir: str | os.PathLike[str]) -> dict[str, PageState]:
    """Every remembered page, by address; {} before the first crawl."""
    path = state_path(index_dir)
    if not path.exists():
        return {}
    try:
        with closing(_connect(path)) as conn:
            rows = conn.execute(f"SELECT {', '.join(_COLUMNS)}, checked FROM pages").fetchall()
    except sqlite3.Error as exc:
        raise CrawlStateError(path, exc) from exc
    return {row[0]: PageState(*row) for row in rows}


@dataclass(slots=True)
class Untrusted:
    """A host whose lastmod proved wrong, why, and since when."""

    host: str
    why: str
    since: str


def load_untrusted(index_dir: str | os.PathLike[str]) -> dict[str, Untrusted]:
    """The hosts whose lastmod is not trusted, by host; {} before the first crawl."""
    path = state_path(index_dir)
    if not path.exists():
        return {}
    try:
        with closing(_connect(path)) as conn:
            rows = conn.execute("SELECT host, why, since FROM untrusted_lastmod").fetchall()
    except sqlite3.Error as exc:
        raise CrawlStateError(path, exc) from exc
    return {row[0]: Untrusted(*row) for row in rows}


def save_state(
    index_dir: str | os.PathLike[str],
    changed: Iterable[PageState],
    forgotten: Iterable[str],
    untrusted: Iterable[Untrusted] = (),
) -> None:
    """Write ``changed`` rows, delete the ``forgotten`` addresses and note the hosts newly
    ``untrusted``, all or nothing."""
    path = state_path(index_dir)
    try:
        with closing(_connect(path)) as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                conn.executemany("DELETE FROM pages WHERE url = ?", ((u,) for u in forgotten))
                conn.executemany(
                    f"INSERT OR REPLACE INTO pages ({', '.join(_COLUMNS)}, checked) "
                    f"VALUES ({', '.join('?' * (len(_COLUMNS) + 1))})",
                    (astuple(p) for p in changed),
                )
                conn.executemany(
                    "INSERT OR REPLACE INTO untrusted_lastmod (host, why, since) VALUES (?, ?, ?)",
                    (astuple(u) for u in untrusted),
                )
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
    except sqlite3.Error as exc:
        raise CrawlStateError(path, exc) from exc


def forget_state(index_dir: str | os.PathLike[str]) -> bool:
    """Delete the crawl state; True when there was one."""
    path = state_path(index_dir)
    existed = path.exists()
    for suffix in ("", "-journal", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    return existed

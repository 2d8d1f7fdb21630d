"""The write API's task journal: every accepted write is on disk before it is acknowledged.

``journal.sqlite3`` in the index directory (beside the generations, so rebuilds keep it)
holds one row per task: a batch of articles to add or replace (``upsert``) or ids to delete
(``delete``), in the order they were accepted, with the task's status::

    enqueued → processing → succeeded
                          ↘ failed (with the error)

Nothing acknowledged is lost, nothing is applied twice; step by step:

1. **Enqueue.** The task is inserted in one SQLite transaction, in WAL mode with
   ``synchronous=FULL``: the commit returns only once the write-ahead log is fsynced. The API
   answers 202 only after that commit, so an acknowledged write survives ``kill -9`` (and a
   power cut) of the server.
2. **Apply** (``indexer.live.applier``). One applier at a time, across processes (an exclusive
   ``flock`` on ``journal.lock``), takes the pending tasks (``enqueued`` and ``processing``)
   in task order, from where each stands (its ``applied`` column: how many of its articles
   or ids are already in the index), up to a batch of articles: a task larger than a batch
   is cut, and its next batch goes in the next generation. It marks them ``processing``,
   folds them into one change (for each id the last task wins: that article, or gone) and
   builds one new index generation from it in the ``api`` collection. The build publishes
   the generation atomically (``CURRENT`` is replaced with one rename) or, when it fails or
   is killed, changes nothing.
3. **Record.** After the publish, in one transaction, the tasks applied whole are marked
   ``succeeded`` and their payloads, now held by the index, are dropped; a task cut short
   has its ``applied`` moved on and stays ``processing`` until its last batch is recorded.

A crash after 2 and before 3 leaves tasks ``processing`` whose change the live generation
already holds. The next applier (the restarted server) applies them again, from the same
``applied`` positions, in the same order and together with any later task. That is harmless
because applying is idempotent: a change is a set of assignments "id → this article" and
"id → gone", and for every id the last task touching it decides, so applying tasks 1‥k and
then 1‥n gives the same index as 1‥n alone; an article applied again with the same content
is left as it is (its content hash has not changed), and ids are unique within a collection,
so no article is ever doubled. Cutting a task changes nothing of this: an id appears once
in a task (the API refuses a request that names it twice), so its batches touch different
ids, and a batch that ends inside a task holds nothing after it. Ordering holds because only
one applier runs at a time and it always starts from the oldest unfinished task, taking
what follows in order: a replay can never put an old version back over a newer one. A
crash before the publish leaves the previous generation live and the tasks pending: they
are applied then. Recording progress *after* the publish (not inside it) is what makes this
work with any index build: the journal may lag behind the index, never run ahead of it.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..article import Article
from ..errors import TimkiemError

JOURNAL_FILE = "journal.sqlite3"
UPSERT = "upsert"
DELETE = "delete"
ENQUEUED = "enqueued"
PROCESSING = "processing"
SUCCEEDED = "succeeded"
FAILED = "failed"
STATUSES = (ENQUEUED, PROCESSING, SUCCEEDED, FAILED)
PENDING = (ENQUEUED, PROCESSING)
_PAYLOAD_FIELDS = ("id", "title", "body", "date", "author", "source", "url")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS tasks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    type TEXT NOT NULL,
    status TEXT NOT NULL,
    articles INTEGER NOT NULL,
    payload TEXT,
    error TEXT,
    enqueued_at TEXT NOT NULL,
    started_at TEXT,
    finished_at TEXT,
    applied INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS tasks_status ON tasks (status, id);
"""
_COLUMNS = "id, type, status, articles, enqueued_at, started_at, finished_at, error"


class JournalUnreadableError(TimkiemError):
    status = 503  # the API cannot take writes until the journal can be written

    def __init__(self, path: Path, reason: object) -> None:
        super().__init__(
            f"Cannot use the write journal {path} ({reason}). Check that the index directory "
            "is writable; if the file is damaged, move it away (its unapplied writes are lost) "
            "and timkiem starts a new one."
        )

    @property
    def public_message(self) -> str:
        return "The write journal cannot be used now; the server's log says why."


@dataclass(frozen=True)
class Task:
    """One accepted write and where it stands."""

    id: int
    type: str  # UPSERT or DELETE
    status: str  # one of STATUSES
    articles: int  # articles posted, or ids to delete
    enqueued_at: str  # UTC, "2026-04-05T12:07:00Z"
    started_at: str | None = None
    finished_at: str | None = None
    error: str | None = None

    @property
    def finished(self) -> bool:
        return self.status in (SUCCEEDED, FAILED)

    def to_dict(self) -> dict[str, Any]:
        """The task as ``GET /api/tasks/ID`` shows it (``error`` only when it failed)."""
        out: dict[str, Any] = {
            "task": self.id,
            "status": self.status,
            "type": self.type,
            "articles": self.articles,
            "enqueued_at": self.enqueued_at,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
        }
        if self.error is not None:
            out["error"] = self.error
        return out


@dataclass(frozen=True)
class PendingTask:
    """A task still to apply, or the batch of it that comes next: its articles (or ids)
    from position ``start``; ``final`` when they are the task's last."""

    task: Task
    upserts: tuple[Article, ...] = ()
    deletes: tuple[str, ...] = ()
    start: int = 0
    final: bool = True

    @property
    def end(self) -> int:
        """How many of the task's articles (or ids) are applied once this batch is."""
        return self.start + len(self.upserts) + len(self.deletes)


def _stamp(moment: float) -> str:
    return datetime.fromtimestamp(int(moment), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _task(row: tuple[Any, ...]) -> Task:
    return Task(*row)


def _payload(articles: Iterable[Article]) -> str:
    return json.dumps(
        [{name: getattr(a, name) for name in _PAYLOAD_FIELDS} for a in articles],
        ensure_ascii=False,
        separators=(",", ":"),
    )


def _slice(db: sqlite3.Connection, task_id: int, start: int, count: int) -> list[Any]:
    """Items ``start``… (``count`` of them) of a task's payload, read by SQLite's own JSON
    reader, so a large task is never decoded whole for one batch of it."""
    rows = db.execute(
        "SELECT j.value, j.type FROM tasks, json_each(tasks.payload) AS j "
        "WHERE tasks.id = ? ORDER BY j.key LIMIT ? OFFSET ?",
        (task_id, count, start),
    )
    return [json.loads(value) if kind == "object" else value for value, kind in rows]


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def journal_path(index_dir: str | os.PathLike[str]) -> Path:
    """The write journal of an index directory."""
    return Path(index_dir) / JOURNAL_FILE


class Journal:
    """The durable list of write tasks of one index directory (see the module docstring).

    Safe to use from several threads and processes: each call opens its own connection, and
    SQLite serialises the writers.
    """

    def __init__(
        self, index_dir: str | os.PathLike[str], *, clock: Callable[[], float] = time.time
    ) -> None:
        self.index_dir = Path(index_dir)
        self.path = journal_path(index_dir)
        self.clock = clock
        try:
            self.index_dir.mkdir(parents=True, exist_ok=True)
            created = not self.path.exists()
            with self._connect() as db:
                db.execute("PRAGMA journal_mode=WAL")
                db.executescript(_SCHEMA)
            self._add_progress_column()
            if created:
                _fsync_dir(self.index_dir)  # the new file's directory entry, too
        except (OSError, sqlite3.Error) as exc:
            raise JournalUnreadableError(self.path, exc) from exc

    def _add_progress_column(self) -> None:
        """A journal written before tasks were applied in batches has no ``applied``."""
        with self._transaction() as db:
            columns = {row[1] for row in db.execute("PRAGMA table_info(tasks)")}
            if "applied" not in columns:
                db.execute("ALTER TABLE tasks ADD COLUMN applied INTEGER NOT NULL DEFAULT 0")

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        with closing(sqlite3.connect(self.path, timeout=30.0, isolation_level=None)) as db:
            # FULL: a commit returns once the write-ahead log is on disk (WAL's default,
            # NORMAL, may lose the last commits on a power cut).
            db.execute("PRAGMA synchronous=FULL")
            yield db

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        try:
            with self._connect() as db:
                db.execute("BEGIN IMMEDIATE")
                try:
                    yield db
                except BaseException:
                    db.execute("ROLLBACK")
                    raise
                db.execute("COMMIT")
        except sqlite3.Error as exc:
            raise JournalUnreadableError(self.path, exc) from exc

    def _enqueue(self, kind: str, count: int, payload: str) -> Task:
        now = _stamp(self.clock())
        with self._transaction() as db:
            cursor = db.execute(
                "INSERT INTO tasks (type, status, articles, payload, enqueued_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (kind, ENQUEUED, count, payload, now),
            )
            task_id = int(cursor.lastrowid or 0)
        return Task(task_id, kind, ENQUEUED, count, now)

    def enqueue_upsert(self, articles: list[Article]) -> Task:
        """Journal articles to add or replace; returns once the task is on disk."""
        return self._enqueue(UPSERT, len(articles), _payload(articles))

    def enqueue_delete(self, ids: list[str]) -> Task:
        """Journal ids to delete; returns once the task is on disk."""
        return self._enqueue(DELETE, len(ids), json.dumps(ids))

    def get(self, task_id: int) -> Task | None:
        try:
            with self._connect() as db:
                row = db.execute(
                    f"SELECT {_COLUMNS} FROM tasks WHERE id = ?", (task_id,)
                ).fetchone()
        except sqlite3.Error as exc:
            raise JournalUnreadableError(self.path, exc) from exc
        return _task(row) if row else None

    def tasks(self, *, status: str | None = None, limit: int = 20) -> list[Task]:
        """The latest tasks, newest first (of one status if given)."""
        where, args = ("WHERE status = ?", (status,)) if status else ("", ())
        try:
            with self._connect() as db:
                rows = db.execute(
                    f"SELECT {_COLUMNS} FROM tasks {where} ORDER BY id DESC LIMIT ?",
                    (*args, limit),
                ).fetchall()
        except sqlite3.Error as exc:
            raise JournalUnreadableError(self.path, exc) from exc
        return [_task(row) for row in rows]

    def counts(self) -> dict[str, int]:
        """How many tasks have each status."""
        try:
            with self._connect() as db:
                rows = db.execute("SELECT status, COUNT(*) FROM tasks GROUP BY status").fetchall()
        except sqlite3.Error as exc:
            raise JournalUnreadableError(self.path, exc) from exc
        found = dict(rows)
        return {status: int(found.get(status, 0)) for status in STATUSES}

    def pending(self, max_articles: int) -> list[PendingTask]:
        """The unfinished tasks, oldest first, each from where it stands, up to
        ``max_articles`` articles (or ids) in all: a task that does not fit whole is cut,
        and the batch ends with its first part."""
        out: list[PendingTask] = []
        room = max(1, max_articles)
        try:
            with self._connect() as db:
                rows = db.execute(
                    f"SELECT {_COLUMNS}, applied FROM tasks WHERE status IN (?, ?) ORDER BY id",
                    PENDING,
                ).fetchall()
                for *columns, applied in rows:
                    if room <= 0:
                        break
                    task = _task(tuple(columns))
                    count = min(task.articles - applied, room)
                    items = _slice(db, task.id, applied, count) if count > 0 else []
                    final = applied + len(items) >= task.articles
                    room -= max(1, len(items))
                    if task.type == UPSERT:
                        upserts = tuple(Article(**record) for record in items)
                        out.append(PendingTask(task, upserts=upserts, start=applied, final=final))
                    else:
                        deletes = tuple(items)
                        out.append(PendingTask(task, deletes=deletes, start=applied, final=final))
        except sqlite3.Error as exc:
            raise JournalUnreadableError(self.path, exc) from exc
        return out

    def has_pending(self) -> bool:
        try:
            with self._connect() as db:
                row = db.execute(
                    "SELECT 1 FROM tasks WHERE status IN (?, ?) LIMIT 1", PENDING
                ).fetchone()
        except sqlite3.Error as exc:
            raise JournalUnreadableError(self.path, exc) from exc
        return row is not None

    def mark_processing(self, ids: list[int]) -> None:
        now = _stamp(self.clock())
        with self._transaction() as db:
            db.executemany(
                "UPDATE tasks SET status = ?, started_at = COALESCE(started_at, ?) "
                "WHERE id = ? AND status IN (?, ?)",
                [(PROCESSING, now, task_id, *PENDING) for task_id in ids],
            )

    def requeue(self, ids: list[int]) -> None:
        """Put tasks back in the queue (the index was busy): they are applied later. A task
        partly applied keeps its progress and its start."""
        with self._transaction() as db:
            db.executemany(
                "UPDATE tasks SET status = ?, "
                "started_at = CASE WHEN applied > 0 THEN started_at END "
                "WHERE id = ? AND status = ?",
                [(ENQUEUED, task_id, PROCESSING) for task_id in ids],
            )

    def finish(
        self,
        ids: list[int],
        *,
        error: str | None = None,
        progress: Mapping[int, int] | None = None,
    ) -> None:
        """Mark tasks succeeded (or failed with ``error``) and drop their payloads; in the
        same transaction, record how far the tasks of ``progress`` (task id → articles
        applied) have got, which stay ``processing``."""
        now = _stamp(self.clock())
        status = FAILED if error is not None else SUCCEEDED
        with self._transaction() as db:
            db.executemany(
                "UPDATE tasks SET applied = ? WHERE id = ? AND status IN (?, ?)",
                [(applied, task_id, *PENDING) for task_id, applied in (progress or {}).items()],
            )
            db.executemany(
                "UPDATE tasks SET status = ?, error = ?, finished_at = ?, payload = NULL, "
                "applied = CASE WHEN ? IS NULL THEN articles ELSE applied END "
                "WHERE id = ? AND status IN (?, ?)",
                [(status, error, now, error, task_id, *PENDING) for task_id in ids],
            )

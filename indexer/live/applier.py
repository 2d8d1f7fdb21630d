"""Applying the write journal to the index: pending tasks → one new generation per batch.

:func:`apply_pending` applies one batch: the unfinished tasks, oldest first, up to
``BATCH_ARTICLES`` articles, folded into one change and built into one new generation of
the ``api`` collection with the indexer's atomic swap; the tasks are then marked succeeded.
A task larger than a batch (one POST of 100,000 articles) is applied a batch at a time, each
published as it is built, so a build never holds more than a batch; the task stays
``processing`` until its last batch is in. Why a crash at any point loses nothing and
applies nothing twice is told in ``indexer.live.journal``.

:class:`Applier` runs it from a background thread of the web server: a POST wakes it, and
writes that arrive while a batch is being built wait and go together into the next
generation, so a burst of POSTs costs a few builds, not one each. After each batch is live,
the segments the merge policy says are due are merged (``indexer.index.merge``): writes that
arrive meanwhile wait in the journal and go into the next batch. When a ``timkiem index``
(or crawl) holds the index's writer lock, the batch waits and is tried again; API writes
never make the other writer fail, nor does it make them fail.
"""

from __future__ import annotations

import logging
import multiprocessing
import sys
import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path

from ..article import Article
from ..errors import IndexLockedError, TimkiemError
from ..index.build import BuildReport, build_index
from ..index.generations import file_lock
from ..index.merge import MergeReport, merge_after_write
from ..index.store import LocalWriter
from .journal import Journal, PendingTask, Task

COLLECTION = "api"  # the index collection of articles written through the API
APPLY_LOCK_FILE = "journal.lock"
BATCH_ARTICLES = 5_000  # articles (or ids) applied in one generation at most
PARALLEL_FROM = 1_000  # batches this large are analysed on every core

log = logging.getLogger("timkiem.writes")

Build = Callable[..., BuildReport]


@dataclass
class ApplyResult:
    """What one call of :func:`apply_pending` did."""

    succeeded: list[int] = field(default_factory=list)  # task ids
    failed: list[int] = field(default_factory=list)
    partial: list[int] = field(default_factory=list)  # a batch of them in, more to come
    generation: str = ""  # the generation published last (by the batch or its merge), if any

    @property
    def applied(self) -> bool:
        return bool(self.succeeded or self.failed or self.partial)


def _record(journal: Journal, done: list[PendingTask], result: ApplyResult) -> None:
    """After the publish: the tasks applied whole succeeded, the others moved on."""
    finished = [item.task.id for item in done if item.final]
    progress = {item.task.id: item.end for item in done if not item.final}
    journal.finish(finished, progress=progress)
    result.succeeded += finished
    result.partial += list(progress)


def apply_lock(index_dir: Path) -> AbstractContextManager[None]:
    """Hold the index directory's applier lock, waiting for another applier to finish."""
    return file_lock(Path(index_dir) / APPLY_LOCK_FILE)


def fold(pending: list[PendingTask]) -> tuple[dict[str, Article], list[str]]:
    """The change of a run of tasks: articles to write and ids to delete, each id's last
    task deciding (an article posted, then deleted, is only deleted)."""
    upserts: dict[str, Article] = {}
    removed: dict[str, None] = {}  # ordered set
    for item in pending:
        for article in item.upserts:
            removed.pop(article.id, None)
            upserts[article.id] = article
        for doc_id in item.deletes:
            upserts.pop(doc_id, None)
            removed[doc_id] = None
    return upserts, list(removed)


def _build(index_dir: Path, pending: list[PendingTask], build: Build) -> BuildReport:
    upserts, removed = fold(pending)
    writer = LocalWriter(index_dir, build)
    if not upserts and not writer.exists():
        return BuildReport()  # deletes with no index yet: nothing to delete
    articles = []
    for article in upserts.values():
        article.collection = COLLECTION
        articles.append(article)
    return writer.write_batch(
        articles,
        removed,
        collection=COLLECTION,
        workers=None if len(articles) >= PARALLEL_FROM else 1,
    )


def _error_message(exc: BaseException) -> str:
    if isinstance(exc, TimkiemError):
        return str(exc)
    if isinstance(exc, OSError) and exc.strerror:
        return f"could not write the index: {exc.strerror}"
    return f"could not apply the write: {type(exc).__name__}: {exc}"


def apply_pending(
    journal: Journal,
    *,
    max_articles: int = BATCH_ARTICLES,
    build: Build = build_index,
    merge: bool = True,
) -> ApplyResult:
    """Apply one batch of the journal's unfinished tasks to its index directory, then (with
    ``merge``, once the batch is live and its tasks recorded) merge the segments the merge
    policy says are due (``indexer.index.merge``).

    Raises IndexLockedError when another writer (``timkiem index``) holds the index: the
    tasks are back in the queue then. A batch that fails otherwise is applied again one task
    at a time, so one failing task does not fail the others; a task that fails alone is
    marked failed with the reason. A merge that cannot run (another writer holds the index:
    it merges after itself) or fails is logged and changes nothing: the writes are in.
    """
    result = _apply(journal, max_articles, build)
    if merge and result.generation:
        merged = merge_segments(journal.index_dir)
        if merged is not None and merged.merged_anything:
            result.generation = merged.generation
    return result


def merge_segments(index_dir: Path) -> MergeReport | None:
    """The merge due after a write, if any; logged, never raised (see ``apply_pending``)."""
    try:
        report = merge_after_write(index_dir)
    except Exception as exc:
        log.warning("Could not merge the index's segments: %s", _error_message(exc))
        return None
    if report is not None and report.merged_anything:
        log.info(
            "Merged %d segment(s) of %d documents (%d deleted purged) in %.2f s: "
            "%d segment(s) now (generation %s)",
            report.merged,
            report.written,
            report.purged,
            report.seconds,
            report.segments_after,
            report.generation,
        )
    return report


def _apply(journal: Journal, max_articles: int, build: Build) -> ApplyResult:
    result = ApplyResult()
    index_dir = journal.index_dir
    with apply_lock(index_dir):
        pending = journal.pending(max_articles)
        if not pending:
            return result
        ids = [item.task.id for item in pending]
        journal.mark_processing(ids)
        try:
            report = _build(index_dir, pending, build)
        except IndexLockedError:
            journal.requeue(ids)
            raise
        except Exception as exc:
            if len(pending) == 1:
                log.error("Write task %d failed: %s", ids[0], _error_message(exc))
                journal.finish(ids, error=_error_message(exc))
                result.failed += ids
                return result
            log.warning(
                "A batch of %d write tasks failed (%s); applying them one by one",
                len(ids),
                _error_message(exc),
            )
            return _apply_one_by_one(journal, pending, build, result)
        _record(journal, pending, result)
        result.generation = report.generation
    log.info(
        "Applied %d write task(s)%s: %d added, %d updated, %d removed (generation %s)",
        len(result.succeeded),
        f", and a batch of task {result.partial[0]}" if result.partial else "",
        report.added,
        report.updated,
        report.removed,
        report.generation,
    )
    return result


def _apply_one_by_one(
    journal: Journal, pending: list[PendingTask], build: Build, result: ApplyResult
) -> ApplyResult:
    for i, item in enumerate(pending):
        try:
            report = _build(journal.index_dir, [item], build)
        except IndexLockedError:
            journal.requeue([p.task.id for p in pending[i:]])
            raise
        except Exception as exc:
            journal.finish([item.task.id], error=_error_message(exc))
            result.failed.append(item.task.id)
            log.error("Write task %d failed: %s", item.task.id, _error_message(exc))
            continue
        _record(journal, [item], result)
        result.generation = report.generation
    return result


# Exit statuses of the process that applies one batch.
_EXIT_APPLIED = 0
_EXIT_IDLE = 3
_EXIT_LOCKED = 4


def _apply_in_child(index_dir: str, max_articles: int) -> None:
    """Body of the process that applies one batch; the outcome is its exit status."""
    try:
        result = apply_pending(Journal(index_dir), max_articles=max_articles)
    except IndexLockedError:
        sys.exit(_EXIT_LOCKED)
    sys.exit(_EXIT_APPLIED if result.applied else _EXIT_IDLE)


class Applier:
    """Applies a journal's tasks from one background thread, batch after batch.

    ``notify`` wakes it after an enqueue; it also looks for tasks every ``poll_seconds``
    (tasks journaled by another process) and retries every ``retry_seconds`` while another
    writer holds the index. Tasks left unfinished by a crash are applied as soon as it
    starts.

    With ``isolated`` each batch is built in a process of its own, so the build's CPU work
    and memory stay out of the web server's process (its request threads never wait for the
    interpreter lock behind an analysis) and a batch's memory is returned when it ends. If the
    server dies meanwhile, that process still finishes its batch and records it.
    """

    def __init__(
        self,
        journal: Journal,
        *,
        isolated: bool = False,
        poll_seconds: float = 2.0,
        retry_seconds: float = 0.5,
        max_articles: int = BATCH_ARTICLES,
        build: Build = build_index,
    ) -> None:
        self.journal = journal
        self.isolated = isolated
        self.poll_seconds = poll_seconds
        self.retry_seconds = retry_seconds
        self.max_articles = max_articles
        self.build = build
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._done = threading.Condition()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self.isolated:
            # The fork server (started on first use) imports the indexer once; each batch's
            # process then starts without importing it again.
            multiprocessing.set_forkserver_preload(["indexer.live.applier"])
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="timkiem-writes", daemon=True)
            self._thread.start()

    def notify(self) -> None:
        """A task was journaled: apply it (and whatever else is waiting) soon."""
        self._wake.set()

    def stop(self, timeout: float | None = 30.0) -> None:
        """Stop after the batch being built, if any (unfinished tasks stay journaled)."""
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def wait(self, task_id: int, timeout: float = 60.0) -> Task | None:
        """Block until task ``task_id`` has finished (or ``timeout``); its final state."""
        deadline = time.monotonic() + timeout
        with self._done:
            while True:
                task = self.journal.get(task_id)
                left = deadline - time.monotonic()
                if task is None or task.finished or left <= 0:
                    return task
                self._done.wait(min(left, 0.5))

    def _run(self) -> None:
        delay = self.poll_seconds
        while not self._stopping.is_set():
            self._wake.clear()  # before looking, so a notify during a build is not missed
            try:
                applied = self._apply_batch()
            except IndexLockedError:
                delay = self.retry_seconds
            except Exception:  # keep serving; the tasks stay journaled and are tried again
                log.exception("Write API: could not apply the journal")
                delay = max(self.retry_seconds, 5.0)
            else:
                with self._done:
                    self._done.notify_all()
                if applied:
                    continue  # more may be waiting
                delay = self.poll_seconds
            self._wake.wait(delay)

    def _apply_batch(self) -> bool:
        """Apply one batch; whether there was one. Raises IndexLockedError."""
        if not self.isolated:
            result = apply_pending(self.journal, max_articles=self.max_articles, build=self.build)
            return result.applied
        if not self.journal.has_pending():
            return False
        ctx = multiprocessing.get_context("forkserver")
        proc = ctx.Process(
            target=_apply_in_child,
            args=(str(self.journal.index_dir), self.max_articles),
            name="timkiem-apply",
        )
        proc.start()
        proc.join()
        if proc.exitcode == _EXIT_LOCKED:
            raise IndexLockedError(str(self.journal.index_dir))
        if proc.exitcode not in (_EXIT_APPLIED, _EXIT_IDLE):
            raise RuntimeError(f"the process applying a batch ended with status {proc.exitcode}")
        return proc.exitcode == _EXIT_APPLIED

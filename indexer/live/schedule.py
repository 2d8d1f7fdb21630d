"""Crawling on a schedule from the web server: ``CRAWL_URLS`` every ``CRAWL_EVERY``.

Every server process (each gunicorn worker) starts a :class:`Scheduler` thread, and the
first to take the index directory's schedule lock (``crawl-schedule.lock``, the operating
system's ``flock``) is the one that crawls, for as long as it lives; the others try the lock
again now and then, so when that process ends another takes over. However many processes
serve, one crawl runs at a time: the same crawl as ``timkiem crawl`` (``crawl.crawl``, with
its own lock against a crawl started by hand), in a process of its own so that its fetching,
extraction and build stay out of the web server's process.

Each run's outcome (when, how long, pages, changes, errors) is written to
``crawl-schedule.json`` in the index directory, which ``/admin/stats`` and ``/metrics`` read
in any process. The next run comes ``every`` seconds after the last one started (at once
when the last one is older than that, as after a restart).
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import os
import re
import threading
import time
from collections.abc import Mapping
from contextlib import ExitStack
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import SettingError, TimkiemError
from ..index.generations import file_lock

if TYPE_CHECKING:  # the crawler (httpx …) is imported when a crawl runs, not with indexer
    from .crawl import CrawlOptions, CrawlReport

STATUS_FILE = "crawl-schedule.json"
LOCK_FILE = "crawl-schedule.lock"
MIN_EVERY = 60.0  # seconds: a shorter schedule would be unkind to the site
LEADER_RETRY = 30.0  # seconds between two tries of the lock by a process that does not hold it

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*([smhd])")
_URL_SEPARATORS = re.compile(r"[\s,]+")

log = logging.getLogger("timkiem.crawl")


class _Busy(Exception):
    pass


def parse_every(text: str, name: str = "TIMKIEM_CRAWL_EVERY") -> float:
    """Seconds of a duration such as ``30m``, ``2h``, ``1d`` or ``1h30m``; SettingError with
    the fix in English otherwise.

    >>> parse_every("1h30m")
    5400.0
    """
    given = text.strip().lower()
    parts = _DURATION.findall(given)
    if not given or _DURATION.sub("", given).strip():
        raise SettingError(
            f"{name} must be a duration such as 30m, 2h or 1d (a number and s, m, h or d), "
            f"got {text!r}"
        )
    seconds = sum(float(n) * _UNITS[unit] for n, unit in parts)
    if seconds < MIN_EVERY:
        raise SettingError(f"{name} must be at least 1m, got {text!r}")
    return seconds


def format_every(seconds: float) -> str:
    """``5400`` → ``1h30m``: a duration as ``CRAWL_EVERY`` spells it."""
    out, left = "", int(seconds)
    for unit in "dhms":
        n, left = divmod(left, _UNITS[unit])
        if n:
            out += f"{n}{unit}"
    return out or "0s"


@dataclass(frozen=True)
class CrawlSchedule:
    """What the server crawls (``urls``) and how often (``every``, in seconds)."""

    urls: tuple[str, ...]
    every: float
    max_pages: int = 1000  # as CrawlOptions
    delay: float = 1.0

    def options(self) -> CrawlOptions:
        from .crawl import CrawlOptions

        return CrawlOptions(max_pages=self.max_pages, delay=self.delay)


def schedule_from_settings(config: Mapping[str, Any]) -> CrawlSchedule | None:
    """The schedule the settings ask for (``CRAWL_URLS``, ``CRAWL_EVERY``, ``CRAWL_MAX_PAGES``,
    ``CRAWL_DELAY``), None when there is none; SettingError, in words, when they are wrong."""
    urls = tuple(u for u in _URL_SEPARATORS.split(str(config.get("CRAWL_URLS") or "")) if u)
    every = str(config.get("CRAWL_EVERY") or "").strip()
    if not urls and not every:
        return None
    if not urls:
        raise SettingError(
            "TIMKIEM_CRAWL_EVERY is set but TIMKIEM_CRAWL_URLS is empty: set it to the "
            "sitemaps, feeds or pages to crawl, or unset TIMKIEM_CRAWL_EVERY."
        )
    if not every:
        raise SettingError(
            "TIMKIEM_CRAWL_URLS is set but TIMKIEM_CRAWL_EVERY is not: set it to how often to "
            "crawl, such as 30m or 2h."
        )
    for url in urls:
        if not url.lower().startswith(("http://", "https://")):
            raise SettingError(
                f"TIMKIEM_CRAWL_URLS must hold http:// or https:// addresses, got {url!r}"
            )
    max_pages = int(config.get("CRAWL_MAX_PAGES", CrawlSchedule.max_pages))
    if max_pages < 1:
        raise SettingError(f"TIMKIEM_CRAWL_MAX_PAGES must be at least 1, got {max_pages}")
    try:
        delay = float(config.get("CRAWL_DELAY", CrawlSchedule.delay))
    except (TypeError, ValueError):
        raise SettingError(
            f"TIMKIEM_CRAWL_DELAY must be a number of seconds, got {config.get('CRAWL_DELAY')!r}"
        ) from None
    if delay < 0:
        raise SettingError(f"TIMKIEM_CRAWL_DELAY must be 0 or more, got {delay:g}")
    return CrawlSchedule(urls, parse_every(every), max_pages, delay)


@dataclass
class LastRun:
    """The outcome of the last scheduled crawl, as ``crawl-schedule.json`` keeps it."""

    started: str  # UTC, ISO 8601 (2026-04-05T05:07:00Z)
    finished: str = ""
    seconds: float = 0.0
    urls: list[str] = field(default_factory=list)
    pages: int = 0  # page requests
    new: int = 0
    updated: int = 0
    removed: int = 0
    list_pages: int = 0
    skipped: int = 0  # pages skipped for an error (HTTP errors, timeouts …)
    error: str | None = None  # why the crawl failed as a whole, if it did
    next: str = ""  # when the next run is due (UTC, ISO 8601)

    @property
    def changes(self) -> int:
        return self.new + self.updated + self.removed

    @property
    def ok(self) -> bool:
        return self.error is None

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "changes": self.changes, "ok": self.ok}

    @classmethod
    def from_report(cls, started: str, urls: list[str], report: CrawlReport) -> LastRun:
        return cls(
            started=started,
            finished=_now(),
            seconds=round(report.seconds, 3),
            urls=urls,
            pages=report.page_requests,
            new=report.new,
            updated=report.updated,
            removed=report.removed,
            list_pages=report.list_pages,
            skipped=sum(report.skipped.values()),
        )


def _now() -> str:
    return _at(time.time())


def status_path(index_dir: str | os.PathLike[str]) -> Path:
    return Path(index_dir) / STATUS_FILE


def read_last_run(index_dir: str | os.PathLike[str]) -> LastRun | None:
    """The last scheduled crawl's outcome, None before the first (or if it cannot be read)."""
    try:
        data = json.loads(status_path(index_dir).read_text(encoding="utf-8"))
        return LastRun(**{k: v for k, v in data.items() if k in LastRun.__dataclass_fields__})
    except (OSError, ValueError, TypeError):
        return None


def _write_last_run(index_dir: str | os.PathLike[str], run: LastRun) -> None:
    path = status_path(index_dir)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(run.to_dict(), ensure_ascii=False, indent=2) + "\n", "utf-8")
    os.replace(tmp, path)  # readers see the old file or the new one, whole


def run_scheduled_crawl(index_dir: str | os.PathLike[str], schedule: CrawlSchedule) -> LastRun:
    """One crawl of ``schedule``, its outcome written to ``crawl-schedule.json``."""
    from .crawl import crawl

    started = _now()
    urls = list(schedule.urls)
    try:
        report = crawl(urls, index_dir, schedule.options())
    except TimkiemError as exc:
        run = LastRun(started, _now(), urls=urls, error=str(exc))
    except Exception as exc:  # the server goes on; the next run tries again
        log.exception("The scheduled crawl failed")
        run = LastRun(started, _now(), urls=urls, error=f"{type(exc).__name__}: {exc}")
    else:
        run = LastRun.from_report(started, urls, report)
    run.next = _at(_stamp(started) + schedule.every)
    _write_last_run(index_dir, run)
    log.info(
        "Scheduled crawl: %d pages, %d new, %d updated, %d removed%s",
        run.pages,
        run.new,
        run.updated,
        run.removed,
        f" (failed: {run.error})" if run.error else "",
    )
    return run


def _stamp(iso: str) -> float:
    try:
        return datetime.fromisoformat(iso).timestamp()
    except ValueError:
        return 0.0


def _at(timestamp: float) -> str:
    """A UTC time as the search log writes it: ``2026-04-05T05:07:00Z``."""
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _crawl_in_child(index_dir: str, schedule: CrawlSchedule) -> None:
    run_scheduled_crawl(index_dir, schedule)


class Scheduler:
    """Runs ``schedule`` from a background thread while this process holds the schedule
    lock (see the module's docstring). With ``isolated`` each crawl runs in a process of its
    own (forkserver), as the write API's applier builds its batches."""

    def __init__(
        self,
        index_dir: str | os.PathLike[str],
        schedule: CrawlSchedule,
        *,
        isolated: bool = True,
        leader_retry: float = LEADER_RETRY,
    ) -> None:
        self.index_dir = Path(index_dir)
        self.schedule = schedule
        self.isolated = isolated
        self.leader_retry = leader_retry
        self.leader = False  # this process holds the lock: it is the one that crawls
        self.runs = 0  # crawls run by this scheduler
        self._stopping = threading.Event()
        self._ran = threading.Condition()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="timkiem-crawl", daemon=True)
            self._thread.start()

    def stop(self, timeout: float | None = 30.0) -> None:
        """Stop waiting for the next run (a crawl under way is not interrupted)."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def wait_for_run(self, runs: int = 1, timeout: float = 60.0) -> bool:
        """Block until this scheduler has run ``runs`` crawls (or ``timeout``)."""
        deadline = time.monotonic() + timeout
        with self._ran:
            while self.runs < runs:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._ran.wait(left)
        return True

    def due_in(self) -> float:
        """Seconds until the next run: ``every`` after the last one started, 0 if overdue."""
        last = read_last_run(self.index_dir)
        if last is None:
            return 0.0
        return max(0.0, _stamp(last.started) + self.schedule.every - time.time())

    def _run(self) -> None:
        with ExitStack() as held:
            while not self._stopping.is_set():
                try:
                    held.enter_context(file_lock(self.index_dir / LOCK_FILE, _Busy))
                except _Busy:
                    self._stopping.wait(self.leader_retry)
                    continue
                except OSError:
                    log.exception("Scheduled crawl: cannot take the lock in %s", self.index_dir)
                    self._stopping.wait(self.leader_retry)
                    continue
                break
            else:
                return
            self.leader = True
            wait = self.due_in()
            while not self._stopping.wait(wait):
                started = time.time()
                try:
                    self._crawl_once()
                except Exception:  # keep serving; the next run tries again
                    log.exception("The scheduled crawl could not run")
                with self._ran:
                    self.runs += 1
                    self._ran.notify_all()
                wait = max(0.0, started + self.schedule.every - time.time())

    def _crawl_once(self) -> None:
        if not self.isolated:
            run_scheduled_crawl(self.index_dir, self.schedule)
            return
        ctx = multiprocessing.get_context("forkserver")
        proc = ctx.Process(
            target=_crawl_in_child,
            args=(str(self.index_dir), self.schedule),
            name="timkiem-crawl",
        )
        started = _now()
        proc.start()
        proc.join()
        if proc.exitcode != 0:
            run = LastRun(
                started,
                _now(),
                urls=list(self.schedule.urls),
                error=f"the crawl process ended with status {proc.exitcode}",
            )
            run.next = _at(_stamp(started) + self.schedule.every)
            _write_last_run(self.index_dir, run)

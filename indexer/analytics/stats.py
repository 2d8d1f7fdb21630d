"""The site owner's view of the search log: top queries, queries that find nothing, the
slowest queries, searches per day (``read_stats``)."""

from __future__ import annotations

import heapq
import os
import sqlite3
import statistics
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from .log import MAX_DAYS, AnalyticsMissingError, AnalyticsUnreadableError


@dataclass(frozen=True)
class TopQuery:
    query: str
    interpreted: str | None
    searches: int
    avg_results: float


@dataclass(frozen=True)
class ZeroQuery:
    query: str
    interpreted: str | None
    searches: int
    last_searched: str


@dataclass(frozen=True)
class SlowQuery:
    query: str
    searches: int
    max_ms: float
    median_ms: float


@dataclass(frozen=True)
class Day:
    day: str
    searches: int
    zero_results: int


@dataclass
class Stats:
    """Searches over the last ``days`` days (today and the days before, local time)."""

    days: int
    since: str
    until: str
    searches: int = 0
    distinct_queries: int = 0
    zero_result_searches: int = 0
    median_ms: float = 0.0
    p95_ms: float = 0.0
    per_day: list[Day] = field(default_factory=list)
    top: list[TopQuery] = field(default_factory=list)
    zero_results: list[ZeroQuery] = field(default_factory=list)
    slowest: list[SlowQuery] = field(default_factory=list)

    @property
    def busiest(self) -> Day | None:
        return max(self.per_day, key=lambda d: d.searches, default=None) if self.searches else None

    def to_dict(self) -> dict[str, Any]:
        """The JSON of ``timkiem stats --json`` and ``/admin/stats.json``."""
        return asdict(self)


def _per_day(rows: Iterable[tuple[str, int, int]], first: date, last: date) -> list[Day]:
    """Hourly UTC counts → one entry per local calendar day from ``first`` to ``last``."""
    totals: dict[date, list[int]] = {}
    for hour, searches, zero in rows:
        local = datetime.fromisoformat(hour + ":00:00+00:00").astimezone().date()
        bucket = totals.setdefault(local, [0, 0])
        bucket[0] += searches
        bucket[1] += zero
    days = []
    day = first
    while day <= last:
        searches, zero = totals.get(day, (0, 0))
        days.append(Day(day.isoformat(), searches, zero))
        day += timedelta(days=1)
    return days


def empty_stats(days: int = 30, *, now: datetime | None = None) -> Stats:
    """Stats of a window with no searches: what the page shows before anything is logged."""
    days = max(1, min(int(days), MAX_DAYS))
    today = (now or datetime.now(UTC)).astimezone().date()
    first = today - timedelta(days=days - 1)
    stats = Stats(days=days, since=first.isoformat(), until=today.isoformat())
    stats.per_day = _per_day((), first, today)
    return stats


def read_stats(
    path: str | os.PathLike[str],
    *,
    days: int = 30,
    limit: int = 10,
    now: datetime | None = None,
) -> Stats:
    """The searches of the last ``days`` days in the log at ``path``: totals, searches per
    day, the ``limit`` most frequent queries, those that found nothing, the slowest.

    Raises AnalyticsMissingError when nothing was ever logged there.
    """
    path = Path(path)
    limit = max(1, int(limit))
    stats = empty_stats(days, now=now)
    first_day, last_day = date.fromisoformat(stats.since), date.fromisoformat(stats.until)
    start = datetime.combine(first_day, datetime.min.time()).astimezone()
    since = start.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if not path.is_file():
        raise AnalyticsMissingError(path)
    try:
        conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True, timeout=10.0)
    except sqlite3.Error as exc:
        raise AnalyticsUnreadableError(path, exc) from exc
    try:
        return _fill(conn, stats, since, limit, first_day, last_day)
    except sqlite3.OperationalError as exc:
        if "no such table" in str(exc):
            raise AnalyticsMissingError(path) from exc
        raise AnalyticsUnreadableError(path, exc) from exc
    except sqlite3.Error as exc:
        raise AnalyticsUnreadableError(path, exc) from exc
    finally:
        conn.close()


def _percentiles(histogram: list[tuple[int, int]], fractions: tuple[float, ...]) -> list[float]:
    """Percentiles of the times from their histogram in 0.1 ms steps ((step, count) sorted)."""
    total = sum(n for _, n in histogram)
    out = []
    for fraction in fractions:
        rank, seen, value = min(total - 1, int(total * fraction)), 0, 0.0
        for step, n in histogram:
            seen += n
            if seen > rank:
                value = step / 10
                break
        out.append(value)
    return out


def _fill(
    conn: sqlite3.Connection, stats: Stats, since: str, limit: int, first: date, last: date
) -> Stats:
    # Rows are appended in time order, so the window is (nearly) a range of row ids: its first
    # id comes from the index on ``at`` alone, then the rows are read in order from there
    # instead of looked up one by one (``at`` still filters, should the clock have jumped).
    (first_id,) = conn.execute("SELECT MIN(id) FROM searches WHERE at >= ?", (since,)).fetchone()
    if first_id is None:
        return stats
    # NOT INDEXED: else grouping by query walks the whole (query, at) index, all of the log.
    window = "FROM searches NOT INDEXED WHERE id >= ? AND at >= ?"
    bounds = (first_id, since)
    hourly = conn.execute(
        f"SELECT substr(at, 1, 13), COUNT(*), SUM(results = 0) {window} GROUP BY 1", bounds
    ).fetchall()
    stats.per_day = _per_day(hourly, first, last)
    stats.searches = sum(n for _, n, _ in hourly)
    stats.zero_result_searches = sum(z for _, _, z in hourly)
    histogram = conn.execute(
        f"SELECT CAST(took_ms * 10 AS INTEGER) AS step, COUNT(*) {window} GROUP BY 1 ORDER BY 1",
        bounds,
    ).fetchall()
    stats.median_ms, stats.p95_ms = _percentiles(histogram, (0.5, 0.95))
    # query → (searches, average results, searches without results, slowest ms)
    groups = conn.execute(
        f"SELECT query, COUNT(*), AVG(results), SUM(results = 0), MAX(took_ms) {window} "
        "GROUP BY query",
        bounds,
    ).fetchall()
    stats.distinct_queries = len(groups)
    top = heapq.nsmallest(limit, groups, key=lambda g: (-g[1], g[0]))
    zero = heapq.nsmallest(limit, (g for g in groups if g[3]), key=lambda g: (-g[3], g[0]))
    slow = heapq.nsmallest(limit, groups, key=lambda g: (-g[4], g[0]))

    def latest(query: str, *, zero_only: bool = False) -> tuple[str | None, str]:
        """The query's most recent interpretation (it changes only with the index) and time."""
        found = conn.execute(
            "SELECT interpreted, at FROM searches WHERE query = ? AND at >= ?"
            + (" AND results = 0" if zero_only else "")
            + " ORDER BY at DESC, id DESC LIMIT 1",
            (query, since),
        ).fetchone()
        return (found[0], found[1]) if found else (None, "")

    stats.top = [TopQuery(q, latest(q)[0], n, round(avg, 1)) for q, n, avg, _, _ in top]
    stats.zero_results = []
    for q, _, _, n_zero, _ in zero:
        interpreted, at = latest(q, zero_only=True)
        stats.zero_results.append(ZeroQuery(q, interpreted, n_zero, at))
    stats.slowest = []
    for q, n, _, _, worst in slow:
        times = [
            t
            for (t,) in conn.execute(
                "SELECT took_ms FROM searches WHERE query = ? AND at >= ?", (q, since)
            )
        ]
        stats.slowest.append(SlowQuery(q, n, float(worst), round(statistics.median(times), 2)))
    return stats

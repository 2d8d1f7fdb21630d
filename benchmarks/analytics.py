"""Cost of the search log: what ``SearchLog.record`` adds to a search, how fast the writer
thread stores rows, and how long ``read_stats`` (``timkiem stats``, ``/admin/stats``) takes on
a big log.

Phase 1 records ``--records`` searches from 1 and from 8 threads into a new log and prints
the time per ``record`` call (what a request pays) and the writer's rows/s until everything
is on disk. Phase 2 fills a log with ``--rows`` synthetic searches over ``--days`` days
(``--queries`` distinct queries with Zipf frequencies, 5% without results) and prints the
median time of ``read_stats`` over 7, 30 and 365 days.

    python benchmarks/analytics.py --rows 1000000
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make ``benchmarks`` and ``indexer`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.harness.data import DEFAULT_SEED
from benchmarks.harness.report import git_revision, log
from indexer import SearchLog, read_stats
from indexer.analytics import LOG_FILE

MAX_ROWS = 20_000_000


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="analytics.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=100_000, help="record() calls, phase 1")
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows of the phase 2 log")
    parser.add_argument("--queries", type=int, default=50_000, help="distinct queries")
    parser.add_argument("--days", type=int, default=365, help="days the rows are spread over")
    parser.add_argument("--runs", type=int, default=3, help="read_stats runs per window")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--json", action="store_true", help="print one JSON object last")
    args = parser.parse_args(argv)
    if not 1 <= args.rows <= MAX_ROWS:
        parser.error(f"--rows must be in [1, {MAX_ROWS}]")
    return args


def record_cost(directory: Path, records: int, threads: int) -> dict[str, float]:
    """µs per record() call and the writer's rows/s, ``records`` calls over ``threads``."""
    search_log = SearchLog(directory / f"record-{threads}.sqlite3", queue_size=records + 1)
    per_thread = records // threads
    spent: list[float] = []

    def work(t: int) -> None:
        started = time.perf_counter()
        for i in range(per_thread):
            search_log.record(
                f"Dân vận {t} {i % 997}",
                interpreted=None,
                results=i % 7,
                took_ms=3.2,
                surface="api",
            )
        spent.append(time.perf_counter() - started)

    started = time.perf_counter()
    workers = [threading.Thread(target=work, args=(t,)) for t in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert search_log.flush(timeout=600), "the writer did not finish"
    total = time.perf_counter() - started
    return {
        "threads": threads,
        "records": per_thread * threads,
        "us_per_record": 1e6 * sum(spent) / (per_thread * threads),
        "written_per_s": search_log.written / total,
        "dropped": search_log.dropped,
    }


def fill_log(path: Path, rows: int, queries: int, days: int, seed: int) -> float:
    """Write ``rows`` synthetic searches straight into a log (the writer's schema); seconds."""
    rng = random.Random(seed)
    seed_log = SearchLog(path)
    seed_log.record("khởi tạo", interpreted=None, results=1, took_ms=1.0, surface="api")
    assert seed_log.flush(timeout=60)
    weights = [1 / (rank + 1) for rank in range(queries)]
    texts = [f"truy vấn {i}" for i in range(queries)]
    now = time.time()
    started = time.perf_counter()
    conn = sqlite3.connect(path)
    batch: list[tuple[Any, ...]] = []
    # The server appends rows as searches happen: oldest first.
    moments = sorted(now - rng.random() * days * 86400 for _ in range(rows))
    for chosen, moment in zip(
        rng.choices(range(queries), weights=weights, k=rows), moments, strict=True
    ):
        at = datetime.fromtimestamp(int(moment), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        results = 0 if chosen % 20 == 0 else 1 + chosen % 50
        batch.append((at, "api", texts[chosen], None, results, round(rng.expovariate(0.2), 2)))
        if len(batch) == 50_000:
            conn.executemany(
                "INSERT INTO searches (at, surface, query, interpreted, results, took_ms) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                batch,
            )
            conn.commit()
            batch.clear()
    if batch:
        conn.executemany(
            "INSERT INTO searches (at, surface, query, interpreted, results, took_ms) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            batch,
        )
        conn.commit()
    conn.close()
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    result: dict[str, Any] = {"revision": git_revision(), "args": vars(args)}
    with tempfile.TemporaryDirectory(prefix="timkiem-analytics-") as tmp:
        directory = Path(tmp)
        log(f"phase 1: {args.records:,} record() calls")
        result["record"] = [record_cost(directory, args.records, n) for n in (1, 8)]
        for r in result["record"]:
            print(
                f"record() from {r['threads']} thread(s): {r['us_per_record']:.1f} µs per call; "
                f"writer {r['written_per_s']:,.0f} rows/s; {r['dropped']} dropped"
            )
        path = directory / LOG_FILE
        log(f"phase 2: filling a log with {args.rows:,} searches over {args.days} days")
        fill_seconds = fill_log(path, args.rows, args.queries, args.days, args.seed)
        size_mb = sum(p.stat().st_size for p in directory.glob(LOG_FILE + "*")) / 1e6
        print(f"log of {args.rows:,} searches: {size_mb:,.0f} MB (filled in {fill_seconds:.0f} s)")
        result["log_mb"] = size_mb
        result["read_stats_ms"] = {}
        for days in (7, 30, 365):
            times = []
            for _ in range(args.runs):
                started = time.perf_counter()
                stats = read_stats(path, days=days, limit=20)
                times.append((time.perf_counter() - started) * 1000)
            ms = statistics.median(times)
            result["read_stats_ms"][days] = ms
            print(f"read_stats(days={days}, limit=20): {ms:,.0f} ms over {stats.searches:,} rows")
    print("command: python benchmarks/analytics.py " + " ".join(argv or sys.argv[1:]))
    if args.json:
        print(json.dumps(result))


if __name__ == "__main__":
    main()

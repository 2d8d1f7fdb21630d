"""Timing queries in process: milliseconds of each query by kind, medians over runs, and a
peer engine built from the same documents."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from benchmarks.harness.data import Query, iter_docs
from benchmarks.harness.report import log
from benchmarks.harness.stats import latency_summary, median_of_summaries


def time_queries(
    search: Callable[[Query], Sequence[Any]], queries: Sequence[Query]
) -> tuple[dict[str, list[float]], dict[str, int]]:
    """Milliseconds of each query by kind, and how many gave no result (or failed), by kind."""
    ms: dict[str, list[float]] = {}
    empty: dict[str, int] = {}
    for q in queries:
        started = time.perf_counter()
        try:
            hits = search(q)
        except Exception as exc:  # one failing query is a finding, not the end of the run
            log(f"  error on {q.kind} query {q.text!r}: {exc!r}")
            hits = []
        ms.setdefault(q.kind, []).append((time.perf_counter() - started) * 1000)
        empty[q.kind] = empty.get(q.kind, 0) + (not hits)
    return ms, empty


def measure(
    systems: dict[str, Callable[[Query], Sequence[Any]]], queries: Sequence[Query], runs: int
) -> tuple[dict[str, dict[str, dict[str, float]]], dict[str, dict[str, int]]]:
    """Per system and kind: the median over ``runs`` of each run's p50/p95/p99 (and "all")."""
    per_run: dict[str, list[dict[str, dict[str, float]]]] = {name: [] for name in systems}
    empties: dict[str, dict[str, int]] = {}
    for run in range(1, runs + 1):
        for name, search in systems.items():
            log(f"run {run}/{runs}: {name} ({len(queries):,} queries) …")
            ms, empty = time_queries(search, queries)
            summary = {kind: latency_summary(values) for kind, values in ms.items()}
            summary["all"] = latency_summary([v for values in ms.values() for v in values])
            per_run[name].append(summary)
            empties.setdefault(name, empty)
    medians = {
        name: {kind: median_of_summaries([r[kind] for r in runs_]) for kind in runs_[0]}
        for name, runs_ in per_run.items()
    }
    return medians, empties


def build_peer(
    peer_cls: type, sources: Sequence[Path], keep: set[tuple[str, int]], workdir: Path
) -> tuple[Any, dict[str, Any]]:
    """A peer engine's index of the same documents, read from the same files; its figures.

    ``keep`` holds the (file, line) keys of the documents to index.
    """
    peer = peer_cls(workdir / peer_cls.name)
    started = time.perf_counter()
    docs = (d for d in iter_docs(sources) if d.key in keep)
    count = peer.build(docs)
    seconds = time.perf_counter() - started
    return peer, {
        "seconds": round(seconds, 2),
        "articles_per_second": round(count / seconds, 1),
        "documents": count,
        "index_bytes": peer.size(),
    }

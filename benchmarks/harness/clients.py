"""Clients that ask a search system queries: concurrent keep-alive HTTP clients and FTS5
threads for a load phase, and one connection timing each query in turn."""

from __future__ import annotations

import http.client
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from benchmarks.harness.data import Query
from benchmarks.harness.report import log
from benchmarks.harness.server import search_path
from benchmarks.harness.stats import latency_summary
from benchmarks.peers import Fts5Peer


class _Shared:
    """What the clients share: the start signal, the deadline, the request budget."""

    def __init__(self, max_requests: int, distinct: int | None = None) -> None:
        self.start = threading.Event()
        self.deadline = 0.0
        # A countdown every thread draws from (next() on it is atomic under the GIL): the
        # run stops after max_requests requests.
        self.budget = iter(range(max_requests, 0, -1))
        # With distinct queries: the index of the next query to send, shared the same way.
        self.order = iter(range(distinct)) if distinct is not None else None


class _Client(threading.Thread):
    """One client asking its items in turn from ``offset`` on (with --distinct, the next item
    nobody has asked), until the deadline or the budget ends: ``ask`` answers one and says
    what went wrong, if anything."""

    def __init__(self, items: list[str], offset: int, shared: _Shared) -> None:
        super().__init__(daemon=True)
        self.items, self.offset, self.shared = items, offset, shared
        self.latencies_ms: list[float] = []
        self.errors = 0
        self.error_kinds: dict[str, int] = {}

    def run(self) -> None:
        i, shared = self.offset, self.shared
        shared.start.wait()
        while time.perf_counter() < shared.deadline and next(shared.budget, 0) > 0:
            if shared.order is not None:
                i = next(shared.order, None)
                if i is None:
                    break
            item = self.items[i % len(self.items)]
            i += 1
            started = time.perf_counter()
            error = self.ask(item)
            if error is None:
                self.latencies_ms.append((time.perf_counter() - started) * 1000)
            else:
                self.errors += 1
                self.error_kinds[error] = self.error_kinds.get(error, 0) + 1
        self.close()

    def ask(self, item: str) -> str | None:
        raise NotImplementedError

    def close(self) -> None:
        pass


class Client(_Client):
    """One keep-alive HTTP client sending request paths."""

    def __init__(
        self, host: str, port: int, paths: list[str], offset: int, shared: _Shared
    ) -> None:
        super().__init__(paths, offset, shared)
        self.host, self.port = host, port
        self.conn = http.client.HTTPConnection(host, port, timeout=30)

    def ask(self, item: str) -> str | None:
        try:
            self.conn.request("GET", item)
            resp = self.conn.getresponse()
            resp.read()
        except (OSError, http.client.HTTPException) as exc:
            self.conn.close()
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
            return type(exc).__name__
        return None if resp.status == 200 else f"HTTP {resp.status}"

    def close(self) -> None:
        self.conn.close()


class _Fts5Client(_Client):
    """One thread asking SQLite FTS5 (its own connection, opened in the thread) queries."""

    def __init__(self, path: Path, queries: list[str], offset: int, shared: _Shared) -> None:
        super().__init__(queries, offset, shared)
        self.path = path
        self.peer: Fts5Peer | None = None

    def ask(self, item: str) -> str | None:
        if self.peer is None:  # sqlite3 connections stay in the thread that made them
            self.peer = Fts5Peer(self.path)
        self.peer.search(item, conjunctive=True)
        return None

    def close(self) -> None:
        if self.peer is not None:
            self.peer.close()


def _drive(
    make: Callable[[int, _Shared], _Client],
    items: int,
    clients: int,
    seconds: float,
    cap: int,
    distinct: bool,
) -> dict[str, Any]:
    """Start ``clients`` threads made by ``make(offset, shared)`` at once, stop them after
    ``seconds`` (or ``cap`` requests, or the items when ``distinct``), and sum them up."""
    shared = _Shared(cap, items if distinct else None)
    step = max(1, items // clients)
    threads = [make(k * step, shared) for k in range(clients)]
    for t in threads:
        t.start()
    started = time.perf_counter()
    shared.deadline = started + seconds
    shared.start.set()
    for t in threads:
        t.join(seconds + 60)
    elapsed = time.perf_counter() - started
    latencies = [ms for t in threads for ms in t.latencies_ms]
    kinds: dict[str, int] = {}
    for t in threads:
        for k, n in t.error_kinds.items():
            kinds[k] = kinds.get(k, 0) + n
    errors = sum(t.errors for t in threads)
    return {
        "seconds": round(elapsed, 2),
        "requests": len(latencies) + errors,
        "ok": len(latencies),
        "errors": errors,
        "error_kinds": kinds,
        "requests_per_second": round(len(latencies) / elapsed, 1),
        "latency_ms": {k: round(v, 2) for k, v in latency_summary(latencies).items()},
    }


def run_load(
    host: str,
    port: int,
    paths: list[str],
    clients: int,
    seconds: float,
    cap: int,
    distinct: bool = False,
) -> dict[str, Any]:
    """``clients`` threads sending ``paths`` in turn for ``seconds`` (at most ``cap`` requests);
    with ``distinct`` each path is sent once at most, in the order given."""

    def make(offset: int, shared: _Shared) -> _Client:
        return Client(host, port, paths, offset, shared)

    return _drive(make, len(paths), clients, seconds, cap, distinct)


def run_fts5_load(
    path: Path, queries: list[str], clients: int, seconds: float, cap: int, distinct: bool
) -> dict[str, Any]:
    """The load phase of ``run_load`` with SQLite FTS5 answering in this process (sqlite3
    releases the GIL while it searches, so the threads use every core)."""

    def make(offset: int, shared: _Shared) -> _Client:
        return _Fts5Client(path, queries, offset, shared)

    return _drive(make, len(queries), clients, seconds, cap, distinct)


def ask_over_http(port: int, queries: Sequence[Query]) -> dict[str, list[float]]:
    """Milliseconds of each query (one keep-alive connection, 10 hits with snippets), by kind."""

    ms: dict[str, list[float]] = {}
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        for q in queries:
            started = time.perf_counter()
            conn.request("GET", search_path(q.text) + "&per_page=10")
            resp = conn.getresponse()
            resp.read()
            elapsed = (time.perf_counter() - started) * 1000
            if resp.status != 200:
                log(f"  HTTP {resp.status} for {q.kind} query {q.text!r}")
            ms.setdefault(q.kind, []).append(elapsed)
    finally:
        conn.close()
    return ms

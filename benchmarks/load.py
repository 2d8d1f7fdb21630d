"""Load test of ``timkiem serve`` over loopback: cold start, throughput, latency, memory.

Starts ``timkiem serve --index-dir DIR --host 127.0.0.1 --port P`` (or uses ``--url`` of a
running server on this machine), measures the time from process start to the first answered
``/api/search`` query, then runs ``--clients`` concurrent keep-alive clients for
``--seconds`` on a fixed mix of keyword queries (1–4 words of random headlines, half without
accents; ``--distinct``: each sent once at most, in a shuffled order, so none is answered from
a cache) and prints requests/s, errors, p50/p95/p99 latency and the memory of the server's
process tree (VmRSS and VmHWM summed over its worker processes, and Pss, which splits the
pages they share). Loopback only, bounded in time and in requests; the server it started is
stopped at the end.
The server it starts runs with ``TIMKIEM_RATE_LIMIT=off`` unless the environment sets it (every
client shares one address); with ``--url``, start the server so.

    python benchmarks/load.py --index-dir /tmp/tk-20k --docs 20000 --seconds 60
    python benchmarks/load.py --index-dir /tmp/tk-85k --keywords 5000 --distinct
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import random
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make ``benchmarks`` and ``indexer`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import (
    DATA_DIR,
    DEFAULT_SEED,
    REPO_ROOT,
    ensure_index,
    fmt_ms,
    git_revision,
    keyword_queries,
    latency_summary,
    load_docs,
    log,
    median,
    read_manifest,
    reproduce_command,
    select_docs,
    selection_key,
)
from benchmarks.peak_memory import process_cpu_seconds, process_tree
from benchmarks.peers import Fts5Peer

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
MAX_SECONDS = 600
MAX_CLIENTS = 64


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="load.py",
        description="Cold start, throughput, latency and memory of timkiem serve under "
        "concurrent keep-alive clients on 127.0.0.1.",
    )
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument(
        "--index-dir",
        help="start 'timkiem serve' on this index (built first, like latency.py does, "
        "when it holds none)",
    )
    target.add_argument("--url", help="a running server on this machine, http://127.0.0.1:PORT")
    parser.add_argument(
        "--pid", type=int, help="with --url: the server's process id, to read its memory"
    )
    parser.add_argument(
        "--docs",
        type=int,
        metavar="N",
        help="the subset of N documents the index holds (default: from the index's manifest, "
        "else all); it also picks the documents the queries are drawn from",
    )
    parser.add_argument("--seconds", type=float, default=60, help="length of the load phase")
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients (threads)")
    parser.add_argument(
        "--max-requests", type=int, default=500_000, help="stop after this many requests"
    )
    parser.add_argument(
        "--keywords", type=int, default=100, help="keyword queries (x2: unaccented)"
    )
    parser.add_argument(
        "--distinct",
        action="store_true",
        help="send each query at most once, in a seeded random order (so a query and its "
        "unaccented twin are rarely close): every request searches, none is answered from a "
        "cache; the run stops when the queries run out",
    )
    parser.add_argument(
        "--workers",
        default="",
        help="with --index-dir: worker counts to compare in the same run, comma-separated "
        "(e.g. 1,2: 'timkiem serve --workers N' for each, alternating; default: serve's own)",
    )
    parser.add_argument(
        "--runs", type=int, default=1, help="with --workers: rounds over the worker counts"
    )
    parser.add_argument(
        "--fts5",
        action="store_true",
        help="also answer the same queries from the same number of client threads with SQLite "
        "FTS5 in this process (built from the same documents in a temporary file), as a peer "
        "figure measured in the same run",
    )
    parser.add_argument("--port", type=int, default=0, help="port for the server (0: a free one)")
    parser.add_argument(
        "--startup-timeout", type=float, default=300, help="seconds to wait for the first answer"
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="seed of the query sample")
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=DATA_DIR,
        help="folder holding vntc/ and vinewsqa/ (default: ../shared/data beside the repo)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object last")
    args = parser.parse_args(argv)
    if not 0 < args.seconds <= MAX_SECONDS:
        parser.error(f"--seconds must be in (0, {MAX_SECONDS}]")
    if not 1 <= args.clients <= MAX_CLIENTS:
        parser.error(f"--clients must be in [1, {MAX_CLIENTS}]")
    try:
        args.worker_counts = [int(w) for w in args.workers.split(",") if w.strip()]
    except ValueError:
        parser.error("--workers takes counts such as 1,2")
    if any(not 1 <= w <= 64 for w in args.worker_counts) or args.runs < 1:
        parser.error("--workers counts must be in [1, 64] and --runs at least 1")
    if args.url and (args.worker_counts or args.runs > 1):
        parser.error("--workers and --runs start servers: use them with --index-dir")
    if args.url:
        parts = urllib.parse.urlsplit(args.url)
        if parts.scheme != "http" or parts.hostname not in LOOPBACK or not parts.port:
            parser.error("--url must be http://127.0.0.1:PORT (loopback only)")
        args.host, args.port = parts.hostname, parts.port
    else:
        args.host = "127.0.0.1"
    return args


def command_args(args: argparse.Namespace) -> list[str]:
    out = ["--url", args.url] if args.url else ["--index-dir", args.index_dir]
    if args.pid:
        out += ["--pid", str(args.pid)]
    if args.docs:
        out += ["--docs", str(args.docs)]
    out += ["--seconds", f"{args.seconds:g}", "--clients", str(args.clients)]
    out += ["--keywords", str(args.keywords), "--seed", str(args.seed)]
    if args.distinct:
        out.append("--distinct")
    if args.worker_counts:
        out += ["--workers", ",".join(map(str, args.worker_counts)), "--runs", str(args.runs)]
    if args.fts5:
        out.append("--fts5")
    out += ["--max-requests", str(args.max_requests)]
    if args.data_dir != DATA_DIR:
        out += ["--data-dir", str(args.data_dir)]
    if args.json:
        out.append("--json")
    return out


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_command(index_dir: str, port: int, workers: int | None = None) -> list[str]:
    """``timkiem serve`` as installed, else the same command from this checkout."""
    exe = shutil.which("timkiem")
    head = (
        [exe]
        if exe
        else [sys.executable, "-c", "import sys; from indexer.cli import main; sys.exit(main())"]
    )
    cmd = [*head, "serve", "--index-dir", index_dir, "--port", str(port), "--host", "127.0.0.1"]
    return cmd + (["--workers", str(workers)] if workers else [])


def memory_kb(pid: int) -> dict[str, int]:
    """Memory of a server and its worker processes, in kB, from /proc: VmRSS and VmHWM (peak
    resident) summed over the process tree, Pss (resident, pages shared between processes
    split among them: the tree's real footprint) and the number of processes."""
    out: dict[str, int] = {}
    pids = process_tree(pid)
    for p in pids:
        try:
            with open(f"/proc/{p}/status", encoding="ascii") as fh:
                for line in fh:
                    key, _, value = line.partition(":")
                    if key in ("VmRSS", "VmHWM"):
                        out[key] = out.get(key, 0) + int(value.split()[0])
            with open(f"/proc/{p}/smaps_rollup", encoding="ascii") as fh:
                for line in fh:
                    key, _, value = line.partition(":")
                    if key == "Pss":
                        out["Pss"] = out.get("Pss", 0) + int(value.split()[0])
        except OSError:
            continue
    if out:
        out["processes"] = len(pids)
    return out


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of a server and its worker processes so far, from /proc."""
    return sum(process_cpu_seconds(p) or 0.0 for p in process_tree(pid))


def search_path(query: str) -> str:
    """The API request of one query: "/api/search?q=b%C3%A1c+s%C4%A9"."""
    return "/api/search?" + urllib.parse.urlencode({"q": query})


def wait_first_answer(
    host: str,
    port: int,
    path: str,
    proc: subprocess.Popen | None,
    timeout: float,
    started: float,
) -> dict[str, float]:
    """Seconds from ``started`` until the port answers at all, and until ``path`` answers 200."""
    firsts: dict[str, float] = {}
    while time.perf_counter() - started < timeout:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"the server exited with status {proc.returncode}")
        try:
            conn = http.client.HTTPConnection(host, port, timeout=timeout)
            conn.request("GET", path)
            resp = conn.getresponse()
            resp.read()
            conn.close()
        except OSError:
            time.sleep(0.02)
            continue
        firsts.setdefault("first_response_s", round(time.perf_counter() - started, 3))
        if resp.status == 200:
            firsts["first_search_s"] = round(time.perf_counter() - started, 3)
            return firsts
        time.sleep(0.02)
    raise RuntimeError(f"no answer from {host}:{port} within {timeout:.0f} s")


@contextlib.contextmanager
def running_server(cmd: list[str]) -> Iterator[tuple[subprocess.Popen, float, Path]]:
    """The server process, the moment it was started, and its log; stopped on exit."""
    with tempfile.TemporaryDirectory(prefix="timkiem-serve-") as tmp:
        log_path = Path(tmp) / "server.log"
        with open(log_path, "wb") as log_fh:
            started = time.perf_counter()
            # Every client is on 127.0.0.1: the per-address rate limits would measure
            # themselves. TIMKIEM_RATE_LIMIT in the environment still wins (to load-test them).
            env = {"TIMKIEM_RATE_LIMIT": "off", **os.environ}
            proc = subprocess.Popen(
                cmd, cwd=REPO_ROOT, stdout=log_fh, stderr=subprocess.STDOUT, env=env
            )
            try:
                yield proc, started, log_path
            finally:
                proc.terminate()
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()


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


def measure_load(
    args: argparse.Namespace, port: int, paths: list[str], pid: int | None, result: dict
) -> None:
    """Memory before, the load phase, memory after, and the CPU time the server spent on the
    load (all its processes): into ``result``."""
    if pid:
        result["memory_kb_after_start"] = memory_kb(pid)
        cpu_before = cpu_seconds(pid)
    log(f"Load: {args.clients} clients for {args.seconds:g} s …")
    result["load"] = run_load(
        args.host, port, paths, args.clients, args.seconds, args.max_requests, args.distinct
    )
    if pid:
        result["memory_kb_after_load"] = memory_kb(pid)
        spent = cpu_seconds(pid) - cpu_before
        load = result["load"]
        result["server_cpu"] = {
            "seconds": round(spent, 2),
            "cores": round(spent / load["seconds"], 2),
            "ms_per_request": round(1000 * spent / load["ok"], 2) if load["ok"] else None,
        }


def serve_and_load(
    args: argparse.Namespace, index_dir: Path, workers: int | None, paths: list[str]
) -> dict[str, Any]:
    """Start ``timkiem serve`` (``--workers`` when given), wait for its first answer, load it,
    stop it: the cold start, the load phase, its CPU and memory."""
    port = args.port or free_port()
    cmd = server_command(str(index_dir), port, workers)
    result: dict[str, Any] = {"workers": workers, "server_command": shlex.join(cmd)}
    log("Starting: " + result["server_command"])
    with running_server(cmd) as (proc, started, log_path):
        try:
            result["cold_start_s"] = wait_first_answer(
                args.host, port, paths[0], proc, args.startup_timeout, started
            )
        except RuntimeError as exc:
            tail = log_path.read_text(encoding="utf-8", errors="replace")[-3000:]
            sys.exit(f"load.py: {exc}; the server said:\n{tail}")
        measure_load(args, port, paths, proc.pid, result)
    return result


def compare_workers(runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per worker count, over its runs: median requests/s and p50, the largest memory after
    the load, errors in all; and the ratio of requests/s to the first count's."""
    counts = list(dict.fromkeys(r["workers"] for r in runs))
    rows = []
    for w in counts:
        mine = [r for r in runs if r["workers"] == w]
        rows.append(
            {
                "workers": w,
                "runs": len(mine),
                "requests_per_second": [r["load"]["requests_per_second"] for r in mine],
                "median_requests_per_second": median(
                    [r["load"]["requests_per_second"] for r in mine]
                ),
                "median_p50_ms": median([r["load"]["latency_ms"]["p50"] for r in mine]),
                "errors": sum(r["load"]["errors"] for r in mine),
                "max_rss_mb": round(
                    max(r.get("memory_kb_after_load", {}).get("VmRSS", 0) for r in mine) / 1024
                ),
            }
        )
    base = rows[0]["median_requests_per_second"] or 1.0
    for row in rows:
        row["ratio"] = round(row["median_requests_per_second"] / base, 2)
    return rows


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    sources = [args.data_dir / "vntc" / "vntc_10topics.jsonl.gz"]
    sources.append(args.data_dir / "vinewsqa" / "corpus.jsonl")
    n_docs = args.docs
    if n_docs is None and args.index_dir:
        manifest = read_manifest(Path(args.index_dir)) or {}
        chosen = manifest.get("selection", {}).get("docs")
        n_docs = chosen if isinstance(chosen, int) else None
    log("Reading the documents the queries are drawn from …")
    qa_ids = set(load_docs(sources[1:]))
    docs = select_docs(load_docs(sources), n_docs, first=qa_ids, seed=args.seed)
    queries = [q.text for q in keyword_queries(list(docs.values()), args.keywords, args.seed)]
    if args.distinct:
        random.Random(f"distinct:{args.seed}").shuffle(queries)
    paths = [search_path(q) for q in queries]

    result: dict[str, Any] = {
        "clients": args.clients,
        "queries": len(paths),
        "distinct": args.distinct,
        "runs": [],
    }
    if args.url:
        wait_first_answer(
            args.host, args.port, paths[0], None, args.startup_timeout, time.perf_counter()
        )
        one: dict[str, Any] = {"workers": None}
        measure_load(args, args.port, paths, args.pid, one)
        result["runs"].append(one)
    else:
        index_dir = Path(args.index_dir)
        index_dir.mkdir(parents=True, exist_ok=True)
        index = ensure_index(
            index_dir, docs, sources, n_docs is not None, selection_key(n_docs, args.seed)
        )
        result["docs"] = index.documents
        for _ in range(args.runs if args.worker_counts else 1):
            for workers in args.worker_counts or [None]:
                result["runs"].append(serve_and_load(args, index_dir, workers, paths))
        if args.worker_counts:
            result["workers"] = compare_workers(result["runs"])
    if args.fts5:
        with tempfile.TemporaryDirectory(prefix="timkiem-fts5-") as tmp:
            path = Path(tmp) / "fts5.sqlite3"
            log(f"Building SQLite FTS5 over the {len(docs):,} documents …")
            peer = Fts5Peer(path)
            peer.build(docs.values())
            peer.close()
            log(f"Load on SQLite FTS5: {args.clients} threads for {args.seconds:g} s …")
            result["fts5"] = run_fts5_load(
                path, queries, args.clients, args.seconds, args.max_requests, args.distinct
            )
    result["commit"] = git_revision()
    result["command"] = reproduce_command(sys.argv[0], command_args(args))
    print_report(result)
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    return 0


def print_report(r: dict[str, Any]) -> None:
    print(f"timkiem load test, commit {r['commit']}")
    if "docs" in r:
        print(f"documents: {r['docs']:,}")
    for run in r["runs"]:
        print_run(r, run)
    for row in r.get("workers", []):
        n = row["workers"]
        print(
            f"{n} worker{'s' if n > 1 else ''}: median {row['median_requests_per_second']:,.1f} "
            f"requests/s over {row['runs']} run{'s' if row['runs'] > 1 else ''} "
            f"({', '.join(f'{x:,.1f}' for x in row['requests_per_second'])}), "
            f"{row['ratio']:.2f}x the first, median p50 {fmt_ms(row['median_p50_ms'])} ms, "
            f"{row['errors']:,} errors, RSS after the load up to {row['max_rss_mb']:,} MB"
        )
    fts5 = r.get("fts5")
    if fts5:
        lat = fts5["latency_ms"]
        print(
            f"SQLite FTS5 in process, same queries and threads: "
            f"{fts5['requests_per_second']:,.1f} queries/s, p50 {fmt_ms(lat['p50'])} ms, "
            f"p95 {fmt_ms(lat['p95'])} ms (top 10 ids, no snippets, no HTTP)"
        )
        for run in r["runs"]:
            ratio = run["load"]["requests_per_second"] / (fts5["requests_per_second"] or 1)
            n = run["workers"]
            label = f"{n} worker{'s' if n > 1 else ''}" if n else "the server"
            print(f"  {label}: {ratio:.2f}x FTS5's queries/s")
    print("command: " + r["command"])


def print_run(r: dict[str, Any], run: dict[str, Any]) -> None:
    load = run["load"]
    lat = load["latency_ms"]
    if "server_command" in run:
        print(f"server: {run['server_command']}")
    if "cold_start_s" in run:
        c = run["cold_start_s"]
        print(
            f"cold start: {c['first_response_s']:.2f} s to the first HTTP answer, "
            f"{c['first_search_s']:.2f} s to the first answered /api/search "
            "(from process start)"
        )
    print(
        f"load: {r['clients']} clients, {load['seconds']:.0f} s, {r['queries']} keyword queries "
        f"{'each at most once' if r.get('distinct') else 'in turn'}: "
        f"{load['requests_per_second']:,.1f} requests/s, {load['ok']:,} answered, "
        f"{load['errors']:,} errors {load['error_kinds'] or ''}"
    )
    print(
        f"latency ms: p50 {fmt_ms(lat['p50'])}, p95 {fmt_ms(lat['p95'])}, "
        f"p99 {fmt_ms(lat['p99'])}, mean {fmt_ms(lat['mean'])}"
    )
    cpu = run.get("server_cpu")
    if cpu:
        print(
            f"server CPU during the load: {cpu['seconds']:.1f} s, {cpu['cores']:.2f} cores on "
            f"average, {cpu['ms_per_request']} ms per answered request"
        )
    for when in ("after_start", "after_load"):
        mem = run.get(f"memory_kb_{when}")
        if mem:
            rss, hwm = mem.get("VmRSS", 0) / 1024, mem.get("VmHWM", 0) / 1024
            pss, n = mem.get("Pss", 0) / 1024, mem.get("processes", 1)
            print(
                f"server memory {when.replace('_', ' ')} ({n} process{'es' if n > 1 else ''}): "
                f"VmRSS {rss:.0f} MB, VmHWM {hwm:.0f} MB, Pss {pss:.0f} MB"
            )


if __name__ == "__main__":
    sys.exit(main())

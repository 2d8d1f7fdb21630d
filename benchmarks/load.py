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
from collections.abc import Iterator
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
    read_manifest,
    reproduce_command,
    select_docs,
    selection_key,
)
from benchmarks.peak_memory import process_tree

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


def server_command(index_dir: str, port: int) -> list[str]:
    """``timkiem serve`` as installed, else the same command from this checkout."""
    exe = shutil.which("timkiem")
    head = (
        [exe]
        if exe
        else [sys.executable, "-c", "import sys; from indexer.cli import main; sys.exit(main())"]
    )
    return [*head, "serve", "--index-dir", index_dir, "--port", str(port), "--host", "127.0.0.1"]


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
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for p in process_tree(pid):
        try:
            with open(f"/proc/{p}/stat", encoding="ascii") as fh:
                # Fields after the command name, which is in parentheses and may hold spaces.
                fields = fh.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


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


class Client(threading.Thread):
    """One keep-alive client sending the queries from ``offset`` on, until told to stop."""

    def __init__(
        self, host: str, port: int, paths: list[str], offset: int, shared: _Shared
    ) -> None:
        super().__init__(daemon=True)
        self.host, self.port, self.paths, self.offset = host, port, paths, offset
        self.shared = shared
        self.latencies_ms: list[float] = []
        self.errors = 0
        self.error_kinds: dict[str, int] = {}

    def run(self) -> None:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        i = self.offset
        shared = self.shared
        shared.start.wait()
        while time.perf_counter() < shared.deadline and next(shared.budget, 0) > 0:
            if shared.order is not None:  # --distinct: the next query nobody has sent
                i = next(shared.order, None)
                if i is None:
                    break
            path = self.paths[i % len(self.paths)]
            i += 1
            started = time.perf_counter()
            try:
                conn.request("GET", path)
                resp = conn.getresponse()
                resp.read()
            except (OSError, http.client.HTTPException) as exc:
                self._error(type(exc).__name__)
                conn.close()
                conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
                continue
            if resp.status == 200:
                self.latencies_ms.append((time.perf_counter() - started) * 1000)
            else:
                self._error(f"HTTP {resp.status}")
        conn.close()

    def _error(self, kind: str) -> None:
        self.errors += 1
        self.error_kinds[kind] = self.error_kinds.get(kind, 0) + 1


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
    shared = _Shared(cap, len(paths) if distinct else None)
    step = max(1, len(paths) // clients)
    threads = [Client(host, port, paths, k * step, shared) for k in range(clients)]
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
    return {
        "seconds": round(elapsed, 2),
        "requests": len(latencies) + sum(t.errors for t in threads),
        "ok": len(latencies),
        "errors": sum(t.errors for t in threads),
        "error_kinds": kinds,
        "requests_per_second": round(len(latencies) / elapsed, 1),
        "latency_ms": {k: round(v, 2) for k, v in latency_summary(latencies).items()},
    }


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
    queries = keyword_queries(list(docs.values()), args.keywords, args.seed)
    paths = [search_path(q.text) for q in queries]
    if args.distinct:
        random.Random(f"distinct:{args.seed}").shuffle(paths)

    result: dict[str, Any] = {
        "clients": args.clients,
        "queries": len(paths),
        "distinct": args.distinct,
    }
    if args.url:
        wait_first_answer(
            args.host, args.port, paths[0], None, args.startup_timeout, time.perf_counter()
        )
        measure_load(args, args.port, paths, args.pid, result)
    else:
        index_dir = Path(args.index_dir)
        index_dir.mkdir(parents=True, exist_ok=True)
        index = ensure_index(
            index_dir, docs, sources, n_docs is not None, selection_key(n_docs, args.seed)
        )
        result["docs"] = index.documents
        port = args.port or free_port()
        cmd = server_command(str(index_dir), port)
        result["server_command"] = shlex.join(cmd)
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
    result["commit"] = git_revision()
    result["command"] = reproduce_command(sys.argv[0], command_args(args))
    print_report(result)
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    return 0


def print_report(r: dict[str, Any]) -> None:
    load = r["load"]
    lat = load["latency_ms"]
    print(f"timkiem load test, commit {r['commit']}")
    if "docs" in r:
        print(f"documents: {r['docs']:,}; server: {r['server_command']}")
    if "cold_start_s" in r:
        c = r["cold_start_s"]
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
    cpu = r.get("server_cpu")
    if cpu:
        print(
            f"server CPU during the load: {cpu['seconds']:.1f} s, {cpu['cores']:.2f} cores on "
            f"average, {cpu['ms_per_request']} ms per answered request"
        )
    for when in ("after_start", "after_load"):
        mem = r.get(f"memory_kb_{when}")
        if mem:
            rss, hwm = mem.get("VmRSS", 0) / 1024, mem.get("VmHWM", 0) / 1024
            pss, n = mem.get("Pss", 0) / 1024, mem.get("processes", 1)
            print(
                f"server memory {when.replace('_', ' ')} ({n} process{'es' if n > 1 else ''}): "
                f"VmRSS {rss:.0f} MB, VmHWM {hwm:.0f} MB, Pss {pss:.0f} MB"
            )
    print("command: " + r["command"])


if __name__ == "__main__":
    sys.exit(main())

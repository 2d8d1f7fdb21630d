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
import json
import random
import shlex
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make ``benchmarks`` and ``indexer`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.harness.clients import run_fts5_load, run_load
from benchmarks.harness.data import (
    DATA_DIR,
    DEFAULT_SEED,
    keyword_queries,
    load_docs,
    news_sources,
    select_docs,
)
from benchmarks.harness.indexes import ensure_index, read_manifest, selection_key
from benchmarks.harness.processes import cpu_seconds, memory_kb
from benchmarks.harness.report import git_revision, log, reproduce_command
from benchmarks.harness.server import (
    free_port,
    running_server,
    search_path,
    server_command,
    wait_first_answer,
)
from benchmarks.harness.stats import fmt_ms, median
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
    sources = news_sources(args.data_dir)
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

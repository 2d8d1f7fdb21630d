"""The write API under ``timkiem serve``: time to searchable, write throughput, searches
during the swaps.

Copies the live generation of ``--index-dir`` by hard links into a temporary directory (index
files are never modified once written, so the original stays untouched), starts
``timkiem serve`` on the copy with the write API on, and then:

1. **Time to searchable**: ``--articles`` times, POSTs one article holding a word no other
   article has, then asks ``/api/search`` for that word every 10 ms until it is found; the
   figure is the time from sending the POST to the first search that finds it.
2. **Throughput**: ``--clients`` keep-alive clients POST ``--burst`` articles in all
   (``--batch`` per request) as fast as the server acknowledges them: acknowledged
   articles/s, then the time until the last task has succeeded (applied articles/s).

All along, one more client searches without pause: its latency and errors show the server
answering during the generation swaps. Loopback only; the server and the copy are removed at
the end.

    python benchmarks/write_api.py --index-dir /tmp/tk-85k --articles 30 --burst 500
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import secrets
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make ``benchmarks`` and ``indexer`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.harness.data import REPO_ROOT
from benchmarks.harness.report import git_revision, log, reproduce_command
from benchmarks.harness.server import free_port, running_server, search_path, server_command
from benchmarks.harness.stats import fmt_ms, latency_summary
from benchmarks.harness.writes import LETTERS, WRITE_ENV, Api, marker_word, wait_ready
from indexer import Engine, iter_articles
from indexer.index.generations import CURRENT_FILE, generation_dir


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="write_api.py",
        description="Time to searchable and write throughput of the write API of timkiem serve.",
    )
    parser.add_argument("--index-dir", required=True, help="an index (left untouched)")
    parser.add_argument("--articles", type=int, default=30, help="articles timed one by one")
    parser.add_argument("--burst", type=int, default=500, help="articles of the throughput phase")
    parser.add_argument("--clients", type=int, default=8, help="clients of the throughput phase")
    parser.add_argument("--batch", type=int, default=1, help="articles per POST in that phase")
    parser.add_argument("--timeout", type=float, default=300, help="seconds to wait for a write")
    parser.add_argument("--json", action="store_true", help="print one JSON object last")
    args = parser.parse_args(argv)
    if not 1 <= args.clients <= 64:
        parser.error("--clients must be in [1, 64]")
    return args


def command_args(args: argparse.Namespace) -> list[str]:
    out = ["--index-dir", args.index_dir, "--articles", str(args.articles)]
    out += ["--burst", str(args.burst), "--clients", str(args.clients), "--batch", str(args.batch)]
    return [*out, "--json"] if args.json else out


def link_copy(index_dir: Path, target: Path) -> None:
    """The live generation of ``index_dir`` as a new index in ``target``, by hard links."""
    gen = generation_dir(index_dir)
    (target / gen.name).mkdir(parents=True)
    for file in gen.iterdir():
        os.link(file, target / gen.name / file.name)
    (target / CURRENT_FILE).write_text(gen.name + "\n", encoding="utf-8")


def word(i: int) -> str:
    """A word no article holds, with a random tail (a rerun's words are new ones too)."""
    return marker_word(i, "".join(secrets.choice(LETTERS) for _ in range(4)))


class Searcher(threading.Thread):
    """Searches without pause until stopped: latency and errors while writes are applied."""

    def __init__(self, port: int, queries: list[str]) -> None:
        super().__init__(daemon=True)
        self.api = Api(port)
        self.queries = queries
        self.stop = threading.Event()
        self.ms: list[float] = []
        self.errors = 0

    def run(self) -> None:
        i = 0
        while not self.stop.is_set():
            started = time.perf_counter()
            try:
                status, _ = self.api.call("GET", search_path(self.queries[i % len(self.queries)]))
            except (OSError, http.client.HTTPException):
                status = 0
            if status == 200:
                self.ms.append((time.perf_counter() - started) * 1000)
            else:
                self.errors += 1
            i += 1


def summary(ms: list[float]) -> dict[str, float]:
    return {**latency_summary(ms), "max": max(ms, default=math.nan)}


def article(doc_id: str, unique: str, bodies: list[str], i: int) -> dict[str, str]:
    return {
        "id": doc_id,
        "title": f"Bài viết thử {unique}",
        "text": f"{unique} xuất hiện ở bài này.\n\n{bodies[i % len(bodies)]}",
        "source": "Benchmark",
    }


def time_to_searchable(port: int, n: int, bodies: list[str], timeout: float) -> list[float]:
    api = Api(port)
    out = []
    for i in range(n):
        unique = word(i)
        started = time.perf_counter()
        status, body = api.call("POST", "/api/articles", article(f"tts-{i}", unique, bodies, i))
        if status != 202:
            raise RuntimeError(f"POST answered {status}: {body}")
        while True:
            _, found = api.call("GET", search_path(unique))
            if found["total"]:
                break
            if time.perf_counter() - started > timeout:
                raise RuntimeError(f"article {i} not searchable within {timeout:.0f} s")
            time.sleep(0.01)
        out.append((time.perf_counter() - started) * 1000)
    return out


def throughput(
    port: int, burst: int, clients: int, batch: int, bodies: list[str], timeout: float
) -> dict[str, float]:
    requests = [
        [
            article(f"burst-{j}", word(100_000 + j), bodies, j)
            for j in range(i, min(i + batch, burst))
        ]
        for i in range(0, burst, batch)
    ]
    tasks: list[int] = []
    lock = threading.Lock()

    def client(k: int) -> None:
        api = Api(port)
        for body in requests[k::clients]:
            status, answer = api.call("POST", "/api/articles", body)
            if status != 202:
                raise RuntimeError(f"POST answered {status}: {answer}")
            with lock:
                tasks.append(answer["task"])

    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    acked = time.perf_counter() - started
    api = Api(port)
    for task in sorted(tasks, reverse=True):  # the last ones finish last
        while True:
            _, state = api.call("GET", f"/api/tasks/{task}")
            if state["status"] in ("succeeded", "failed"):
                break
            if time.perf_counter() - started > timeout:
                raise RuntimeError(f"task {task} not applied within {timeout:.0f} s")
            time.sleep(0.02)
    applied = time.perf_counter() - started
    return {
        "articles": burst,
        "requests": len(requests),
        "acknowledged_s": round(acked, 3),
        "acknowledged_per_s": round(burst / acked, 1),
        "applied_s": round(applied, 3),
        "applied_per_s": round(burst / applied, 1),
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    args = parse_args(argv)
    bodies = [a.body for a in iter_articles([REPO_ROOT / "seeds"]) if hasattr(a, "body")]
    with tempfile.TemporaryDirectory(prefix="timkiem-write-") as tmp:
        copy = Path(tmp) / "index"
        link_copy(Path(args.index_dir), copy)
        documents = Engine(copy).doc_count()
        log(f"{documents:,} articles in the index; starting the server")
        port = free_port()
        command = server_command(str(copy), port)
        with running_server(command, env=WRITE_ENV) as (proc, _, server_log):
            api = Api(port)
            wait_ready(api, proc, server_log)
            searcher = Searcher(port, ["dân vận", "bac kan", "hội nghị", "kinh tế"])
            searcher.start()
            log(f"time to searchable, {args.articles} articles one by one")
            tts = time_to_searchable(port, args.articles, bodies, args.timeout)
            log(f"throughput, {args.burst} articles from {args.clients} clients")
            burst = throughput(port, args.burst, args.clients, args.batch, bodies, args.timeout)
            searcher.stop.set()
            searcher.join()
    result = {
        "documents": documents,
        "time_to_searchable_ms": summary(tts),
        "throughput": burst,
        "searches_during_writes": {**summary(searcher.ms), "errors": searcher.errors},
        "revision": git_revision(),
    }
    s = result["time_to_searchable_ms"]
    print(f"Index: {documents:,} articles")
    print(
        f"Time to searchable ({args.articles} articles, one at a time): "
        f"p50 {fmt_ms(s['p50'])} ms, p95 {fmt_ms(s['p95'])} ms, max {fmt_ms(s['max'])} ms"
    )
    print(
        f"Throughput ({args.burst} articles, {args.batch} per POST, {args.clients} clients): "
        f"{burst['acknowledged_per_s']:,} articles/s acknowledged, "
        f"{burst['applied_per_s']:,} articles/s applied ({burst['applied_s']} s in all)"
    )
    q = result["searches_during_writes"]
    print(
        f"Searches meanwhile: {len(searcher.ms):,}, p50 {fmt_ms(q['p50'])} ms, "
        f"p95 {fmt_ms(q['p95'])} ms, max {fmt_ms(q['max'])} ms, {searcher.errors} errors"
    )
    print(reproduce_command(sys.argv[0], command_args(args)))
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    return result


if __name__ == "__main__":
    main()

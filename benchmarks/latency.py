"""Query latency of timkiem on the 84.6k-article collection, beside SQLite FTS5 and Tantivy.

The collection is VNTC (84,132 news articles) plus the ViNewsQA corpus (500); ``--docs N``
takes a reproducible subset. Two fixed query sets: keyword queries (1–4 adjacent words of
random headlines, each also without accents) and ViNewsQA questions (a seeded sample, each
also without accents). Prints p50/p95/p99 ms of timkiem's search alone and with snippets,
of the peers over the same documents and queries, the ratios, build speed and index sizes.

``--http`` measures what a reader waits for instead: ``timkiem serve`` is started on the index
and every query is asked once over HTTP (``/api/search``, 10 hits with their snippets: no
query is repeated, so no cache answers it), beside SQLite FTS5 asking the same queries in
process; p50/p95 per kind and timkiem/FTS5 ratios. Each set keeps the accented form of its
first half and the unaccented form of its second half, so no query follows its own twin.

``--cpu`` measures the engine's own work on the same distinct queries: the CPU time
(``time.thread_time``) of each ``Engine.search`` with 10 snippets, in process, each query
once after a few warm-up queries (no server, no peers).

    python benchmarks/latency.py --docs 20000
    python benchmarks/latency.py --http --index-dir /tmp/idx85k
    python benchmarks/latency.py --cpu --index-dir /tmp/idx85k
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make ``benchmarks`` and ``indexer`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.harness.clients import ask_over_http
from benchmarks.harness.data import (
    DATA_DIR,
    DEFAULT_SEED,
    Query,
    iter_docs,
    keyword_queries,
    load_docs,
    news_sources,
    question_queries,
    raw_text_bytes,
    select_docs,
)
from benchmarks.harness.indexes import (
    ensure_index,
    index_dir_or_temp,
    live_generation_size,
    selection_key,
)
from benchmarks.harness.report import finish, git_revision, log, reproduce_command
from benchmarks.harness.server import (
    free_port,
    running_server,
    search_path,
    server_command,
    wait_first_answer,
)
from benchmarks.harness.stats import by_base_kind, fmt_ms, ratio, rounded
from benchmarks.harness.timing import build_peer, measure, time_queries
from benchmarks.peers import Fts5Peer, TantivyPeer, tantivy_available

KINDS = ("keyword", "keyword-unaccented", "question", "question-unaccented")
PEERS = ("sqlite-fts5", "tantivy")
ONE_STAGE = "timkiem-1-stage"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="latency.py",
        description="Query latency of timkiem (search alone and with snippets) beside SQLite "
        "FTS5 and Tantivy over the same documents and queries; build speed and index size.",
    )
    parser.add_argument(
        "--index-dir",
        help="keep the timkiem index here; reused when it already holds these documents "
        "(default: a temporary directory)",
    )
    parser.add_argument(
        "--docs", type=int, metavar="N", help="a reproducible subset of N documents (default: all)"
    )
    parser.add_argument("--runs", type=int, default=3, help="timed runs; medians are shown")
    parser.add_argument("--json", action="store_true", help="print one JSON object last")
    parser.add_argument(
        "--keywords", type=int, default=100, help="keyword queries, each also unaccented"
    )
    parser.add_argument(
        "--questions",
        type=int,
        default=300,
        help="sampled ViNewsQA questions, each also unaccented (0: all 2,497)",
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="seed of every sample")
    parser.add_argument(
        "--peers",
        default=",".join(PEERS),
        help="peer engines to compare with, comma-separated, or 'none' "
        f"(default: {','.join(PEERS)})",
    )
    parser.add_argument(
        "--http",
        action="store_true",
        help="start timkiem serve on the index and ask every query once over HTTP with 10 "
        "snippets, beside SQLite FTS5 asking each once in process",
    )
    parser.add_argument(
        "--cpu",
        action="store_true",
        help="CPU time of every query asked once in process (10 snippets), no peers",
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=DATA_DIR,
        help="folder holding vntc/ and vinewsqa/ (default: ../shared/data beside the repo)",
    )
    args = parser.parse_args(argv)
    if args.runs < 1 or (args.docs is not None and args.docs < 1):
        parser.error("--runs and --docs must be at least 1")
    args.peer_list = [] if args.peers == "none" else [p for p in args.peers.split(",") if p]
    if unknown := [p for p in args.peer_list if p not in PEERS]:
        parser.error(f"unknown peer(s) {unknown}; choose from {', '.join(PEERS)}")
    return args


def command_args(args: argparse.Namespace) -> list[str]:
    out = []
    if args.index_dir:
        out += ["--index-dir", args.index_dir]
    if args.docs:
        out += ["--docs", str(args.docs)]
    out += ["--runs", str(args.runs), "--keywords", str(args.keywords)]
    out += ["--questions", str(args.questions), "--seed", str(args.seed)]
    out += ["--peers", ",".join(args.peer_list) or "none"]
    if args.data_dir != DATA_DIR:
        out += ["--data-dir", str(args.data_dir)]
    if args.http:
        out.append("--http")
    if args.cpu:
        out.append("--cpu")
    if args.json:
        out.append("--json")
    return out


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    from indexer import Engine
    from indexer.search.proximity import Proximity
    from indexer.search.scoring import Ranking

    vinewsqa = args.data_dir / "vinewsqa"
    sources = news_sources(args.data_dir)
    for path in [*sources, vinewsqa / "queries.jsonl"]:
        if not path.is_file():
            sys.exit(f"latency.py: no such file: {path} (see --data-dir)")
    peer_note = {}
    if "tantivy" in args.peer_list and (why := tantivy_available()):
        peer_note["tantivy"] = f"skipped: {why}"
        args.peer_list.remove("tantivy")
        log(f"Tantivy {peer_note['tantivy']}")

    log("Reading the documents …")
    all_docs = load_docs(sources)
    qa_ids = {d.id for d in iter_docs([vinewsqa / "corpus.jsonl"])}
    docs = select_docs(all_docs, args.docs, first=qa_ids, seed=args.seed)
    del all_docs
    keep = {d.key for d in docs.values()}
    raw_bytes = raw_text_bytes(docs.values())
    queries = keyword_queries(list(docs.values()), args.keywords, args.seed)
    queries += question_queries(vinewsqa / "queries.jsonl", args.questions, args.seed)

    build: dict[str, dict[str, Any]] = {}
    with index_dir_or_temp(args.index_dir, "timkiem-latency-") as index_dir:
        index = ensure_index(
            index_dir, docs, sources, args.docs is not None, selection_key(args.docs, args.seed)
        )
        build["timkiem"] = {
            "seconds": round(index.build_seconds, 2),
            "articles_per_second": round(index.articles_per_second, 1),
            "documents": index.documents,
            "index_bytes": live_generation_size(index_dir),
            "reused": not index.built,
        }
        if args.cpu:
            return cpu_distinct(args, index_dir, queries, warm_up_queries(docs, args.seed))
        if args.http:
            warm = warm_up_queries(docs, args.seed)
            return http_distinct(args, index_dir, queries, warm, sources, keep, raw_bytes, build)
        # No result cache: every timed call runs the search (the runs repeat the queries).
        engine = Engine(index_dir, result_cache=0)
        # The same engine without its second stage (proximity), to show what that costs.
        one_stage = Engine(index_dir, result_cache=0, ranking=Ranking(proximity=Proximity(depth=0)))
        systems: dict[str, Callable[[Query], Sequence[Any]]] = {
            "timkiem": lambda q: engine.search(q.text, per_page=10, snippets=False).hits,
            ONE_STAGE: lambda q: one_stage.search(q.text, per_page=10, snippets=False).hits,
            "timkiem+snippets": lambda q: engine.search(q.text, per_page=10, snippets=True).hits,
        }
        with tempfile.TemporaryDirectory(prefix="timkiem-peers-") as tmp:
            peers = []
            for cls in (Fts5Peer, TantivyPeer):
                if cls.name in args.peer_list:
                    log(f"Building the {cls.name} index …")
                    peer, build[cls.name] = build_peer(cls, sources, keep, Path(tmp))
                    peers.append(peer)
                    systems[cls.name] = lambda q, p=peer: p.search(
                        q.text, conjunctive=q.kind.startswith("keyword")
                    )
            latency, empties = measure(systems, queries, args.runs)
            for peer in peers:
                peer.close()

    ratios = {
        f"timkiem/{peer}": {
            kind: {
                p: ratio(latency["timkiem"][kind][p], latency[peer][kind][p])
                for p in ("p50", "p95", "p99")
            }
            for kind in latency["timkiem"]
        }
        for peer in [*args.peer_list, ONE_STAGE]
    }
    result = {
        "docs": build["timkiem"]["documents"],
        "raw_text_bytes": raw_bytes,
        "queries": {kind: sum(q.kind == kind for q in queries) for kind in KINDS},
        "runs": args.runs,
        "build": build,
        "latency_ms": rounded(latency),
        "no_results": empties,
        "ratios": ratios,
        "notes": peer_note,
        "commit": git_revision(),
        "command": reproduce_command(sys.argv[0], command_args(args)),
    }
    print_report(result)
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    return 0


def warm_up_queries(docs: dict[str, Any], seed: int) -> list[Query]:
    """Queries asked before the timed ones, so that no timed query pays for what the first
    searches of a process load once: 20 keyword queries of another seed (and their twins
    without accents), a question, and queries finding few results (the "did you mean"
    speller is built on first use)."""
    warm = keyword_queries(list(docs.values()), 20, seed + 1)
    extra = ["dan vna kheo", "xzqy bong da", "Bệnh nhân cần làm gì khi bị sốt cao?"]
    return warm + [Query("keyword", text) for text in extra]


def distinct_queries(queries: Sequence[Query]) -> list[Query]:
    """Each query set once: the accented form of its first half and the unaccented form of
    its second half (never a query after its own twin), each text once."""
    out: list[Query] = []
    seen: set[str] = set()
    for base in ("keyword", "question"):
        accented = [q for q in queries if q.kind == base]
        unaccented = [q for q in queries if q.kind == f"{base}-unaccented"]
        half = len(accented) // 2
        for q in accented[:half] + unaccented[half:]:
            if q.text not in seen:
                seen.add(q.text)
                out.append(q)
    return out


def http_distinct(
    args: argparse.Namespace,
    index_dir: Path,
    queries: Sequence[Query],
    warm_up: Sequence[Query],
    sources: Sequence[Path],
    keep: set[tuple[str, int]],
    raw_bytes: int,
    build: dict[str, dict[str, Any]],
) -> int:
    """``--http``: every query once over HTTP from ``timkiem serve``, beside FTS5."""

    asked = distinct_queries(queries)
    texts = {q.text for q in asked}
    warm = [q for q in warm_up if q.text not in texts]
    port = free_port()
    cmd = server_command(str(index_dir), port, checkout=True)
    with running_server(cmd) as (proc, started, _log):
        wait_first_answer("127.0.0.1", port, search_path("a"), proc, 300.0, started)
        ask_over_http(port, warm)
        log(f"timkiem over HTTP: {len(asked):,} queries, each once …")
        timkiem_ms = ask_over_http(port, asked)
    with tempfile.TemporaryDirectory(prefix="timkiem-peers-") as tmp:
        log("Building the sqlite-fts5 index …")
        peer, build[Fts5Peer.name] = build_peer(Fts5Peer, sources, keep, Path(tmp))
        for q in warm:
            peer.search(q.text, conjunctive=True)
        fts5_ms, _ = time_queries(
            lambda q: peer.search(q.text, conjunctive=q.kind.startswith("keyword")), asked
        )
        peer.close()
    latency = {"timkiem (HTTP, 10 snippets)": by_base_kind(timkiem_ms)}
    latency[Fts5Peer.name] = by_base_kind(fts5_ms)
    ours, theirs = latency.values()
    ratios = {
        kind: {p: ratio(ours[kind][p], theirs[kind][p]) for p in ("p50", "p95", "p99")}
        for kind in ours
        if kind in theirs
    }
    result = {
        "docs": build["timkiem"]["documents"],
        "raw_text_bytes": raw_bytes,
        "queries": {kind: len(v) for kind, v in timkiem_ms.items()},
        "latency_ms": rounded(latency),
        "ratios": rounded(ratios),
        "commit": git_revision(),
        "command": reproduce_command(sys.argv[0], command_args(args)),
    }
    print(f"timkiem over HTTP beside SQLite FTS5, commit {result['commit']}")
    print(f"documents: {result['docs']:,}; each query asked once (no cache answers it)")
    print("queries: " + ", ".join(f"{n} {kind}" for kind, n in result["queries"].items()))
    print()
    print(f"{'system':<30}{'queries':<24}{'p50':>8}{'p95':>8}{'p99':>8}{'mean':>8}")
    for name, kinds in latency.items():
        for kind, s in kinds.items():
            print(
                f"{name:<30}{kind:<24}{fmt_ms(s['p50']):>8}{fmt_ms(s['p95']):>8}"
                f"{fmt_ms(s['p99']):>8}{fmt_ms(s['mean']):>8}"
            )
    print()
    print("ratios, timkiem over HTTP with 10 snippets / FTS5; below 1 means timkiem is faster")
    print(f"{'queries':<24}{'p50':>7}{'p95':>7}{'p99':>7}")
    for kind, x in ratios.items():
        print(f"{kind:<24}{x['p50']:>7.2f}{x['p95']:>7.2f}{x['p99']:>7.2f}")
    print()
    finish(result, result["command"], args.json)
    return 0


def cpu_distinct(
    args: argparse.Namespace, index_dir: Path, queries: Sequence[Query], warm_up: Sequence[Query]
) -> int:
    """``--cpu``: the CPU time of each query asked once of a fresh engine (after the warm-up
    queries), 10 snippets."""
    from indexer import Engine

    asked = distinct_queries(queries)
    texts = {q.text for q in asked}
    engine = Engine(index_dir, result_cache=0)
    for q in warm_up:
        if q.text not in texts:
            engine.search(q.text, per_page=10)
    ms: dict[str, list[float]] = {}
    for q in asked:
        started = time.thread_time()
        engine.search(q.text, per_page=10, snippets=True)
        ms.setdefault(q.kind, []).append((time.thread_time() - started) * 1000)
    summary = by_base_kind(ms)
    print(f"timkiem CPU per query (Engine.search, 10 snippets), commit {git_revision()}")
    print(f"documents: {engine.doc_count():,}; each query asked once, after warm-up queries")
    print()
    print(f"{'queries':<24}{'n':>5}{'p50':>8}{'p95':>8}{'p99':>8}{'mean':>8}")
    for kind, s in summary.items():
        n = (
            len(ms[kind])
            if kind in ms
            else sum(len(v) for k, v in ms.items() if k.startswith(kind.split()[0]))
        )
        print(
            f"{kind:<24}{n:>5}{fmt_ms(s['p50']):>8}{fmt_ms(s['p95']):>8}"
            f"{fmt_ms(s['p99']):>8}{fmt_ms(s['mean']):>8}"
        )
    print()
    print("command: " + reproduce_command(sys.argv[0], command_args(args)))
    if args.json:
        print(json.dumps({"cpu_ms": rounded(summary), "commit": git_revision()}))
    return 0


def print_report(r: dict[str, Any]) -> None:
    mb = 1024 * 1024
    print(f"timkiem latency, commit {r['commit']}")
    print(
        f"documents: {r['docs']:,}; raw text (title + body, UTF-8): "
        f"{r['raw_text_bytes'] / mb:.1f} MB"
    )
    print("queries: " + ", ".join(f"{n} {kind}" for kind, n in r["queries"].items()))
    for name, note in r["notes"].items():
        print(f"{name}: {note}")
    print()
    print(f"{'build':<18}{'seconds':>10}{'articles/s':>12}{'index MB':>10}{'index/raw':>11}")
    for name, b in r["build"].items():
        reused = "  (reused index; build figures from its manifest)" if b.get("reused") else ""
        print(
            f"{name:<18}{b['seconds']:>10.1f}{b['articles_per_second']:>12,.0f}"
            f"{b['index_bytes'] / mb:>10.1f}{b['index_bytes'] / r['raw_text_bytes']:>11.2f}{reused}"
        )
    print()
    print(f"latency, ms (median over {r['runs']} runs); empty = queries with no result")
    print(f"{'system':<18}{'queries':<21}{'p50':>8}{'p95':>8}{'p99':>8}{'mean':>8}{'empty':>7}")
    for name, kinds in r["latency_ms"].items():
        for kind, s in kinds.items():
            empty = "" if kind == "all" else str(r["no_results"][name].get(kind, 0))
            print(
                f"{name:<18}{kind:<21}{fmt_ms(s['p50']):>8}{fmt_ms(s['p95']):>8}"
                f"{fmt_ms(s['p99']):>8}{fmt_ms(s['mean']):>8}{empty:>7}"
            )
    if r["ratios"]:
        print()
        print("ratios, timkiem search (no snippets) / peer; below 1 means timkiem is faster")
        print(f"({ONE_STAGE}: timkiem without its proximity stage, the cost of that stage)")
        print(f"{'peer':<26}{'queries':<21}{'p50':>7}{'p95':>7}{'p99':>7}")
        for name, kinds in r["ratios"].items():
            for kind, x in kinds.items():
                print(f"{name:<26}{kind:<21}{x['p50']:>7.2f}{x['p95']:>7.2f}{x['p99']:>7.2f}")
    print()
    print("command: " + r["command"])


if __name__ == "__main__":
    sys.exit(main())

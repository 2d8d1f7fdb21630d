"""A live index as a CMS feeds it: single-article posts through the write API, merges running,
against the same articles built in one go.

In one run:

1. builds an index of the first ``--docs`` articles of ``--data`` (VNTC news by default);
2. starts ``timkiem serve`` on it with the write API on (``TIMKIEM_RATE_LIMIT=off``, this
   checkout's code) and POSTs the next ``--posts`` articles one at a time, each waited for
   as a CMS publishing through the day would: the time from the POST to the first search
   that finds it (each posted article holds one word no other holds), while the applier
   publishes and merges; the segments after each post;
3. restarts the server on the result and asks ``--queries`` keyword queries from the
   articles' headlines (each once: first-time queries, nothing cached) over HTTP;
4. builds the same ``--docs`` + ``--posts`` articles in one go and asks the same queries of
   a server on that.

Prints the segments (last and most during the posts, and the bound the merge policy keeps),
the size of the live generation, keyword p50/p95 of both and their ratios, and the time to
searchable (p50/p95/max). Loopback only; everything is written under a temporary directory
and removed at the end.

    python benchmarks/live_index.py --docs 20000 --posts 1000
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make ``benchmarks`` and ``indexer`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.harness.clients import ask_over_http
from benchmarks.harness.data import VNTC_FILE, Doc, keyword_queries
from benchmarks.harness.indexes import first_articles, live_generation_size
from benchmarks.harness.report import git_revision, log, reproduce_command
from benchmarks.harness.server import free_port, running_server, search_path, server_command
from benchmarks.harness.stats import fmt_ms, latency_summary, ratio
from benchmarks.harness.writes import WRITE_ENV, Api, marker_word, wait_ready
from indexer import Article, build_index
from indexer.index.generations import write_lock, writers_wait
from indexer.index.merge import index_shape, tier

COLLECTION = "api"  # the write API's collection: the one-go build uses it for the posts too


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="live_index.py",
        description="Single-article posts through the write API, merges running, against "
        "the same articles built in one go.",
    )
    parser.add_argument("--docs", type=int, default=20_000, help="articles indexed first")
    parser.add_argument("--posts", type=int, default=1_000, help="articles posted one by one")
    parser.add_argument("--queries", type=int, default=100, help="keyword queries asked")
    parser.add_argument("--data", default=str(VNTC_FILE), help="the articles (any source)")
    parser.add_argument("--timeout", type=float, default=120, help="seconds to wait for a post")
    parser.add_argument("--json", action="store_true", help="print one JSON object last")
    args = parser.parse_args(argv)
    if args.docs < 1 or args.posts < 1 or args.queries < 1:
        parser.error("--docs, --posts and --queries must be at least 1")
    return args


def command_args(args: argparse.Namespace) -> list[str]:
    out = ["--docs", str(args.docs), "--posts", str(args.posts), "--queries", str(args.queries)]
    if args.data != str(VNTC_FILE):
        out += ["--data", args.data]
    return [*out, "--json"] if args.json else out


def _ready(port: int, proc: Any, server_log: Path) -> None:
    api = Api(port, timeout=120)
    try:
        wait_ready(api, proc, server_log)
    finally:
        api.close()


def posted(articles: list[Article]) -> list[Article]:
    """The articles to post, each with its own word at the end of its body."""
    return [
        replace(a, body=f"{a.body}\n\n{marker_word(i, 'z')}", collection=COLLECTION)
        for i, a in enumerate(articles)
    ]


def post_all(
    port: int, index_dir: Path, articles: list[Article], timeout: float
) -> tuple[list[float], list[int]]:
    """POST each article and wait until a search finds it; milliseconds from each POST to
    that search, and the segments after each."""
    api = Api(port, timeout=120)
    try:
        return _post_each(api, index_dir, articles, timeout)
    finally:
        api.close()


def _post_each(
    api: Api, index_dir: Path, articles: list[Article], timeout: float
) -> tuple[list[float], list[int]]:
    ms: list[float] = []
    segments: list[int] = []
    for i, a in enumerate(articles):
        body = {"id": a.id, "title": a.title, "text": a.body}
        if a.source:
            body["source"] = a.source
        started = time.perf_counter()
        status, answer = api.call("POST", "/api/articles", body)
        if status != 202:
            raise RuntimeError(f"POST answered {status}: {answer}")
        while True:
            _, found = api.call("GET", search_path(marker_word(i, "z")))
            if found["total"]:
                break
            if time.perf_counter() - started > timeout:
                raise RuntimeError(f"post {i} not searchable within {timeout:.0f} s")
            time.sleep(0.01)
        ms.append((time.perf_counter() - started) * 1000)
        segments.append(len(index_shape(index_dir).segments))
        if (i + 1) % 50 == 0:
            log(f"  {i + 1:,} posts, {segments[-1]} segments, last {ms[-1]:.0f} ms")
    return ms, segments


def keyword_latency(index_dir: Path, queries: list[Any]) -> dict[str, float]:
    """Keyword p50/p95 over HTTP of a server just started on ``index_dir``."""
    port = free_port()
    with running_server(server_command(str(index_dir), port, checkout=True)) as (proc, _, lg):
        _ready(port, proc, lg)
        ms = ask_over_http(port, queries)
    return latency_summary([v for values in ms.values() for v in values])


def settle(index_dir: Path, timeout: float = 120) -> None:
    """Wait until the applier's last publish or merge is done (the writer lock free)."""
    with writers_wait(timeout), write_lock(index_dir):
        pass


def run(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    log(f"reading {args.docs + args.posts:,} articles from {args.data}")
    articles = first_articles(args.data, args.docs + args.posts)
    if len(articles) < args.docs + args.posts:
        raise SystemExit(f"{args.data} holds only {len(articles):,} articles")
    base, posts = articles[: args.docs], posted(articles[args.docs :])
    docs = [Doc(a.id, a.title, a.body) for a in articles]
    queries = keyword_queries(docs, n=args.queries)[: args.queries]  # accented ones

    live = workdir / "live"
    log(f"building the index of {len(base):,} articles")
    build_index(base, live)
    port = free_port()
    log(f"posting {len(posts):,} articles one by one")
    command = server_command(str(live), port, checkout=True)
    with running_server(command, env=WRITE_ENV) as (proc, _, lg):
        _ready(port, proc, lg)
        tts, segments = post_all(port, live, posts, args.timeout)
        settle(live)
    shape = index_shape(live)
    live_size = live_generation_size(live)
    log("keyword queries of the live index")
    live_kw = keyword_latency(live, queries)

    one_go = workdir / "one-go"
    log(f"building the same {len(articles):,} articles in one go")
    build_index([*base, *posts], one_go)
    one_size = live_generation_size(one_go)
    log("keyword queries of the one-go index")
    one_kw = keyword_latency(one_go, queries)
    n = shape.documents
    return {
        "documents": n,
        "posts": len(posts),
        "segments": {
            "live": len(shape.segments),
            "most_during_posts": max(segments),
            "bound": tier(n) + 1,
            "one_go": len(index_shape(one_go).segments),
            "deleted": shape.deleted,
        },
        "size_mib": {
            "live": live_size / 2**20,
            "one_go": one_size / 2**20,
            "ratio": ratio(live_size, one_size),
        },
        "keyword_ms": {
            "live": live_kw,
            "one_go": one_kw,
            "p50_ratio": ratio(live_kw["p50"], one_kw["p50"]),
            "p95_ratio": ratio(live_kw["p95"], one_kw["p95"]),
        },
        "time_to_searchable_ms": {**latency_summary(tts), "max": max(tts, default=math.nan)},
        "revision": git_revision(),
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="timkiem-live-") as tmp:
        result = run(args, Path(tmp))
    s, z, k, t = (
        result["segments"],
        result["size_mib"],
        result["keyword_ms"],
        result["time_to_searchable_ms"],
    )
    print(
        f"{result['posts']:,} single-article posts into {args.docs:,} articles "
        f"({result['documents']:,} in all)"
    )
    print(
        f"Segments: {s['live']} at the end, at most {s['most_during_posts']} during the posts "
        f"(the policy's bound: {s['bound']}); one-go build: {s['one_go']}"
    )
    print(f"Index size: {z['live']:.1f} MiB vs {z['one_go']:.1f} MiB in one go ({z['ratio']:.2f}×)")
    print(
        f"Keyword queries over HTTP ({args.queries}, first-time): p50 {fmt_ms(k['live']['p50'])} "
        f"vs {fmt_ms(k['one_go']['p50'])} ms ({k['p50_ratio']:.2f}×), p95 "
        f"{fmt_ms(k['live']['p95'])} vs {fmt_ms(k['one_go']['p95'])} ms ({k['p95_ratio']:.2f}×)"
    )
    print(
        f"Time from POST to searchable, merges running: p50 {fmt_ms(t['p50'])} ms, "
        f"p95 {fmt_ms(t['p95'])} ms, max {fmt_ms(t['max'])} ms"
    )
    print(reproduce_command(sys.argv[0], command_args(args)))
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    return result


if __name__ == "__main__":
    main()

"""Cost of filters, facets and date sorting: engine open time, and search with and without them.

Builds (or reuses) a timkiem index of VNTC + ViNewsQA (a seeded subset of ``--docs``), then
prints:

- the time to open an ``Engine`` (the live generation opened cold: lengths, deletion mask,
  vocabulary and the per-document date/source columns), the part of it spent loading
  ``columns.npz``, and, for comparison, the time to read every stored document (what
  computing the columns at open would cost);
- the time to filter and count both facets over every article at once (``narrow`` on an
  all-true mask: the largest result set there can be);
- p50/p95 of a keyword-query mix searched plain, with a source filter, sorted by date, with
  year + source filters sorted by date, and an empty query with a source filter (every
  article of one source, newest first). Every search computes the facets over its whole
  result set; the result cache is off.

Neither VNTC nor ViNewsQA records carry dates: every article falls in the "unknown" year
bucket, which is the slowest case for date sorting (all ties).

    python benchmarks/facets.py --index-dir /tmp/tk-20k --docs 20000
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make ``benchmarks`` and ``indexer`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.harness.data import (
    DATA_DIR,
    DEFAULT_SEED,
    keyword_queries,
    load_docs,
    news_sources,
    select_docs,
)
from benchmarks.harness.indexes import ensure_index, index_dir_or_temp, selection_key
from benchmarks.harness.report import git_revision, log, reproduce_command
from benchmarks.harness.stats import fmt_ms, latency_summary, median


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="facets.py", description="Engine open time and the cost of filters and facets."
    )
    parser.add_argument("--index-dir", help="index to build or reuse (default: a temp dir)")
    parser.add_argument("--docs", type=int, default=20_000, help="articles (0: all)")
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR)
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--runs", type=int, default=5, help="engine opens to time")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    return parser.parse_args(argv)


def time_open(index_dir: Path, runs: int) -> dict[str, float]:
    from indexer import Engine
    from indexer.index.columns import Columns
    from indexer.index.generations import generation_dir

    opens, columns = [], []
    for _ in range(runs):
        started = time.perf_counter()
        engine = Engine(index_dir)
        opens.append((time.perf_counter() - started) * 1000)
        del engine
        started = time.perf_counter()
        Columns.load(generation_dir(index_dir))
        columns.append((time.perf_counter() - started) * 1000)
    return {"engine_open_ms": median(opens), "columns_load_ms": median(columns)}


def time_stored_fields(index_dir: Path) -> float:
    """Milliseconds to read every stored document once (the alternative to columns.npz)."""
    from whoosh import index as whoosh_index

    from indexer.index.generations import generation_dir

    ix = whoosh_index.open_dir(str(generation_dir(index_dir)))
    started = time.perf_counter()
    with ix.reader() as reader:
        for _ in reader.iter_docs():
            pass
    elapsed = (time.perf_counter() - started) * 1000
    ix.close()
    return elapsed


def time_searches(index_dir: Path, texts: list[str]) -> dict[str, dict[str, float]]:
    from indexer import Engine, Filters, make_filters
    from indexer.search.facets import narrow

    engine = Engine(index_dir, result_cache=0)
    biggest = engine.search("", filters=make_filters(year="unknown")).facets["source"]
    source = biggest[0]["value"] if biggest else "none"
    variants: dict[str, Any] = {
        "plain": {},
        "source filter": {"filters": make_filters(sources=[source])},
        "sort newest": {"sort": "newest"},
        "year + source + newest": {
            "sort": "newest",
            "filters": make_filters(year="unknown", sources=[source]),
        },
    }
    out: dict[str, dict[str, float]] = {}
    live = engine.current()
    ms = []
    for _ in range(len(texts)):
        started = time.perf_counter()
        narrow(live.alive, live.columns, Filters())
        ms.append((time.perf_counter() - started) * 1000)
    out["facets over every article"] = latency_summary(ms)
    for text in texts:  # every variant then finds the same postings already decoded
        engine.search(text, snippets=False)
    for name, kwargs in variants.items():
        ms = []
        for text in texts:
            started = time.perf_counter()
            engine.search(text, snippets=False, **kwargs)
            ms.append((time.perf_counter() - started) * 1000)
        out[name] = latency_summary(ms)
    ms = []
    for _ in range(len(texts)):
        started = time.perf_counter()
        engine.search("", snippets=False, filters=make_filters(sources=[source]))
        ms.append((time.perf_counter() - started) * 1000)
    out["empty query + source filter"] = latency_summary(ms)
    return out


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    sources = news_sources(args.data_dir)
    n_docs = args.docs or None
    docs = select_docs(load_docs(sources), n_docs, seed=args.seed)
    texts = [q.text for q in keyword_queries(list(docs.values()), args.queries, args.seed)]
    with index_dir_or_temp(args.index_dir, "tk-facets-") as index_dir:
        index = ensure_index(
            index_dir, docs, sources, n_docs is not None, selection_key(n_docs, args.seed)
        )
        log("Timing engine opens and searches …")
        result: dict[str, Any] = {"docs": index.documents, "revision": git_revision()}
        result.update(time_open(index_dir, args.runs))
        result["read_all_stored_ms"] = time_stored_fields(index_dir)
        from indexer.index.columns import COLUMNS_FILE
        from indexer.index.generations import generation_dir

        result["columns_bytes"] = (generation_dir(index_dir) / COLUMNS_FILE).stat().st_size
        result["search"] = time_searches(index_dir, texts)
    result["command"] = reproduce_command("benchmarks/facets.py", sys.argv[1:])
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return 0
    print(f"{result['docs']:,} articles, revision {result['revision']}")
    print(f"engine open (median of {args.runs}): {fmt_ms(result['engine_open_ms'])} ms")
    print(f"  of which columns.npz load:  {fmt_ms(result['columns_load_ms'])} ms")
    print(f"  columns.npz size:           {result['columns_bytes'] / 1024:.0f} KB")
    print(f"reading every stored document instead: {fmt_ms(result['read_all_stored_ms'])} ms")
    print(f"{'search (facets always computed)':<34} {'p50 ms':>8} {'p95 ms':>8}")
    for name, summary in result["search"].items():
        print(f"{name:<34} {fmt_ms(summary['p50']):>8} {fmt_ms(summary['p95']):>8}")
    print(result["command"])
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Relevance of timkiem on a BEIR test collection, per query variant, beside a plain BM25.

Builds a timkiem index of the corpus (plus distractor files), runs every query through
``Engine.search`` (the function the web page and the API call) as written and as readers
type it (without accents, with the other tone placement, in Telex, half accented), and
prints MRR@10, nDCG@10, Recall@10 and Recall@100 for each variant, with a syllable BM25
baseline over the same documents.

    python benchmarks/relevance.py ../shared/data/vinewsqa/{corpus.jsonl,queries.jsonl,qrels.tsv}
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make ``benchmarks`` and ``indexer`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.baseline import SyllableBM25
from benchmarks.harness.data import VINEWSQA_DIR, Doc, load_docs, load_qrels, load_queries
from benchmarks.harness.indexes import BenchIndex, ensure_index, index_dir_or_temp, selection_key
from benchmarks.harness.options import add_distractors
from benchmarks.harness.report import git_revision, log, reproduce_command
from benchmarks.metrics import METRIC_NAMES, evaluate
from benchmarks.variants import VARIANT_NAMES, make_variant

DEFAULT_SEED = 13
VINEWSQA_FILES = ("corpus.jsonl", "queries.jsonl", "qrels.tsv")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="relevance.py",
        description="Relevance of timkiem (Engine.search) per query variant, with a syllable "
        "BM25 baseline over the same documents.",
        epilog="Example: python benchmarks/relevance.py "
        + " ".join(os.path.relpath(VINEWSQA_DIR / f) for f in VINEWSQA_FILES)
        + " --variants as-written,unaccented",
    )
    parser.add_argument("corpus", type=Path, help="BEIR corpus.jsonl (or .jsonl.gz)")
    parser.add_argument("queries", type=Path, help="BEIR queries.jsonl")
    parser.add_argument("qrels", type=Path, help="BEIR qrels.tsv (query-id, corpus-id, score)")
    add_distractors(parser)
    parser.add_argument(
        "--variants",
        default=",".join(VARIANT_NAMES),
        help=f"comma-separated query variants (default: {','.join(VARIANT_NAMES)})",
    )
    parser.add_argument(
        "--index-dir",
        help="keep the timkiem index here; reused when it already holds these documents "
        "(default: a temporary directory)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object last")
    parser.add_argument(
        "--limit-queries",
        type=int,
        metavar="N",
        help="evaluate a seeded sample of N queries (default: all)",
    )
    parser.add_argument(
        "--seed", type=int, default=DEFAULT_SEED, help="seed of the sample and of 'mixed'"
    )
    parser.add_argument("--no-baseline", action="store_true", help="skip the BM25 baseline")
    args = parser.parse_args(argv)
    args.variant_list = [v.strip() for v in args.variants.split(",") if v.strip()]
    unknown = [v for v in args.variant_list if v not in VARIANT_NAMES]
    if unknown or not args.variant_list:
        parser.error(f"unknown variant(s) {unknown}; choose from {', '.join(VARIANT_NAMES)}")
    if args.limit_queries is not None and args.limit_queries < 1:
        parser.error("--limit-queries must be at least 1")
    return args


def command_args(args: argparse.Namespace) -> list[str]:
    """The arguments that repeat this run, defaults spelled out."""
    out = [str(args.corpus), str(args.queries), str(args.qrels)]
    if args.distractors:
        out += ["--distractors", *map(str, args.distractors)]
    out += ["--variants", ",".join(args.variant_list), "--seed", str(args.seed)]
    if args.limit_queries:
        out += ["--limit-queries", str(args.limit_queries)]
    if args.index_dir:
        out += ["--index-dir", args.index_dir]
    if args.no_baseline:
        out.append("--no-baseline")
    if args.json:
        out.append("--json")
    return out


def select_queries(
    queries: dict[str, str],
    qrels: dict[str, set[str]],
    doc_ids: set[str] | dict[str, Doc],
    limit: int | None,
    seed: int,
) -> tuple[dict[str, str], dict[str, set[str]], int]:
    """The queries to evaluate, their relevant documents, and how many were skipped.

    A query is skipped when none of its relevant documents is in the corpus.
    """
    kept_queries: dict[str, str] = {}
    kept_qrels: dict[str, set[str]] = {}
    skipped = 0
    for qid, text in queries.items():
        relevant = {d for d in qrels.get(qid, ()) if d in doc_ids}
        if not relevant:
            skipped += 1
            continue
        kept_queries[qid] = text
        kept_qrels[qid] = relevant
    if limit is not None and limit < len(kept_queries):
        sample = set(random.Random(f"queries:{seed}").sample(sorted(kept_queries), limit))
        kept_queries = {q: t for q, t in kept_queries.items() if q in sample}
        kept_qrels = {q: kept_qrels[q] for q in kept_queries}
    return kept_queries, kept_qrels, skipped


def run_variant(
    search: Callable[[str], list[str]], queries: dict[str, str], variant: str, seed: int
) -> tuple[dict[str, list[str]], dict[str, float]]:
    """Rankings of every query of one variant, with timing and error counts."""
    rankings: dict[str, list[str]] = {}
    errors = empty = 0
    started = time.perf_counter()
    for qid, text in queries.items():
        q = make_variant(variant, text, key=qid, seed=seed)
        try:
            rankings[qid] = search(q)
        except Exception as exc:  # a crash on one query is a finding, not the end of the run
            errors += 1
            if errors <= 3:
                log(f"  error on {variant} query {qid} {q!r}: {exc!r}")
            rankings[qid] = []
        empty += not rankings[qid]
    seconds = time.perf_counter() - started
    return rankings, {
        "seconds": round(seconds, 3),
        "ms_per_query": round(1000 * seconds / max(len(queries), 1), 3),
        "errors": errors,
        "no_results": empty,
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    from indexer import Engine

    sources = [args.corpus, *args.distractors]
    for path in [*sources, args.queries, args.qrels]:
        if not path.is_file():
            sys.exit(f"relevance.py: no such file: {path}")
    log("Reading the documents and queries …")
    docs = load_docs(sources)
    queries, qrels, skipped = select_queries(
        load_queries(args.queries), load_qrels(args.qrels), docs, args.limit_queries, args.seed
    )
    if not queries:
        sys.exit("relevance.py: no query has a relevant document in the corpus")

    results: dict[str, dict[str, float]] = {}
    baseline: dict[str, dict[str, float]] = {}
    timing: dict[str, dict[str, float]] = {}
    with index_dir_or_temp(args.index_dir, "timkiem-relevance-") as index_dir:
        index = ensure_index(index_dir, docs, sources, selection=selection_key(None, 0))
        if index.documents != len(docs):
            log(f"Note: the index holds {index.documents:,} articles, the files {len(docs):,}.")
        engine = Engine(index_dir)
        if hasattr(engine, "article"):
            article_ids = {v: k for k, v in index.renamed.items()}
            relevant_ids = set().union(*qrels.values())
            missing = [d for d in relevant_ids if engine.article(article_ids.get(d, d)) is None]
            if missing:
                log(
                    f"Warning: {len(missing)} relevant documents are not in the index by id, "
                    f"e.g. {missing[:3]}"
                )

        def timkiem_search(q: str) -> list[str]:
            page = engine.search(q, per_page=100, snippets=False)
            return [index.record_id(h.id) for h in page.hits]

        for variant in args.variant_list:
            log(f"timkiem: {variant} ({len(queries):,} queries) …")
            rankings, timing[f"timkiem/{variant}"] = run_variant(
                timkiem_search, queries, variant, args.seed
            )
            results[variant] = evaluate(rankings, qrels)

    bm25_seconds = 0.0
    if not args.no_baseline:
        log("Baseline: indexing syllables …")
        started = time.perf_counter()
        bm25 = SyllableBM25((d.id, f"{d.title}\n{d.text}") for d in docs.values())
        bm25_seconds = time.perf_counter() - started
        for variant in args.variant_list:
            rankings, timing[f"bm25/{variant}"] = run_variant(
                bm25.search, queries, variant, args.seed
            )
            baseline[variant] = evaluate(rankings, qrels)

    print_report(args, index, len(docs), queries, skipped, results, baseline, timing, bm25_seconds)
    if args.json:
        print(
            json.dumps(
                {
                    "docs": index.documents,
                    "queries": len(queries),
                    "variants": rounded(results),
                    "baseline": rounded(baseline),
                    "skipped_queries": skipped,
                    "timing": timing,
                    "commit": git_revision(),
                    "command": reproduce_command(sys.argv[0], command_args(args)),
                },
                ensure_ascii=False,
            )
        )
    return 0


def rounded(table: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
    return {v: {m: round(x, 4) for m, x in row.items()} for v, row in table.items()}


def print_report(
    args: argparse.Namespace,
    index: BenchIndex,
    n_docs: int,
    queries: dict[str, str],
    skipped: int,
    results: dict[str, dict[str, float]],
    baseline: dict[str, dict[str, float]],
    timing: dict[str, dict[str, float]],
    bm25_seconds: float,
) -> None:
    how = (
        f"built in {index.build_seconds:.1f} s ({index.articles_per_second:,.0f} articles/s)"
        if index.built
        else f"reused from {args.index_dir} (built in {index.build_seconds:.1f} s)"
    )
    print(f"timkiem relevance, commit {git_revision()}")
    print(f"documents: {index.documents:,} indexed ({n_docs:,} in the files); index {how}")
    print(
        f"queries: {len(queries):,} evaluated, {skipped:,} skipped "
        "(no relevant document in the corpus)"
    )
    if baseline:
        print(f"baseline: syllable BM25 k1=1.2 b=0.75, indexed in {bm25_seconds:.1f} s")
    header = f"{'variant':<12} {'system':<8}" + "".join(f"{m:>9}" for m in METRIC_NAMES)
    print(header + f"{'seconds':>9}{'ms/q':>8}{'empty':>7}{'errors':>7}")
    for variant in args.variant_list:
        for system, table in (("timkiem", results), ("bm25", baseline)):
            if variant not in table:
                continue
            t = timing[f"{system}/{variant}"]
            print(
                f"{variant:<12} {system:<8}"
                + "".join(f"{table[variant][m]:>9.3f}" for m in METRIC_NAMES)
                + f"{t['seconds']:>9.1f}{t['ms_per_query']:>8.1f}{t['no_results']:>7}"
                + f"{t['errors']:>7}"
            )
    print("command: " + reproduce_command(sys.argv[0], command_args(args)))


if __name__ == "__main__":
    sys.exit(main())

"""Near-duplicate groups and related articles on VNTC: how many groups, what they cost.

Reads the articles the way ``timkiem index`` does and prints:

- the added analysis cost (MinHash signature per article, beside the whole analysis of the
  same articles) and the time to group every signature, as a build does at its end;
- groups of near-copies and articles in them, beside the exact copies (same body text) and
  how many of those the groups hold, at the index's threshold and two others;
- with ``--index-dir`` (an index of the same source): the engine's cold open and the
  latency of ``Engine.related`` (the article view's "Bài liên quan") over sampled articles;
- with ``--datasketch`` (``pip install -e '.[bench]'``): the same signatures and LSH with the
  datasketch library, which timkiem does not use because its own numpy code is faster.

    python benchmarks/duplicates.py --index-dir /tmp/vntc-index
    python benchmarks/duplicates.py --limit 20000
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make ``benchmarks`` and ``indexer`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np

from benchmarks.harness.data import DEFAULT_SEED, VNTC_FILE
from benchmarks.harness.indexes import first_articles
from benchmarks.harness.report import finish, git_revision, log, reproduce_command
from benchmarks.harness.stats import fmt_ms, latency_summary
from indexer import Article, Engine
from indexer.index.build import article_fields
from indexer.index.duplicates import THRESHOLD, group_ids, word_signature
from indexer.text.analysis import syllables
from indexer.text.normalize import nfc

ANALYSIS_SAMPLE = 2000  # articles whose whole analysis is timed, for the share


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="duplicates.py", description=__doc__.splitlines()[0])
    parser.add_argument("--source", default=str(VNTC_FILE), help="articles (default: VNTC)")
    parser.add_argument("--limit", type=int, metavar="N", help="the first N articles only")
    parser.add_argument("--index-dir", help="an index of the same source: time related articles")
    parser.add_argument("--related", type=int, default=300, help="articles sampled for related")
    parser.add_argument("--datasketch", action="store_true", help="time datasketch too")
    parser.add_argument("--json", action="store_true", help="print one JSON object last")
    return parser.parse_args(argv)


def signatures(articles: list[Article]) -> tuple[np.ndarray, float]:
    """Signatures of every article and the seconds spent on them alone (syllables apart:
    the indexer splits them once for every representation)."""
    split = [
        ([s.folded for s in syllables(nfc(a.title))], [s.folded for s in syllables(nfc(a.body))])
        for a in articles
    ]
    started = time.perf_counter()
    sigs = np.stack([word_signature(title, body) for title, body in split])
    return sigs, time.perf_counter() - started


def analysis_seconds(articles: list[Article]) -> float:
    """Seconds per article of the indexer's whole analysis (signature included)."""
    sample = articles[:ANALYSIS_SAMPLE]
    started = time.perf_counter()
    for a in sample:
        article_fields(a)
    return (time.perf_counter() - started) / len(sample)


def group_stats(articles: list[Article], groups: np.ndarray) -> dict[str, int]:
    sizes = np.bincount(groups, minlength=len(groups))
    exact: dict[str, list[int]] = defaultdict(list)
    for i, a in enumerate(articles):
        exact[" ".join(a.body.split())].append(i)
    copies = [rows for rows in exact.values() if len(rows) > 1]
    return {
        "groups": int(np.count_nonzero(sizes > 1)),
        "grouped_articles": int(sizes[sizes > 1].sum()),
        "largest_group": int(sizes.max()) if len(sizes) else 0,
        "exact_copy_sets": len(copies),
        "exact_copies": sum(len(rows) for rows in copies),
        "exact_sets_in_one_group": sum(1 for rows in copies if len(set(groups[rows])) == 1),
    }


def datasketch_seconds(articles: list[Article]) -> tuple[float, float]:
    """Seconds for datasketch's MinHash of the same shingles, and for its LSH index (insert
    and query every article, as a build regrouping everything would)."""
    from datasketch import MinHash, MinHashLSH

    from indexer.index.duplicates import NUM_PERM, SHINGLE

    split = [[s.folded for s in syllables(nfc(a.body))] for a in articles]
    started = time.perf_counter()
    hashes = []
    for words in split:
        shingles = {" ".join(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}
        m = MinHash(num_perm=NUM_PERM)
        m.update_batch([s.encode("utf-8") for s in shingles])
        hashes.append(m)
    sig_s = time.perf_counter() - started
    started = time.perf_counter()
    lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
    for i, m in enumerate(hashes):
        lsh.insert(i, m)
    for m in hashes:
        lsh.query(m)
    return sig_s, time.perf_counter() - started


def related_latency(index_dir: str, ids: list[str]) -> dict[str, Any]:
    started = time.perf_counter()
    engine = Engine(index_dir)
    open_s = time.perf_counter() - started
    times, counts = [], []
    for doc_id in ids:
        t0 = time.perf_counter()
        hits = engine.related(doc_id)
        times.append((time.perf_counter() - t0) * 1000)
        counts.append(len(hits or []))
    return {
        "engine_open_s": round(open_s, 3),
        "related_ms": latency_summary(times),
        "related_articles_mean": round(float(np.mean(counts)), 2) if counts else 0.0,
        "documents": engine.doc_count(),
    }


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    log(f"reading {args.source} …")
    articles = first_articles(args.source, args.limit)
    log(f"{len(articles)} articles; signatures …")
    sigs, sig_s = signatures(articles)
    per_article = analysis_seconds(articles)
    started = time.perf_counter()
    groups = group_ids(sigs)
    group_s = time.perf_counter() - started
    result: dict[str, Any] = {
        "revision": git_revision(),
        "articles": len(articles),
        "signature_ms_per_article": round(sig_s / len(articles) * 1000, 3),
        "analysis_ms_per_article": round(per_article * 1000, 3),
        "grouping_s": round(group_s, 3),
        "threshold": THRESHOLD,
        **group_stats(articles, groups),
        "other_thresholds": {
            str(t): group_stats(articles, group_ids(sigs, t))["grouped_articles"]
            for t in (0.7, 0.9)
        },
    }
    print(f"articles: {len(articles):,}  (revision {result['revision']})")
    print(
        f"signature: {result['signature_ms_per_article']} ms/article, of a whole analysis of "
        f"{result['analysis_ms_per_article']} ms/article (one process); "
        f"grouping all signatures: {group_s:.2f} s"
    )
    print(
        f"Jaccard ≥ {THRESHOLD}: {result['groups']:,} groups holding "
        f"{result['grouped_articles']:,} articles (largest {result['largest_group']}); "
        f"exact copies: {result['exact_copies']:,} articles in {result['exact_copy_sets']:,} "
        f"sets, {result['exact_sets_in_one_group']:,} of the sets within one group"
    )
    print(
        "articles grouped at other thresholds: "
        + ", ".join(f"{t}: {n:,}" for t, n in result["other_thresholds"].items())
    )
    if args.datasketch:
        ds_sig, ds_lsh = datasketch_seconds(articles)
        result["datasketch"] = {
            "signature_ms_per_article": round(ds_sig / len(articles) * 1000, 3),
            "lsh_s": round(ds_lsh, 3),
        }
        print(
            f"datasketch: signature {ds_sig / len(articles) * 1000:.3f} ms/article, "
            f"LSH insert + query of every article {ds_lsh:.2f} s"
        )
    if args.index_dir:
        ids = random.Random(DEFAULT_SEED).sample(
            [a.id for a in articles], min(args.related, len(articles))
        )
        rel = related_latency(args.index_dir, ids)
        result["related"] = rel
        ms = rel["related_ms"]
        print(
            f"engine open: {rel['engine_open_s']:.2f} s ({rel['documents']:,} documents); "
            f"related articles over {len(ids)} articles: p50 {fmt_ms(ms['p50'])} ms, "
            f"p95 {fmt_ms(ms['p95'])} ms, p99 {fmt_ms(ms['p99'])} ms, "
            f"{rel['related_articles_mean']} shown on average"
        )
    command = reproduce_command(sys.argv[0], sys.argv[1:] if argv is None else argv)
    finish(result, command, args.json)


if __name__ == "__main__":
    main()

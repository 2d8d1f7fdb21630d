"""How far the second ranking stage's features go, on questions it was not tuned on.

Runs every question through the first stage alone (``Engine.search`` with the proximity
stage off), reads the best ``--depth`` articles back, and computes for each the features of
``indexer/proximity.py`` (the query's share inside windows of 5/10/20/40 syllables, its share
anywhere, the text's length) and candidate features the stage does not use (more window
sizes, the best sentence and the best two adjacent sentences, adjacent query pairs found
adjacent, the share in the headline). It then prints MRR@10 on the even- and odd-numbered
questions of each variant for:

- the first stage alone;
- the shipped weights (``Proximity()``: the ranking ``Engine.search`` gives these questions);
- the shipped features with weights refitted on the even-numbered questions (coordinate
  ascent on MRR@10), so the odd-numbered ones are held out;
- every feature, refitted the same way.

A refit that gains on the even half but not on the odd one has learnt those questions, not
Vietnamese.

    python benchmarks/second_stage.py ../shared/data/vinewsqa/{corpus.jsonl,queries.jsonl,qrels.tsv}
"""

from __future__ import annotations

import argparse
import itertools
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

if __package__ in (None, ""):  # run as a script: make ``benchmarks`` and ``indexer`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.harness.data import VINEWSQA_DIR, load_docs, load_qrels, load_queries
from benchmarks.harness.indexes import ensure_index, index_dir_or_temp, selection_key
from benchmarks.harness.options import add_distractors
from benchmarks.harness.report import git_revision, log, reproduce_command
from benchmarks.metrics import mrr_at_k
from benchmarks.relevance import DEFAULT_SEED, select_queries
from benchmarks.variants import make_variant

SHIPPED = ("w5", "w10", "w20", "w40", "coverage", "log_length")
CANDIDATES = ("w3", "w15", "w30", "w60", "w80", "sentence", "two_sentences", "pairs", "title")
# Every column of ``Questions.features``: ``missing`` describes the misses and is never fitted.
COLUMNS = (*SHIPPED, *CANDIDATES, "missing")
MISSING = COLUMNS.index("missing")
WINDOW_SIZES = (3, 5, 10, 15, 20, 30, 40, 60, 80)
SENTENCE_END = re.compile(r"[.!?;\n]+")
STEPS = (0.2, 0.1, 0.05, 0.02)


@dataclass
class Questions:
    """The first stage's best articles of every question, as padded arrays."""

    variant: np.ndarray  # (questions,) variant names
    even: np.ndarray  # (questions,) bool: even-numbered in the query file
    first: np.ndarray  # (questions, depth) first-stage score / the best one; -inf padding
    features: np.ndarray  # (questions, depth, features)
    relevant: np.ndarray  # (questions, depth) bool
    rescored: np.ndarray  # (questions,) bool: the stage applies (a query ranked by any word)
    unchanged: np.ndarray  # (questions,) the first stage's reciprocal rank, where not re-scored


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="second_stage.py",
        description="MRR@10 of the second ranking stage's features with the shipped weights "
        "and refitted on half of the questions, checked on the other half.",
    )
    parser.add_argument(
        "files",
        type=Path,
        nargs="*",
        metavar="CORPUS QUERIES QRELS",
        help="BEIR corpus.jsonl, queries.jsonl, qrels.tsv (default: ViNewsQA)",
    )
    add_distractors(parser)
    parser.add_argument("--index-dir", help="keep or reuse the timkiem index here")
    parser.add_argument(
        "--variants",
        default="as-written,unaccented",
        help="comma-separated query variants (benchmarks/variants.py)",
    )
    parser.add_argument("--depth", type=int, default=30, help="articles re-scored a question")
    parser.add_argument(
        "--lambdamart",
        action="store_true",
        help="also learn a LambdaMART ranker over every feature, the first-stage score and "
        "rank (needs LightGBM: pip install lightgbm scikit-learn)",
    )
    args = parser.parse_args(argv)
    if not args.files:
        args.files = [VINEWSQA_DIR / n for n in ("corpus.jsonl", "queries.jsonl", "qrels.tsv")]
    if len(args.files) != 3:
        parser.error("give CORPUS QUERIES QRELS, or nothing for ViNewsQA")
    return args


def article_features(
    body: str,
    title: str,
    weights: dict[str, float],
    pairs: list[tuple[str, str, float]],
    content: frozenset[str] = frozenset(),
) -> dict[str, float]:
    """Every feature of one article for one query (shares of the query's total weight), and
    ``missing``: the share of the weight of the ``content`` words (the query's words that
    are not function or question words) that neither the text nor the headline holds."""
    from indexer.search.proximity import QueryTerms, closeness
    from indexer.text.analysis import folded_syllables

    terms = QueryTerms(weights)
    total = terms.total or 1.0
    sentences = [folded_syllables(s) for s in SENTENCE_END.split(body)]
    tokens = list(itertools.chain.from_iterable(sentences))  # = folded_syllables(body)
    c = closeness(tokens, terms, WINDOW_SIZES)
    out = {f"w{size}": share for size, share in zip(WINDOW_SIZES, c.windows, strict=True)}
    out["coverage"] = c.coverage
    out["log_length"] = c.log_length
    found = [set(s) & weights.keys() for s in sentences]
    one = [sum(weights[t] for t in s) for s in found]
    two = [sum(weights[t] for t in a | b) for a, b in itertools.pairwise(found)]
    out["sentence"] = max(one, default=0.0) / total
    out["two_sentences"] = max(two, default=max(one, default=0.0)) / total  # one sentence
    adjacent = set(itertools.pairwise(tokens))
    pair_total = sum(w for _, _, w in pairs) or 1.0
    out["pairs"] = sum(w for a, b, w in pairs if (a, b) in adjacent) / pair_total
    in_title = set(folded_syllables(title))
    out["title"] = sum(w for t, w in weights.items() if t in in_title) / total
    absent = content - set(tokens) - in_title
    out["missing"] = sum(weights.get(t, 0.0) for t in absent) / (
        sum(weights.get(t, 0.0) for t in content) or 1.0
    )
    return out


def collect(args: argparse.Namespace) -> Questions:
    from indexer import Engine
    from indexer.search.parse import parse
    from indexer.search.proximity import Proximity
    from indexer.search.scoring import Ranking, proximity_terms
    from indexer.text.stopwords import is_stopword

    corpus, queries_file, qrels_file = args.files
    sources = [corpus, *args.distractors]
    docs = load_docs(sources)
    queries, qrels, _ = select_queries(
        load_queries(queries_file), load_qrels(qrels_file), docs, None, DEFAULT_SEED
    )
    depth = args.depth
    rows: list[tuple[str, bool, np.ndarray, np.ndarray, np.ndarray, bool, float]] = []
    with index_dir_or_temp(args.index_dir, "timkiem-second-stage-") as index_dir:
        index = ensure_index(index_dir, docs, sources, selection=selection_key(None, 0))
        ranking = Ranking(proximity=Proximity(depth=0))  # the first stage alone
        engine = Engine(index_dir, ranking=ranking, result_cache=0)
        live = engine.current()
        started = time.perf_counter()
        for variant in args.variants.split(","):
            log(f"{variant}: {len(queries):,} questions …")
            for number, (qid, text) in enumerate(queries.items()):
                query = make_variant(variant, text, key=qid, seed=DEFAULT_SEED)
                parsed = parse(query)
                hits = engine.search(query, per_page=depth, snippets=False).hits
                ranked = [index.record_id(h.id) for h in hits]
                relevant = np.array([d in qrels[qid] for d in ranked])
                first = np.full(depth, -np.inf)
                features = np.zeros((depth, len(COLUMNS)))
                rescored = ranking.ranks_by_any_word(parsed) and len(hits) > 1
                if rescored:
                    weights = proximity_terms(live, parsed, ranking).weights
                    words = list(parsed.words())
                    content = frozenset(w.folded for w in words if not is_stopword(w))
                    pairs = [
                        (a.folded, b.folded, min(weights[a.folded], weights[b.folded]))
                        for a, b in itertools.pairwise(words)
                    ]
                    best = hits[0].score or 1.0
                    for i, hit in enumerate(hits):
                        article = engine.article(hit.id)
                        f = article_features(article.body, article.title, weights, pairs, content)
                        first[i] = hit.score / best
                        features[i] = [f[n] for n in COLUMNS]
                rows.append(
                    (
                        variant,
                        number % 2 == 0,
                        first,
                        features,
                        np.pad(relevant, (0, depth - len(hits))),
                        rescored,
                        mrr_at_k(ranked, qrels[qid]),
                    )
                )
        log(f"collected in {time.perf_counter() - started:.0f} s")
    columns = list(zip(*rows, strict=True))
    return Questions(*(np.array(c) for c in columns))


def reciprocal_ranks(q: Questions, scores: np.ndarray) -> np.ndarray:
    """MRR@10 terms of every question when the re-scored articles are ordered by ``scores``
    (questions × depth); the others keep the first stage's."""
    order = np.argsort(-scores, axis=1, kind="stable")[:, :10]
    hits = np.take_along_axis(q.relevant, order, axis=1)
    first_hit = np.where(hits.any(axis=1), hits.argmax(axis=1) + 1, np.inf)
    return np.where(q.rescored, 1.0 / first_hit, q.unchanged)


def linear(q: Questions, columns: list[int], weights: np.ndarray) -> np.ndarray:
    """The second stage's scores: first-stage score plus the ``columns`` by ``weights``."""
    return q.first + q.features[:, :, columns] @ weights


def fit(q: Questions, columns: list[int], start: np.ndarray) -> np.ndarray:
    """Coordinate ascent on MRR@10 of the even-numbered questions."""
    weights = start.astype(float)
    best = reciprocal_ranks(q, linear(q, columns, weights))[q.even].mean()
    for step in STEPS:
        improved = True
        while improved:
            improved = False
            for j in range(len(columns)):
                for delta in (step, -step):
                    trial = weights.copy()
                    trial[j] += delta
                    value = reciprocal_ranks(q, linear(q, columns, trial))[q.even].mean()
                    if value > best + 1e-9:
                        best, weights, improved = value, trial, True
    return weights


def describe_misses(q: Questions, scores: np.ndarray) -> None:
    """Of the questions whose article is re-scored (by ``scores``) but not first: how many
    their article lacks words of, and how many the first article holds every word of."""
    rr = reciprocal_ranks(q, scores)
    missed = q.rescored & (rr < 1.0) & q.relevant.any(axis=1)
    missing = q.features[:, :, MISSING]
    article = q.relevant.argmax(axis=1)
    lacks = missing[np.arange(len(rr)), article] > 0
    first = scores.argmax(axis=1)
    holds = missing[np.arange(len(rr)), first] == 0
    for v in dict.fromkeys(q.variant):
        mine = missed & (q.variant == v)
        n = int(mine.sum())
        print(
            f"{v}: questions missed with their article among the re-scored: {n:,}; "
            f"their article lacks a content word of the question in "
            f"{int((mine & lacks).sum()):,} "
            f"({np.mean(missing[mine, article[mine]]):.0%} of their weight on average); the "
            f"article ranked first holds every one in {int((mine & holds).sum()):,}"
        )


def shipped_weights() -> np.ndarray:
    """``Proximity()``'s weights in the order of ``SHIPPED``."""
    from indexer.search.proximity import Proximity

    model = Proximity()
    return np.array([w for _, w in model.windows] + [model.coverage_weight, model.length_weight])


def lambdamart(q: Questions, columns: list[int]) -> list[tuple[str, np.ndarray]]:
    """Reciprocal ranks of LambdaMART rankers (100-300 trees of 4-15 leaves) learnt on the
    even-numbered questions, one array a ranker."""
    import lightgbm

    depth = q.first.shape[1]
    rank = np.broadcast_to(1.0 / np.arange(1, depth + 1), q.first.shape)
    first = np.where(np.isfinite(q.first), q.first, -1.0)  # padding: ranked last below
    x = np.concatenate([first[..., None], rank[..., None], q.features[:, :, columns]], axis=2)
    train = q.even & q.rescored
    out = []
    for leaves, trees in ((4, 300), (7, 100), (15, 200)):
        model = lightgbm.LGBMRanker(
            n_estimators=trees,
            num_leaves=leaves,
            learning_rate=0.05,
            min_child_samples=50,
            lambdarank_truncation_level=10,
            verbose=-1,
        )
        model.fit(
            x[train].reshape(-1, x.shape[2]),
            q.relevant[train].reshape(-1).astype(int),
            group=[depth] * int(train.sum()),
        )
        scores = model.predict(x.reshape(-1, x.shape[2])).reshape(q.first.shape)
        scores = np.where(np.isfinite(q.first), scores, -np.inf)
        out.append((f"LambdaMART {leaves} leaves {trees}", reciprocal_ranks(q, scores)))
    return out


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    q = collect(args)
    names = list(SHIPPED + CANDIDATES)
    shipped_columns, every_column = list(range(len(SHIPPED))), list(range(len(names)))
    shipped = shipped_weights()
    refit_shipped = fit(q, shipped_columns, shipped)
    refit_all = fit(q, every_column, np.concatenate([shipped, np.zeros(len(CANDIDATES))]))
    shipped_scores = linear(q, shipped_columns, shipped)
    rows = [
        ("first stage alone", reciprocal_ranks(q, q.first)),
        ("shipped weights", reciprocal_ranks(q, shipped_scores)),
        (
            "shipped features refitted",
            reciprocal_ranks(q, linear(q, shipped_columns, refit_shipped)),
        ),
        ("every feature refitted", reciprocal_ranks(q, linear(q, every_column, refit_all))),
    ]
    if args.lambdamart:
        rows += lambdamart(q, every_column)
    variants = list(dict.fromkeys(q.variant))
    halves = [(v, half) for v in variants for half in ("even", "odd")]
    print(
        f"timkiem second stage, commit {git_revision()}: "
        f"{len(q.variant):,} questions, depth {args.depth}"
    )
    print(f"{'system':<28}" + "".join(f"{v + ' ' + half:>24}" for v, half in halves))
    for label, rr in rows:
        cells = [
            rr[(q.variant == v) & (q.even if half == "even" else ~q.even)].mean()
            for v, half in halves
        ]
        print(f"{label:<28}" + "".join(f"{c:>24.4f}" for c in cells))
    describe_misses(q, shipped_scores)
    print(
        "refitted weights (every feature): "
        + ", ".join(f"{n} {w:+.2f}" for n, w in zip(names, refit_all, strict=True) if abs(w) > 1e-9)
    )
    print("command: " + reproduce_command(sys.argv[0], sys.argv[1:]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Keyword quality on real news: accented words kept exact, unaccented headlines found and read.

Builds (once, or reuses) a timkiem index of the first ``--docs`` articles of a JSON Lines
file (VNTC by default layout) and asks ``Engine.search`` (what ``timkiem search``, the page
and the API call) seeded keyword queries drawn from that same collection, per seed:

1. **Exact-accent share.** Ambiguous accented words of two syllables: adjacent syllable pairs
   of the articles (the project's own syllables: NFC, canonical tone placement, lower case,
   never across punctuation; letters only), with at least one mark, whose folded form
   (``fold``: no marks, đ → d) is also the fold of another pair of the collection, and that
   at least 3 articles hold as that exact pair ("bàn tay", folded "ban tay", beside
   "bán tay"). ``--words`` of them are sampled uniformly over distinct words (not by
   frequency) and typed as written; with k = min(10, results that could hold the exact
   pair: the articles holding it, a group of near-copies once, as the page shows it), the
   score is the share of the top k results whose title or body holds the exact pair (a
   result counts when it or a copy listed under it holds the pair). Exact copies count once
   towards the 3.
2. **Unaccented headlines, MRR@10.** ``--titles`` distinct headlines of 3+ syllables with at
   least one mark in their first six, sampled uniformly over distinct folded headlines: the
   first (up to) six syllables, folded, are the query; a hit is any article whose whole
   headline folds to the same (it, or a copy listed under a result).
3. **Interpretation.** For those queries, the reading the page shows as "Kết quả cho: …"
   (``SearchPage.interpreted``, the only field the template ``search.html`` reads for that
   line; None when the engine searched the words as typed): precision = shown readings
   equal to the headline's own six syllables (NFC, canonical tones, lower case); coverage =
   queries that got a reading at all (every query's words occur in the collection: they are
   a headline).
4. **What else the page shows.** Queries with no results, with a "did you mean"
   suggestion (``SearchPage.suggestion``) and said to be partial matches (no article with
   every word: ``SearchPage.partial``), for both query sets.

Nothing is a fixed list: every word and headline is drawn from the collection by seed.

    python benchmarks/keywords.py ../shared/data/vntc/vntc_10topics.jsonl.gz \\
        --docs 10000 --seeds 1,2,3 --index-dir /tmp/kwbench/index-10k
"""

from __future__ import annotations

import argparse
import hashlib
import math
import random
import sys
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make ``benchmarks`` and ``indexer`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.harness.data import Doc
from benchmarks.harness.indexes import ensure_index, first_articles, index_dir_or_temp
from benchmarks.harness.report import finish, git_revision, log, reproduce_command
from benchmarks.harness.stats import median
from benchmarks.metrics import mrr_at_k
from indexer.text.analysis import syllables
from indexer.text.normalize import fold, nfc, normalize

MIN_ARTICLES = 3  # an exact pair held by fewer articles is not sampled
TOP_K = 10
TITLE_WORDS = 6  # the query is the first (up to) six syllables of a headline
MIN_TITLE_WORDS = 3
EXAMPLES = 8  # worst cases printed per measure


# -- the collection -----------------------------------------------------------------------


def text_pairs(text: str) -> set[str]:
    """The adjacent syllable pairs of a text as the index sees them: canonical tones, lower
    case, never across punctuation, letters only ("Hoà Bình, 2024 hoà bình" →
    {"hòa bình"})."""
    sylls = syllables(nfc(text))
    return {
        f"{a.word} {b.word}"
        for a, b in pairwise(sylls)
        if b.joined and a.word.isalpha() and b.word.isalpha()
    }


def article_pairs(title: str, body: str) -> set[str]:
    """The pairs of an article: its title's and its body's (never one across the two)."""
    return text_pairs(title) | text_pairs(body)


def has_marks(text: str) -> bool:
    return fold(text) != text


@dataclass
class Headline:
    """A headline to search without accents: the query, the reading it should get, and the
    articles whose whole headline folds to the same."""

    query: str
    expected: str
    relevant: frozenset[str]


@dataclass
class Collection:
    """What the samples are drawn from: per article its pairs (on demand), the ambiguous
    words with the number of articles holding each, the headlines."""

    texts: dict[str, tuple[str, str]]  # article id → (title, body)
    words: dict[str, int]  # ambiguous accented pair → articles holding it (copies once)
    headlines: list[Headline]  # one per distinct folded headline, in collection order
    articles: int = 0
    distinct_texts: int = 0
    pairs_seen: int = 0
    ambiguous_folds: int = 0
    # Result ids the collection does not know: a sign that the index holds other articles
    # (or other ids) than the ones read, so the figures would not mean what they say.
    unknown: set[str] = field(default_factory=set)
    _pairs: dict[str, set[str]] = field(default_factory=dict)

    def check(self, ids: Iterable[str]) -> None:
        self.unknown.update(i for i in ids if i not in self.texts)

    def pairs_of(self, article_id: str) -> set[str]:
        found = self._pairs.get(article_id)
        if found is None:
            title, body = self.texts.get(article_id, ("", ""))
            found = self._pairs[article_id] = article_pairs(title, body)
        return found


def read_collection(articles: Sequence[Any]) -> Collection:
    """Count the pairs and headlines of ``articles`` (``Article`` records: id, title, body)."""
    texts: dict[str, tuple[str, str]] = {}
    df: Counter[str] = Counter()
    seen_texts: set[bytes] = set()
    by_folded_title: dict[str, list[str]] = {}
    first_title: dict[str, list[Any]] = {}
    for a in articles:
        texts[a.id] = (a.title, a.body)
        digest = hashlib.blake2b(f"{a.title}\0{a.body}".encode(), digest_size=16).digest()
        if digest not in seen_texts:  # exact copies: one result on the page, counted once
            seen_texts.add(digest)
            df.update(article_pairs(a.title, a.body))
        sylls = syllables(nfc(a.title))
        if len(sylls) >= MIN_TITLE_WORDS:
            key = " ".join(s.folded for s in sylls)
            by_folded_title.setdefault(key, []).append(a.id)
            first_title.setdefault(key, sylls)
    forms_of_fold: Counter[str] = Counter(fold(p) for p in df)
    words = {
        p: n
        for p, n in df.items()
        if n >= MIN_ARTICLES and has_marks(p) and forms_of_fold[fold(p)] >= 2
    }
    headlines = []
    for key, ids in by_folded_title.items():
        head = first_title[key][:TITLE_WORDS]
        expected = " ".join(s.word for s in head)
        if has_marks(expected):  # nothing to restore otherwise
            query = " ".join(s.folded for s in head)
            headlines.append(Headline(query, expected, frozenset(ids)))
    return Collection(
        texts,
        words,
        headlines,
        articles=len(texts),
        distinct_texts=len(seen_texts),
        pairs_seen=len(df),
        ambiguous_folds=sum(1 for n in forms_of_fold.values() if n >= 2),
    )


def sample_words(collection: Collection, n: int, seed: int) -> list[str]:
    """``n`` ambiguous words, uniformly over distinct words (all when fewer)."""
    pool = sorted(collection.words)
    rng = random.Random(f"keywords-exact:{seed}")
    return rng.sample(pool, min(n, len(pool)))


def sample_headlines(collection: Collection, n: int, seed: int) -> list[Headline]:
    """``n`` headlines, uniformly over distinct folded headlines (all when fewer)."""
    pool = sorted(collection.headlines, key=lambda h: (h.query, h.expected))
    rng = random.Random(f"keywords-titles:{seed}")
    return rng.sample(pool, min(n, len(pool)))


# -- measuring ----------------------------------------------------------------------------


def shown_ids(hit: Any) -> list[str]:
    """A result and the copies listed under it."""
    return [hit.id, *(c.id for c in hit.duplicates)]


def results_holding(engine: Any, collection: Collection, word: str) -> int:
    """How many results could hold ``word``: the articles holding it, a group of near-copies
    (one result on the page, see ``index.duplicates``) counted once."""
    store = engine.current()
    groups = set()
    for article_id in collection.texts:
        if word in collection.pairs_of(article_id):
            docnum = store.docnum(article_id)
            groups.add(article_id if docnum is None else int(store.duplicates.group[docnum]))
    return len(groups)


def exact_share(engine: Any, collection: Collection, word: str) -> dict[str, Any]:
    """The share of the top k results holding ``word`` exactly, k = min(10, the results that
    could hold it)."""
    page = engine.search(word, per_page=TOP_K, snippets=False)
    collection.check(i for hit in page.hits for i in shown_ids(hit))
    k = min(TOP_K, results_holding(engine, collection, word))
    held = sum(any(word in collection.pairs_of(i) for i in shown_ids(hit)) for hit in page.hits[:k])
    return {
        "word": word,
        "articles": collection.words[word],
        "k": k,
        "exact": held,
        "share": held / k if k else 1.0,
        "total": page.total,
        "interpreted": page.interpreted,
        "suggestion": page.suggestion,
        "partial": page.partial,
    }


def same_reading(shown: str | None, expected: str) -> bool:
    return shown is not None and " ".join(normalize(shown).split()) == expected


def headline_result(engine: Any, collection: Collection, h: Headline) -> dict[str, Any]:
    """Reciprocal rank of the headline's article among the top 10, and the reading shown."""
    page = engine.search(h.query, per_page=TOP_K, snippets=False)
    collection.check(i for hit in page.hits for i in shown_ids(hit))
    ranking = ["hit" if h.relevant.intersection(shown_ids(hit)) else "" for hit in page.hits]
    return {
        "query": h.query,
        "expected": h.expected,
        "rr": mrr_at_k(ranking, {"hit"}, TOP_K),
        "interpreted": page.interpreted,
        "correct": same_reading(page.interpreted, h.expected),
        "total": page.total,
        "suggestion": page.suggestion,
        "partial": page.partial,
    }


def mean(values: Iterable[float]) -> float:
    xs = list(values)
    return sum(xs) / len(xs) if xs else math.nan


def summarize(exact: Sequence[dict[str, Any]], titles: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The figures of one seed (or of every seed's queries together)."""
    shown = [r for r in titles if r["interpreted"] is not None]
    return {
        "exact_words": len(exact),
        "exact_share_mean": mean(r["share"] for r in exact),
        "exact_share_median": median([r["share"] for r in exact]),
        "exact_all_k": sum(r["exact"] == r["k"] for r in exact),
        "exact_reading_shown": sum(r["interpreted"] is not None for r in exact),
        "exact_no_results": sum(r["total"] == 0 for r in exact),
        "exact_suggestion": sum(r["suggestion"] is not None for r in exact),
        "exact_partial": sum(r["partial"] for r in exact),
        "titles": len(titles),
        "mrr10": mean(r["rr"] for r in titles),
        "found_top1": sum(r["rr"] == 1.0 for r in titles),
        "found_top10": sum(r["rr"] > 0 for r in titles),
        "reading_shown": len(shown),
        "reading_correct": sum(r["correct"] for r in shown),
        "interpretation_precision": mean(float(r["correct"]) for r in shown),
        "interpretation_coverage": len(shown) / len(titles) if titles else math.nan,
        "titles_no_results": sum(r["total"] == 0 for r in titles),
        "titles_suggestion": sum(r["suggestion"] is not None for r in titles),
        "titles_partial": sum(r["partial"] for r in titles),
    }


def worst_exact(results: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The words with the lowest shares below 1, each once (seeds may draw the same word)."""
    by_word = {r["word"]: r for r in results if r["share"] < 1.0}
    return sorted(by_word.values(), key=lambda r: (r["share"], r["word"]))[:EXAMPLES]


def wrong_readings(results: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Headline queries whose shown reading is not the headline, each once."""
    by_query = {
        r["query"]: {k: r[k] for k in ("query", "expected", "interpreted")}
        for r in results
        if r["interpreted"] is not None and not r["correct"]
    }
    return list(by_query.values())[:EXAMPLES]


# -- the run ------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="keywords.py",
        description="Keyword quality of Engine.search on a news collection: accented words "
        "kept exact, unaccented headlines found (MRR@10) and read back (the 'Kết quả cho' "
        "line), over seeded samples of the collection's own words and headlines.",
        epilog="Example: python benchmarks/keywords.py "
        "../shared/data/vntc/vntc_10topics.jsonl.gz --docs 10000 --index-dir /tmp/kw-10k",
    )
    parser.add_argument("data", type=Path, help="JSON Lines articles (plain or .gz; VNTC layout)")
    parser.add_argument(
        "--docs", type=int, default=10000, metavar="N", help="the first N articles (default 10000)"
    )
    parser.add_argument(
        "--seeds", default="1,2,3", help="comma-separated seeds, one sample each (default 1,2,3)"
    )
    parser.add_argument("--words", type=int, default=100, help="ambiguous words per seed")
    parser.add_argument("--titles", type=int, default=200, help="headlines per seed")
    parser.add_argument(
        "--index-dir",
        help="keep the timkiem index here; reused when it already holds these articles "
        "(default: a temporary directory)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object last")
    args = parser.parse_args(argv)
    try:
        args.seed_list = [int(s) for s in args.seeds.split(",") if s.strip()]
    except ValueError:
        parser.error("--seeds takes integers separated by commas")
    if not args.seed_list or args.docs < 1 or args.words < 0 or args.titles < 0:
        parser.error("--seeds needs a seed; --docs must be at least 1, --words/--titles >= 0")
    if not args.data.is_file():
        parser.error(f"no such file: {args.data}")
    return args


def command_args(args: argparse.Namespace) -> list[str]:
    out = [str(args.data), "--docs", str(args.docs), "--seeds", args.seeds]
    out += ["--words", str(args.words), "--titles", str(args.titles)]
    if args.index_dir:
        out += ["--index-dir", args.index_dir]
    if args.json:
        out.append("--json")
    return out


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    from indexer import Engine

    started = time.perf_counter()
    log(f"Reading the first {args.docs:,} articles of {args.data} …")
    articles = first_articles(args.data, args.docs)
    docs = {
        a.id: Doc(a.id, a.title, a.body, str(Path(a.path).resolve()), a.line or 0) for a in articles
    }
    collection = read_collection(articles)
    del articles
    log(
        f"{len(collection.words):,} ambiguous accented words held by {MIN_ARTICLES}+ articles, "
        f"{len(collection.headlines):,} distinct headlines ({time.perf_counter() - started:.1f} s)."
    )
    with index_dir_or_temp(args.index_dir, "timkiem-keywords-") as index_dir:
        index = ensure_index(index_dir, docs, [args.data], True, {"first": args.docs})
        del docs
        engine = Engine(index_dir)
        per_seed: dict[str, dict[str, Any]] = {}
        every_exact: list[dict[str, Any]] = []
        every_title: list[dict[str, Any]] = []
        search_started = time.perf_counter()
        for seed in args.seed_list:
            log(f"Seed {seed}: {args.words} words, {args.titles} headlines …")
            exact = [
                exact_share(engine, collection, w)
                for w in sample_words(collection, args.words, seed)
            ]
            titles = [
                headline_result(engine, collection, h)
                for h in sample_headlines(collection, args.titles, seed)
            ]
            per_seed[str(seed)] = summarize(exact, titles)
            every_exact += exact
            every_title += titles
        search_seconds = time.perf_counter() - search_started
    result = {
        "data": str(args.data),
        "docs": index.documents,
        "collection": {
            "articles": collection.articles,
            "distinct_texts": collection.distinct_texts,
            "pairs": collection.pairs_seen,
            "ambiguous_folds": collection.ambiguous_folds,
            "ambiguous_words": len(collection.words),
            "headlines": len(collection.headlines),
        },
        "index": {
            "reused": not index.built,
            "build_seconds": round(index.build_seconds, 1),
        },
        "search_seconds": round(search_seconds, 1),
        "results_not_in_collection": len(collection.unknown),
        "seeds": per_seed,
        "overall": summarize(every_exact, every_title),
        "worst_exact": worst_exact(every_exact),
        "wrong_readings": wrong_readings(every_title),
        "commit": git_revision(),
    }
    print_report(result)
    finish(result, reproduce_command(sys.argv[0], command_args(args)), args.json)
    return 0


# -- the report ---------------------------------------------------------------------------


def _f(x: float) -> str:
    return "-" if isinstance(x, float) and math.isnan(x) else f"{x:.3f}"


ROWS = [
    ("exact-accent share, mean", "exact_share_mean", _f),
    ("exact-accent share, median", "exact_share_median", _f),
    ("  words (all top k exact)", None, lambda s: f"{s['exact_words']} ({s['exact_all_k']})"),
    (
        "  reading shown / no results",
        None,
        lambda s: f"{s['exact_reading_shown']} / {s['exact_no_results']}",
    ),
    ("  did you mean shown", "exact_suggestion", str),
    ("  partial matches said", "exact_partial", str),
    ("unaccented headlines, MRR@10", "mrr10", _f),
    (
        "  headlines (top 1 / top 10)",
        None,
        lambda s: f"{s['titles']} ({s['found_top1']} / {s['found_top10']})",
    ),
    ("interpretation precision", "interpretation_precision", _f),
    ("interpretation coverage", "interpretation_coverage", _f),
    (
        "  readings shown (correct)",
        None,
        lambda s: f"{s['reading_shown']} ({s['reading_correct']})",
    ),
    (
        "  no results / did you mean",
        None,
        lambda s: f"{s['titles_no_results']} / {s['titles_suggestion']}",
    ),
    ("  partial matches said", "titles_partial", str),
]


def print_report(r: dict[str, Any]) -> None:
    c = r["collection"]
    print(f"timkiem keyword quality, commit {r['commit']}")
    print(
        f"articles: {r['docs']:,} ({c['distinct_texts']:,} distinct texts) of {r['data']}; "
        f"index {'reused' if r['index']['reused'] else 'built'} "
        f"({r['index']['build_seconds']} s); searches {r['search_seconds']} s"
    )
    print(
        f"pairs: {c['pairs']:,}; folded pairs with 2+ accented forms: {c['ambiguous_folds']:,}; "
        f"ambiguous accented words held by {MIN_ARTICLES}+ articles: {c['ambiguous_words']:,}; "
        f"distinct headlines: {c['headlines']:,}"
    )
    if r["results_not_in_collection"]:
        print(
            f"WARNING: {r['results_not_in_collection']} result ids are not among the articles "
            "read: the index holds other articles than the ones sampled"
        )
    print()
    columns = [*(f"seed {s}" for s in r["seeds"]), "overall"]
    stats = [*r["seeds"].values(), r["overall"]]
    print(f"{'':<32}" + "".join(f"{col:>17}" for col in columns))
    for label, key, show in ROWS:
        cells = [show(s[key]) if key else show(s) for s in stats]
        print(f"{label:<32}" + "".join(f"{cell:>17}" for cell in cells))
    print()
    if r["worst_exact"]:
        print("lowest exact-accent shares (word: exact of k; reading shown)")
    for w in r["worst_exact"]:
        reading = f"; read as {w['interpreted']!r}" if w["interpreted"] else ""
        print(f"  {w['word']}: {w['exact']} of {w['k']} ({w['articles']} articles){reading}")
    if r["wrong_readings"]:
        print("readings shown that differ from the headline (query → shown; headline)")
        for w in r["wrong_readings"]:
            print(f"  {w['query']} → {w['interpreted']}; {w['expected']}")
    print()


if __name__ == "__main__":
    sys.exit(main())

"""Autocomplete latency: ``Engine.complete`` (what ``/api/suggest`` calls) over a seeded set
of prefixes, on an existing index (build it once with ``timkiem index``).

Prefixes come from the headlines of the collection: the first 1–3 words of a seeded sample
of titles, the last word cut at a random length (what a reader has typed so far), each typed
three ways: as written, without accents, and in Telex keys. Prints p50/p95/p99 ms per kind,
the cold start (opening the engine and answering the first prefix) and how many prefixes got
completions.

Did you mean: the first 2–3 words of other seeded titles, without accents, with one typo in
one word (a letter dropped, doubled, replaced or swapped with the next); prints the latency of
``Engine.search`` on them, how many got a suggestion and how many of those are the words
before the typo.

    python benchmarks/autocomplete.py --index-dir /tmp/tk-85k
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make ``benchmarks`` and ``indexer`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.harness.data import DEFAULT_SEED, VNTC_FILE, iter_docs
from benchmarks.harness.report import git_revision, log, reproduce_command
from benchmarks.harness.stats import fmt_ms, latency_summary
from benchmarks.variants import telex, unaccented

KINDS = ("as-written", "unaccented", "telex")
_WORD = re.compile(r"[^\W\d_]+")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="autocomplete.py",
        description="Autocomplete latency (Engine.complete) over seeded prefixes of headlines, "
        "typed with accents, without them and in Telex; cold start of the engine.",
    )
    parser.add_argument("--index-dir", required=True, help="An index built by timkiem index.")
    parser.add_argument(
        "--titles", default=str(VNTC_FILE), help="JSON Lines file whose titles give prefixes."
    )
    parser.add_argument("--prefixes", type=int, default=500, help="Prefixes per kind.")
    parser.add_argument("--typos", type=int, default=200, help="Queries with a typo.")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--json", action="store_true", help="Also print one JSON line.")
    return parser.parse_args(argv)


def prefixes(titles: list[str], n: int, seed: int) -> list[str]:
    """``n`` prefixes: 1–3 leading words of seeded titles, the last one cut short."""
    rng = random.Random(seed)
    out: list[str] = []
    while len(out) < n and titles:
        words = _WORD.findall(rng.choice(titles))
        if not words:
            continue
        take = words[: rng.randint(1, 3)]
        last = take[-1]
        take[-1] = last[: rng.randint(1, len(last))]
        out.append(" ".join(take).lower())
    return out


def typos(titles: list[str], n: int, seed: int) -> list[tuple[str, str]]:
    """``n`` pairs (unaccented words of a title, the same with one typo)."""
    rng = random.Random(seed + 1)
    out: list[tuple[str, str]] = []
    while len(out) < n and titles:
        words = [unaccented(w).lower() for w in _WORD.findall(rng.choice(titles))[:3]]
        long = [i for i, w in enumerate(words) if len(w) >= 3]
        if len(words) < 2 or not long:
            continue
        i = rng.choice(long)
        w, j = words[i], rng.randrange(len(words[i]) - 1)
        op = rng.choice(("drop", "double", "replace", "swap"))
        if op == "drop":
            w = w[:j] + w[j + 1 :]
        elif op == "double":
            w = w[: j + 1] + w[j:]
        elif op == "replace":
            w = w[:j] + rng.choice("abcdeghiklmnopqrstuvxy") + w[j + 1 :]
        else:
            w = w[:j] + w[j + 1] + w[j] + w[j + 2 :]
        typed = [*words[:i], w, *words[i + 1 :]]
        if typed != words:
            out.append((" ".join(words), " ".join(typed)))
    return out


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    from indexer import Engine

    log(f"reading titles from {args.titles} …")
    titles = [d.title or d.text[:80] for d in iter_docs([args.titles])]
    base = prefixes(titles, args.prefixes, args.seed)
    typed = {"as-written": base, "unaccented": [unaccented(p) for p in base]}
    typed["telex"] = [telex(p) for p in base]

    started = time.perf_counter()
    engine = Engine(args.index_dir)
    opened = time.perf_counter()
    engine.complete(base[0])
    cold = {"open_ms": (opened - started) * 1000, "first_ms": (time.perf_counter() - opened) * 1000}

    results = {}
    for kind in KINDS:
        ms, answered = [], 0
        for p in typed[kind]:
            t0 = time.perf_counter()
            got = engine.complete(p)
            ms.append((time.perf_counter() - t0) * 1000)
            answered += bool(got)
        results[kind] = {**latency_summary(ms), "answered": answered}

    print(f"index: {args.index_dir} ({engine.doc_count():,} articles), revision {git_revision()}")
    opened_ms, first_ms = fmt_ms(cold["open_ms"]), fmt_ms(cold["first_ms"])
    print(f"cold start: open {opened_ms} ms + first completion {first_ms} ms")
    print(f"{'kind':<12} {'n':>5} {'p50':>7} {'p95':>7} {'p99':>7} {'mean':>7}  answered")
    for kind, r in results.items():
        print(
            f"{kind:<12} {r['n']:>5} {fmt_ms(r['p50']):>7} {fmt_ms(r['p95']):>7} "
            f"{fmt_ms(r['p99']):>7} {fmt_ms(r['mean']):>7}  {r['answered']}/{r['n']}"
        )
    for kind in KINDS:
        log(f"e.g. {typed[kind][1]!r} → {engine.complete(typed[kind][1])[:4]}")
    pairs = typos(titles, args.typos, args.seed)
    ms, offered, right = [], 0, 0
    for meant, typed_query in pairs:
        t0 = time.perf_counter()
        page = engine.search(typed_query)
        ms.append((time.perf_counter() - t0) * 1000)
        if page.suggestion:
            offered += 1
            right += unaccented(page.suggestion) == meant
    spell = {**latency_summary(ms), "offered": offered, "right": right}
    print(
        f"did you mean: {len(pairs)} queries with a typo, search p50 {fmt_ms(spell['p50'])} ms, "
        f"p95 {fmt_ms(spell['p95'])} ms, p99 {fmt_ms(spell['p99'])} ms; "
        f"{offered} got a suggestion, {right} of them the words meant"
    )
    print("reproduce: " + reproduce_command(sys.argv[0], sys.argv[1:] if argv is None else argv))
    if args.json:
        print(json.dumps({"cold": cold, "kinds": results, "did_you_mean": spell}))


if __name__ == "__main__":
    main()

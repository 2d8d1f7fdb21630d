"""Word segmentation at build time: what pyvi costs, and what it changes in autocomplete.

For the articles of a source (default: the 500 ViNewsQA dev articles), prints:

- the CPU seconds of a whole build (``build_index`` in one process, so every second is
  counted) and, timed alone over the same titles and bodies, the part spent in word
  segmentation (``wordseg.word_starts``): a build without it takes the difference;
- the phrases autocomplete keeps (held by 2 articles or more) with pyvi's word boundaries and
  cut at syllable counts (every syllable a word start, as before pyvi had this role), how
  many of the latter are whole words in too few articles to be kept, and the most frequent.

CPU time, not wall time: it does not depend on what else the machine runs.

    python benchmarks/wordseg.py
    python benchmarks/wordseg.py --source ../shared/data/vntc/vntc_10topics.jsonl.gz --limit 5000
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make ``benchmarks`` and ``indexer`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.harness.data import VINEWSQA_DIR
from benchmarks.harness.indexes import first_articles
from benchmarks.harness.report import finish, git_revision, log, reproduce_command
from indexer import Article, build_index
from indexer.index.phrases import MIN_PHRASE_DOCS, PhraseCounter, phrases
from indexer.text.analysis import syllables
from indexer.text.normalize import nfc
from indexer.text.wordseg import word_starts

EXAMPLES = 15


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="wordseg.py", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--source", default=str(VINEWSQA_DIR / "corpus.jsonl"), help="articles (default: ViNewsQA)"
    )
    parser.add_argument("--limit", type=int, metavar="N", help="the first N articles only")
    parser.add_argument("--json", action="store_true", help="print one JSON object last")
    return parser.parse_args(argv)


def build_cpu_seconds(articles: list[Article]) -> float:
    with tempfile.TemporaryDirectory(prefix="timkiem-wordseg-") as index_dir:
        started = time.process_time()
        build_index(articles, index_dir, workers=1)
        return time.process_time() - started


def segmentation(articles: list[Article]) -> tuple[float, PhraseCounter, PhraseCounter]:
    """CPU seconds of word segmentation alone, and the phrases counted with its word
    boundaries and at syllable counts."""
    texts = [nfc(t) for a in articles for t in (a.title, a.body)]
    split = [syllables(t) for t in texts]
    word_starts("khởi động", syllables("khởi động"))  # load pyvi outside the timing
    started = time.process_time()
    starts = [word_starts(t, s) for t, s in zip(texts, split, strict=True)]
    seconds = time.process_time() - started
    whole, by_count = PhraseCounter(), PhraseCounter()
    for i in range(0, len(texts), 2):  # an article: its title and body
        found: set[str] = set()
        cut: set[str] = set()
        for k in (i, i + 1):
            found |= phrases(split[k], starts[k])
            cut |= phrases(split[k], [True] * len(split[k]))
        whole.add(found)
        by_count.add(cut)
    return seconds, whole, by_count


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    log(f"reading {args.source} …")
    articles = first_articles(args.source, args.limit)
    log(f"{len(articles):,} articles; word segmentation …")
    seg_s, whole, by_count = segmentation(articles)
    log("a whole build in one process …")
    build_s = build_cpu_seconds(articles)
    kept, kept_by_count = whole.top(), by_count.top()
    cut = {p: n for p, n in kept_by_count.items() if whole.counts.get(p, 0) < MIN_PHRASE_DOCS}
    examples = sorted(cut.items(), key=lambda item: (-item[1], item[0]))[:EXAMPLES]
    result: dict[str, Any] = {
        "revision": git_revision(),
        "articles": len(articles),
        "build_cpu_s": round(build_s, 2),
        "segmentation_cpu_s": round(seg_s, 2),
        "build_without_segmentation_cpu_s": round(build_s - seg_s, 2),
        "build_ratio": round(build_s / (build_s - seg_s), 2),
        "segmentation_ms_per_article": round(seg_s / len(articles) * 1000, 2),
        "phrases_whole_words": len(kept),
        "phrases_by_syllable_count": len(kept_by_count),
        "phrases_inside_a_word": len(cut),
        "examples": dict(examples),
    }
    print(f"articles: {len(articles):,}  (revision {result['revision']})")
    print(
        f"build, one process: {build_s:.1f} CPU s, of which word segmentation {seg_s:.1f} s "
        f"({result['segmentation_ms_per_article']} ms/article); without it "
        f"{build_s - seg_s:.1f} s: ×{result['build_ratio']}"
    )
    print(
        f"autocomplete phrases (in {MIN_PHRASE_DOCS}+ articles): {len(kept):,} of whole words; "
        f"{len(kept_by_count):,} cut at syllable counts, of which {len(cut):,} are whole words "
        f"in fewer than {MIN_PHRASE_DOCS} articles (dropped), most frequent: "
        + ", ".join(f"{p} ({n})" for p, n in examples)
    )
    command = reproduce_command(sys.argv[0], sys.argv[1:] if argv is None else argv)
    finish(result, command, args.json)


if __name__ == "__main__":
    main()

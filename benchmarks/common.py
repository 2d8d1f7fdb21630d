"""What the benchmark scripts share: data paths, loaders, query sets, statistics, folding for
the peer engines, and building (or reusing) a timkiem index with a manifest.

Paths default to the shared data folder beside the repository (``../shared/data``); every
script can override them with flags.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import math
import os
import random
import re
import shlex
import subprocess
import sys
import tempfile
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence, Set
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

from benchmarks.variants import strip_diacritics

REPO_ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = REPO_ROOT.parent / "shared" / "data"
VINEWSQA_DIR = DATA_DIR / "vinewsqa"
XQUAD_DIR = DATA_DIR / "xquad_vi"
VNTC_FILE = DATA_DIR / "vntc" / "vntc_10topics.jsonl.gz"
MANIFEST_FILE = "timkiem-benchmark.json"
RENAMED_FILE = "timkiem-benchmark-ids.json"
DEFAULT_SEED = 20240405

SYLLABLE = re.compile(r"\w+")
# A run of words with no punctuation between them: keyword queries never straddle a comma.
_PHRASE_BREAK = re.compile(r"[^\w\s]+|\d+|_+")
_LETTERS_ONLY = re.compile(r"[^\W\d_]+")


def log(message: str) -> None:
    """Progress for the reader, on stderr so that stdout holds only the figures."""
    print(message, file=sys.stderr, flush=True)


# -- data ---------------------------------------------------------------------------------


class Doc(NamedTuple):
    """A document as the collection gives it (BEIR: _id/title/text; VNTC: id/text), and
    where: the resolved file path and the line number (from 1), as ``Article`` records it."""

    id: str
    title: str
    text: str
    path: str = ""
    line: int = 0

    @property
    def key(self) -> tuple[str, int]:
        return (self.path, self.line)


def source_key(path: str | os.PathLike[str], line: int | None) -> tuple[str, int]:
    """(resolved path, line): what ties an ``Article`` to the record it came from."""
    return (str(Path(path).resolve()), line or 0)


def read_jsonl_lines(path: str | os.PathLike[str]) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number from 1, record) of a JSON Lines file, plain or gzip-compressed."""
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:
        for number, line in enumerate(fh, start=1):
            if line.strip():
                yield number, json.loads(line)


def read_jsonl(path: str | os.PathLike[str]) -> Iterator[dict[str, Any]]:
    """The records of a JSON Lines file, plain or gzip-compressed."""
    for _, record in read_jsonl_lines(path):
        yield record


def iter_docs(paths: Iterable[str | os.PathLike[str]]) -> Iterator[Doc]:
    """Documents of BEIR corpus files and VNTC files, in file order."""
    for path in paths:
        resolved = str(Path(path).resolve())
        for number, rec in read_jsonl_lines(path):
            doc_id = rec.get("_id", rec.get("id"))
            if doc_id is None:
                continue
            title, text = rec.get("title") or "", rec.get("text") or ""
            yield Doc(str(doc_id), title, text, resolved, number)


def load_docs(paths: Iterable[str | os.PathLike[str]]) -> dict[str, Doc]:
    """Documents by id; a repeated id keeps the later one, as ``build_index`` does."""
    docs: dict[str, Doc] = {}
    for doc in iter_docs(paths):
        docs[doc.id] = doc
    return docs


def load_queries(path: str | os.PathLike[str]) -> dict[str, str]:
    """Query id → text, in file order (BEIR ``queries.jsonl``)."""
    return {str(rec["_id"]): rec["text"] for rec in read_jsonl(path)}


def load_qrels(path: str | os.PathLike[str]) -> dict[str, set[str]]:
    """Query id → relevant document ids (score > 0) from a BEIR ``qrels.tsv``."""
    qrels: dict[str, set[str]] = {}
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh):
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 3 or (n == 0 and parts[0] == "query-id"):
                continue
            try:
                score = float(parts[2])
            except ValueError:
                continue
            qrels.setdefault(parts[0], set())
            if score > 0:
                qrels[parts[0]].add(parts[1])
    return qrels


def syllables(text: str) -> list[str]:
    """Lower-cased syllables, nothing else: "Hòa Bình, 2024" → ["hòa", "bình", "2024"].

    NFC first, so that the rare decomposed text compares equal to the composed one.
    """
    return SYLLABLE.findall(unicodedata.normalize("NFC", text).lower())


def raw_text_bytes(docs: Iterable[Doc]) -> int:
    """UTF-8 size of every title and text: what an index size is compared with."""
    return sum(len(d.title.encode("utf-8")) + len(d.text.encode("utf-8")) for d in docs)


# -- folding for the peer engines ---------------------------------------------------------


def fold_dd(text: str) -> str:
    """NFC and đ/Đ → d/D: FTS5's ``remove_diacritics 2`` drops marks but leaves đ alone."""
    return unicodedata.normalize("NFC", text).replace("đ", "d").replace("Đ", "D")


def fold_all(text: str) -> str:
    """Every diacritic dropped and đ → d (Tantivy's default tokenizer keeps accents)."""
    return strip_diacritics(text)


# -- statistics ---------------------------------------------------------------------------


def percentile(values: Sequence[float], p: float) -> float:
    """The ``p``-th percentile with linear interpolation (numpy's default); NaN if empty."""
    xs = sorted(values)
    if not xs:
        return math.nan
    pos = (len(xs) - 1) * p / 100.0
    lo, hi = math.floor(pos), math.ceil(pos)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def median(values: Sequence[float]) -> float:
    """The median (mean of the two middle values for an even count); NaN if empty."""
    return percentile(values, 50.0)


def latency_summary(ms: Sequence[float]) -> dict[str, float]:
    """p50/p95/p99 and mean of a list of milliseconds."""
    return {
        "p50": percentile(ms, 50),
        "p95": percentile(ms, 95),
        "p99": percentile(ms, 99),
        "mean": (sum(ms) / len(ms)) if ms else math.nan,
        "n": len(ms),
    }


def median_of_summaries(runs: Sequence[Mapping[str, float]]) -> dict[str, float]:
    """Each figure of several runs' summaries replaced by its median over the runs."""
    keys = runs[0].keys() if runs else ()
    return {k: median([r[k] for r in runs]) for k in keys}


# -- query sets ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Query:
    """A benchmark query: ``kind`` names its set ("keyword", "question-unaccented"...)."""

    kind: str
    text: str


def _title_line(doc: Doc) -> str:
    """The headline, or the first line of a text that has none (VNTC), cut to 30 words."""
    line = doc.title.strip() or doc.text.strip().split("\n", 1)[0]
    return " ".join(line.split()[:30])


def keyword_queries(docs: Sequence[Doc], n: int = 100, seed: int = DEFAULT_SEED) -> list[Query]:
    """``n`` queries of 1–4 adjacent words from random headlines, each also without accents.

    Words are letters only and never straddle punctuation; the result has 2 × ``n`` queries:
    ``n`` of kind "keyword" (lower case, as written) then their "keyword-unaccented" twins.
    """
    rng = random.Random(f"keywords:{seed}")
    ordered = sorted(docs, key=lambda d: d.id)
    picked: list[str] = []
    attempts = 0
    while len(picked) < n and attempts < 100 * n + 1000:
        attempts += 1
        doc = ordered[rng.randrange(len(ordered))]
        length = rng.randint(1, 4)
        runs = [
            words
            for chunk in _PHRASE_BREAK.split(_title_line(doc).lower())
            if len(words := _LETTERS_ONLY.findall(chunk)) >= length
        ]
        if not runs:
            continue
        words = runs[rng.randrange(len(runs))]
        start = rng.randrange(len(words) - length + 1)
        picked.append(" ".join(words[start : start + length]))
    accented = [Query("keyword", unicodedata.normalize("NFC", q)) for q in picked]
    return accented + [Query("keyword-unaccented", strip_diacritics(q.text)) for q in accented]


def question_queries(
    queries_path: str | os.PathLike[str], n: int = 300, seed: int = DEFAULT_SEED
) -> list[Query]:
    """A seeded sample of ``n`` questions (all when ``n`` is 0), each also without accents."""
    texts = list(load_queries(queries_path).values())
    if 0 < n < len(texts):
        rng = random.Random(f"questions:{seed}")
        keep = sorted(rng.sample(range(len(texts)), n))
        texts = [texts[i] for i in keep]
    accented = [Query("question", unicodedata.normalize("NFC", t)) for t in texts]
    return accented + [Query("question-unaccented", strip_diacritics(q.text)) for q in accented]


def select_docs(
    docs: Mapping[str, Doc], n: int | None, first: Set[str] = frozenset(), seed: int = DEFAULT_SEED
) -> dict[str, Doc]:
    """A reproducible subset of ``n`` documents (all when ``n`` is None or too large).

    Documents whose id is in ``first`` are taken first (the ones the questions are about);
    the rest is a seeded sample of the others.
    """
    if n is None or n >= len(docs):
        return dict(docs)
    head = sorted(i for i in docs if i in first)[:n]
    others = sorted(i for i in docs if i not in first)
    rng = random.Random(f"docs:{seed}")
    tail = rng.sample(others, max(0, n - len(head)))
    return {i: docs[i] for i in sorted([*head, *tail])}


# -- the timkiem index --------------------------------------------------------------------


@dataclass
class BenchIndex:
    """A timkiem index ready for a benchmark, and how it came to be."""

    path: Path
    documents: int
    built: bool  # False when an existing index was reused
    build_seconds: float
    articles_per_second: float
    skipped: int
    # timkiem's article id → the record's id, where they differ (the extractor makes ids
    # URL-safe: "test/Chinh tri Xa hoi/XH_NLD_T_ (8962)" → "test_Chinh_tri_Xa_hoi_…").
    renamed: dict[str, str] = field(default_factory=dict)
    manifest: dict[str, Any] = field(default_factory=dict)

    def record_id(self, article_id: str) -> str:
        return self.renamed.get(article_id, article_id)


def source_list(sources: Sequence[Path]) -> list[dict[str, Any]]:
    """What identifies the documents of an index: file names and sizes (sorted by name)."""
    return sorted(({"name": p.name, "size": p.stat().st_size} for p in sources), key=str)


def selection_key(n_docs: int | None, seed: int) -> dict[str, Any]:
    """Which documents of the sources an index holds: all, or a seeded subset of ``n_docs``."""
    return {"docs": "all"} if n_docs is None else {"docs": n_docs, "seed": seed}


def read_manifest(index_dir: Path) -> dict[str, Any] | None:
    try:
        return json.loads((index_dir / MANIFEST_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _read_renamed(index_dir: Path) -> dict[str, str]:
    try:
        return json.loads((index_dir / RENAMED_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _reusable(index_dir: Path, wanted: Mapping[str, Any]) -> dict[str, Any] | None:
    from indexer import Engine, index_exists

    manifest = read_manifest(index_dir)
    if manifest is None or not index_exists(index_dir):
        return None
    if any(manifest.get(k) != v for k, v in wanted.items()):
        return None
    try:
        if Engine(index_dir).doc_count() != manifest.get("engine_doc_count"):
            return None
    except Exception:
        return None
    return manifest


def first_articles(source: str | os.PathLike[str], limit: int | None = None) -> list[Any]:
    """The articles timkiem extracts from ``source`` (its ``Article`` records, skipped ones
    left out), the first ``limit`` of them when given."""
    from indexer import Article, iter_articles

    out = []
    for item in iter_articles([source]):
        if isinstance(item, Article):
            out.append(item)
            if limit and len(out) >= limit:
                break
    return out


def ensure_index(
    index_dir: Path,
    docs: Mapping[str, Doc],
    sources: Sequence[Path],
    subset: bool = False,
    selection: Mapping[str, Any] | None = None,
) -> BenchIndex:
    """The timkiem index of ``sources`` in ``index_dir``: of the records in ``docs`` only,
    when ``subset``.

    An index this function built earlier is reused when its manifest names the same source
    files (names and sizes) and ``selection``; otherwise the index is built (through
    ``iter_articles`` and ``build_index``, as ``timkiem index`` does) and the manifest written.
    Articles are tied to records by file and line, so ids the extractor rewrites still map.
    """
    from indexer import Engine, Skipped, build_index, iter_articles

    wanted = {"sources": source_list(sources), "selection": dict(selection or {})}
    manifest = _reusable(index_dir, wanted)
    if manifest is not None:
        log(f"Reusing the index in {index_dir} ({manifest['documents']:,} documents).")
        return BenchIndex(
            index_dir,
            manifest["documents"],
            False,
            manifest["build_seconds"],
            manifest["articles_per_second"],
            manifest["skipped"],
            _read_renamed(index_dir),
            manifest,
        )
    log(f"Building the timkiem index in {index_dir} …")
    by_key = {d.key: d.id for d in docs.values()}
    renamed: dict[str, str] = {}

    def articles() -> Iterator[Any]:
        for item in iter_articles(list(sources)):
            if isinstance(item, Skipped):
                yield item
                continue
            record_id = by_key.get(source_key(item.path, item.line))
            if subset and record_id is None:
                continue
            if record_id is not None and record_id != item.id:
                renamed[item.id] = record_id
            yield item

    report = build_index(articles(), index_dir)
    manifest = {
        **wanted,
        "documents": report.indexed,
        "engine_doc_count": Engine(index_dir).doc_count(),
        "skipped": len(report.skipped),
        "build_seconds": round(report.seconds, 3),
        "articles_per_second": round(report.articles_per_second, 1),
        "built": datetime.now(UTC).isoformat(timespec="seconds"),
        "renamed_ids": len(renamed),
    }
    (index_dir / RENAMED_FILE).write_text(json.dumps(renamed, ensure_ascii=False), "utf-8")
    (index_dir / MANIFEST_FILE).write_text(json.dumps(manifest, indent=2) + "\n", "utf-8")
    log(f"Built {report.indexed:,} documents in {report.seconds:.1f} s.")
    return BenchIndex(
        index_dir,
        report.indexed,
        True,
        report.seconds,
        report.articles_per_second,
        len(report.skipped),
        renamed,
        manifest,
    )


@contextlib.contextmanager
def index_dir_or_temp(index_dir: str | None, prefix: str) -> Iterator[Path]:
    """``index_dir`` (created if needed and kept), or a temporary directory removed after."""
    if index_dir:
        path = Path(index_dir)
        path.mkdir(parents=True, exist_ok=True)
        yield path
        return
    with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
        yield Path(tmp)


def live_generation_size(index_dir: Path) -> int:
    """Bytes on disk of the live generation of a timkiem index."""
    from indexer.index.generations import generation_dir

    return dir_size(generation_dir(index_dir))


def dir_size(path: Path) -> int:
    """Bytes of every file under ``path``."""
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


# -- reporting ----------------------------------------------------------------------------


def reproduce_command(argv0: str, args: Sequence[str]) -> str:
    """The shell command that repeats this run, from the current directory."""
    return f"(cd {shlex.quote(os.getcwd())} && {shlex.join(['python', argv0, *args])})"


def git_revision() -> str:
    """Short commit of the repository, with "+dirty" when the work tree has changes."""
    try:
        rev = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return rev + ("+dirty" if dirty else "")


def fmt_ms(value: float) -> str:
    """Milliseconds for a table: two decimals below 10, one above, "-" for NaN."""
    return "-" if math.isnan(value) else (f"{value:.2f}" if value < 10 else f"{value:.1f}")

"""Where the data is and how it is read: paths to the shared data folder, documents,
queries and relevance judgements, folding for the peer engines, seeded query sets and subsets.

Paths default to the shared data folder beside the repository (``../shared/data``); every
script can override them with flags.
"""

from __future__ import annotations

import gzip
import json
import os
import random
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence, Set
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any, NamedTuple

from benchmarks.variants import strip_diacritics

REPO_ROOT = Path(__file__).resolve().parents[2]
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


def news_sources(data_dir: Path) -> list[Path]:
    """The files of the collection the speed benchmarks search: VNTC, then ViNewsQA's
    articles (84,632 articles together)."""
    return [data_dir / "vntc" / "vntc_10topics.jsonl.gz", data_dir / "vinewsqa" / "corpus.jsonl"]


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


def write_articles(source: Path, n: int, out: Path) -> int:
    """The first ``n`` records of ``source`` (JSON Lines, maybe gzipped) into ``out``."""
    opener = gzip.open if source.suffix == ".gz" else open
    count = 0
    with opener(source, "rt", encoding="utf-8") as src, out.open("w", encoding="utf-8") as dst:
        for line in islice(src, n):
            dst.write(line)
            count += 1
    return count

"""The build inverts documents a chunk at a time in the analysis processes and hands the
writer whole postings lists: the index it writes must be, byte for byte, the one Whoosh's
own one-document-at-a-time path writes, whatever the chunk size, the number of analysis
processes, the spills to disk and the segment size."""

from __future__ import annotations

import json
from itertools import islice
from pathlib import Path
from typing import Any

import pytest
from whoosh import index as whoosh_index

from indexer import Article, Skipped, build_index, iter_articles
from indexer.index import analyse
from indexer.index.generations import META_FILE, generation_dir
from indexer.index.vocabulary import VOCABULARY_FILE
from tests.conftest import SEEDS, shared_data


def generation_files(index_dir: Path) -> dict[str, Any]:
    """Every file of the live generation by name (segment ids, which are random, replaced
    by their rank), but the build time and Whoosh's table of contents (which holds the
    ids): their segments' sizes stand for it."""
    gen = generation_dir(index_dir)
    ix = whoosh_index.open_dir(str(gen))
    try:
        segments = ix._segments()
        ids = [s.segment_id() for s in segments]
        out: dict[str, Any] = {
            "segments": [(s.doc_count_all(), s.deleted_count()) for s in segments]
        }
    finally:
        ix.close()
    for path in sorted(gen.iterdir()):
        if path.name == META_FILE or path.suffix == ".toc" or path.name.endswith("WRITELOCK"):
            continue
        name = path.name
        for rank, segment_id in enumerate(ids):
            name = name.replace(segment_id, f"segment{rank}")
        data: Any = path.read_bytes()
        if path.name == VOCABULARY_FILE:
            # The same forms and counts; the order of its keys follows string hashing,
            # which differs from process to process.
            data = json.loads(data)
        out[name] = data
    return out


def reference(items: list[Any], index_dir: Path, monkeypatch: pytest.MonkeyPatch, **kw: Any):
    with monkeypatch.context() as m:
        m.setattr(analyse, "WRITE_PER_DOCUMENT", True)
        build_index(items, index_dir, workers=1, **kw)
    return generation_files(index_dir)


def assert_same(expected: dict[str, Any], actual: dict[str, Any]) -> None:
    assert sorted(actual) == sorted(expected)
    different = [name for name in expected if actual[name] != expected[name]]
    assert not different, f"files differ from the one-document path: {different}"


def seed_items() -> list[Any]:
    seeds = list(iter_articles([SEEDS]))
    assert len(seeds) == 5
    first = seeds[0]
    assert isinstance(first, Article)
    # A skipped source and an article given twice (the later one wins) inside the chunks.
    return [
        *seeds[:2],
        Skipped("broken.txt", "empty file"),
        Article(id=first.id, title="Bài thay thế", body="Nội dung thay thế của bài đầu."),
        *seeds[2:],
    ]


def test_seeds_give_the_same_files_inverted_as_one_by_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    items = seed_items()
    expected = reference(items, tmp_path / "reference", monkeypatch)
    assert any(name.endswith(".pst") for name in expected)
    monkeypatch.setattr(analyse, "ANALYSIS_CHUNK", 2)
    build_index(items, tmp_path / "chunks", workers=1, spill_postings=300)
    assert_same(expected, generation_files(tmp_path / "chunks"))
    build_index(items, tmp_path / "pool", workers=2)
    assert_same(expected, generation_files(tmp_path / "pool"))


def test_segments_end_where_they_did(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    items = seed_items()
    expected = reference(items, tmp_path / "reference", monkeypatch, segment_docs=3)
    assert expected["segments"] == [(3, 1), (3, 0)]  # the first copy of the first seed deleted
    monkeypatch.setattr(analyse, "ANALYSIS_CHUNK", 2)
    build_index(items, tmp_path / "chunks", workers=1, segment_docs=3)
    assert_same(expected, generation_files(tmp_path / "chunks"))


def test_news_articles_give_the_same_files_inverted_as_one_by_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = shared_data("vinewsqa", "corpus.jsonl")
    items = list(iter_articles([SEEDS])) + list(islice(iter_articles([corpus]), 300))
    expected = reference(items, tmp_path / "reference", monkeypatch)
    build_index(items, tmp_path / "pool", workers=2, spill_postings=20_000)
    assert_same(expected, generation_files(tmp_path / "pool"))
    monkeypatch.setattr(analyse, "ANALYSIS_CHUNK", 37)
    build_index(items, tmp_path / "chunks", workers=1)
    assert_same(expected, generation_files(tmp_path / "chunks"))

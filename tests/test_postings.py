"""Postings read whole into arrays: the same documents and frequencies Whoosh's own matcher
yields, for lists of several blocks, lists with one weight per block, and inlined lists."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching.mcore import ListMatcher

from indexer import Article, build_index
from indexer.index.generations import live_name
from indexer.index.postings import read_leaf_postings
from indexer.index.segment import BLOCK_SIZE

N_DOCS = BLOCK_SIZE + 80  # "chung" spans two blocks; the second is still a packed array


def body(i: int) -> str:
    words = ["chung", "hai hai", " ".join(["ba"] * (1 + i % 3))]  # freq 1, 2, and 1–3
    if i < BLOCK_SIZE + 20:
        words.append("mot")  # two blocks, the second short (a pickled tuple)
    if i % 2:
        words.append("le")  # one block
    if i % 7 == 0:
        words.append("bay bay")  # one block, every posting weighs 2
    if i in (3, 50, 700):
        words.append("hiem hiem")  # short enough to be inlined in the term dictionary
    return " . ".join(words)


@pytest.fixture(scope="module")
def leaves(tmp_path_factory: pytest.TempPathFactory) -> list[Any]:
    index_dir = tmp_path_factory.mktemp("postings")
    articles = [
        Article(id=f"d{i}", title="Bài", body=body(i), path=f"p/{i}.txt") for i in range(N_DOCS)
    ]
    report = build_index(articles, index_dir, workers=1)
    assert report.indexed == N_DOCS
    ix = whoosh_index.open_dir(str(Path(index_dir) / live_name(Path(index_dir))))
    searcher = ix.searcher()
    yield [leaf for leaf, _ in searcher.reader().leaf_readers()]
    searcher.close()
    ix.close()


def whoosh_postings(matcher: Any) -> tuple[list[int], list[float]]:
    """Documents and weights as Whoosh's matcher walks them, one posting at a time."""
    ids, weights = [], []
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        matcher.next()
    return ids, weights


@pytest.mark.parametrize(
    ("fieldname", "term", "df"),
    [
        ("body_f", "chung", N_DOCS),
        ("body_f", "mot", BLOCK_SIZE + 20),
        ("body_f", "ba", N_DOCS),
        ("body_f", "hai", N_DOCS),
        ("body", "le", N_DOCS // 2),
        ("body_f", "bay", len(range(0, N_DOCS, 7))),
        ("body_f", "hiem", 3),
        ("body_2f", "hai hai", N_DOCS),
        ("body_2f", "hiem hiem", 3),
    ],
)
def test_decoded_arrays_are_whooshs_postings(
    leaves: list[Any], fieldname: str, term: str, df: int
) -> None:
    btext = term.encode("utf-8")
    found = 0
    for leaf in leaves:
        if (fieldname, btext) not in leaf:
            continue
        expected_ids, expected_weights = whoosh_postings(leaf.postings(fieldname, btext))
        assert list(leaf.postings(fieldname, btext).all_ids()) == expected_ids
        ids, weights = read_leaf_postings(leaf.postings(fieldname, btext))
        assert ids.dtype == np.int64 and weights.dtype == np.float32
        assert ids.tolist() == expected_ids
        assert weights.tolist() == expected_weights
        found += len(ids)
    assert found == df


def block_count(matcher: W3LeafMatcher) -> int:
    count = 1
    while not matcher._lastblock:
        matcher._goto(matcher._nextoffset)
        count += 1
    return count


def test_the_lists_cover_every_layout(leaves: list[Any]) -> None:
    """Guard for the test above: several blocks, one weight per block, inlined lists."""
    (leaf,) = leaves
    chung = leaf.postings("body_f", b"chung")
    assert isinstance(chung, W3LeafMatcher) and block_count(chung) == 2
    assert block_count(leaf.postings("body_f", b"mot")) == 2
    assert isinstance(leaf.postings("body_f", b"hiem"), ListMatcher)
    hai = leaf.postings("body_f", b"hai")
    hai._read_data()
    assert hai._data[1] == 2.0  # every posting of the block weighs the same: one float
    ba = leaf.postings("body_f", b"ba")
    assert set(read_leaf_postings(ba)[1].tolist()) == {1.0, 2.0, 3.0}

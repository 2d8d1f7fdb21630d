"""Word pairs seen in one article: kept in hashed buckets instead of the term dictionary,
found again through their tag and confirmed against the stored text, so searches rank exactly
as if every pair were a term."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from whoosh import index as whoosh_index

from indexer import Article, Engine, build_index
from indexer.index.build import generation_dir
from indexer.index.rare import (
    BUCKET_BITS,
    TAG_BITS,
    RareCollector,
    bucket_and_tag,
    candidates,
    confirmed,
)


@pytest.mark.parametrize("term", [b"dan van", b"van dan", b"pha thac", b"x"])
def test_a_bigram_has_one_bucket_and_tag(term: bytes) -> None:
    bucket, tag = bucket_and_tag(term)
    assert (bucket, tag) == bucket_and_tag(term)
    assert len(bucket) == 3 and int(bucket, 16) < 2**BUCKET_BITS
    assert 0 <= tag < 2**TAG_BITS


def test_word_order_changes_the_tag() -> None:
    assert bucket_and_tag(b"dan van") == (b"f3e", 9574864)
    assert bucket_and_tag(b"van dan")[1] != bucket_and_tag(b"dan van")[1]


def test_collector_lists_buckets_in_term_order_postings_by_document() -> None:
    collector = RareCollector()
    collector.add(b"pha thac", 3)
    collector.add(b"dan van", 1)
    collector.add(b"pha thac", 0)
    bucket, tag = bucket_and_tag(b"pha thac")
    assert collector.lists() == [(bucket, [0, 3], [tag, tag]), (b"f3e", [1], [9574864])]


def test_candidates_are_the_postings_with_the_bigrams_tag() -> None:
    _, tag = bucket_and_tag(b"pha thac")
    ids = np.array([4, 2, 9, 2])
    tags = np.array([tag, tag, tag + 1, tag])
    assert candidates(ids, tags, "pha thac").tolist() == [2, 4]


def test_candidates_are_confirmed_against_the_stored_text() -> None:
    stored = {
        0: {"body_text": "Đoàn khám phá thác nước. Phá thác? Phá thác!"},
        1: {"body_text": "Phá, thác nước"},  # the words, split by punctuation: not the pair
        2: {},
    }
    ids, tfs = confirmed("body_2f", "pha thac", np.array([0, 1, 2]), stored.__getitem__)
    assert ids.tolist() == [0] and tfs.tolist() == [3.0]


RARE_DOCS = [
    Article(
        id="thac", title="Khám phá thác Đa Mi", body="Đoàn khám phá thác nước. Phá thác? Không."
    ),
    Article(id="xa", title="Thác lớn", body="Thác nước lớn, phá kỷ lục khám phá của đoàn."),
    Article(id="hai", title="Hội nghị", body="Hội nghị dân vận. Dân vận khéo, dân vận khéo."),
    Article(id="ba", title="Dân vận", body="Công tác dân vận khéo ở xã."),
]
RARE_QUERIES = (
    '"phá thác"',
    "phá thác",
    '"khám phá thác"',
    '"thác phá"',
    'title:"thác đa"',
    '"nước lớn"',
    "dan van kheo",
    '"kỷ lục khám"',
    '-"phá thác" thác',
)


def test_one_article_bigrams_in_buckets_rank_as_their_own_terms(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build_index(RARE_DOCS, tmp_path / "buckets", workers=1)
    with monkeypatch.context() as patch:
        patch.setattr("indexer.index.segment.RARE_FIELDS", {})
        build_index(RARE_DOCS, tmp_path / "terms", workers=1)
    ix = whoosh_index.open_dir(str(generation_dir(tmp_path / "buckets")))
    with ix.reader() as reader:
        # The one-article pairs are not terms of their own...
        assert "pha thac" not in {t.decode() for t in reader.lexicon("body_2f")}
        assert list(reader.lexicon("body_2r"))
        # ...while pairs of two articles are.
        assert "dan van" in {t.decode() for t in reader.lexicon("body_2f")}
    buckets, terms = Engine(tmp_path / "buckets"), Engine(tmp_path / "terms")
    for q in RARE_QUERIES:
        got = [(h.id, h.score) for h in buckets.search(q).hits]
        assert got == [(h.id, h.score) for h in terms.search(q).hits], q
    assert [h.id for h in buckets.search('"phá thác"').hits] == ["thac"]
    assert buckets.search('"thác phá"').total == 0

"""Word pairs seen in one article only, kept out of the term dictionary.

Half of the folded bigrams of a news collection occur in a single article (chance neighbours,
names, typos), and in Whoosh every term costs about 60 bytes of dictionary whatever
its postings. A segment therefore writes such a bigram not as its own term but as one
posting in a shared bucket (``RARE_FIELDS``: ``body_2f`` → ``body_2r``): the bucket is chosen
by a hash of the bigram, and the posting's weight holds more bits of that hash (a tag).

Reading a bigram absent from a segment's dictionary looks in its bucket for postings with its
tag and confirms each such article against its stored text with the indexer's own analysis,
which also gives the exact frequency. Results and scores are those of an index holding every
bigram as a term.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable

import numpy as np

from ..text.analysis import text_terms
from .schema import FOLDED_BIGRAMS, RARE_BIGRAMS, TEXT_FIELDS, term_field

# Bigram field → its bucket field, and the stored text it is checked against.
RARE_FIELDS = {term_field(f, FOLDED_BIGRAMS): term_field(f, RARE_BIGRAMS) for f in TEXT_FIELDS}
STORED_TEXT = {term_field(f, FOLDED_BIGRAMS): f + "_text" for f in TEXT_FIELDS}
BUCKET_BITS = 12  # 4,096 buckets per field and segment
TAG_BITS = 24  # a float32 weight holds integers up to 2**24 exactly


def bucket_and_tag(term: bytes) -> tuple[bytes, int]:
    """The bucket term and the tag of a rare bigram: b"dan van" → (b"f3e", 9574864)."""
    h = zlib.crc32(term) | (zlib.adler32(term) << 32)
    bucket = h & ((1 << BUCKET_BITS) - 1)
    tag = (h >> BUCKET_BITS) & ((1 << TAG_BITS) - 1)
    return f"{bucket:03x}".encode("ascii"), tag


class RareCollector:
    """Rare bigrams of one field of a segment, gathered while its terms are written."""

    def __init__(self) -> None:
        self.buckets: dict[bytes, list[tuple[int, int]]] = {}

    def add(self, term: bytes, docnum: int) -> None:
        bucket, tag = bucket_and_tag(term)
        self.buckets.setdefault(bucket, []).append((docnum, tag))

    def lists(self) -> list[tuple[bytes, list[int], list[int]]]:
        """(bucket term, doc numbers, tags) in term order, postings by document."""
        out = []
        for bucket in sorted(self.buckets):
            postings = sorted(self.buckets[bucket])
            out.append((bucket, [d for d, _ in postings], [t for _, t in postings]))
        return out


def candidates(ids: np.ndarray, tags: np.ndarray, term: str) -> np.ndarray:
    """The documents of a bucket's postings whose tag is the bigram's."""
    _, tag = bucket_and_tag(term.encode("utf-8"))
    return np.unique(ids[tags == tag])


def confirmed(
    fieldname: str, term: str, docnums: np.ndarray, stored: Callable[[int], dict]
) -> tuple[np.ndarray, np.ndarray]:
    """(doc numbers, frequencies) of the candidates that hold ``term`` in ``fieldname``,
    checked with the indexer's own analysis of the stored text (``stored(docnum)`` gives a
    document's stored fields). Candidates are nearly always true: a wrong one needs the same
    bucket and tag, one chance in 16 million per bucket posting."""
    ids, tfs = [], []
    for docnum in docnums.tolist():
        text = stored(docnum).get(STORED_TEXT[fieldname]) or ""
        tf = text_terms(text).folded_bigrams.get(term, 0)
        if tf:
            ids.append(docnum)
            tfs.append(tf)
    return np.asarray(ids, dtype=np.int64), np.asarray(tfs, dtype=np.float32)

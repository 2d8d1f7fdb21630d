"""One open index generation, its postings read whole into numpy arrays.

Whoosh holds the inverted index (terms, postings, lengths, stored fields); timkiem scores
with numpy over whole postings lists, which is what makes pure-Python Whoosh fast at
news-site scale. A postings list is decoded once into arrays (document numbers, term
frequencies) and kept in a bounded LRU cache, so a common syllable costs one array operation
per query instead of one Python call per posting.

This is the one module of the search side that knows how Whoosh lays out its postings and
lengths (its private attributes); ``segment`` is its counterpart on the write side.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

import numpy as np
from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.matching.mcore import ListMatcher
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import TermNotFound
from whoosh.util.numeric import byte_to_length

from .columns import Columns
from .duplicates import DuplicateGroups
from .phrases import PhraseCounts
from .rare import RARE_FIELDS, bucket_and_tag
from .rare import candidates as rare_candidates
from .rare import confirmed as rare_confirmed
from .schema import REPRESENTATIONS, TEXT_FIELDS, term_field
from .vocabulary import Vocabulary

K = TypeVar("K")
V = TypeVar("V")
Postings = tuple[np.ndarray, np.ndarray]  # document numbers (ascending), term frequencies
EMPTY: Postings = (np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float32))


@dataclass
class Lookups:
    """How often a cache had what was asked of it: counted for the life of the process,
    across index generations (each generation has caches of its own)."""

    hits: int = 0
    misses: int = 0


@dataclass
class CacheLookups:
    """The hits and misses of an engine's two caches: decoded postings lists and pages of
    results."""

    postings: Lookups = field(default_factory=Lookups)
    results: Lookups = field(default_factory=Lookups)


class LRU(Generic[K, V]):
    """A thread-safe least-recently-used map holding at most ``budget`` by ``weigh``
    (by default one per item), counting its hits and misses in ``lookups``."""

    def __init__(
        self,
        budget: int,
        weigh: Callable[[V], int] = lambda _: 1,
        lookups: Lookups | None = None,
    ) -> None:
        self._budget = budget
        self._weigh = weigh
        self._used = 0
        self._items: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()
        self.lookups = lookups if lookups is not None else Lookups()

    def get(self, key: K) -> V | None:
        with self._lock:
            value = self._items.get(key)
            if value is None:
                self.lookups.misses += 1
            else:
                self.lookups.hits += 1
                self._items.move_to_end(key)
            return value

    def put(self, key: K, value: V) -> None:
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._used -= self._weigh(old)
            self._items[key] = value
            self._used += self._weigh(value)
            while self._used > self._budget and self._items:
                _, dropped = self._items.popitem(last=False)
                self._used -= self._weigh(dropped)


def holds(ids: np.ndarray, docs: np.ndarray) -> np.ndarray:
    """Which of ``docs`` the ascending document numbers ``ids`` hold (a mask over ``docs``):
    by binary search when ``docs`` are few beside ``ids`` (the cost grows with ``docs``
    only), else through a table of the numbers."""
    if not len(ids) or not len(docs):
        return np.zeros(len(docs), dtype=bool)
    if len(docs) * 16 >= len(ids):
        return np.isin(docs, ids, kind="table")
    at = np.searchsorted(ids, docs)
    np.minimum(at, len(ids) - 1, out=at)
    return ids[at] == docs


def _postings_bytes(item: Postings) -> int:
    return item[0].nbytes + item[1].nbytes + 100


def read_leaf_postings(matcher: Any) -> tuple[np.ndarray, np.ndarray]:
    """All (doc ids, term frequencies) of one segment's postings list, as arrays.

    Deleted documents are included: the caller masks them out in one array operation.
    """
    if isinstance(matcher, FilterMatcher):  # Whoosh's per-posting deletion filter
        matcher = matcher.child
    if isinstance(matcher, ListMatcher) and matcher._i == 0:  # inlined in the term info
        ids = np.asarray(matcher._ids, dtype=np.int64)
        if matcher._weights:
            return ids, np.asarray(matcher._weights, dtype=np.float32)
        return ids, np.ones(len(ids), dtype=np.float32)
    if not isinstance(matcher, W3LeafMatcher):  # in-memory postings
        ids, tfs = [], []
        while matcher.is_active():
            ids.append(matcher.id())
            tfs.append(matcher.weight())
            matcher.next()
        return np.asarray(ids, dtype=np.int64), np.asarray(tfs, dtype=np.float32)
    # Each block holds its ids as deltas whose first is absolute: make that one a delta from
    # the previous block's last id, then one cumulative sum over all blocks.
    id_parts: list[np.ndarray] = []
    weight_parts: list[np.ndarray] = []
    prev_max = 0
    m = matcher
    while True:
        m._read_data()
        raw_ids, raw_weights, _ = m._data
        n = m._blocklength
        ids = np.array(raw_ids, dtype=np.int64)
        ids[0] -= prev_max
        id_parts.append(ids)
        if raw_weights is None:
            weight_parts.append(np.ones(n, dtype=np.float32))
        elif isinstance(raw_weights, float):
            weight_parts.append(np.full(n, raw_weights, dtype=np.float32))
        else:
            weight_parts.append(np.asarray(raw_weights, dtype=np.float32))
        prev_max = m._maxid
        if m._lastblock:
            break
        m._goto(m._nextoffset)
    if len(id_parts) == 1:
        return np.cumsum(id_parts[0]), weight_parts[0]
    return np.cumsum(np.concatenate(id_parts)), np.concatenate(weight_parts)


def length_codes(pdr: Any, fieldname: str, doccount: int) -> bytes:
    """The byte-coded field lengths of every document of a segment (Whoosh keeps one byte
    per document in a column), read in one piece."""
    col = pdr._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
    if col is None:
        return bytes(doccount)
    raw = col._dbfile.get(col._basepos, min(col._count, doccount))
    return raw + bytes(doccount - len(raw))


def _close_whoosh(searcher: Any, ix: Any) -> None:
    searcher.close()
    ix.close()


class OpenGeneration:
    """One open index generation: reader, postings cache, per-field length norms, deletion
    mask, and the files timkiem keeps beside the Whoosh index (vocabulary, columns, groups
    of near-copies; phrase counts on first use). What the search side derives from them
    (a speller, completions, a page cache) it keeps here through ``memo``, so that it lives
    and goes with the generation.

    ``b_for(text_field)`` is BM25's length normalisation of a text field ("title", "body");
    ``lookups`` counts the caches' hits and misses (the engine's, across generations).
    """

    def __init__(
        self,
        gen: Path,
        b_for: Callable[[str], float],
        cache_bytes: int,
        result_cache: int,
        lookups: CacheLookups | None = None,
    ) -> None:
        lookups = lookups or CacheLookups()
        self.lookups = lookups
        self.generation = gen.name
        self.ix = whoosh_index.open_dir(str(gen))
        self.searcher = self.ix.searcher()
        self.reader = self.searcher.reader()
        # Whoosh holds open file handles: release them when the last request using this
        # generation lets go of it.
        self._finalizer = weakref.finalize(self, _close_whoosh, self.searcher, self.ix)
        self.leaves: list[tuple[Any, int]] = list(self.reader.leaf_readers())
        self.n_all = self.reader.doc_count_all()
        self.n_docs = self.reader.doc_count()
        self.alive = np.ones(self.n_all, dtype=bool)
        if self.reader.has_deletions():
            for leaf, offset in self.leaves:
                for docnum in leaf.deleted_docs_set:
                    self.alive[offset + docnum] = False
        # Whoosh's files are read with seek-then-read on shared handles: one reader at a time.
        self.lock = threading.Lock()
        self.cache: LRU[tuple[str, str], Postings] = LRU(
            cache_bytes, _postings_bytes, lookups.postings
        )
        # Terms' BM25F scores over their documents (``scoring.term_scores``): a quarter more
        # memory, so that common words are scored once without evicting decoded postings.
        self.term_scores: LRU[tuple[Any, ...], Postings] = LRU(cache_bytes // 4, _postings_bytes)
        # Pages of repeated queries; a new generation is opened anew, so a fresh cache.
        self.results: LRU[tuple[Any, ...], Any] = LRU(result_cache, lookups=lookups.results)
        self.vocabulary = Vocabulary.load(gen)
        columns = Columns.load(gen)
        if columns is None or len(columns) != self.n_all:
            columns = Columns.from_postings(self.n_all, self._field_postings)
        self.columns = columns
        self.duplicates = DuplicateGroups.load(gen, self.n_all)
        self._gen = gen
        self._memo: dict[str, Any] = {}
        self._memo_lock = threading.RLock()  # a memo's maker may use another memo
        self.norms: dict[str, np.ndarray] = {}
        lengths_table = np.asarray([byte_to_length(i) for i in range(256)], dtype=np.float32)
        for text_field in TEXT_FIELDS:
            for rep in REPRESENTATIONS:
                name = term_field(text_field, rep)
                lengths = self._lengths(name, lengths_table)
                total = float(self.reader.field_length(name))
                avg = total / self.n_all if self.n_all and total else 1.0
                b = b_for(text_field)
                self.norms[name] = ((1.0 - b) + b * lengths / avg).astype(np.float32)

    def _lengths(self, fieldname: str, table: np.ndarray) -> np.ndarray:
        out = np.zeros(self.n_all, dtype=np.float32)
        for leaf, offset in self.leaves:
            codes = length_codes(leaf._perdoc, fieldname, leaf.doc_count_all())
            out[offset : offset + len(codes)] = table[np.frombuffer(codes, dtype=np.uint8)]
        return out

    def _field_postings(self, fieldname: str) -> list[tuple[str, np.ndarray]]:
        """(term, document numbers) of every term of an untokenized field (date, source)."""
        with self.lock:
            terms = sorted(
                {t.decode("utf-8") for leaf, _ in self.leaves for t in leaf.lexicon(fieldname)}
            )
        return [(t, self.postings(fieldname, t)[0]) for t in terms]

    def postings(self, fieldname: str, term: str) -> Postings:
        """The live documents holding ``term`` in ``fieldname``, ascending, with the term's
        frequency in each."""
        key = (fieldname, term)
        cached = self.cache.get(key)
        if cached is not None:
            return cached
        btext = term.encode("utf-8")
        id_parts, tf_parts = [], []
        rare_field = RARE_FIELDS.get(fieldname)
        maybe_rare = []
        with self.lock:
            for leaf, offset in self.leaves:
                try:
                    matcher = leaf.postings(fieldname, btext)
                except TermNotFound:
                    if rare_field is not None:  # seen in one article of this segment, or none
                        bucket, _ = bucket_and_tag(btext)
                        with suppress(TermNotFound):
                            ids, tags = read_leaf_postings(leaf.postings(rare_field, bucket))
                            maybe_rare.append(rare_candidates(ids, tags, term) + offset)
                    continue
                ids, tfs = read_leaf_postings(matcher)
                id_parts.append(ids + offset)
                tf_parts.append(tfs)
        if maybe_rare:
            ids, tfs = rare_confirmed(
                fieldname, term, np.concatenate(maybe_rare), self.stored_fields
            )
            id_parts.append(ids)
            tf_parts.append(tfs)
        if not id_parts:
            result = EMPTY
        else:
            ids = np.concatenate(id_parts).astype(np.int32)
            tfs = np.concatenate(tf_parts)
            if maybe_rare:  # keep the documents in order
                order = np.argsort(ids, kind="stable")
                ids, tfs = ids[order], tfs[order]
            if not self.alive.all():
                keep = self.alive[ids]
                ids, tfs = ids[keep], tfs[keep]
            result = (ids, tfs)
        self.cache.put(key, result)
        return result

    @property
    def phrase_counts(self) -> PhraseCounts:
        """Counts of the frequent words and phrases, read on first use (most searches never
        need them)."""
        return self.memo("phrase_counts", lambda: PhraseCounts.load(self._gen))

    def memo(self, name: str, make: Callable[[], V]) -> V:
        """The object ``make()`` gives, made once per generation on first use (``name`` says
        which): the search side's speller, completions and the like."""
        value = self._memo.get(name)
        if value is None:
            with self._memo_lock:
                value = self._memo.get(name)
                if value is None:
                    value = self._memo[name] = make()
        return value

    def doc_frequency(self, fieldname: str, term: str) -> int:
        with self.lock:
            return self.reader.doc_frequency(fieldname, term)

    def stored_fields(self, docnum: int) -> dict[str, Any]:
        with self.lock:
            return self.reader.stored_fields(docnum)

    def docnum(self, doc_id: str) -> int | None:
        """The document number of the live article with this id, or None."""
        with self.lock:
            docnum = self.searcher.document_number(id=doc_id)
        if docnum is None or not self.alive[docnum]:
            return None
        return int(docnum)

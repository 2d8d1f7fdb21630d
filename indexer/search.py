"""Parsed query → a page of plain hits, scored with BM25 over the Whoosh index.

Whoosh holds the inverted index (terms, postings, lengths, stored fields). Scoring is done
here with numpy over whole postings lists, which is what makes pure-Python Whoosh fast at
news-site scale:

- a postings list is decoded once into arrays and kept in a bounded LRU cache, so common
  syllables cost one array operation per query instead of one Python call per posting;
- query words are matched on their folded syllables and scored on four representations:
  folded and accented syllables (an accented query ranks exact-accent matches first) and
  folded and accented bigrams of adjacent words (words of several syllables together);
- one ``Engine`` per process holds one reader per index generation and reopens only when a
  new generation is published.
"""

from __future__ import annotations

import math
import os
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable, Iterable
from contextlib import suppress
from dataclasses import asdict, dataclass, field, replace
from itertools import pairwise
from pathlib import Path
from typing import Any, Generic, TypeVar

import numpy as np
from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching.mcore import ListMatcher
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import TermNotFound
from whoosh.util.numeric import byte_to_length

from .analysis import BIGRAM_SEPARATOR, folded_syllables
from .build import CURRENT_FILE, generation_dir
from .columns import Columns
from .duplicates import DuplicateGroups, group_page
from .facets import Filters, Grouping, check_sort, narrow, top
from .highlight import highlight_all, snippet
from .interpret import EXACT_PAIR_DOCS, PairForms, Vocabulary, interpret
from .proximity import Proximity, QueryTerms, rerank
from .query import Clause, ParsedQuery, QueryWord, parse
from .rare import RARE_FIELDS, bucket_and_tag
from .rare import candidates as rare_candidates
from .rare import confirmed as rare_confirmed
from .related import distinctive_words, related_query
from .schema import ACCENTED, FOLDED, FOLDED_BIGRAMS, REPRESENTATIONS, TEXT_FIELDS
from .segment import length_codes
from .spelling import FEW_RESULTS, Speller, did_you_mean
from .stopwords import is_stopword
from .suggest import MAX_SUGGESTIONS, Suggester

MAX_PER_PAGE = 100
RESULT_CACHE_SIZE = 2048  # pages of results kept per index generation
K = TypeVar("K")
V = TypeVar("V")
ACCENTED_BODY = "body" + ACCENTED
FOLDED_BIGRAMS_BODY = "body" + FOLDED_BIGRAMS
FOLDED_BODY = "body" + FOLDED
MAX_PAGE = 1000
RELATED_LIMIT = 5


@dataclass(frozen=True)
class Ranking:
    """The scoring model's parameters (BM25F over the title and body of each term).

    Defaults were tuned on half of the ViNewsQA dev questions, with the 84k VNTC articles as
    distractors (benchmarks/relevance.py): at that scale title weights from 1.0 to 2.5 score
    alike, so headline matches are kept first; coordination (matched / total query words)
    cost 0.013 MRR there and is off.
    """

    k1: float = 1.2
    title_b: float = 0.4
    body_b: float = 0.75
    title_weight: float = 1.5
    body_weight: float = 1.0
    stopword_weight: float = 0.1  # function and question words: "có", "gì", "nào", "không"
    restored_weight: float = 0.3  # bonus of the accented form restored to an unaccented word
    folded_weight: float = 0.1  # weight of the folded form of a word typed with accents
    bigram_weight: float = 1.0
    coord_power: float = 0.0  # (matched groups / groups) ** power
    and_max_groups: int = 4  # queries up to this many words need all of them
    proximity: Proximity = field(default_factory=Proximity)  # the second stage

    def ranks_by_any_word(self, parsed: ParsedQuery) -> bool:
        """A query of more than ``and_max_groups`` words (a question) is ranked by any of its
        words instead of needing all of them; these are the queries the second stage
        re-scores."""
        return len(parsed.positive) > self.and_max_groups

    def b_for(self, text_field: str) -> float:
        return self.title_b if text_field == "title" else self.body_b

    def weight_for(self, text_field: str) -> float:
        return self.title_weight if text_field == "title" else self.body_weight


@dataclass
class Described:
    """What identifies and describes an article, in a hit and in the article view."""

    id: str
    title: str
    date: str | None
    author: str | None
    source: str | None
    path: str


@dataclass
class Copy(Described):
    """A near-copy of a hit (the same text elsewhere), listed under it."""

    url: str


@dataclass
class Hit(Described):
    url: str
    snippet: str
    score: float
    duplicates: list[Copy] = field(default_factory=list)  # its near-copies that matched too

    def to_dict(self) -> dict[str, Any]:
        """The JSON of a result: near-copies by id."""
        return {**asdict(self), "duplicates": [c.id for c in self.duplicates]}


@dataclass
class SearchPage:
    query: str
    interpreted: str | None
    total: int
    page: int
    per_page: int
    took_ms: float
    hits: list[Hit] = field(default_factory=list)
    sort: str = "relevance"
    filters: Filters = field(default_factory=Filters)
    # Counts over the whole result set: {"year": [{"value", "label", "count"}…], "source": …}
    facets: dict[str, list[dict[str, Any]]] = field(
        default_factory=lambda: {"year": [], "source": []}
    )
    suggestion: str | None = None  # did you mean: a variant that finds far more

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page)) if self.per_page else 1

    def to_dict(self) -> dict[str, Any]:
        """The JSON the API returns."""
        return {
            "query": self.query,
            "interpreted": self.interpreted,
            "total": self.total,
            "page": self.page,
            "per_page": self.per_page,
            "took_ms": round(self.took_ms, 2),
            "suggestion": self.suggestion,
            "results": [h.to_dict() for h in self.hits],
            "sort": self.sort,
            "filters": self.filters.to_dict(),
            "facets": self.facets,
        }


@dataclass
class ArticleView(Described):
    url: str | None
    body: str


def article_url(doc_id: str) -> str:
    return f"/article/{doc_id}"


def web_url(url: str | None) -> str | None:
    """``url`` if it is an http(s) address, else None (never a javascript: link)."""
    if url and url.split(":", 1)[0].lower() in ("http", "https"):
        return url
    return None


def _described(stored: dict[str, Any]) -> dict[str, Any]:
    """The fields a hit and an article view share, from a document's stored fields."""
    return {
        "id": stored["id"],
        "title": stored.get("title_text") or "",
        "date": stored.get("date"),
        "author": stored.get("author"),
        "source": stored.get("source"),
        "path": stored.get("path") or "",
    }


class _LRU(Generic[K, V]):
    """A thread-safe least-recently-used map holding at most ``budget`` by ``weigh``
    (by default one per item)."""

    def __init__(self, budget: int, weigh: Callable[[V], int] = lambda _: 1) -> None:
        self._budget = budget
        self._weigh = weigh
        self._used = 0
        self._items: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
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


def _postings_bytes(item: tuple[np.ndarray, np.ndarray]) -> int:
    return item[0].nbytes + item[1].nbytes + 100


_EMPTY = (np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float32))


def _read_leaf_postings(matcher: Any) -> tuple[np.ndarray, np.ndarray]:
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
    deltas: list[int] = []
    weights: list[float] = []
    block_starts: list[int] = []
    prev_max: list[int] = []
    last_max = 0
    m = matcher
    while True:
        m._read_data()
        raw_ids, raw_weights, _ = m._data
        n = m._blocklength
        block_starts.append(len(deltas))
        prev_max.append(last_max)
        deltas.extend(raw_ids)
        if raw_weights is None:
            weights.extend([1.0] * n)
        elif isinstance(raw_weights, float):
            weights.extend([raw_weights] * n)
        else:
            weights.extend(raw_weights)
        last_max = m._maxid
        if m._lastblock:
            break
        m._goto(m._nextoffset)
    arr = np.asarray(deltas, dtype=np.int64)
    # Deltas restart in every block: turn each block's first (absolute) id into a delta.
    starts = np.asarray(block_starts[1:], dtype=np.int64)
    if len(starts):
        arr[starts] -= np.asarray(prev_max[1:], dtype=np.int64)
    return np.cumsum(arr), np.asarray(weights, dtype=np.float32)


def _close_whoosh(searcher: Any, ix: Any) -> None:
    searcher.close()
    ix.close()


class _Snapshot:
    """One open index generation: reader, per-field length norms, deletion mask."""

    def __init__(self, gen: Path, ranking: Ranking, cache_bytes: int, result_cache: int) -> None:
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
        self.cache: _LRU[tuple[str, str], tuple[np.ndarray, np.ndarray]] = _LRU(
            cache_bytes, _postings_bytes
        )
        # Pages of repeated queries; a new generation gets a new snapshot, so a fresh cache.
        self.results: _LRU[tuple[Any, ...], SearchPage] = _LRU(result_cache)
        self.vocabulary = Vocabulary.load(gen)
        self.pair_forms = PairForms()
        columns = Columns.load(gen)
        if columns is None or len(columns) != self.n_all:
            columns = Columns.from_postings(self.n_all, self._field_postings)
        self.columns = columns
        self.duplicates = DuplicateGroups.load(gen, self.n_all)
        self.grouping = Grouping(self.duplicates.group, self.duplicates.grouped)
        self._gen = gen
        self._lazy_lock = threading.Lock()
        self._suggester: Suggester | None = None
        self._speller: Speller | None = None
        self.norms: dict[str, np.ndarray] = {}
        lengths_table = np.asarray([byte_to_length(i) for i in range(256)], dtype=np.float32)
        for text_field in TEXT_FIELDS:
            for rep in REPRESENTATIONS:
                name = text_field + rep
                lengths = self._lengths(name, lengths_table)
                total = float(self.reader.field_length(name))
                avg = total / self.n_all if self.n_all and total else 1.0
                b = ranking.b_for(text_field)
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

    def postings(self, fieldname: str, term: str) -> tuple[np.ndarray, np.ndarray]:
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
                            ids, tags = _read_leaf_postings(leaf.postings(rare_field, bucket))
                            maybe_rare.append(rare_candidates(ids, tags, term) + offset)
                    continue
                ids, tfs = _read_leaf_postings(matcher)
                id_parts.append(ids + offset)
                tf_parts.append(tfs)
        if maybe_rare:
            ids, tfs = rare_confirmed(
                fieldname, term, np.concatenate(maybe_rare), self.stored_fields
            )
            id_parts.append(ids)
            tf_parts.append(tfs)
        if not id_parts:
            result = _EMPTY
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
    def suggester(self) -> Suggester:
        """Autocomplete entries, read on first use (most searches never need them)."""
        if self._suggester is None:
            with self._lazy_lock:
                if self._suggester is None:
                    self._suggester = Suggester.load(self._gen)
        return self._suggester

    @property
    def speller(self) -> Speller:
        if self._speller is None:
            with self._lazy_lock:
                if self._speller is None:
                    self._speller = Speller(self.vocabulary, self.n_docs)
        return self._speller

    def doc_frequency(self, fieldname: str, term: str) -> int:
        with self.lock:
            return self.reader.doc_frequency(fieldname, term)

    def stored_fields(self, docnum: int) -> dict[str, Any]:
        with self.lock:
            return self.reader.stored_fields(docnum)

    def body_text(self, docnum: int) -> str:
        return self.stored_fields(docnum).get("body_text") or ""

    def close(self) -> None:
        self._finalizer()


def _idf(n_docs: int, df: int) -> float:
    """BM25's inverse document frequency of a term found in ``df`` of ``n_docs`` articles."""
    return math.log(1.0 + (n_docs - df + 0.5) / (df + 0.5))


@dataclass
class _Scored:
    scores: np.ndarray
    matched: np.ndarray  # docs satisfying the query
    partial: bool = False  # no article has every word: matched holds the best partial ones
    # A long query (a question): ranked by any of its words, so the second stage applies.
    any_words: bool = False


class Engine:
    """Searches one index directory; safe to share between threads; one per process.

    >>> engine = Engine("index_data")          # doctest: +SKIP
    >>> engine.search("dan van kheo").total    # doctest: +SKIP
    """

    def __init__(
        self,
        index_dir: str | os.PathLike[str],
        *,
        ranking: Ranking | None = None,
        cache_mb: int = 256,
        result_cache: int = RESULT_CACHE_SIZE,
    ) -> None:
        self.index_dir = Path(index_dir)
        self.ranking = ranking or Ranking()
        self._cache_bytes = cache_mb * 1024 * 1024
        self._result_cache = result_cache
        self._lock = threading.Lock()
        self._snapshot: _Snapshot | None = None
        self._current_stamp: tuple[int, int] | None = None
        self._snapshot_now()

    # -- generations --------------------------------------------------------------------

    def _stamp(self) -> tuple[int, int] | None:
        try:
            st = os.stat(self.index_dir / CURRENT_FILE)
        except FileNotFoundError:
            return None
        return (st.st_mtime_ns, st.st_ino)

    def _snapshot_now(self) -> _Snapshot:
        """The snapshot of the live generation, reopened when a new one was published."""
        stamp = self._stamp()
        snap = self._snapshot
        if snap is not None and stamp == self._current_stamp:
            return snap
        with self._lock:
            if self._snapshot is not None and stamp == self._current_stamp:
                return self._snapshot
            gen = generation_dir(self.index_dir)
            if self._snapshot is None or self._snapshot.generation != gen.name:
                # The old snapshot is not closed: requests in flight may still read it; its
                # files are released when the last reference goes.
                self._snapshot = _Snapshot(gen, self.ranking, self._cache_bytes, self._result_cache)
            self._current_stamp = stamp
            return self._snapshot

    @property
    def generation(self) -> str:
        return self._snapshot_now().generation

    def doc_count(self) -> int:
        return self._snapshot_now().n_docs

    # -- scoring ------------------------------------------------------------------------

    def _add_term(
        self,
        snap: _Snapshot,
        scores: np.ndarray,
        fields: tuple[str, ...],
        rep: str,
        term: str,
        weight: float,
    ) -> np.ndarray:
        """Add one term's BM25F contribution to ``scores``; return the ids it occurs in.

        BM25F: the term's length-normalised frequencies in the fields are summed with the
        field weights and saturated once, so a word in the headline and the text counts
        more than in either, but never twice over as two saturated scores would.
        """
        parts = [(f, snap.postings(f + rep, term)) for f in fields]
        parts = [(f, ids, tfs) for f, (ids, tfs) in parts if len(ids)]
        if not parts:
            return _EMPTY[0]
        r = self.ranking
        if len(parts) == 1:
            f, ids, tfs = parts[0]
            tf = r.weight_for(f) * tfs / snap.norms[f + rep][ids]
        else:
            combined = np.zeros(snap.n_all, dtype=np.float32)
            present = np.zeros(snap.n_all, dtype=bool)
            for f, ids, tfs in parts:
                combined[ids] += r.weight_for(f) * tfs / snap.norms[f + rep][ids]
                present[ids] = True
            ids = np.flatnonzero(present)
            tf = combined[ids]
        # One IDF per term: the documents holding it in any field (or in the body alone
        # when the clause asks for the title only: a common word is common in titles too).
        df = len(ids)
        if fields == ("title",):
            df = max(df, len(snap.postings("body" + rep, term)[0]))
        idf = _idf(snap.n_docs, df)
        k1 = r.k1
        scores[ids] += (weight * idf * (k1 + 1.0)) * tf / (tf + k1)
        return ids

    def _word_terms(self, word: QueryWord) -> list[tuple[str, str, float]]:
        """(representation, term, weight) of one query word."""
        r = self.ranking
        w = r.stopword_weight if is_stopword(word) else 1.0
        if word.restored:
            # Accents restored by us: the form the corpus makes likely gets a bonus, and
            # every form still matches through the folded term.
            return [(FOLDED, word.folded, w), (ACCENTED, word.accented, w * r.restored_weight)]
        if word.has_accents:
            return [(ACCENTED, word.accented, w), (FOLDED, word.folded, w * r.folded_weight)]
        return [(FOLDED, word.folded, w)]

    def _pair_term(self, a: QueryWord, b: QueryWord) -> tuple[str, str, float]:
        """(representation, term, weight) of two adjacent query words."""
        return (FOLDED_BIGRAMS, a.folded + BIGRAM_SEPARATOR + b.folded, self.ranking.bigram_weight)

    @staticmethod
    def _phrase_mask(
        snap: _Snapshot, words: tuple[QueryWord, ...], fields: Iterable[str]
    ) -> np.ndarray:
        """Documents with every adjacent pair of ``words`` together in one of ``fields``."""
        mask = np.zeros(snap.n_all, dtype=bool)
        for f in fields:
            fmask = np.ones(snap.n_all, dtype=bool)
            for a, b in pairwise(words):
                pair = np.zeros(snap.n_all, dtype=bool)
                pair[
                    snap.postings(f + FOLDED_BIGRAMS, a.folded + BIGRAM_SEPARATOR + b.folded)[0]
                ] = True
                fmask &= pair
            mask |= fmask
        return mask

    def _clause(self, snap: _Snapshot, scores: np.ndarray, clause: Clause) -> np.ndarray:
        """Score a clause; return a mask of the documents that satisfy it."""
        mask = np.zeros(snap.n_all, dtype=bool)
        words = clause.words
        for word in words:
            for rep, term, w in self._word_terms(word):
                ids = self._add_term(snap, scores, clause.fields, rep, term, w)
                if rep == FOLDED:
                    mask[ids] = True
        if clause.phrase and len(words) > 1:
            for a, b in pairwise(words):
                self._add_term(snap, scores, clause.fields, *self._pair_term(a, b))
            return self._phrase_mask(snap, words, clause.fields)
        return mask

    def _exclusion(self, snap: _Snapshot, clause: Clause) -> np.ndarray:
        """Documents containing an excluded word (exact accents when typed with them)."""
        words = clause.words
        if len(words) > 1:
            return self._phrase_mask(snap, words, clause.fields)
        mask = np.zeros(snap.n_all, dtype=bool)
        w = words[0]
        for f in clause.fields:
            if w.has_accents:
                mask[snap.postings(f + ACCENTED, w.accented)[0]] = True
            else:
                mask[snap.postings(f + FOLDED, w.folded)[0]] = True
        return mask

    def _score(self, snap: _Snapshot, parsed: ParsedQuery) -> _Scored:
        n_all = snap.n_all
        scores = np.zeros(n_all, dtype=np.float32)
        matched_groups = np.zeros(n_all, dtype=np.int16)
        # Groups that are not function or question words: all-words mode needs only these,
        # so "Salmonella là gì" finds the article that never says "gì".
        matched_content = np.zeros(n_all, dtype=np.int16)
        n_content = 0
        required = np.ones(n_all, dtype=bool)
        partial = False
        positive = parsed.positive
        for group in positive:
            gmask = np.zeros(n_all, dtype=bool)
            for clause in group.alternatives:
                gmask |= self._clause(snap, scores, clause)
            matched_groups += gmask
            word = group.free_word
            if word is None or not is_stopword(word):
                matched_content += gmask
                n_content += 1
            if group.explicit:
                required &= gmask
        # Adjacent free words: bigram evidence ranks words of several syllables together.
        prev: QueryWord | None = None
        for group in parsed.groups:
            word = group.free_word
            if prev is not None and word is not None:
                self._add_term(snap, scores, TEXT_FIELDS, *self._pair_term(prev, word))
            prev = word
        for group in parsed.negative:
            for clause in group.alternatives:
                required &= ~self._exclusion(snap, clause)
        required &= snap.alive
        n_groups = len(positive)
        free = [g for g in positive if not g.explicit]
        if not n_content:  # only function words: they are the query
            matched_content, n_content = matched_groups, n_groups
        any_words = self.ranking.ranks_by_any_word(parsed)
        if not any_words:
            matched = required & (matched_content >= n_content)
            if free and not matched.any():
                # Nothing has every word: fall back to the best partial matches.
                matched = required & (matched_groups > 0)
                partial = True
        else:
            matched = required & (matched_groups > 0)
        if n_groups > 1:
            coord = (matched_groups.astype(np.float32) / n_groups) ** self.ranking.coord_power
            scores *= coord
        return _Scored(scores, matched, partial, any_words)

    def _rerank(
        self, snap: _Snapshot, parsed: ParsedQuery, scores: np.ndarray, candidates: np.ndarray
    ) -> None:
        """Second stage: the best ``depth`` candidates re-scored by the closeness of the
        query's words in their text (``indexer.proximity``)."""
        model = self.ranking.proximity
        if model.depth < 2:
            return
        best = top(candidates, scores, snap.columns, "relevance", model.depth)

        def tokens_of(docnum: int) -> list[str]:
            return folded_syllables(snap.stored_fields(docnum)["body_text"])

        rerank(scores, best, tokens_of, self._proximity_terms(snap, parsed), model)

    def _proximity_terms(self, snap: _Snapshot, parsed: ParsedQuery) -> QueryTerms:
        """The query's folded syllables weighed by their IDF in the article bodies (function
        and question words by ``stopword_weight`` of it)."""
        weights: dict[str, float] = {}
        for word in parsed.words():
            idf = _idf(snap.n_docs, len(snap.postings(FOLDED_BODY, word.folded)[0]))
            if is_stopword(word):
                idf *= self.ranking.stopword_weight
            weights[word.folded] = max(weights.get(word.folded, 0.0), idf)
        return QueryTerms(weights)

    def _pair_count(self, snap: _Snapshot, a: QueryWord, b: QueryWord, fa: str, fb: str) -> int:
        """Articles holding "fa fb", the accented forms of the folded pair "a b".

        Frequent pairs of content words are counted exactly, side by side, from the phrases
        counted at build time ("bong da": "bóng đá" in 1,503 articles), and so are the pairs
        of content words that few articles hold, in those articles' text. Other forms are
        estimated: articles holding the folded pair and both accented forms anywhere, but
        never more than the folded pair's articles the exact counts leave over (so "bóng
        đã", which the estimate would find wherever "bóng đá" and "đã" are, gets almost
        none, while "người đã" keeps what "người da" leaves).
        """
        key = a.folded + BIGRAM_SEPARATOR + b.folded
        pair = snap.postings(FOLDED_BIGRAMS_BODY, key)[0]
        if not len(pair):
            return 0
        forms = snap.suggester.phrase_docs(key)
        if forms is None and len(pair) <= EXACT_PAIR_DOCS:
            form = fa + BIGRAM_SEPARATOR + fb
            counted = snap.pair_forms.count(key, form, pair.tolist(), snap.body_text)
            if counted is not None:
                return counted
        forms = forms or {}
        exact = forms.get(fa + BIGRAM_SEPARATOR + fb)
        if exact is not None:
            return exact
        with_pair = np.zeros(snap.n_all, dtype=bool)
        with_pair[pair] = True
        ids_a = snap.postings(ACCENTED_BODY, fa)[0]
        both = np.zeros(snap.n_all, dtype=bool)
        both[ids_a[with_pair[ids_a]]] = True
        estimate = int(np.count_nonzero(both[snap.postings(ACCENTED_BODY, fb)[0]]))
        return min(estimate, max(0, len(pair) - sum(forms.values())))

    def _suggestion(self, snap: _Snapshot, parsed: ParsedQuery, found: int) -> str | None:
        """Did you mean, for a query of plain words that finds ``found`` articles."""
        if parsed.negative or any(g.free_word is None for g in parsed.groups):
            return None
        words = [g.free_word.text for g in parsed.groups if g.free_word is not None]

        def pair_docs(a: str, b: str) -> int:
            return snap.doc_frequency(FOLDED_BIGRAMS_BODY, a + BIGRAM_SEPARATOR + b)

        def count(text: str) -> tuple[int, str | None]:
            variant = parse(text)
            understood = interpret(
                variant, snap.vocabulary, lambda a, b, fa, fb: self._pair_count(snap, a, b, fa, fb)
            )
            scored = self._score(snap, variant)
            return (0 if scored.partial else int(np.count_nonzero(scored.matched))), understood

        return did_you_mean(words, snap.speller, pair_docs, found, count)

    # -- public API ---------------------------------------------------------------------

    def suggest(self, prefix: str, limit: int = MAX_SUGGESTIONS) -> list[str]:
        """Up to ``limit`` completions of a prefix being typed, accented, most frequent first:
        ``suggest("dan v")`` → ``["dân vận", "dân vận khéo", …]``. Raises QueryError when the
        prefix is too long."""
        return self._snapshot_now().suggester.complete(prefix, limit)

    def search(
        self,
        query: str,
        page: int = 1,
        per_page: int = 10,
        *,
        snippets: bool = True,
        exact: bool = False,
        sort: str = "relevance",
        filters: Filters | None = None,
    ) -> SearchPage:
        """Rank the articles for ``query`` and return one page of hits.

        ``page`` starts at 1. Words typed without accents or in Telex are interpreted
        (``SearchPage.interpreted``) unless ``exact``; a query finding few results may get a
        close variant that finds many (``SearchPage.suggestion``) unless ``exact``. ``sort``
        is ``relevance``, ``newest`` or ``oldest``; ``filters`` narrow the results, and the
        page's ``facets`` count the whole result set (see ``indexer.facets``). An empty query
        gives an empty page, or, with filters, every article they select, newest first. Raises
        QueryError for an unknown ``sort``.
        """
        started = time.perf_counter()
        page = max(1, min(int(page), MAX_PAGE))
        per_page = max(1, min(int(per_page), MAX_PER_PAGE))
        filters = filters or Filters()
        sort = check_sort(sort)  # QueryError for an unknown order
        parsed = parse(query)
        if parsed.is_empty() and sort == "relevance":
            sort = "newest"  # nothing to rank by: the latest first
        result = SearchPage(
            query=query,
            interpreted=None,
            total=0,
            page=page,
            per_page=per_page,
            took_ms=0.0,
            sort=sort,
            filters=filters,
        )
        if parsed.is_empty() and filters.is_empty():
            result.took_ms = (time.perf_counter() - started) * 1000
            return result
        snap = self._snapshot_now()
        key = (query, page, per_page, snippets, exact, sort, filters)
        cached = snap.results.get(key)
        if cached is not None:
            return replace(cached, took_ms=(time.perf_counter() - started) * 1000)
        if parsed.is_empty():
            scored = _Scored(np.zeros(snap.n_all, dtype=np.float32), snap.alive)
        else:
            if not exact:
                result.interpreted = interpret(
                    parsed,
                    snap.vocabulary,
                    lambda a, b, fa, fb: self._pair_count(snap, a, b, fa, fb),
                )
            scored = self._score(snap, parsed)
            if not exact:
                # Counted before the filters: a filter that narrows a good query to few
                # results is no reason to propose another query.
                found = 0 if scored.partial else int(np.count_nonzero(scored.matched))
                if scored.partial or found < FEW_RESULTS:
                    result.suggestion = self._suggestion(snap, parsed, found)
        # Filters and facets over the whole result set, in one place (indexer.facets).
        narrowed = narrow(scored.matched, snap.columns, filters, snap.grouping)
        result.facets = narrowed.facets
        if sort == "relevance" and scored.any_words:
            self._rerank(snap, parsed, scored.scores, narrowed.candidates)
        folded_terms = {w.folded for w in parsed.words()}
        result.total, result.hits = self._grouped_hits(
            snap, scored.scores, narrowed.candidates, sort, page, per_page, folded_terms, snippets
        )
        result.took_ms = (time.perf_counter() - started) * 1000
        snap.results.put(key, result)
        return result

    def _grouped_hits(
        self,
        snap: _Snapshot,
        scores: np.ndarray,
        candidates: np.ndarray,
        sort: str,
        page: int,
        per_page: int,
        folded_terms: set[str],
        snippets: bool,
    ) -> tuple[int, list[Hit]]:
        """One result per group of near-copies, in ``sort`` order, with its copies that
        matched too: the number of results (groups, not articles) and one page of hits.
        ``candidates`` are the matching document numbers, ascending."""
        if not len(candidates):
            return 0, []
        total, chosen = group_page(
            snap.duplicates,
            candidates,
            lambda want: top(candidates, scores, snap.columns, sort, want),
            scores,
            page,
            per_page,
        )
        hits = []
        for docnum, copies in chosen:
            hit = self._hit(snap, docnum, float(scores[docnum]), folded_terms, snippets)
            hit.duplicates = [self._copy(snap, d) for d in copies]
            hits.append(hit)
        return total, hits

    def _hit(
        self,
        snap: _Snapshot,
        docnum: int,
        score: float,
        folded_terms: set[str],
        with_snippet: bool,
    ) -> Hit:
        stored = snap.stored_fields(docnum)
        text = ""
        if with_snippet:
            body = stored["body_text"]
            text = snippet(body, folded_terms)
        return Hit(
            **_described(stored),
            url=web_url(stored.get("url")) or article_url(stored["id"]),
            snippet=text,
            score=round(score, 4),
        )

    def _copy(self, snap: _Snapshot, docnum: int) -> Copy:
        stored = snap.stored_fields(docnum)
        return Copy(**_described(stored), url=article_url(stored["id"]))

    def article(self, doc_id: str) -> ArticleView | None:
        """The stored article with this id, or None."""
        snap = self._snapshot_now()
        docnum = self._docnum(snap, doc_id)
        if docnum is None:
            return None
        stored = snap.stored_fields(docnum)
        return ArticleView(
            **_described(stored),
            url=web_url(stored.get("url")),
            body=stored["body_text"],
        )

    def related(self, doc_id: str, limit: int = RELATED_LIMIT) -> list[Hit] | None:
        """Up to ``limit`` articles like this one (more-like-this over its distinctive words),
        one per group of near-copies, never the article itself or its copies; None when no
        article has this id."""
        snap = self._snapshot_now()
        docnum = self._docnum(snap, doc_id)
        if docnum is None:
            return None
        key = ("related", doc_id, limit)
        cached = snap.results.get(key)
        if cached is not None:
            return cached.hits
        stored = snap.stored_fields(docnum)
        body = stored["body_text"]
        words = distinctive_words(
            stored.get("title_text") or "", body, snap.vocabulary.doc_frequency, snap.n_docs
        )
        page = SearchPage(query="", interpreted=None, total=0, page=1, per_page=limit, took_ms=0)
        if words:
            scored = self._score(snap, related_query(words))
            scored.matched[docnum] = False
            scored.matched[snap.duplicates.members(int(snap.duplicates.group[docnum]))] = False
            page.total, page.hits = self._grouped_hits(
                snap,
                scored.scores,
                np.flatnonzero(scored.matched & snap.alive),
                "relevance",
                1,
                limit,
                set(),
                True,
            )
        snap.results.put(key, page)
        return page.hits

    @staticmethod
    def _docnum(snap: _Snapshot, doc_id: str) -> int | None:
        with snap.lock:
            docnum = snap.searcher.document_number(id=doc_id)
        if docnum is None or not snap.alive[docnum]:
            return None
        return int(docnum)

    def highlight_article(self, article: ArticleView, query: str = "") -> list[str]:
        """The article body as safe HTML paragraphs, with the words of ``query`` marked."""
        folded_terms = {w.folded for w in parse(query).words()}
        paragraphs = [p.strip() for p in article.body.split("\n\n") if p.strip()]
        return [highlight_all(p, folded_terms) for p in paragraphs]

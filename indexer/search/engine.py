"""A query → a page of plain hits: the ``Engine`` every entry point searches through.

One search runs parse (``query``) → interpret (``interpret``: accents and Telex restored)
→ score (``scoring``: BM25F over whole postings arrays) → rerank (``proximity``, for
questions) → filter and count facets (``facets``) → group near-copies (``duplicates``) →
page (``results``). One ``Engine`` per process holds the open live generation
(``postings``) and reopens it only when a new one is published (``generations``).
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from ..index.duplicates import group_page
from ..index.generations import current_stamp, generation_dir
from ..index.postings import CacheLookups, holds
from ..index.schema import ACCENTED, FOLDED, FOLDED_BIGRAMS, TEXT_FIELDS, term_field
from ..text.analysis import bigram
from ..text.wordfind import folded_words
from .autocomplete import MAX_COMPLETIONS, Autocomplete
from .exact import exact_rule, order_exactly
from .examples import pick_examples
from .facets import Filters, Grouping, check_sort, narrow, top
from .highlight import Terms, highlight_all
from .interpret import interpret
from .local import LocalStore
from .parse import ParsedQuery, parse
from .proximity import rerank
from .related import distinctive_words, related_query
from .results import ArticleView, Copy, Hit, SearchPage
from .scoring import Ranking, Scored
from .spelling import FEW_RESULTS, Speller, did_you_mean
from .store import Store

MAX_PAGE = 1000
MAX_PER_PAGE = 100
RESULT_CACHE_SIZE = 2048  # pages of results kept per index generation
RELATED_LIMIT = 5
EXACT_MARGIN = 5  # results settled by the exact-accent order past the page (near-copies)
FOLDED_BIGRAMS_BODY = term_field("body", FOLDED_BIGRAMS)


def empty_page(
    query: str, page: int, per_page: int, sort: str, filters: Filters | None
) -> tuple[ParsedQuery, SearchPage]:
    """A search request read, for any store: the parsed query and its page with no hits yet,
    ``page`` and ``per_page`` brought within bounds, ``sort`` checked (QueryError for an
    unknown order; an empty query, with nothing to rank by, is ordered newest first)."""
    sort = check_sort(sort)
    parsed = parse(query)
    if parsed.is_empty() and sort == "relevance":
        sort = "newest"
    page = SearchPage(
        query=query,
        interpreted=None,
        total=0,
        page=max(1, min(int(page), MAX_PAGE)),
        per_page=max(1, min(int(per_page), MAX_PER_PAGE)),
        took_ms=0.0,
        sort=sort,
        filters=filters or Filters(),
    )
    return parsed, page


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
        self._open: Store | None = None
        self.lookups = CacheLookups()  # cache hits and misses since the engine started
        self._current_stamp: tuple[int, int] | None = None
        self.current()

    def current(self) -> Store:
        """The live generation, opened; reopened when a new one was published."""
        stamp = current_stamp(self.index_dir)
        gen = self._open
        if gen is not None and stamp == self._current_stamp:
            return gen
        with self._lock:
            if self._open is not None and stamp == self._current_stamp:
                return self._open
            path = generation_dir(self.index_dir)
            if self._open is None or self._open.generation != path.name:
                # The old generation is not closed: requests in flight may still read it;
                # its files are released when the last reference goes.
                self._open = LocalStore(
                    path, self.ranking.b_for, self._cache_bytes, self._result_cache, self.lookups
                )
            self._current_stamp = stamp
            return self._open

    @property
    def generation(self) -> str:
        return self.current().generation

    def doc_count(self) -> int:
        return self.current().n_docs

    # -- public API ---------------------------------------------------------------------

    def complete(self, prefix: str, limit: int = MAX_COMPLETIONS) -> list[str]:
        """Up to ``limit`` completions of a prefix being typed, accented, most frequent first:
        ``complete("dan v")`` → ``["dân vận", "dân vận khéo", …]``. Raises QueryError when the
        prefix is too long."""
        gen = self.current()
        return gen.memo("autocomplete", lambda: Autocomplete(gen.phrase_counts)).complete(
            prefix, limit
        )

    def examples(self) -> list[str]:
        """A few queries that find articles in this collection, for a home page, worked out
        once per index generation (``examples``)."""
        gen = self.current()
        return gen.memo(
            "examples",
            lambda: pick_examples(
                gen.phrase_counts,
                lambda q: self.search(q, per_page=1, snippets=False).total > 0,
            ),
        )

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
        page's ``facets`` count the whole result set (see ``indexer.search.facets``). An empty query
        gives an empty page, or, with filters, every article they select, newest first. Raises
        QueryError for an unknown ``sort``.
        """
        started = time.perf_counter()
        parsed, result = empty_page(query, page, per_page, sort, filters)
        page, per_page, sort, filters = result.page, result.per_page, result.sort, result.filters
        if parsed.is_empty() and filters.is_empty():
            result.took_ms = (time.perf_counter() - started) * 1000
            return result
        gen = self.current()
        key = (query, page, per_page, snippets, exact, sort, filters)
        cached = gen.results.get(key)
        if cached is not None:
            return replace(cached, took_ms=(time.perf_counter() - started) * 1000)
        if parsed.is_empty():
            scored = Scored(np.zeros(gen.n_all, dtype=np.float32), gen.alive)
        else:
            result.interpreted = self._interpret(gen, parsed, restore=not exact)
            scored = gen.retrieve(parsed, self.ranking)
            result.partial = scored.partial
            if not exact:
                # Counted before the filters: a filter that narrows a good query to few
                # results is no reason to propose another query.
                found = scored.found
                if scored.partial or found < FEW_RESULTS:
                    result.suggestion = self._suggestion(gen, parsed, found)
        # Filters and facets over the whole result set, in one place (indexer.search.facets).
        narrowed = narrow(scored.matched, gen.columns, filters, _grouping(gen))
        result.facets = narrowed.facets
        if sort == "relevance" and scored.any_words:
            self._rerank(gen, parsed, scored.scores, narrowed.candidates)
        rule = exact_rule(parsed)
        if sort == "relevance" and rule is not None and not scored.any_words and not scored.partial:
            need = page * per_page + EXACT_MARGIN
            order_exactly(gen, rule, scored.scores, narrowed.candidates, need)
        result.total, result.hits = self._grouped_hits(
            gen, scored.scores, narrowed.candidates, sort, page, per_page, marks(parsed), snippets
        )
        if scored.partial:
            for hit in result.hits:
                hit.missing = self._missing(gen, parsed, hit.id)
        result.took_ms = (time.perf_counter() - started) * 1000
        gen.results.put(key, result)
        return result

    def article(self, doc_id: str) -> ArticleView | None:
        """The stored article with this id, or None."""
        gen = self.current()
        docnum = gen.docnum(doc_id)
        if docnum is None:
            return None
        return ArticleView.from_stored(gen.stored_fields(docnum))

    def related(self, doc_id: str, limit: int = RELATED_LIMIT) -> list[Hit] | None:
        """Up to ``limit`` articles like this one (more-like-this over its distinctive words),
        one per group of near-copies, never the article itself or its copies; None when no
        article has this id."""
        gen = self.current()
        docnum = gen.docnum(doc_id)
        if docnum is None:
            return None
        key = ("related", doc_id, limit)
        cached = gen.results.get(key)
        if cached is not None:
            return cached.hits
        stored = gen.stored_fields(docnum)
        body = stored["body_text"]
        words = distinctive_words(
            stored.get("title_text") or "", body, gen.vocabulary.doc_frequency, gen.n_docs
        )
        page = SearchPage(query="", interpreted=None, total=0, page=1, per_page=limit, took_ms=0)
        if words:
            scored = gen.retrieve(related_query(words), self.ranking)
            scored.matched[docnum] = False
            scored.matched[gen.duplicates.members(int(gen.duplicates.group[docnum]))] = False
            page.total, page.hits = self._grouped_hits(
                gen,
                scored.scores,
                np.flatnonzero(scored.matched & gen.alive),
                "relevance",
                1,
                limit,
                set(),
                True,
            )
        gen.results.put(key, page)
        return page.hits

    def highlight_article(self, article: ArticleView, query: str = "") -> list[str]:
        """The article body as safe HTML paragraphs, with the words of ``query`` marked."""
        parsed = parse(query)
        self._interpret(self.current(), parsed)
        terms = marks(parsed)
        paragraphs = [p.strip() for p in article.body.split("\n\n") if p.strip()]
        return [highlight_all(p, terms) for p in paragraphs]

    # -- the steps of a search ----------------------------------------------------------

    def _interpret(self, gen: Store, parsed: ParsedQuery, *, restore: bool = True) -> str | None:
        """The query as understood, when the page should say so: accents restored, Telex
        decoded (``interpret``)."""
        return interpret(parsed, gen.vocabulary, gen.run_forms, restore=restore)

    def _missing(self, gen: Store, parsed: ParsedQuery, doc_id: str) -> list[str]:
        """The query's words (as typed) that one article of a partial match lacks: in the
        form sought, for a word whose form is sought (what decided the match partial)."""
        docnum = gen.docnum(doc_id)
        if docnum is None:
            return []
        one = np.asarray([docnum], dtype=np.int32)
        missing = []
        for group in parsed.positive:
            for clause in group.alternatives:
                for w in clause.words:
                    rep, term = (ACCENTED, w.accented) if w.exact else (FOLDED, w.folded)
                    if not any(
                        holds(gen.postings(term_field(f, rep), term)[0], one)[0]
                        for f in clause.fields
                    ):
                        missing.append(w.text)
        return list(dict.fromkeys(missing))

    def _suggestion(self, gen: Store, parsed: ParsedQuery, found: int) -> str | None:
        """Did you mean, for a query of plain words that finds ``found`` articles."""
        if parsed.negative or any(g.free_word is None for g in parsed.groups):
            return None
        words = [g.free_word.text for g in parsed.groups if g.free_word is not None]

        def pair_docs(a: str, b: str) -> int:
            return gen.doc_frequency(FOLDED_BIGRAMS_BODY, bigram(a, b))

        def count(text: str) -> tuple[int, str | None]:
            # A suggestion is a guess by nature: shown in its likeliest accents, confident
            # reading or not.
            variant = parse(text)
            self._interpret(gen, variant)
            return gen.retrieve(variant, self.ranking).found, " ".join(
                w.accented for w in variant.words()
            )

        return did_you_mean(
            words,
            gen.memo("speller", lambda: Speller(gen.vocabulary, gen.n_docs)),
            pair_docs,
            found,
            count,
            lambda a, b: any(
                len(gen.postings(term_field(f, FOLDED_BIGRAMS), bigram(a, b))[0])
                for f in TEXT_FIELDS
            ),
        )

    def _rerank(
        self, gen: Store, parsed: ParsedQuery, scores: np.ndarray, candidates: np.ndarray
    ) -> None:
        """Second stage: the best ``depth`` candidates re-scored by the closeness of the
        query's words in their text (``indexer.search.proximity``)."""
        model = self.ranking.proximity
        if model.depth < 2:
            return
        best = top(candidates, scores, gen.columns, "relevance", model.depth)

        def tokens_of(docnum: int) -> list[str]:
            return folded_words(gen.stored_fields(docnum)["body_text"])

        rerank(scores, best, tokens_of, gen.proximity_terms(parsed, self.ranking), model)

    def _grouped_hits(
        self,
        gen: Store,
        scores: np.ndarray,
        candidates: np.ndarray,
        sort: str,
        page: int,
        per_page: int,
        folded_terms: Terms,
        snippets: bool,
    ) -> tuple[int, list[Hit]]:
        """One result per group of near-copies, in ``sort`` order, with its copies that
        matched too: the number of results (groups, not articles) and one page of hits.
        ``candidates`` are the matching document numbers, ascending."""
        if not len(candidates):
            return 0, []
        total, chosen = group_page(
            gen.duplicates,
            candidates,
            lambda want: top(candidates, scores, gen.columns, sort, want),
            scores,
            page,
            per_page,
        )
        hits = []
        for docnum, copies in chosen:
            stored = gen.stored_fields(docnum)
            hit = Hit.from_stored(stored, float(scores[docnum]), folded_terms, snippets)
            hit.duplicates = [Copy.from_stored(gen.stored_fields(d)) for d in copies]
            hits.append(hit)
        return total, hits


def marks(parsed: ParsedQuery) -> dict[str, frozenset[str] | None]:
    """What snippets mark: each folded query word, with the forms sought (None: any form)."""
    sought: dict[str, set[str] | None] = {}
    for w in parsed.words():
        forms = sought.get(w.folded, set())
        if forms is None or not w.exact:
            sought[w.folded] = None
        else:
            sought[w.folded] = forms | {w.accented}
    return {t: (frozenset(f) if f is not None else None) for t, f in sought.items()}


def _grouping(store: Store) -> Grouping:
    """The groups of near-copies as the facets count them (one per group)."""
    return store.memo(
        "grouping", lambda: Grouping(store.duplicates.group, store.duplicates.grouped)
    )

"""Searching a SolrCloud collection: timkiem's parsed query as a Solr query over its
pre-analysed fields (first stage, across every shard), then timkiem's second stage on the
best candidates (proximity re-ranking of questions) and its snippets.

The query is built from the same ``ParsedQuery`` and the same term weights as the local
scoring (``scoring.word_terms``): each word matches on its folded syllable and is scored on
its forms, adjacent words add their folded bigram, titles weigh ``title_weight``. Solr scores
each field with BM25 (per-field b, a global IDF through ExactStatsCache) and sums them, where
the local store saturates the fields' sum once (BM25F): close, not equal. What the local
engine does that this one does not yet is listed in docs/solr.md.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from itertools import pairwise
from typing import Any

import numpy as np

from ..index.schema import ACCENTED, FOLDED, FOLDED_BIGRAMS, term_field
from ..search.engine import empty_page, marks
from ..search.facets import UNKNOWN_YEAR, UNKNOWN_YEAR_LABEL, Filters
from ..search.parse import Clause, Group, ParsedQuery
from ..search.proximity import QueryTerms, rerank
from ..search.results import Hit, SearchPage
from ..search.scoring import Ranking, adjacent_words, idf, pair_term, word_terms
from ..text.stopwords import is_stopword
from ..text.wordfind import folded_words
from .client import SolrClient, quote_term
from .schema import STORED_FIELDS, solr_term, stored

FACET_LIMIT = 100  # values of each facet returned


class SolrSearch:
    """Searches one SolrCloud collection; ``search`` answers like ``Engine.search``."""

    def __init__(self, client: SolrClient | str, *, ranking: Ranking | None = None) -> None:
        self.client = SolrClient(client) if isinstance(client, str) else client
        self.ranking = ranking or Ranking()

    def doc_count(self) -> int:
        return int(self.client.select({"q": "*:*", "rows": 0})["response"]["numFound"])

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
        """One page of hits for ``query``, as ``Engine.search`` gives it (no accents
        restored, no suggestion and no near-copy grouping yet: docs/solr.md)."""
        started = time.perf_counter()
        parsed, result = empty_page(query, page, per_page, sort, filters)
        page, per_page, sort, filters = result.page, result.per_page, result.sort, result.filters
        if parsed.is_empty() and filters.is_empty():
            result.took_ms = (time.perf_counter() - started) * 1000
            return result
        any_words = self.ranking.ranks_by_any_word(parsed)
        rerank_depth = self.ranking.proximity.depth if any_words and sort == "relevance" else 0
        rows = max(page * per_page, rerank_depth)
        if parsed.is_empty():
            q = "*:*"
        else:
            q = solr_query(parsed, self.ranking, require_all=not any_words)
        answer = self._select(q, filters, sort, rows)
        if not any_words and not parsed.is_empty() and not answer["response"]["numFound"]:
            # Nothing has every word: the best partial matches, those holding any.
            free = [g for g in parsed.positive if not g.explicit]
            if free:
                q = solr_query(parsed, self.ranking, require_all=False)
                answer = self._select(q, filters, sort, rows)
                result.partial = bool(answer["response"]["numFound"])
        docs = answer["response"]["docs"]
        result.total = int(answer["response"]["numFound"])
        result.facets = _facets(answer.get("facet_counts", {}).get("facet_fields", {}))
        scores = np.array([float(d.get("score", 0.0)) for d in docs], dtype=np.float32)
        order = np.arange(len(docs))
        if rerank_depth >= 2 and len(docs) >= 2:
            best = np.arange(min(rerank_depth, len(docs)))
            rerank(
                scores,
                best,
                lambda i: folded_words(docs[i].get("body_text") or ""),
                self._proximity_terms(parsed),
                self.ranking.proximity,
            )
            order = np.argsort(-scores, kind="stable")
        terms = marks(parsed)
        start = (page - 1) * per_page
        for i in order[start : start + per_page].tolist():
            result.hits.append(Hit.from_stored(stored(docs[i]), float(scores[i]), terms, snippets))
        result.took_ms = (time.perf_counter() - started) * 1000
        return result

    def _select(self, q: str, filters: Filters, sort: str, rows: int) -> dict[str, Any]:
        params: dict[str, Any] = {
            "q": q,
            "defType": "lucene",
            "q.op": "OR",
            "fl": ",".join((*STORED_FIELDS, "score")),
            "rows": rows,
            "fq": filter_queries(filters),
            "facet": "true",
            "facet.field": ["{!ex=year}year", "{!ex=source}source"],
            "facet.mincount": 1,
            "facet.limit": FACET_LIMIT,
            "facet.missing": "true",
            "sort": {"relevance": "score desc,id asc", "newest": "date desc,id asc"}.get(
                sort, "date asc,id asc"
            ),
        }
        return self.client.select(params)

    def _proximity_terms(self, parsed: ParsedQuery) -> QueryTerms:
        """The query's folded syllables weighed by their IDF in the bodies, the counts
        asked of every shard in one request (as ``scoring.proximity_terms``)."""
        words = list({w.folded: w for w in parsed.words()}.values())
        answer = self.client.select(
            {
                "q": "*:*",
                "rows": 0,
                "facet": "true",
                "facet.query": [f"body_f:{quote_term(w.folded)}" for w in words],
            }
        )
        n_docs = int(answer["response"]["numFound"])
        counts = answer.get("facet_counts", {}).get("facet_queries", {})
        weights: dict[str, float] = {}
        for w in words:
            weight = idf(n_docs, int(counts.get(f"body_f:{quote_term(w.folded)}", 0)))
            if is_stopword(w):
                weight *= self.ranking.stopword_weight
            weights[w.folded] = weight
        return QueryTerms(weights)


# -- the query -------------------------------------------------------------------------------


def solr_query(parsed: ParsedQuery, ranking: Ranking, *, require_all: bool) -> str:
    """A parsed query as a query of Solr's standard parser over timkiem's term fields.

    Each group is a clause that matches on folded syllables (or on folded bigrams, for a
    phrase), required when ``require_all`` (function words aside, unless the query has
    nothing else) or when explicit; the scoring terms of each word and of each pair of
    adjacent free words are optional clauses weighted as in the local scoring.
    """
    positive = parsed.positive
    content = [g for g in positive if g.free_word is None or not is_stopword(g.free_word)]
    required = set(map(id, content if content else positive)) if require_all else set()
    parts: list[str] = []
    for group in positive:
        match = _group_match(group)
        if group.explicit or id(group) in required:
            parts.append("+" + match)
        else:
            parts.append(match)
        for clause in group.alternatives:
            parts.extend(_clause_scores(clause, ranking))
    for a, b in adjacent_words(parsed):
        rep, term, weight = pair_term(ranking, a, b)
        parts.append(_weighted(_fields_term(("title", "body"), rep, term, ranking), weight))
    for group in parsed.negative:
        parts.append("-" + _group_match(group, exclusion=True))
    return " ".join(parts)


def _group_match(group: Group, *, exclusion: bool = False) -> str:
    return "(" + " ".join(_clause_match(c, exclusion) for c in group.alternatives) + ")"


def _clause_match(clause: Clause, exclusion: bool) -> str:
    """What a clause needs: a folded word (the form typed, for an excluded word typed with
    accents), any of several words, or every pair of a phrase side by side."""
    words = clause.words
    if clause.phrase and len(words) > 1:
        pairs = [quote_term(solr_term(f"{a.folded} {b.folded}")) for a, b in pairwise(words)]
        per_field = [
            "(" + " ".join(f"+{term_field(f, FOLDED_BIGRAMS)}:{pair}" for pair in pairs) + ")"
            for f in clause.fields
        ]
        return "(" + " ".join(per_field) + ")"
    terms = []
    for w in words:
        rep, term = (ACCENTED, w.accented) if exclusion and w.has_accents else (FOLDED, w.folded)
        terms.extend(f"{term_field(f, rep)}:{quote_term(term)}" for f in clause.fields)
    return "(" + " ".join(terms) + ")"


def _clause_scores(clause: Clause, ranking: Ranking) -> list[str]:
    """The optional scoring clauses of a clause's words (and of a phrase's pairs)."""
    out = []
    for w in clause.words:
        for rep, term, weight in word_terms(ranking, w):
            out.append(_weighted(_fields_term(clause.fields, rep, term, ranking), weight))
    if clause.phrase and len(clause.words) > 1:
        for a, b in pairwise(clause.words):
            rep, term, weight = pair_term(ranking, a, b)
            out.append(_weighted(_fields_term(clause.fields, rep, term, ranking), weight))
    return out


def _fields_term(fields: Iterable[str], rep: str, term: str, ranking: Ranking) -> str:
    term = quote_term(solr_term(term))
    return (
        "("
        + " ".join(f"{term_field(f, rep)}:{term}^{ranking.weight_for(f):g}" for f in fields)
        + ")"
    )


def _weighted(clause: str, weight: float) -> str:
    return f"{clause}^{weight:g}"


# -- filters and facets ----------------------------------------------------------------------


def filter_queries(filters: Filters) -> list[str]:
    """Solr filter queries for ``filters``, tagged so that each facet ignores its own."""
    fq = []
    if filters.year == UNKNOWN_YEAR:
        fq.append("{!tag=year}(*:* -year:[* TO *])")
    elif filters.year:
        fq.append("{!tag=year}year:" + quote_term(filters.year))
    if filters.sources:
        fq.append("{!tag=source}source:(" + " OR ".join(_phrase(s) for s in filters.sources) + ")")
    if filters.date_from or filters.date_to:
        low = _phrase(filters.date_from) if filters.date_from else "*"
        # Inclusive of the whole last day, whatever follows the date ("2021-03-04T…").
        high = _phrase(filters.date_to + "\uffff") if filters.date_to else "*"
        fq.append(f"date:[{low} TO {high}]")
    return fq


def _phrase(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _facets(fields: dict[str, list[Any]]) -> dict[str, list[dict[str, Any]]]:
    """Solr's facet counts (``[value, count, value, count, …]``, the missing count under
    None) in the shape ``SearchPage.facets`` has: years newest first, unknown last; sources
    by count, then name."""

    def pairs(name: str) -> list[tuple[str | None, int]]:
        flat = fields.get(name, [])
        return [(flat[i], int(flat[i + 1])) for i in range(0, len(flat), 2) if flat[i + 1]]

    years = sorted(((v, n) for v, n in pairs("year") if v is not None), reverse=True)
    year_facet = [{"value": v, "label": v, "count": n} for v, n in years]
    unknown = sum(n for v, n in pairs("year") if v is None)
    if unknown:
        year_facet.append({"value": UNKNOWN_YEAR, "label": UNKNOWN_YEAR_LABEL, "count": unknown})
    sources = sorted(
        ((v, n) for v, n in pairs("source") if v is not None), key=lambda p: (-p[1], p[0])
    )
    return {
        "year": year_facet,
        "source": [{"value": v, "label": v, "count": n} for v, n in sources],
    }

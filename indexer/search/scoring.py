"""The scoring model: BM25F over whole postings arrays, a parsed query → scores and matches.

Each query word is matched on its folded syllable and scored on the syllable's forms: the
folded one, and the accented one (typed, so exact accents rank first, or restored from the
corpus's statistics, as a bonus). Adjacent words add the folded bigram of the pair, so words
of several syllables rank above the same syllables scattered. Every term is scored over the
title and the body together (BM25F). The second stage, which re-scores the best candidates
of a question by the closeness of its words, is ``proximity``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import pairwise

import numpy as np

from ..index.postings import EMPTY, OpenGeneration, Postings
from ..index.schema import ACCENTED, FOLDED, FOLDED_BIGRAMS, TEXT_FIELDS, term_field
from ..text.analysis import bigram
from ..text.stopwords import is_stopword
from .parse import Clause, ParsedQuery, QueryWord
from .proximity import Proximity, QueryTerms

FOLDED_BODY = term_field("body", FOLDED)


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


def idf(n_docs: int, df: int) -> float:
    """BM25's inverse document frequency of a term found in ``df`` of ``n_docs`` articles."""
    return math.log(1.0 + (n_docs - df + 0.5) / (df + 0.5))


@dataclass
class Scored:
    """A query's scores and matches over every document number of a generation."""

    scores: np.ndarray
    matched: np.ndarray  # docs satisfying the query
    partial: bool = False  # no article has every word: matched holds the best partial ones
    # A long query (a question): ranked by any of its words, so the second stage applies.
    any_words: bool = False

    @property
    def found(self) -> int:
        """Articles with every word (none when only partial matches were found)."""
        return 0 if self.partial else int(np.count_nonzero(self.matched))


def score(gen: OpenGeneration, parsed: ParsedQuery, ranking: Ranking) -> Scored:
    """Score every document of ``gen`` for a parsed query and say which ones match it."""
    if not ranking.ranks_by_any_word(parsed):
        found = _score_candidates(gen, parsed, ranking)
        if found is not None:
            return found
    return score_all(gen, parsed, ranking)


def score_all(gen: OpenGeneration, parsed: ParsedQuery, ranking: Ranking) -> Scored:
    """``score`` over every document number: each term's postings added whole."""
    n_all = gen.n_all
    scores = np.zeros(n_all, dtype=np.float32)
    matched_groups = np.zeros(n_all, dtype=np.int16)
    # Groups that are not function or question words: all-words mode needs only these,
    # so "Salmonella là gì" finds the article that never says "gì".
    matched_content = np.zeros(n_all, dtype=np.int16)
    # The same counts of groups held in the forms sought (``QueryWord.exact``): a query typed
    # with accents that no article holds as written is a partial match.
    exact_groups = np.zeros(n_all, dtype=np.int16)
    exact_content = np.zeros(n_all, dtype=np.int16)
    n_content = 0
    required = np.ones(n_all, dtype=bool)
    partial = False
    positive = parsed.positive
    for group in positive:
        gmask = np.zeros(n_all, dtype=bool)
        emask = np.zeros(n_all, dtype=bool)
        for clause in group.alternatives:
            folded, exact = _clause(gen, ranking, scores, clause)
            gmask |= folded
            emask |= exact
        matched_groups += gmask
        exact_groups += emask
        word = group.free_word
        if word is None or not is_stopword(word):
            matched_content += gmask
            exact_content += emask
            n_content += 1
        if group.explicit:
            required &= gmask
    # Adjacent free words: bigram evidence ranks words of several syllables together.
    for prev, word in adjacent_words(parsed):
        add_term(gen, ranking, scores, TEXT_FIELDS, *pair_term(ranking, prev, word))
    if parsed.negative:
        required &= ~_excluded(gen, parsed)
    required &= gen.alive
    n_groups = len(positive)
    free = [g for g in positive if not g.explicit]
    if not n_content:  # only function words: they are the query
        matched_content, exact_content, n_content = matched_groups, exact_groups, n_groups
    any_words = ranking.ranks_by_any_word(parsed)
    if not any_words:
        matched = required & (matched_content >= n_content)
        if free and not (required & (exact_content >= n_content)).any():
            # Nothing has every word (as written): fall back to the best partial matches,
            # those holding more of the words (as written, then in any form) first.
            matched = required & (matched_groups > 0)
            partial = True
            held = exact_groups.astype(np.float32) * (n_groups + 1) + matched_groups
            scores[:] = by_tier(scores, held)
    else:
        matched = required & (matched_groups > 0)
    if n_groups > 1 and ranking.coord_power:  # a power of 0 multiplies by 1
        coord = (matched_groups.astype(np.float32) / n_groups) ** ranking.coord_power
        scores *= coord
    return Scored(scores, matched, partial, any_words)


def by_tier(base: np.ndarray, tier: np.ndarray) -> np.ndarray:
    """Scores that order by ``tier`` first and by ``base`` within a tier: each tier is
    lifted above every score of the tiers below it."""
    span = float(base.max() - min(0.0, float(base.min()))) + 1.0 if len(base) else 1.0
    return tier * span + base


def adjacent_words(parsed: ParsedQuery) -> Iterator[tuple[QueryWord, QueryWord]]:
    """Pairs of free words side by side in the query (their bigram is scored too)."""
    prev: QueryWord | None = None
    for group in parsed.groups:
        word = group.free_word
        if prev is not None and word is not None:
            yield prev, word
        prev = word


def _excluded(gen: OpenGeneration, parsed: ParsedQuery) -> np.ndarray:
    """The documents a negative part of the query (-word, -"phrase") excludes."""
    excluded = np.zeros(gen.n_all, dtype=bool)
    for group in parsed.negative:
        for clause in group.alternatives:
            excluded |= _exclusion(gen, clause)
    return excluded


def _score_candidates(gen: OpenGeneration, parsed: ParsedQuery, ranking: Ranking) -> Scored | None:
    """``score`` of a short query of plain words, which needs every word (but function
    words): the folded postings are intersected first, smallest first, and the terms are
    scored on the documents left only, with the same arithmetic, so scores and matches are
    those of ``score_all``. None when the query has operators or no article has every word
    (``score_all`` then finds the partial matches)."""
    positive = parsed.positive
    words = [g.free_word for g in positive]
    if not words or any(w is None or g.explicit for w, g in zip(words, positive, strict=True)):
        return None
    plain = [w for w in words if w is not None]
    content = [w for w in plain if not is_stopword(w)] or plain
    lists = [_folded_lists(gen, w.folded) for w in {w.folded: w for w in content}.values()]
    lists.sort(key=lambda ls: sum(len(ids) for ids in ls))
    candidates = _union(gen, lists[0])
    for ls in lists[1:]:
        if not len(candidates):
            break
        candidates = candidates[_Docs(candidates, gen.n_all).within_any(ls)]
    if parsed.negative and len(candidates):
        candidates = candidates[~_excluded(gen, parsed)[candidates]]
    candidates = candidates[gen.alive[candidates]]
    if not len(candidates):
        return None
    docs = _Docs(candidates, gen.n_all)
    sought = [w for w in content if w.exact]
    if sought and not _held_as_written(gen, docs, sought).any():
        return None  # no article holds the words as written: a partial match
    found = np.zeros(len(candidates), dtype=np.float32)
    for word in plain:
        for rep, term, w in word_terms(ranking, word):
            add_term_at(gen, ranking, found, docs, TEXT_FIELDS, rep, term, w)
    for prev, word in adjacent_words(parsed):
        add_term_at(gen, ranking, found, docs, TEXT_FIELDS, *pair_term(ranking, prev, word))
    n_groups = len(positive)
    if n_groups > 1 and ranking.coord_power:
        matched_groups = np.zeros(len(candidates), dtype=np.int16)
        for word in plain:
            matched_groups += docs.within_any(_folded_lists(gen, word.folded))
        found *= (matched_groups.astype(np.float32) / n_groups) ** ranking.coord_power
    scores = np.zeros(gen.n_all, dtype=np.float32)
    scores[candidates] = found
    matched = np.zeros(gen.n_all, dtype=bool)
    matched[candidates] = True
    return Scored(scores, matched)


def _held_as_written(gen: OpenGeneration, docs: _Docs, words: list[QueryWord]) -> np.ndarray:
    """Which of ``docs`` hold every one of ``words`` in its accented form (a mask)."""
    held = np.ones(len(docs.docs), dtype=bool)
    for w in words:
        held &= docs.within_any(
            [gen.postings(term_field(f, ACCENTED), w.accented)[0] for f in TEXT_FIELDS]
        )
    return held


def _folded_lists(gen: OpenGeneration, folded: str) -> list[np.ndarray]:
    """The documents holding a folded syllable, per text field."""
    return [gen.postings(term_field(f, FOLDED), folded)[0] for f in TEXT_FIELDS]


def _union(gen: OpenGeneration, lists: list[np.ndarray]) -> np.ndarray:
    """The documents of any of ``lists`` (ascending ids), ascending."""
    present = [ids for ids in lists if len(ids)]
    if len(present) <= 1:
        return present[0] if present else EMPTY[0]
    mask = np.zeros(gen.n_all, dtype=bool)
    for ids in present:
        mask[ids] = True
    return np.flatnonzero(mask).astype(np.int32)


SEARCH_RATIO = 16  # a list this many times as long as the documents sought is searched


class _Docs:
    """Ascending document numbers, and where each one is among them (made on first use)."""

    def __init__(self, docs: np.ndarray, n_all: int) -> None:
        self.docs = docs
        self._n_all = n_all
        self._slot: np.ndarray | None = None

    def find(self, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Pairs of positions (in ``ids``, in ``docs``) of the documents both hold, ascending:
        by binary search in a long list, else through a map over every document number."""
        docs = self.docs
        if not len(ids) or not len(docs):
            return np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.intp)
        if len(docs) * SEARCH_RATIO < len(ids):
            at = np.searchsorted(ids, docs)
            np.minimum(at, len(ids) - 1, out=at)
            here = np.flatnonzero(ids[at] == docs)
            return at[here], here
        if self._slot is None:
            self._slot = np.full(self._n_all, -1, dtype=np.intp)
            self._slot[docs] = np.arange(len(docs))
        slots = self._slot[ids]
        held = np.flatnonzero(slots >= 0)
        return held, slots[held]

    def within_any(self, lists: list[np.ndarray]) -> np.ndarray:
        """Which documents one of ``lists`` holds (a mask)."""
        inside = np.zeros(len(self.docs), dtype=bool)
        for ids in lists:
            inside[self.find(ids)[1]] = True
        return inside


def add_term_at(
    gen: OpenGeneration,
    ranking: Ranking,
    scores: np.ndarray,
    docs: _Docs,
    fields: tuple[str, ...],
    rep: str,
    term: str,
    weight: float,
) -> None:
    """``add_term`` on the documents ``docs`` only: ``scores`` holds theirs, in that order;
    each gets the score ``add_term`` would add."""
    ids, values = term_scores(gen, ranking, fields, rep, term, weight)
    at, here = docs.find(ids)
    scores[here] += values[at]


def add_term(
    gen: OpenGeneration,
    ranking: Ranking,
    scores: np.ndarray,
    fields: tuple[str, ...],
    rep: str,
    term: str,
    weight: float,
) -> np.ndarray:
    """Add one term's BM25F contribution to ``scores``; return the ids it occurs in."""
    ids, values = term_scores(gen, ranking, fields, rep, term, weight)
    scores[ids] += values
    return ids


def term_scores(
    gen: OpenGeneration,
    ranking: Ranking,
    fields: tuple[str, ...],
    rep: str,
    term: str,
    weight: float,
) -> Postings:
    """The documents holding one term (ascending) and its BM25F score in each, kept by the
    generation (``term_scores``): a common word ("là", "có") is scored once, not for every
    query holding it.

    BM25F: the term's length-normalised frequencies in the fields are summed with the
    field weights and saturated once, so a word in the headline and the text counts
    more than in either, but never twice over as two saturated scores would.
    """
    key = ("bm25f", ranking, fields, rep, term, weight)
    cached = gen.term_scores.get(key)
    if cached is not None:
        return cached
    parts = [(f, gen.postings(term_field(f, rep), term)) for f in fields]
    parts = [(f, ids, tfs) for f, (ids, tfs) in parts if len(ids)]
    if not parts:
        return EMPTY
    r = ranking
    if len(parts) == 1:
        f, ids, tfs = parts[0]
        tf = r.weight_for(f) * tfs / gen.norms[term_field(f, rep)][ids]
    else:
        ids, tf = _combined(gen, ranking, rep, parts)
    # One IDF per term: the documents holding it in any field (or in the body alone
    # when the clause asks for the title only: a common word is common in titles too).
    df = len(ids)
    if fields == ("title",):
        df = max(df, len(gen.postings(term_field("body", rep), term)[0]))
    k1 = r.k1
    found = (ids, (weight * idf(gen.n_docs, df) * (k1 + 1.0)) * tf / (tf + k1))
    gen.term_scores.put(key, found)
    return found


def _combined(
    gen: OpenGeneration,
    ranking: Ranking,
    rep: str,
    parts: list[tuple[str, np.ndarray, np.ndarray]],
) -> tuple[np.ndarray, np.ndarray]:
    """The documents holding a term in any of several fields (ascending), and the sum of its
    weighted, length-normalised frequencies in them, field by field in ``parts``' order.

    When one field's documents hold every other field's (a word of a title is nearly always
    in the text too), the sums are made on that field's list, by binary search, instead of
    over arrays as long as the whole index."""
    r = ranking
    weighted = [
        (ids, r.weight_for(f) * tfs / gen.norms[term_field(f, rep)][ids]) for f, ids, tfs in parts
    ]
    widest = max(range(len(weighted)), key=lambda i: len(weighted[i][0]))
    ids = weighted[widest][0]
    at = {i: np.searchsorted(ids, weighted[i][0]) for i in range(len(weighted)) if i != widest}
    held = (
        np.array_equal(ids[np.minimum(pos, len(ids) - 1)], weighted[i][0]) for i, pos in at.items()
    )
    if all(held):
        tf = np.zeros(len(ids), dtype=np.float32)
        for i, (_, values) in enumerate(weighted):
            if i == widest:
                tf += values
            else:
                tf[at[i]] += values
        return ids, tf
    combined = np.zeros(gen.n_all, dtype=np.float32)
    present = np.zeros(gen.n_all, dtype=bool)
    for other, values in weighted:
        combined[other] += values
        present[other] = True
    ids = np.flatnonzero(present)
    return ids, combined[ids]


def proximity_terms(gen: OpenGeneration, parsed: ParsedQuery, ranking: Ranking) -> QueryTerms:
    """The query's folded syllables weighed by their IDF in the article bodies (function
    and question words by ``stopword_weight`` of it): what the second stage looks for."""
    weights: dict[str, float] = {}
    for word in parsed.words():
        w = idf(gen.n_docs, len(gen.postings(FOLDED_BODY, word.folded)[0]))
        if is_stopword(word):
            w *= ranking.stopword_weight
        weights[word.folded] = max(weights.get(word.folded, 0.0), w)
    return QueryTerms(weights)


def word_terms(ranking: Ranking, word: QueryWord) -> list[tuple[str, str, float]]:
    """(representation, term, weight) of one query word."""
    r = ranking
    w = r.stopword_weight if is_stopword(word) else 1.0
    if word.exact:
        # Its form is sought (typed, or restored with confidence): scored on it, every form
        # still matching through the folded term (``exact`` orders them).
        return [(ACCENTED, word.accented, w), (FOLDED, word.folded, w * r.folded_weight)]
    if word.restored:
        # Accents restored on weak evidence: the likely form gets a bonus only.
        return [(FOLDED, word.folded, w), (ACCENTED, word.accented, w * r.restored_weight)]
    if word.has_accents:
        return [(ACCENTED, word.accented, w), (FOLDED, word.folded, w * r.folded_weight)]
    return [(FOLDED, word.folded, w)]


def pair_term(ranking: Ranking, a: QueryWord, b: QueryWord) -> tuple[str, str, float]:
    """(representation, term, weight) of two adjacent query words."""
    return (FOLDED_BIGRAMS, bigram(a.folded, b.folded), ranking.bigram_weight)


def _phrase_mask(
    gen: OpenGeneration, words: tuple[QueryWord, ...], fields: Iterable[str]
) -> np.ndarray:
    """Documents with every adjacent pair of ``words`` together in one of ``fields``."""
    mask = np.zeros(gen.n_all, dtype=bool)
    for f in fields:
        fmask = np.ones(gen.n_all, dtype=bool)
        for a, b in pairwise(words):
            pair = np.zeros(gen.n_all, dtype=bool)
            pair[gen.postings(term_field(f, FOLDED_BIGRAMS), bigram(a.folded, b.folded))[0]] = True
            fmask &= pair
        mask |= fmask
    return mask


def _clause(
    gen: OpenGeneration, ranking: Ranking, scores: np.ndarray, clause: Clause
) -> tuple[np.ndarray, np.ndarray]:
    """Score a clause; return masks of the documents that satisfy it, and of those that do
    with every word in the form sought (the same mask when no form is sought)."""
    mask = np.zeros(gen.n_all, dtype=bool)
    exact = np.ones(gen.n_all, dtype=bool)
    words = clause.words
    for word in words:
        for rep, term, w in word_terms(ranking, word):
            ids = add_term(gen, ranking, scores, clause.fields, rep, term, w)
            if rep == FOLDED:
                mask[ids] = True
            elif word.exact:
                held = np.zeros(gen.n_all, dtype=bool)
                held[ids] = True
                exact &= held
    if clause.phrase and len(words) > 1:
        for a, b in pairwise(words):
            add_term(gen, ranking, scores, clause.fields, *pair_term(ranking, a, b))
        mask = _phrase_mask(gen, words, clause.fields)
    return mask, mask & exact


def _exclusion(gen: OpenGeneration, clause: Clause) -> np.ndarray:
    """Documents containing an excluded word (exact accents when typed with them)."""
    words = clause.words
    if len(words) > 1:
        return _phrase_mask(gen, words, clause.fields)
    mask = np.zeros(gen.n_all, dtype=bool)
    w = words[0]
    for f in clause.fields:
        if w.has_accents:
            mask[gen.postings(term_field(f, ACCENTED), w.accented)[0]] = True
        else:
            mask[gen.postings(term_field(f, FOLDED), w.folded)[0]] = True
    return mask

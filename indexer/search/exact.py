"""Exact accents first: the order a query typed with accents asks for.

Every query word matches on its folded syllable, so "dân vận" finds "dân vẫn" and "văn
kiện" too. When a word's form is sought (typed with accents, or restored with confidence:
``QueryWord.exact``), the articles holding the query as written come first, by rule rather
than by weight, and the folded matches fill the page after them:

1. the query's adjacent words side by side in those forms ("dân vận"), more such pairs first;
2. then the words in those forms anywhere ("dân … vận"), more of them first;
3. then the rest ("dân vẫn"), each tier in the order of its scores.

The postings hold syllables and folded pairs, not accented pairs. They settle a pair when an
article holds the folded pair and every occurrence of its words in that field is the form
sought (the counts agree), and rule it out when a form is missing; otherwise the text of the
best articles is read to confirm it, best first, until the page is settled (at most
``CHECKED_DOCS`` articles a query).
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from itertools import pairwise

import numpy as np

from ..index.schema import ACCENTED, FOLDED, FOLDED_BIGRAMS, term_field
from ..text.analysis import bigram
from .evidence import runs_held
from .parse import ParsedQuery, QueryWord
from .scoring import by_tier
from .store import Store

CHECKED_DOCS = 200  # articles whose text is read, at most, to confirm their pairs


@dataclass(frozen=True)
class Pair:
    """Two adjacent query words: each (folded, accented form sought or None for any)."""

    first: tuple[str, str | None]
    second: tuple[str, str | None]
    fields: tuple[str, ...]


@dataclass(frozen=True)
class ExactRule:
    """What the order checks: the words whose form is sought, and the adjacent pairs."""

    words: tuple[tuple[str, tuple[str, ...]], ...]  # (accented form, fields), distinct
    pairs: tuple[Pair, ...]

    @property
    def levels(self) -> int:
        return len(self.words) + 1


def exact_rule(parsed: ParsedQuery) -> ExactRule | None:
    """The rule of a query with words whose form is sought, or None. The alternatives of an
    OR are left out: an article need not hold more than one of them."""
    words: dict[tuple[str, tuple[str, ...]], None] = {}
    pairs: list[Pair] = []

    def sought(w: QueryWord) -> tuple[str, str | None]:
        return (w.folded, w.accented if w.exact else None)

    for run in parsed.runs(alternatives=False):
        for w in run.words:
            if w.exact:
                words[(w.accented, run.fields)] = None
        for a, b in pairwise(run.words):
            if a.exact or b.exact:
                pairs.append(Pair(sought(a), sought(b), run.fields))
    if not words:
        return None
    return ExactRule(tuple(words), tuple(pairs))


def order_exactly(
    store: Store, rule: ExactRule, scores: np.ndarray, candidates: np.ndarray, need: int
) -> None:
    """Raise the scores of ``candidates`` (ascending document numbers) by tier, so that
    sorting by score puts the articles holding the query as written first; the best
    ``need`` are confirmed against their text where the postings leave a doubt."""
    if not len(candidates):
        return
    held_words = np.zeros(len(candidates), dtype=np.int32)
    for form, fields in rule.words:
        held = np.zeros(len(candidates), dtype=bool)
        for f in fields:
            held |= _counts(store, candidates, ACCENTED, form, f) > 0
        held_words += held
    # Per pair: may an article hold it (the folded pair, and the forms sought, in one field),
    # and must it (every occurrence of each word in that field is the form sought).
    may_pair = np.zeros((len(rule.pairs), len(candidates)), dtype=bool)
    must_pair = np.zeros((len(rule.pairs), len(candidates)), dtype=bool)
    for i, pair in enumerate(rule.pairs):
        for f in pair.fields:
            folded_pair = bigram(pair.first[0], pair.second[0])
            # Counted on the candidates holding the folded pair only: few, beside a function
            # word's postings.
            at = np.flatnonzero(_counts(store, candidates, FOLDED_BIGRAMS, folded_pair, f))
            must = np.ones(len(at), dtype=bool)
            for folded, form in (pair.first, pair.second):
                if form is not None and len(at):
                    as_sought = _counts(store, candidates[at], ACCENTED, form, f)
                    keep = as_sought > 0
                    must = (
                        must & (as_sought == _counts(store, candidates[at], FOLDED, folded, f))
                    )[keep]
                    at = at[keep]
            may_pair[i, at] = True
            must_pair[i, at] |= must
    tier = may_pair.sum(axis=0) * rule.levels + held_words  # the best each may reach
    if not tier.any():
        return
    base = scores[candidates].astype(np.float64)
    unsure = (may_pair & ~must_pair).any(axis=0)
    # Best first, by tier then score; an article whose pairs are in doubt has its text read
    # when it comes up, and goes back with the tier it really has.
    window = np.lexsort((-base, -tier))[: need + CHECKED_DOCS]
    heap = [(-int(tier[i]), -base[i], int(i)) for i in window]
    heapq.heapify(heap)
    checked = settled = 0
    while heap and settled < need:
        _, _, i = heapq.heappop(heap)
        if unsure[i] and checked < CHECKED_DOCS:
            unsure[i] = False
            checked += 1
            text = store.match_text(int(candidates[i]))
            doubtful = [
                (pair.first, pair.second)
                for p, pair in enumerate(rule.pairs)
                if may_pair[p, i] and not must_pair[p, i]
            ]
            pairs = int(must_pair[:, i].sum()) + sum(runs_held(text, doubtful))
            tier[i] = pairs * rule.levels + held_words[i]
            heapq.heappush(heap, (-int(tier[i]), -base[i], i))
            continue
        settled += 1
    scores[candidates] = by_tier(base, tier).astype(scores.dtype)


def _counts(store: Store, candidates: np.ndarray, rep: str, term: str, field: str) -> np.ndarray:
    """How often each candidate holds ``term`` in one text field (0: not at all)."""
    ids, tfs = store.postings(term_field(field, rep), term)
    out = np.zeros(len(candidates), dtype=np.float32)
    if len(ids):
        at = np.minimum(np.searchsorted(ids, candidates), len(ids) - 1)
        hit = ids[at] == candidates
        out[hit] = tfs[at[hit]]
    return out

"""Second stage of ranking: the best articles re-scored by how close together the query's
words stand in them.

A reader's question is usually answered by one sentence of one article, and that sentence
holds most of the question's words within a few syllables of each other, while an article
that merely shares the topic holds the same words scattered over its length. Whole-document
BM25 cannot see the difference, so the first ``depth`` articles of a ranking are read again
(their stored text, as ``analysis.folded_syllables``) and each gets:

- for a few window sizes (5, 10, 20, 40 syllables), the largest share of the query's weight
  found inside one window: every distinct query word found there counts its IDF once;
- the share of the query's weight found anywhere in the text, weighed negatively: at equal
  closeness, an article that holds every query word only scattered is the weaker match;
- the logarithm of its length, weighed negatively: a long article has more chances to hold
  the words close together by accident.

The new score is the first-stage score (divided by the best one, so 1.0 for the top) plus
these shares with the weights of ``Proximity``. Work per query is bounded by ``depth``
articles, whatever the size of the index.

>>> terms = QueryTerms({"dan": 1.0, "van": 1.0, "kheo": 2.0})
>>> round(window_share(["phong", "trao", "dan", "van", "kheo"], terms, 3), 2)
1.0
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Proximity:
    """Weights of the second stage (tuned on half of the ViNewsQA dev questions at 500 and
    84.6k articles, checked on the other half)."""

    depth: int = 30  # articles re-scored per query
    # (window size in syllables, weight of the query's share found inside one such window)
    windows: tuple[tuple[int, float], ...] = ((5, 0.1), (10, 0.5), (20, 0.6), (40, 0.15))
    coverage_weight: float = -0.1  # share of the query's weight found anywhere in the text
    length_weight: float = -0.1  # times log(syllables in the text + 1): the shorter, the closer


@dataclass(frozen=True)
class QueryTerms:
    """Folded query syllables → weight (their IDF, function words weighed down)."""

    weights: dict[str, float]

    @property
    def total(self) -> float:
        return sum(self.weights.values())


@dataclass(frozen=True)
class _Occurrences:
    """The query terms found in a text: their positions (ascending), each one's weight, and
    where the same term last occurred before it (-1 for its first occurrence)."""

    positions: np.ndarray
    weights: np.ndarray
    previous: np.ndarray

    @classmethod
    def find(cls, tokens: Sequence[str], terms: QueryTerms) -> _Occurrences:
        index = {t: i for i, t in enumerate(terms.weights)}
        get = index.get
        term_ids = np.fromiter((get(t, -1) for t in tokens), dtype=np.int64, count=len(tokens))
        positions = np.flatnonzero(term_ids >= 0)
        term_ids = term_ids[positions]
        weights = np.fromiter(terms.weights.values(), dtype=np.float64, count=len(index))
        # Group the occurrences by term (stable, so ascending within a term): each one's
        # predecessor in its group is the previous occurrence of that term.
        order = np.argsort(term_ids, kind="stable")
        previous = np.full(len(positions), -1, dtype=np.int64)
        same = term_ids[order[1:]] == term_ids[order[:-1]]
        previous[order[1:][same]] = order[:-1][same]
        return cls(positions, weights[term_ids], previous)

    def coverage(self) -> float:
        """The weight of the distinct terms found."""
        return float(self.weights[self.previous < 0].sum())

    def best_windows(self, sizes: Sequence[int]) -> list[float]:
        """For each window size, the largest weight of distinct terms inside one window that
        starts at an occurrence of a query term.

        An occurrence i counts in the window starting at occurrence s when it lies inside it
        and is the first of its term there (the term's previous occurrence is before s).
        """
        n = len(self.positions)
        if not n:
            return [0.0] * len(sizes)
        order = np.arange(n)
        first_inside = (order[None, :] >= order[:, None]) & (
            self.previous[None, :] < order[:, None]
        )
        distance = self.positions[None, :] - self.positions[:, None]
        return [float((((distance < size) & first_inside) @ self.weights).max()) for size in sizes]


@dataclass(frozen=True)
class Closeness:
    """How close together a query's words stand in one text (shares of the query's weight)."""

    windows: list[float]  # for each window size asked, the largest share inside one window
    coverage: float  # the share found anywhere in the text
    log_length: float  # log(syllables in the text + 1)


def closeness(tokens: Sequence[str], terms: QueryTerms, sizes: Sequence[int]) -> Closeness:
    """What the second stage reads of one text, for windows of ``sizes`` syllables."""
    total = terms.total or 1.0
    found = _Occurrences.find(tokens, terms)
    return Closeness(
        [s / total for s in found.best_windows(sizes)],
        found.coverage() / total,
        math.log(len(tokens) + 1),
    )


def window_share(tokens: Sequence[str], terms: QueryTerms, size: int) -> float:
    """The largest share of the query's weight inside one window of ``size`` syllables."""
    return closeness(tokens, terms, [size]).windows[0]


def proximity_bonus(tokens: Sequence[str], terms: QueryTerms, model: Proximity) -> float:
    """What closeness adds to an article's normalised first-stage score."""
    if not terms.total:
        return 0.0
    c = closeness(tokens, terms, [size for size, _ in model.windows])
    bonus = sum(w * s for (_, w), s in zip(model.windows, c.windows, strict=True))
    return bonus + model.coverage_weight * c.coverage + model.length_weight * c.log_length


def rerank(
    scores: np.ndarray,
    top: np.ndarray,
    tokens_of: Callable[[int], Sequence[str]],
    terms: QueryTerms,
    model: Proximity,
) -> None:
    """Re-score the documents ``top`` in place in ``scores``: they keep their places above
    every other document, ordered by first-stage score plus closeness."""
    if len(top) < 2:
        return
    first = scores[top].astype(np.float64)
    best = float(first.max())
    if best <= 0:
        return
    new = first / best + np.array([proximity_bonus(tokens_of(int(d)), terms, model) for d in top])
    new *= best  # back to the first stage's scale
    floor = float(np.max(scores, initial=0.0, where=_outside(len(scores), top)))
    lowest = float(new.min())
    if lowest <= floor:  # keep the re-scored block above every other document
        new += floor - lowest + 0.01 * best
    scores[top] = new.astype(scores.dtype)


def _outside(n: int, top: np.ndarray) -> np.ndarray:
    mask = np.ones(n, dtype=bool)
    mask[top] = False
    return mask

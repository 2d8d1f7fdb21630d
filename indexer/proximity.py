"""Second stage of ranking: the best articles re-scored by how close together the query's
words stand in them.

A reader's question is usually answered by one sentence of one article, and that sentence
holds most of the question's words within a few syllables of each other, while an article
that merely shares the topic holds the same words scattered over its length. Whole-document
BM25 cannot see the difference, so the first ``depth`` articles of a ranking are read again
(their stored text, folded the way the index folds it) and each gets:

- for a few window sizes (5, 10, 20, 40 syllables), the largest share of the query's weight
  found inside one window: every distinct query word found there counts its IDF once;
- the share of the query's weight found anywhere in the text, weighed negatively: at equal
  closeness, an article that holds every query word only scattered is the weaker match.

The new score is the first-stage score (divided by the best one, so 1.0 for the top) plus
these shares with the weights of ``Proximity``. Work per query is bounded by ``depth``
articles, whatever the size of the index.

>>> terms = QueryTerms({"dan": 1.0, "van": 1.0, "kheo": 2.0})
>>> round(window_share(["phong", "trao", "dan", "van", "kheo"], terms, 3), 2)
1.0
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from .normalize import fold, nfc

_WORD_RE = re.compile(r"(?:[^\W_]|[\u0300-\u036f])+")


@dataclass(frozen=True)
class Proximity:
    """Weights of the second stage (tuned on half of the ViNewsQA dev questions at 500 and
    84.6k articles, checked on the other half)."""

    depth: int = 30  # articles re-scored per query
    # (window size in syllables, weight of the query's share found inside one such window)
    windows: tuple[tuple[int, float], ...] = ((10, 0.6), (20, 0.25), (40, 0.1))
    coverage_weight: float = -0.1  # share of the query's weight found anywhere in the text
    min_terms: int = 2  # fewer distinct query words: nothing to be close to


@dataclass(frozen=True)
class QueryTerms:
    """Folded query syllables → weight (their IDF, function words weighed down)."""

    weights: dict[str, float]

    @property
    def total(self) -> float:
        return sum(self.weights.values())


def folded_syllables(text: str) -> list[str]:
    """A text as the folded syllables the index holds: "Dân vận" → ["dan", "van"]."""
    return _WORD_RE.findall(fold(nfc(text).lower()))


def _positions(tokens: Sequence[str], terms: QueryTerms) -> tuple[list[np.ndarray], np.ndarray]:
    """Where each query term occurs in ``tokens`` (one array a term), and the terms' weights."""
    index = {t: i for i, t in enumerate(terms.weights)}
    found: list[list[int]] = [[] for _ in index]
    for i, token in enumerate(tokens):
        j = index.get(token)
        if j is not None:
            found[j].append(i)
    weights = np.fromiter(terms.weights.values(), dtype=np.float64, count=len(index))
    return [np.asarray(p, dtype=np.int64) for p in found], weights


def _best_windows(
    positions: list[np.ndarray], weights: np.ndarray, sizes: Sequence[int]
) -> list[float]:
    """For each window size, the largest weight of distinct terms inside one window that
    starts at an occurrence of a query term."""
    present = [p for p in positions if len(p)]
    if not present:
        return [0.0] * len(sizes)
    starts = np.unique(np.concatenate(present))
    out = []
    for size in sizes:
        mass = np.zeros(len(starts))
        ends = starts + size
        for p, w in zip(positions, weights, strict=True):
            if not len(p):
                continue
            k = np.searchsorted(p, starts)
            inside = k < len(p)
            inside[inside] = p[k[inside]] < ends[inside]
            mass += w * inside
        out.append(float(mass.max()))
    return out


def window_share(tokens: Sequence[str], terms: QueryTerms, size: int) -> float:
    """The largest share of the query's weight inside one window of ``size`` syllables."""
    positions, weights = _positions(tokens, terms)
    total = terms.total
    return _best_windows(positions, weights, [size])[0] / total if total else 0.0


def proximity_bonus(tokens: Sequence[str], terms: QueryTerms, model: Proximity) -> float:
    """What closeness adds to an article's normalised first-stage score."""
    total = terms.total
    if not total:
        return 0.0
    positions, weights = _positions(tokens, terms)
    sizes = [size for size, _ in model.windows]
    shares = _best_windows(positions, weights, sizes)
    bonus = sum(w * s for (_, w), s in zip(model.windows, shares, strict=True)) / total
    coverage = float(sum(w for p, w in zip(positions, weights, strict=True) if len(p)))
    return bonus + model.coverage_weight * coverage / total


def rerank(
    scores: np.ndarray,
    top: np.ndarray,
    tokens_of: Callable[[int], Sequence[str]],
    terms: QueryTerms,
    model: Proximity,
) -> None:
    """Re-score the documents ``top`` (best first) in place in ``scores``: they keep their
    places above every other document, ordered by first-stage score plus closeness."""
    if len(top) < 2 or len(terms.weights) < model.min_terms:
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

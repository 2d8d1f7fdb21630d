"""Related articles ("Bài liên quan"): more-like-this over the index.

An article's most distinctive words (tf-idf of its own accented syllables, the title's
counting double) become a query of at most ``MAX_TERMS`` words, scored by the engine's own
BM25 like any other query of many words: articles sharing more of those words, and rarer
ones, rank higher. The article itself and its near-copies are excluded by the caller.

The query words are kept in the order they first occur in the article, so two words that
stand together there ("bắc", "kạn") are adjacent in the query too and get the engine's
bigram evidence.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable

from ..text.analysis import syllables
from ..text.normalize import nfc
from ..text.stopwords import STOPWORDS
from .parse import Clause, Group, ParsedQuery, QueryWord

MAX_TERMS = 16  # words of the query: bounds the postings read per article
MAX_DF_SHARE = 0.1  # words in more than this share of the articles say little…
MIN_DF_CAP = 1000  # …in a collection large enough for shares to mean something
TITLE_WEIGHT = 2
MIN_TF = 2  # a word said once in the body is more often incidental than the topic


def distinctive_words(
    title: str,
    body: str,
    df: Callable[[str], int],
    n_docs: int,
    limit: int = MAX_TERMS,
) -> list[QueryWord]:
    """The ``limit`` words of an article with the highest tf-idf, in text order.

    ``df(word)`` is the number of articles holding an accented syllable. Function words,
    numbers, single letters and words no other article holds are never chosen; words said
    only once are chosen only when fewer than ``limit // 2`` words are said more often.
    """
    counts: Counter[str] = Counter()
    first_seen: dict[str, int] = {}
    folded_of: dict[str, str] = {}
    position = 0
    for text, weight in ((title, TITLE_WEIGHT), (body, 1)):
        for s in syllables(nfc(text)):
            position += 1
            word = s.word
            if len(word) < 2 or not word.isalpha() or word in STOPWORDS:
                continue
            counts[word] += weight
            first_seen.setdefault(word, position)
            folded_of[word] = s.folded
    max_df = min(n_docs - 1, max(MIN_DF_CAP, int(n_docs * MAX_DF_SHARE)))
    scored = []
    for word, tf in counts.items():
        n = df(word)
        if 2 <= n <= max_df:
            scored.append((tf >= MIN_TF, tf * math.log(n_docs / n), word))
    # Words said at least twice first; words said once only fill a short article's query.
    scored.sort(key=lambda item: (not item[0], -item[1], item[2]))
    if sum(1 for item in scored if item[0]) >= limit // 2:
        scored = [item for item in scored if item[0]]
    chosen = sorted((word for _, _, word in scored[:limit]), key=first_seen.__getitem__)
    return [QueryWord(word, word, folded_of[word]) for word in chosen]


def related_query(words: list[QueryWord]) -> ParsedQuery:
    """A query of free words (any may be missing), as if typed."""
    return ParsedQuery(
        " ".join(w.accented for w in words), groups=[Group([Clause((w,))]) for w in words]
    )

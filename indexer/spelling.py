"""Did you mean: a close variant of a query that finds few results, from the index's own words.

"dan vnaj khoe" → "dân vận khéo", "chuyen doi sos" → "chuyển đổi số", "phong dienn" →
"phong điền". Each word's candidates are the index's folded syllables within a small edit
distance (Damerau–Levenshtein over folded forms, found through a deletion index, as in
SymSpell), and the word decoded from Telex or VNI keys. A Viterbi pass picks the sequence with
the best sum of log document frequencies, less a penalty per edit, plus the log number of
articles in which adjacent candidates stand together (the folded bigram postings).

The engine runs this only when a query finds few results, and offers the variant only when
it finds clearly more.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from itertools import combinations

from .interpret import Vocabulary
from .normalize import decode_telex, decode_vni, fold

FEW_RESULTS = 5  # a query finding fewer articles than this may get a suggestion
MAX_WORDS = 6  # longer queries are left alone: a question rarely has a typo worth the cost
MAX_WORD_LEN = 12
MAX_EDITS = 2
CANDIDATES = 6  # per word, best first
EDIT_PENALTY = 3.0  # log-frequency given up per edit: a correction must be far more common
DECODED_PENALTY = 0.5  # a word that reads as Telex/VNI keys ("sos" → "số")
PAIR_WEIGHT = 1.5


def _deletes(word: str, n: int) -> set[str]:
    """Every string made by deleting up to ``n`` letters of ``word`` (``word`` included)."""
    out = {word}
    for k in range(1, min(n, len(word) - 1) + 1):
        for drop in combinations(range(len(word)), k):
            out.add("".join(c for i, c in enumerate(word) if i not in drop))
    return out


def distance(a: str, b: str) -> int:
    """Damerau–Levenshtein distance (adjacent transpositions count one): ("vnaj", "van") → 2."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[len(b)]


class Speller:
    """Spelling candidates for query words, over the folded syllables of an index."""

    def __init__(self, vocabulary: Vocabulary, min_docs: int = 1) -> None:
        self.docs: dict[str, int] = {}
        for key, forms in vocabulary.forms.items():
            n = sum(c for _, c in forms)
            if key.isascii() and key.isalpha() and len(key) <= MAX_WORD_LEN and n >= min_docs:
                self.docs[key] = n
        # Words and their one-letter deletions: a query word's deletions of up to two letters
        # meet them when the two are within about two edits.
        self.index: dict[str, list[str]] = {}
        for key in self.docs:
            for d in _deletes(key, 1):
                self.index.setdefault(d, []).append(key)

    def candidates(self, word: str) -> list[tuple[str, float]]:
        """(folded candidate, cost) for a typed word, cheapest and most common first."""
        typed = fold(word.lower())
        found: dict[str, float] = {}
        if typed in self.docs:
            found[typed] = 0.0
        for decoder in (decode_telex, decode_vni):
            decoded = fold(decoder(word).lower())
            if decoded != typed and decoded in self.docs:
                found.setdefault(decoded, DECODED_PENALTY)
        if typed.isalpha() and len(typed) <= MAX_WORD_LEN:
            for d in _deletes(typed, MAX_EDITS):
                for key in self.index.get(d, ()):
                    if key in found:
                        continue
                    edits = distance(typed, key)
                    if edits <= MAX_EDITS:
                        found[key] = EDIT_PENALTY * edits
        scored = sorted(found.items(), key=lambda kv: (kv[1] - math.log(self.docs[kv[0]]), kv[0]))
        return scored[:CANDIDATES]

    def correct(self, words: list[str], pair_docs: Callable[[str, str], int]) -> list[str]:
        """The most likely folded words meant by ``words`` (each unchanged where nothing
        better is found)."""
        options = []
        for w in words:
            cands = self.candidates(w)
            typed = fold(w.lower())
            if not cands:
                cands = [(typed, 0.0)]
            options.append([(c, math.log(self.docs.get(c, 0) + 1) - cost) for c, cost in cands])
        best: list[dict[str, tuple[float, str | None]]] = []
        for i, opts in enumerate(options):
            layer: dict[str, tuple[float, str | None]] = {}
            for cand, score in opts:
                if i == 0:
                    layer[cand] = (score, None)
                    continue
                layer[cand] = max(
                    (prev_score + score + PAIR_WEIGHT * math.log(pair_docs(prev, cand) + 1), prev)
                    for prev, (prev_score, _) in best[-1].items()
                )
            best.append(layer)
        cand = max(best[-1].items(), key=lambda item: item[1][0])[0]
        chosen = [cand]
        for i in range(len(best) - 1, 0, -1):
            prev = best[i][cand][1]
            assert prev is not None
            chosen.append(prev)
            cand = prev
        chosen.reverse()
        return chosen


def did_you_mean(
    words: list[str],
    speller: Speller,
    pair_docs: Callable[[str, str], int],
    found: int,
    count: Callable[[str], tuple[int, str | None]],
) -> str | None:
    """A variant of the query ``words`` (typed text, plain words only) that finds clearly
    more than the ``found`` articles that hold every word, as it should be shown (accents
    restored), or None.

    ``count(text)`` searches ``text`` and returns (articles holding every word, the query as
    the engine understood it).
    """
    if not words or len(words) > MAX_WORDS:
        return None
    chosen = speller.correct(words, pair_docs)
    if all(c == fold(w.lower()) for c, w in zip(chosen, words, strict=True)):
        return None
    text = " ".join(w if c == fold(w.lower()) else c for c, w in zip(chosen, words, strict=True))
    total, interpreted = count(text)
    if total <= 2 * found:
        return None
    return interpreted or text

"""Did you mean: a close variant of a query that finds few results, from the index's own words.

"dan vnaj khoe" → "dân vận khéo", "chuyen doi sos" → "chuyển đổi số", "phong dienn" →
"phong điền". Each word's candidates are the index's folded syllables within a small edit
distance (Damerau–Levenshtein over folded forms, found through a deletion index, as in
SymSpell), and the word decoded from Telex or VNI keys. A Viterbi pass picks the sequence
that a bigram model of the corpus finds most likely, less a penalty per edit: how common the
first word is, and for each next word how often it follows the previous one (the articles
holding the folded pair, from the bigram postings, over those holding the previous word),
mixed with how common it is alone.

The engine runs this only when a query finds few results, and offers the variant only when
it finds clearly more.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from itertools import combinations

from ..index.vocabulary import Vocabulary
from ..text.analysis import word_forms
from ..text.normalize import decode_telex, decode_vni, fold

FEW_RESULTS = 5  # a query finding fewer articles than this may get a suggestion
MAX_WORDS = 6  # longer queries are left alone: a question rarely has a typo worth the cost
MAX_WORD_LEN = 12
MAX_EDITS = 2
CANDIDATES = 6  # per word, best first
EDIT_PENALTY = 3.0  # log-probability given up per edit: a correction must be far likelier
SWAP_EDIT = 0.5  # two neighbouring keys swapped, the commonest slip, counts half an edit
DECODED_PENALTY = 0.5  # a word that reads as Telex/VNI keys ("sos" → "số")
FOLLOW_SHARE = 0.95  # weight of "how often b follows a" against "how common b is"
VOCABULARY_DOCS = 10_000  # a syllable is a candidate if in 1 of this many articles, or more


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

    def __init__(self, vocabulary: Vocabulary, n_docs: int) -> None:
        # Rare strings (names, typos of the corpus itself) are no corrections, and leaving
        # them out keeps the deletion index small (about 13,000 syllables at 85k articles).
        min_docs = max(1, n_docs // VOCABULARY_DOCS)
        self.n_docs = max(1, n_docs)
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
        # The word as typed, and as Telex/VNI keys read (a typo in Telex: "vnaj" → "vna").
        bases = [(typed, 0.0)]
        for decoder in (decode_telex, decode_vni):
            decoded = fold(decoder(word).lower())
            if decoded != typed:
                bases.append((decoded, DECODED_PENALTY))
        for base, base_cost in bases:
            if base in self.docs and base_cost < found.get(base, math.inf):
                found[base] = base_cost
            if not base.isalpha() or len(base) > MAX_WORD_LEN:
                continue
            for d in _deletes(base, MAX_EDITS):
                for key in self.index.get(d, ()):
                    edits = distance(base, key)
                    cost = base_cost + EDIT_PENALTY * edits
                    if edits == 1 and sorted(base) == sorted(key):
                        cost -= EDIT_PENALTY * (1.0 - SWAP_EDIT)
                    if edits <= MAX_EDITS and cost < found.get(key, math.inf):
                        found[key] = cost
        scored = sorted(found.items(), key=lambda kv: (kv[1] - math.log(self.docs[kv[0]]), kv[0]))
        return scored[:CANDIDATES]

    def correct(self, words: list[str], pair_docs: Callable[[str, str], int]) -> list[str]:
        """The most likely folded words meant by ``words`` (each unchanged where nothing
        better is found)."""
        options = []
        for w in words:
            typed = fold(w.lower())
            options.append(self.candidates(w) or [(typed, 0.0)])

        def alone(word: str) -> float:
            return (self.docs.get(word, 0) + 0.5) / self.n_docs

        def after(a: str, b: str) -> float:
            """log P(b | a): how often b follows a, mixed with how common b is."""
            p = (1.0 - FOLLOW_SHARE) * alone(b)
            docs_a = self.docs.get(a, 0)
            if docs_a:
                p += FOLLOW_SHARE * min(1.0, pair_docs(a, b) / docs_a)
            return math.log(p)

        # The first word's own frequency, then how likely each word is after the one before.
        scored = [
            [(cand, (math.log(alone(cand)) if i == 0 else 0.0) - cost) for cand, cost in opts]
            for i, opts in enumerate(options)
        ]
        return best_sequence(scored, lambda _, prev, cand: after(prev, cand))


def did_you_mean(
    words: list[str],
    speller: Speller,
    pair_docs: Callable[[str, str], int],
    found: int,
    count: Callable[[str], tuple[int, str | None]],
    side_by_side: Callable[[str, str], bool] | None = None,
) -> str | None:
    """A variant of the query ``words`` (typed text, plain words only) that finds clearly
    more than the ``found`` articles that hold every word, as it should be shown (accents
    restored), or None.

    ``count(text)`` searches ``text`` and returns (articles holding every word, its words
    in the accents the engine read them with); ``side_by_side(a, b)`` says whether some
    article holds the folded words side by side (by default: ``pair_docs``).
    """
    stands = side_by_side or (lambda a, b: pair_docs(a, b) > 0)
    if not words or len(words) > MAX_WORDS:
        return None
    chosen = speller.correct(words, pair_docs)
    changed = [c != fold(w.lower()) for c, w in zip(chosen, words, strict=True)]
    if not any(changed):
        return None
    # A correction stands next to its neighbours somewhere: never a phrase found nowhere.
    for i in range(1, len(chosen)):
        if (changed[i - 1] or changed[i]) and not stands(chosen[i - 1], chosen[i]):
            return None
    text = " ".join(w if c == fold(w.lower()) else c for c, w in zip(chosen, words, strict=True))
    total, interpreted = count(text)
    if text != fold(text):
        # Typed with accents, the variant is taken as written, its corrections unaccented
        # too ("dân van khéo"): read it without accents instead, and keep that reading when
        # it gives back every accent the reader typed ("dân vận khéo").
        typed = [word_forms(w)[0] for w in words]
        folded_total, reading = count(" ".join(chosen))
        read = reading.split(" ") if reading else []
        if len(read) == len(words) and all(
            changed[i] or read[i] == typed[i] for i in range(len(words))
        ):
            total, interpreted = folded_total, reading
    if total <= 2 * found:
        return None
    return interpreted or text


def best_sequence(
    options: list[list[tuple[str, float]]], step: Callable[[int, str, str], float]
) -> list[str]:
    """One option per position, the sequence with the best sum of the options' own scores
    and ``step(i, previous, option)`` between neighbours (a Viterbi pass)."""
    best: list[dict[str, tuple[float, str | None]]] = []
    for i, opts in enumerate(options):
        layer: dict[str, tuple[float, str | None]] = {}
        for option, own in opts:
            if i == 0:
                layer[option] = (own, None)
                continue
            layer[option] = max(
                (score + own + step(i, prev, option), prev) for prev, (score, _) in best[-1].items()
            )
        best.append(layer)
    option = max(best[-1].items(), key=lambda item: item[1][0])[0]
    chosen = [option]
    for i in range(len(best) - 1, 0, -1):
        prev = best[i][option][1]
        assert prev is not None
        chosen.append(prev)
        option = prev
    chosen.reverse()
    return chosen

"""Autocomplete: completions of what a reader has typed so far, from the corpus's own words.

Suggestions are the corpus's syllables and its frequent phrases of two or three syllables
(accented, whole words as word segmentation finds them, never across punctuation), ranked by
the number of articles holding them, so a completion never ends inside a word ("dân vận giai"
of "giai đoạn"). They are matched on folded forms, so "dan v" completes to "dân vận"; accents
the reader did type must agree ("dân v" never offers "dần vân" first), and Telex or VNI keys
are decoded ("daan", "dân vaajn").

At build time ``PhraseCounter`` counts phrase document frequencies in bounded memory (when it
holds too many phrases it drops the rarest, so only phrases frequent somewhere in the stream
survive); ``write_suggestions`` stores the kept entries sorted by folded form. At search time
``Suggester`` finds the folded prefix's range with ``bisect`` and picks the most frequent
entries in it.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path

import numpy as np

from .analysis import Syllable
from .errors import QueryError
from .normalize import (
    decode_telex,
    decode_vni,
    fold,
    has_diacritics,
    normalize,
    strip_tone,
    tone_of,
)
from .stopwords import STOPWORDS

SUGGESTIONS_FILE = "suggestions.tsv"
MAX_SUGGESTIONS = 8
MAX_PREFIX_CHARS = 100
PHRASE_SYLLABLES = (2, 3)
PHRASE_CAPACITY = 400_000  # phrases counted at once while building (about 60 MB)
KEEP_PHRASES = 150_000  # phrases written to the index, most frequent first
MIN_PHRASE_DOCS = 2  # a phrase of one article is no suggestion
KEEP_WORDS = 60_000  # syllables written, most frequent first
SCAN = 2_000  # a prefix range up to this size is checked whole, a larger one by its top entries
TOP_OF_RANGE = 300
_SPACES_RE = re.compile(r"\s+")
# No phrase holds these: function words, and conjunctions that join two words rather than
# making one ("dân vận và").
FUNCTION_WORDS = STOPWORDS | {"và", "ở", "hay", "thì", "mà", "bị", "như", "tới", "nhằm", "cho"}
_FOLDED_FUNCTION_WORDS = {fold(w): w for w in sorted(FUNCTION_WORDS, reverse=True)}


def phrases(sylls: list[Syllable], starts: list[bool]) -> set[str]:
    """The accented 2–3-syllable phrases of one text: whole words only (``starts`` tells
    which syllables begin a word, see ``wordseg``), crossing neither punctuation nor a
    function word.

    >>> from indexer.analysis import syllables
    >>> from indexer.wordseg import word_starts
    >>> text = "Ban Dân vận Tỉnh ủy, giai đoạn mới"
    >>> sylls = syllables(text)
    >>> sorted(phrases(sylls, word_starts(text, sylls)))
    ['ban dân vận', 'dân vận', 'giai đoạn', 'giai đoạn mới', 'tỉnh ủy']
    """
    starts = [*starts, True]
    out: set[str] = set()
    for begin, end in _runs(sylls):
        # Each n-syllable part beginning and ending at a word boundary: "dân vận", not
        # "vận tỉnh" nor "dân vận tỉnh" before "ủy".
        for n in PHRASE_SYLLABLES:
            for i in range(begin, end - n + 1):
                if starts[i] and starts[i + n]:
                    out.add(" ".join(s.word for s in sylls[i : i + n]))
    return out


def _runs(sylls: list[Syllable]) -> list[tuple[int, int]]:
    """(begin, end) of the runs of syllables a phrase may hold: words, not numbers nor
    function words, split by neither punctuation nor either of those."""
    runs = []
    begin: int | None = None
    for i, s in enumerate(sylls):
        usable = s.word.isalpha() and s.word not in FUNCTION_WORDS
        if begin is not None and not (usable and s.joined):
            runs.append((begin, i))
            begin = None
        if usable and begin is None:
            begin = i
    if begin is not None:
        runs.append((begin, len(sylls)))
    return runs


class PhraseCounter:
    """Document frequencies of phrases, holding at most ``capacity`` of them at a time.

    When full, the rarest are dropped until half the capacity is left: a phrase frequent in
    the corpus is counted in every stretch of it and survives; counts are exact while
    nothing was dropped (small collections).
    """

    def __init__(self, capacity: int = PHRASE_CAPACITY) -> None:
        self.capacity = capacity
        self.counts: dict[str, int] = {}

    def add(self, doc_phrases: Iterable[str]) -> None:
        """Count the phrases of one article (each once)."""
        counts = self.counts
        get = counts.get
        for p in doc_phrases:
            counts[p] = get(p, 0) + 1
        if len(counts) > self.capacity:
            self._prune()

    def update(self, counts: Mapping[str, int]) -> None:
        """Start from earlier counts (an update of an existing index)."""
        for p, n in counts.items():
            self.counts[p] = self.counts.get(p, 0) + n
        if len(self.counts) > self.capacity:
            self._prune()

    def _prune(self) -> None:
        values = np.fromiter(self.counts.values(), dtype=np.int64, count=len(self.counts))
        keep = self.capacity // 2
        cut = int(np.partition(values, len(values) - keep)[len(values) - keep])
        self.counts = {p: n for p, n in self.counts.items() if n > cut}

    def top(self, n: int = KEEP_PHRASES, min_docs: int = MIN_PHRASE_DOCS) -> dict[str, int]:
        """The ``n`` most frequent phrases held by at least ``min_docs`` articles."""
        kept = [(p, c) for p, c in self.counts.items() if c >= min_docs]
        kept.sort(key=lambda item: (-item[1], item[0]))
        return dict(kept[:n])


def write_suggestions(
    directory: Path, words: Mapping[str, int], phrase_counts: Mapping[str, int]
) -> None:
    """Write the suggestion entries (accented form → documents) sorted by folded form."""
    # Function words alone ("được", "đã") complete nothing a reader looks for.
    useful = ((w, n) for w, n in words.items() if w.isalpha() and w not in FUNCTION_WORDS)
    kept = sorted(useful, key=lambda e: (-e[1], e[0]))
    entries = [(fold(w), w, n) for w, n in kept[:KEEP_WORDS]]
    entries += [(fold(p), p, n) for p, n in phrase_counts.items()]
    entries.sort(key=lambda e: (e[0], -e[2], e[1]))
    text = "".join(f"{k}\t{w}\t{n}\n" for k, w, n in entries)
    (directory / SUGGESTIONS_FILE).write_text(text, encoding="utf-8")


def read_phrase_counts(directory: Path) -> dict[str, int]:
    """The phrase entries of an index's suggestions (to add a later update's counts to)."""
    return {w: n for _, w, n in _read(directory) if " " in w}


def _read(directory: Path) -> list[tuple[str, str, int]]:
    try:
        text = (directory / SUGGESTIONS_FILE).read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    out = []
    for line in text.splitlines():
        k, w, n = line.split("\t")
        out.append((k, w, int(n)))
    return out


def _typed_words(prefix: str) -> tuple[list[str], bool]:
    """The normalised words of a prefix and whether the last one is complete (a space
    follows it): "Dân  vậ" → (["dân", "vậ"], False)."""
    text = normalize(prefix)
    complete = bool(text) and text[-1].isspace()
    return _SPACES_RE.sub(" ", text).strip().split(" ") if text.strip() else [], complete


@lru_cache(maxsize=100_000)
def _shape_and_tone(word: str) -> tuple[str, int]:
    """ "dần" → ("dân", 2): the vowel shapes without the tone, and the tone."""
    return strip_tone(word), tone_of(word)


def _agrees(typed: list[str], marked: list[int], form: list[str], complete: bool) -> bool:
    """Whether the accents the reader typed (on the words ``marked``) agree with ``form``
    ("dân v" with "dân vận", not with "dần vân"); the last word, when still being typed, as
    a prefix."""
    last = len(typed) - 1
    for i in marked:
        t = typed[i]
        if i >= len(form):
            return False
        f = form[i]
        if i < last or complete:
            if f != t:
                return False
        else:
            t_shape, t_tone = _shape_and_tone(t)
            f_shape, f_tone = _shape_and_tone(f)
            if not f_shape.startswith(t_shape) or t_tone not in (0, f_tone):
                return False
    return True


class Suggester:
    """Completions of a prefix from an index's suggestion entries."""

    def __init__(self, entries: list[tuple[str, str, int]]) -> None:
        self.keys = [k for k, _, _ in entries]
        self.forms = [w for _, w, _ in entries]
        self.docs = np.asarray([n for _, _, n in entries], dtype=np.int64)

    @classmethod
    def load(cls, directory: Path) -> Suggester:
        return cls(_read(directory))

    def __len__(self) -> int:
        return len(self.keys)

    def phrase_docs(self, folded: str) -> dict[str, int] | None:
        """The accented forms of a folded phrase with their article counts, or None when the
        phrase is not among the frequent ones: "bong da" → {"bóng đá": 1503}."""
        lo = bisect_left(self.keys, folded)
        hi = lo
        while hi < len(self.keys) and self.keys[hi] == folded:
            hi += 1
        if lo == hi:
            return None
        return {self.forms[i]: int(self.docs[i]) for i in range(lo, hi)}

    def _range(self, folded: str) -> tuple[int, int]:
        lo = bisect_left(self.keys, folded)
        return lo, bisect_left(self.keys, folded + "\uffff", lo)

    def _matches(self, typed: list[str], complete: bool, limit: int) -> list[tuple[bool, int, int]]:
        """(accents agree, documents, entry) of the entries completing ``typed``, most
        documents first, until ``limit`` agree (and at most ``limit`` that do not)."""
        folded = fold(" ".join(typed)) + (" " if complete else "")
        lo, hi = self._range(folded)
        docs = self.docs[lo:hi]
        if hi - lo > SCAN:
            top = np.argpartition(-docs, TOP_OF_RANGE)[:TOP_OF_RANGE]
            order = top[np.argsort(-docs[top], kind="stable")]
        else:
            order = np.argsort(-docs, kind="stable")
        marked = [i for i, t in enumerate(typed) if has_diacritics(t)]
        out: list[tuple[bool, int, int]] = []
        agreeing = others = 0
        for i in (lo + order).tolist():
            agree = not marked or _agrees(typed, marked, self.forms[i].split(" "), complete)
            if agree:
                agreeing += 1
            elif others < limit:
                others += 1
            else:
                continue
            out.append((agree, int(self.docs[i]), i))
            if agreeing >= limit:
                break
        return out

    def complete(self, prefix: str, limit: int = MAX_SUGGESTIONS) -> list[str]:
        """Up to ``limit`` completions of ``prefix``, most frequent first, accented.

        >>> Suggester([("dan van", "dân vận", 9), ("dan vien", "dần viên", 2)]).complete("dan v")
        ['dân vận', 'dần viên']
        """
        if len(prefix) > MAX_PREFIX_CHARS:
            raise QueryError(f"q must be at most {MAX_PREFIX_CHARS} characters, got {len(prefix)}")
        words, complete = _typed_words(prefix)
        if not words or not self.keys:
            return []
        # No entry for the whole (longer than any phrase, or starting with a function word):
        # complete the last two or three words (never the last alone: it says too little)
        # and keep the ones before, in their commonest form when typed without accents.
        shortest = PHRASE_SYLLABLES[0]
        start = max(0, len(words) - PHRASE_SYLLABLES[-1])
        drops = range(start, len(words) - shortest + 1) if len(words) > shortest else (0,)
        for drop in drops:
            found = self._complete(words[drop:], complete, limit)
            if found:
                head = " ".join(self._form_of(w) for w in words[:drop])
                return [f"{head} {s}" if head else s for s in found]
        return []

    def _form_of(self, word: str) -> str:
        """The commonest accented form of a word typed without accents ("khong" → "không")."""
        if has_diacritics(word):
            return word
        for typed in (word, decode_telex(word), decode_vni(word)):  # "khoong" → "không"
            if has_diacritics(typed):
                return typed
            if typed in _FOLDED_FUNCTION_WORDS:  # not entries themselves
                return _FOLDED_FUNCTION_WORDS[typed]
            lo = bisect_left(self.keys, typed)  # entries of one key: most documents first
            if lo < len(self.keys) and self.keys[lo] == typed:
                return self.forms[lo]
        return word

    def _complete(self, words: list[str], complete: bool, limit: int) -> list[str]:
        variants = [words]
        for decoder in (decode_telex, decode_vni):
            decoded = [decoder(w).lower() for w in words]
            if decoded != words and decoded not in variants:
                variants.append(decoded)
        best: dict[int, tuple[bool, int]] = {}
        for typed in variants:
            for agree, docs, i in self._matches(typed, complete, limit):
                if best.get(i, (False, 0)) < (agree, docs):
                    best[i] = (agree, docs)
        ranked = sorted(
            best.items(), key=lambda item: (not item[1][0], -item[1][1], self.forms[item[0]])
        )
        return [self.forms[i] for i, _ in ranked[:limit]]

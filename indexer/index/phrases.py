"""Phrase counts: the corpus's frequent words and phrases, each accented form with the number
of articles holding it, sorted by folded form.

A phrase is two or three syllables of whole words (as word segmentation finds them), crossing
neither punctuation nor a function word, so it never ends inside a word ("dân vận giai" of
"giai đoạn"). At build time ``phrases`` finds one text's phrases, ``PhraseCounter`` counts
their document frequencies in bounded memory (when it holds too many phrases it drops the
rarest, so only phrases frequent somewhere in the stream survive) and
``write_phrase_counts`` stores the kept entries. At search time ``PhraseCounts`` reads them
for two readers: autocomplete (the entries under a folded prefix) and interpretation (the
accented forms of one folded word pair: "bong da" → {"bóng đá": 1503}).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np

from ..text.analysis import Syllable
from ..text.normalize import fold
from ..text.stopwords import STOPWORDS

PHRASE_COUNTS_FILE = "suggestions.tsv"  # the file name of every index format so far
PHRASE_SYLLABLES = (2, 3)
PHRASE_CAPACITY = 400_000  # phrases counted at once while building (about 60 MB)
KEEP_PHRASES = 150_000  # phrases written to the index, most frequent first
MIN_PHRASE_DOCS = 2  # a phrase of one article is no completion
KEEP_WORDS = 60_000  # syllables written, most frequent first
# No phrase holds these: function words, and conjunctions that join two words rather than
# making one ("dân vận và").
FUNCTION_WORDS = STOPWORDS | {"và", "ở", "hay", "thì", "mà", "bị", "như", "tới", "nhằm", "cho"}


def phrases(sylls: list[Syllable], starts: list[bool]) -> set[str]:
    """The accented 2–3-syllable phrases of one text: whole words only (``starts`` tells
    which syllables begin a word, see ``wordseg``), crossing neither punctuation nor a
    function word.

    >>> from indexer.text.analysis import syllables
    >>> from indexer.text.wordseg import word_starts
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

    def subtract(self, doc_phrases: Iterable[str]) -> None:
        """Uncount the phrases of an article that is no longer in the index (each once);
        a phrase no longer counted at all is forgotten."""
        counts = self.counts
        for p in doc_phrases:
            n = counts.get(p)
            if n is not None:
                if n > 1:
                    counts[p] = n - 1
                else:
                    del counts[p]

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
        """The ``n`` most frequent phrases held by at least ``min_docs`` articles (of those
        held by as many articles as the last one kept, the first in code point order)."""
        kept = {p: c for p, c in self.counts.items() if c >= min_docs}
        if len(kept) <= n:
            return kept
        values = np.fromiter(kept.values(), dtype=np.int64, count=len(kept))
        cut = int(-np.partition(-values, n - 1)[n - 1])  # the n-th largest count
        out = {p: c for p, c in kept.items() if c > cut}
        ties = sorted(p for p, c in kept.items() if c == cut)
        out.update((p, cut) for p in ties[: n - len(out)])
        return out


def write_phrase_counts(
    directory: Path,
    words: Mapping[str, int],
    phrase_counts: Mapping[str, int],
    folded: Mapping[str, str] | None = None,
) -> None:
    """Write the counts (accented form → documents) of the frequent content words and of the
    kept phrases, sorted by folded form. ``folded`` holds forms already folded (an update
    passes the live generation's, so that only new forms are folded again)."""
    # Function words alone ("được", "đã") complete nothing a reader looks for.
    useful = ((w, n) for w, n in words.items() if w.isalpha() and w not in FUNCTION_WORDS)
    kept = sorted(useful, key=lambda e: (-e[1], e[0]))
    known = folded or {}
    entries = [(known.get(w) or fold(w), w, n) for w, n in kept[:KEEP_WORDS]]
    entries += [(known.get(p) or fold(p), p, n) for p, n in phrase_counts.items()]
    entries.sort(key=lambda e: (e[0], -e[2], e[1]))
    text = "".join(map("{0[0]}\t{0[1]}\t{0[2]}\n".format, entries))
    (directory / PHRASE_COUNTS_FILE).write_text(text, encoding="utf-8")


def read_phrase_counts(
    directory: Path,
) -> tuple[dict[str, int], dict[str, int], dict[str, str]]:
    """The phrase entries of an index's counts and its word entries (to add a later update's
    counts to), and the folded form of every form listed."""
    keys, forms, docs = _columns(directory)
    phrase_counts: dict[str, int] = {}
    word_counts: dict[str, int] = {}
    for w, n in zip(forms, docs, strict=True):
        (phrase_counts if " " in w else word_counts)[w] = n
    return phrase_counts, word_counts, dict(zip(forms, keys, strict=True))


def _columns(directory: Path) -> tuple[list[str], list[str], list[int]]:
    """The folded forms, accented forms and article counts of the entries, in file order."""
    try:
        text = (directory / PHRASE_COUNTS_FILE).read_text(encoding="utf-8")
    except FileNotFoundError:
        return [], [], []
    # One split of the whole text: each line is "folded\taccented\tarticles".
    cells = text.replace("\n", "\t").split("\t")[:-1] if text else []
    return cells[0::3], cells[1::3], list(map(int, cells[2::3]))


def _read(directory: Path) -> list[tuple[str, str, int]]:
    return list(zip(*_columns(directory), strict=True))


class PhraseCounts:
    """An index's word and phrase counts: (folded form, accented form, articles) entries,
    sorted by folded form, then most articles first."""

    def __init__(self, entries: list[tuple[str, str, int]]) -> None:
        self.keys = [k for k, _, _ in entries]
        self.forms = [w for _, w, _ in entries]
        self.docs = np.asarray([n for _, _, n in entries], dtype=np.int64)

    @classmethod
    def load(cls, directory: Path) -> PhraseCounts:
        return cls(_read(directory))

    def __len__(self) -> int:
        return len(self.keys)

    def forms_of(self, folded: str) -> dict[str, int] | None:
        """The accented forms of a folded phrase with their article counts, or None when the
        phrase is not among the frequent ones: "bong da" → {"bóng đá": 1503}."""
        lo = bisect_left(self.keys, folded)
        hi = lo
        while hi < len(self.keys) and self.keys[hi] == folded:
            hi += 1
        if lo == hi:
            return None
        return {self.forms[i]: int(self.docs[i]) for i in range(lo, hi)}

    def prefix_range(self, folded: str) -> tuple[int, int]:
        """(first, end) of the entries whose folded form starts with ``folded``."""
        lo = bisect_left(self.keys, folded)
        return lo, bisect_left(self.keys, folded + "\uffff", lo)

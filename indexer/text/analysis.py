"""Analysis: text → syllables → index terms, the same way for documents, queries and snippets.

A Vietnamese word is one to three syllables written apart ("công tác", "dân vận khéo"), so
terms come in three kinds for every text field:

- accented syllables, canonical tones, lower case: "hòa", "thủy", "dân"
- folded syllables, every mark dropped (đ → d): "hoa", "thuy", "dan"
- folded bigrams of adjacent syllables: "dan van"

Bigrams are kept folded only: accented bigrams doubled the term dictionary (most bigrams occur
once) for no ranking gain over accented syllables plus folded bigrams.

Bigrams never cross punctuation, so "Kạn, Thái" gives no "kạn thái". Bigrams rank words of
several syllables together and have far shorter postings than syllables, which keeps queries
fast at news-site scale.

``syllables()`` is the one tokenizer; the Whoosh analyzers below wrap it for Whoosh's own
tools, and the indexer feeds Whoosh the same terms precomputed by ``text_terms()``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from whoosh.analysis import Filter, Token, Tokenizer

from .normalize import canonical_word, fold, nfc

# A syllable: letters and digits, plus any combining mark NFC could not compose.
_TOKEN_RE = re.compile(r"(?:[^\W_]|[\u0300-\u036f])+")
_SPLIT_RE = re.compile(f"({_TOKEN_RE.pattern})")
# What may stand between two syllables of one word or phrase: spaces, a hyphen.
_JOINING_GAP_RE = re.compile(r"[\s\-]*")

_FAST_WORD_RE = re.compile(r"\w+")

BIGRAM_SEPARATOR = " "


def bigram(first: str, second: str) -> str:
    """The term of two adjacent syllables: ("dan", "van") → "dan van"."""
    return first + BIGRAM_SEPARATOR + second


class Syllable(NamedTuple):
    """One syllable of a text: where it is, its accented and folded forms. (A named tuple:
    a text has hundreds, and a tuple is made three times faster than a frozen dataclass.)"""

    start: int
    end: int
    word: str  # canonical tones, lower case: "hòa"
    folded: str  # no marks, đ → d: "hoa"
    joined: bool  # True when only spaces or a hyphen separate it from the previous syllable


@lru_cache(maxsize=500_000)
def word_forms(token: str) -> tuple[str, str]:
    """(accented, folded) index forms of one token: "Hoà" → ("hòa", "hoa")."""
    accented = canonical_word(token).lower()
    return accented, fold(accented)


@lru_cache(maxsize=4096)
def _joins(gap: str) -> bool:
    """Whether what stands between two syllables joins them (spaces, a hyphen)."""
    return _JOINING_GAP_RE.fullmatch(gap) is not None


def syllables(text: str) -> list[Syllable]:
    """Split NFC text into syllables with character offsets into that same text.

    >>> [s.word for s in syllables("Uỷ ban, Hoà Bình")]
    ['ủy', 'ban', 'hòa', 'bình']
    """
    # Syllables and the gaps between them from one split: [gap, syllable, gap, …, gap].
    parts = _SPLIT_RE.split(text)
    out: list[Syllable] = []
    append = out.append
    start = len(parts[0])
    for i in range(1, len(parts), 2):
        token = parts[i]
        end = start + len(token)
        accented, folded = word_forms(token)
        append(Syllable(start, end, accented, folded, i > 1 and _joins(parts[i - 1])))
        start = end + len(parts[i + 1])
    return out


def folded_syllables(text: str) -> list[str]:
    """The folded syllables of a text, without offsets: "Dân vận" → ["dan", "van"].

    The fast form of ``[s.folded for s in syllables(text)]`` for re-reading stored articles
    at query time: ``\\w+`` takes re's fast path, and each distinct word is folded once
    (``word_forms`` is cached). It differs from ``syllables`` only where a word holds "_" or
    a combining mark that NFC could not compose, both rare in articles.
    """
    return [word_forms(w)[1] for w in _FAST_WORD_RE.findall(text.lower())]


def bigrams(words: Sequence[str], joined: Sequence[bool]) -> list[str]:
    """Adjacent pairs that are not split by punctuation: ["dân", "vận"] → ["dân vận"]."""
    sep = BIGRAM_SEPARATOR
    return [a + sep + b for a, b, j in zip(words, words[1:], joined[1:], strict=False) if j]


@dataclass(slots=True)
class TextTerms:
    """Term frequencies of one text in the three representations."""

    accented: Counter[str]
    folded: Counter[str]
    folded_bigrams: Counter[str]


def text_terms(text: str) -> TextTerms:
    """All index terms of a text, counted: what the index fields of a text receive."""
    return syllable_terms(syllables(nfc(text)))


def syllable_terms(sylls: list[Syllable]) -> TextTerms:
    """``text_terms`` of a text already split into syllables."""
    if not sylls:
        return TextTerms(Counter(), Counter(), Counter())
    _, _, accented, folded, joined = zip(*sylls, strict=True)
    return TextTerms(
        Counter(accented),
        Counter(folded),
        Counter(bigrams(folded, joined)),
    )


# --- Whoosh analyzers wrapping the same tokenizer -----------------------------------------


class _Stateless:
    """Analysis stages without options: equal when of the same class (Whoosh compares
    schemas, and so analyzers, when it opens an index)."""

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self)

    def __hash__(self) -> int:
        return hash(type(self))


class SyllableTokenizer(_Stateless, Tokenizer):
    """Whoosh tokenizer yielding accented syllables ("hòa"), with offsets and positions."""

    def __call__(  # type: ignore[override]
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: object,
    ) -> Iterator[Token]:
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        text = nfc(value)
        for i, s in enumerate(syllables(text)):
            t.text = s.word
            t.joined = s.joined
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = text[s.start : s.end]
            if positions:
                t.pos = start_pos + i
            if chars:
                t.startchar = start_char + s.start
                t.endchar = start_char + s.end
            yield t


class FoldFilter(_Stateless, Filter):
    """Drops every diacritic, đ → d: "hòa" → "hoa"."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for t in tokens:
            t.text = fold(t.text)
            yield t


class BigramFilter(_Stateless, Filter):
    """Joins adjacent syllables not split by punctuation: "dân", "vận" → "dân vận"."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        prev: str | None = None
        for t in tokens:
            text = t.text
            if prev is not None and getattr(t, "joined", False):
                t.text = bigram(prev, text)
                yield t
            prev = text


# Whoosh pickles an index's schema with the import paths of these classes, so the paths are
# part of the index format: they keep the names the format was made with (``indexer.analysis``
# re-exports them), and indexes built before or after the move open and compare the same.
for _pickled in (SyllableTokenizer, FoldFilter, BigramFilter):
    _pickled.__module__ = "indexer.analysis"


def accented_analyzer():
    return SyllableTokenizer()


def folded_analyzer():
    return SyllableTokenizer() | FoldFilter()


def folded_bigram_analyzer():
    return SyllableTokenizer() | FoldFilter() | BigramFilter()

"""Query words found in article text in C: regexes over a folded copy of the text.

Snippets, the accents of a rare pair and the second stage all look for a few folded query
words ("dan", "van") in stored articles. Folding a text with ``str.translate`` costs about
80 ns a character, and a regex whose letters are classes of their accented forms costs
Python's compiler a fraction of a millisecond per letter; instead the text is folded at once
with numpy (``fold_text``: the same string as ``normalize.fold``, length kept, so offsets hold
in the original), and the words are plain ASCII alternatives matched ignoring case.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

import numpy as np

from .normalize import _FOLD_TABLE, fold

_TABLE_SIZE = max(_FOLD_TABLE) + 1
_TABLE = np.arange(_TABLE_SIZE, dtype=np.uint32)
for _code, _folded in _FOLD_TABLE.items():
    _TABLE[_code] = ord(_folded)
# Combining marks NFC could not compose: a token may hold them (read such a text by tokens).
COMBINING_RE = re.compile("[\u0300-\u036f]")
_WORD_RE = re.compile(r"\w+")
_NON_ASCII_WORD_RE = re.compile(r"(?![\x00-\x7f])\w")
_SHORT_TEXT = 64  # below this many characters ``str.translate`` is as fast


def fold_text(text: str) -> str:
    """``normalize.fold(text)``, computed over the text's code points at once."""
    if len(text) < _SHORT_TEXT:
        return fold(text)
    try:
        raw = text.encode("utf-32-le")
    except UnicodeEncodeError:  # a lone surrogate
        return fold(text)
    codes = np.frombuffer(raw, dtype=np.uint32)
    folded = np.where(codes < _TABLE_SIZE, _TABLE[np.minimum(codes, _TABLE_SIZE - 1)], codes)
    return folded.tobytes().decode("utf-32-le")


@lru_cache(maxsize=4096)
def words_pattern(terms: tuple[str, ...]) -> re.Pattern[str]:
    """Any of ``terms`` (folded words) as a whole word of folded text, ignoring case; longer
    words are tried first."""
    ordered = sorted(terms, key=len, reverse=True)
    return re.compile(
        r"(?<![^\W_])(?:" + "|".join(map(re.escape, ordered)) + r")(?![^\W_])", re.IGNORECASE
    )


_PLAIN_WORD = re.compile(r"[0-9a-z]+")


@lru_cache(maxsize=4096)
def _plain_pattern(terms: tuple[str, ...]) -> re.Pattern[str] | None:
    """``words_pattern`` for plain ASCII text in lower case, or None when a term is not a
    plain ASCII word."""
    if not all(_PLAIN_WORD.fullmatch(t) for t in terms):
        return None
    ordered = sorted(terms, key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(ordered) + r")\b")


def is_plain(folded: str) -> bool:
    """Whether a folded text has no word character but ASCII letters and digits (no
    underscore): almost every article once folded, whatever quotes, dashes and ellipses it
    holds. In such a text ``\b`` bounds exactly the words, and ``str.lower`` is all the case
    a match needs to ignore."""
    if "_" in folded:
        return False
    return folded.isascii() or _NON_ASCII_WORD_RE.search(folded) is None


def find_words(folded: str, terms: tuple[str, ...]) -> Iterator[re.Match[str]]:
    """The matches of ``words_pattern(terms)`` in ``folded`` (a ``fold_text``): the same
    spans. A plain folded text (``is_plain``) is searched without look-around and without
    ignoring case, about twice as fast; the matched text is then in lower case."""
    plain = _plain_pattern(terms)
    if plain is not None and is_plain(folded):
        return plain.finditer(folded.lower())
    return words_pattern(terms).finditer(folded)


def folded_words(text: str) -> list[str]:
    """``analysis.folded_syllables(text)``: the ``\\w+`` words of the lower-case text, folded,
    with the text folded at once instead of each word (the second stage reads 30 articles
    per question this way)."""
    return _WORD_RE.findall(fold_text(text.lower()))

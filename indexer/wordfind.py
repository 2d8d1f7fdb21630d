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


def folded_words(text: str) -> list[str]:
    """``analysis.folded_syllables(text)``: the ``\\w+`` words of the lower-case text, folded,
    with the text folded at once instead of each word (the second stage reads 30 articles
    per question this way)."""
    return _WORD_RE.findall(fold_text(text.lower()))

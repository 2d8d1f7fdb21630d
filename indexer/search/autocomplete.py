"""Autocomplete: completions of what a reader has typed so far, from the corpus's own words.

Completions are the corpus's syllables and its frequent phrases of two or three syllables
(``phrases``: accented, whole words, never across punctuation), ranked by the number of
articles holding them. They are matched on folded forms, so "dan v" completes to "dân vận";
accents the reader did type must agree ("dân v" never offers "dần vân" first), and Telex or
VNI keys are decoded ("daan", "dân vaajn"). ``Autocomplete`` finds the folded prefix's range
of the phrase counts and picks the most frequent entries in it.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..errors import QueryError
from ..index.phrases import FUNCTION_WORDS, PHRASE_SYLLABLES, PhraseCounts
from ..text.normalize import (
    decode_telex,
    decode_vni,
    fold,
    has_diacritics,
    normalize,
    strip_tone,
    tone_of,
)

MAX_COMPLETIONS = 8
MAX_PREFIX_CHARS = 100
SCAN = 2_000  # a prefix range up to this size is checked whole, a larger one by its top entries
TOP_OF_RANGE = 300
_SPACES_RE = re.compile(r"\s+")
_FOLDED_FUNCTION_WORDS = {fold(w): w for w in sorted(FUNCTION_WORDS, reverse=True)}


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


class Autocomplete:
    """Completions of a prefix from an index's phrase counts."""

    def __init__(self, counts: PhraseCounts) -> None:
        self.counts = counts

    @classmethod
    def load(cls, directory: Path) -> Autocomplete:
        return cls(PhraseCounts.load(directory))

    def _matches(self, typed: list[str], complete: bool, limit: int) -> list[tuple[bool, int, int]]:
        """(accents agree, documents, entry) of the entries completing ``typed``, most
        documents first, until ``limit`` agree (and at most ``limit`` that do not)."""
        folded = fold(" ".join(typed)) + (" " if complete else "")
        lo, hi = self.counts.prefix_range(folded)
        docs = self.counts.docs[lo:hi]
        if hi - lo > SCAN:
            top = np.argpartition(-docs, TOP_OF_RANGE)[:TOP_OF_RANGE]
            order = top[np.argsort(-docs[top], kind="stable")]
        else:
            order = np.argsort(-docs, kind="stable")
        marked = [i for i, t in enumerate(typed) if has_diacritics(t)]
        out: list[tuple[bool, int, int]] = []
        agreeing = others = 0
        for i in (lo + order).tolist():
            agree = not marked or _agrees(typed, marked, self.counts.forms[i].split(" "), complete)
            if agree:
                agreeing += 1
            elif others < limit:
                others += 1
            else:
                continue
            out.append((agree, int(self.counts.docs[i]), i))
            if agreeing >= limit:
                break
        return out

    def complete(self, prefix: str, limit: int = MAX_COMPLETIONS) -> list[str]:
        """Up to ``limit`` completions of ``prefix``, most frequent first, accented.

        >>> counts = PhraseCounts([("dan van", "dân vận", 9), ("dan vien", "dần viên", 2)])
        >>> Autocomplete(counts).complete("dan v")
        ['dân vận', 'dần viên']
        """
        if len(prefix) > MAX_PREFIX_CHARS:
            raise QueryError(f"q must be at most {MAX_PREFIX_CHARS} characters, got {len(prefix)}")
        words, complete = _typed_words(prefix)
        if not words or not self.counts.keys:
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
            lo = bisect_left(self.counts.keys, typed)  # entries of one key: most documents first
            if lo < len(self.counts.keys) and self.counts.keys[lo] == typed:
                return self.counts.forms[lo]
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
            best.items(), key=lambda item: (not item[1][0], -item[1][1], self.counts.forms[item[0]])
        )
        return [self.counts.forms[i] for i, _ in ranked[:limit]]

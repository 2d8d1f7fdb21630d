"""Hit text → an HTML excerpt: escaped text, matched words wrapped in ``<mark>``.

Matching is on folded forms, so "dan van" marks "dân vận" and the excerpt keeps the
author's accents. Text is escaped first; ``<mark>`` is the only markup ever added.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from functools import lru_cache
from html import escape

from .analysis import _JOINING_GAP_RE, _TOKEN_RE, word_forms
from .normalize import fold

SNIPPET_CHARS = 240  # about two lines of text


@lru_cache(maxsize=1)
def _cased_or_folding() -> tuple[str, ...]:
    """Every character (of the Basic Multilingual Plane) that folding changes or that has
    another case: the only ones a case-insensitive match on folded text can equate with a
    character other than itself."""
    out = []
    for code in range(0x10000):
        ch = chr(code)
        if 0xD800 <= code < 0xE000:
            continue
        if fold(ch) != ch or ch.lower() != ch or ch.upper() != ch:
            out.append(ch)
    return tuple(out)


@lru_cache(maxsize=4096)
def _letter_class(ch: str) -> str:
    """A regex class of the characters whose folded form matches ``ch`` ignoring case:
    "d" → "[DdĎďĐđ…]", every accented form of the letter in both cases."""
    same = re.compile(re.escape(ch), re.IGNORECASE).fullmatch
    members = sorted(c for c in {ch, *_cased_or_folding()} if same(fold(c)))
    if not members:  # an accented letter: folded text never holds it
        return "(?!)"
    if len(members) == 1:
        return re.escape(members[0])
    return "[" + "".join(re.escape(c) for c in members) + "]"


@lru_cache(maxsize=1024)
def _terms_pattern(terms: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = ("".join(_letter_class(ch) for ch in term) for term in terms)
    return re.compile(r"(?<![^\W_])(?:" + "|".join(alternatives) + r")(?![^\W_])")


def _match_spans(text: str, folded_terms: Collection[str]) -> list[tuple[int, str]]:
    """Start offsets and folded forms of query words in ``text``, found in C by one regex.

    The regex matches the original text with each letter a class of its accented forms in
    both cases, so the whole text is never folded: it finds what a case-insensitive match
    of the folded words over ``fold(text)`` finds.
    """
    terms = tuple(sorted({t for t in folded_terms if t}, key=len, reverse=True))
    if not terms:
        return []
    pattern = _terms_pattern(terms)
    return [(m.start(), fold(m.group()).lower()) for m in pattern.finditer(text)]


def _best_window(spans: list[tuple[int, str]], width: int) -> int:
    """Offset where the ``width``-character window with the most distinct, then most,
    query words begins (at its first match)."""
    best_start, best = 0, (0, 0)
    counts: dict[str, int] = {}
    lo = 0
    for hi, (pos, term) in enumerate(spans):
        counts[term] = counts.get(term, 0) + 1
        while pos - spans[lo][0] > width:
            old = spans[lo][1]
            counts[old] -= 1
            if not counts[old]:
                del counts[old]
            lo += 1
        score = (len(counts), hi - lo + 1)
        if score > best:
            best_start, best = spans[lo][0], score
    return best_start


def mark_words(text: str, folded_terms: Collection[str]) -> str:
    """Escaped ``text`` with the words whose folded form is a query word marked; adjacent
    marked syllables of one word ("dân vận", "Covid-19") share one ``<mark>``. Tokens,
    folded forms and joins are those of ``analysis.syllables``, read straight off its regex
    (no ``Syllable`` objects: this runs for every snippet)."""
    out: list[str] = []
    pos = 0
    open_mark = False
    fullmatch_gap = _JOINING_GAP_RE.fullmatch
    for m in _TOKEN_RE.finditer(text):
        start, end = m.span()
        flag = word_forms(m.group())[1] in folded_terms
        gap = text[pos:start]
        if open_mark and not (
            flag and fullmatch_gap(text, pos, start) is not None and not gap.strip()
        ):
            out.append("</mark>")
            open_mark = False
        out.append(escape(gap, quote=False))
        if flag and not open_mark:
            out.append("<mark>")
            open_mark = True
        out.append(escape(text[start:end], quote=False))
        pos = end
    if open_mark:
        out.append("</mark>")
    out.append(escape(text[pos:], quote=False))
    return "".join(out)


def snippet(text: str, folded_terms: Collection[str], width: int = SNIPPET_CHARS) -> str:
    """The best passage of ``text`` for the query words, as safe HTML.

    >>> snippet("Công tác dân vận khéo.", {"dan", "van"})
    'Công tác <mark>dân vận</mark> khéo.'
    """
    spans = _match_spans(text, folded_terms)
    first = _best_window(spans, width // 2) if spans else 0
    # Start a little before the first match, at a word boundary.
    lo = max(0, first - width // 4)
    if lo:
        space = text.find(" ", lo, first)
        lo = space + 1 if space >= 0 else first
    hi = min(len(text), lo + width)
    if hi < len(text):
        space = text.rfind(" ", max(first, lo) + 1, hi)
        hi = space if space > lo else hi
    html = mark_words(text[lo:hi], folded_terms).strip()
    html = " ".join(html.split())
    if lo > 0:
        html = "… " + html
    if hi < len(text):
        html += " …"
    return html


def highlight_all(text: str, folded_terms: Collection[str]) -> str:
    """The whole text as safe HTML with every query word marked (the article view)."""
    return mark_words(text, folded_terms)

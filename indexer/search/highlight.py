"""Hit text → an HTML excerpt: escaped text, matched words wrapped in ``<mark>``.

Words are found on folded forms, so "dan van" marks "dân vận" and the excerpt keeps the
author's accents. A word whose form is sought (typed with accents, or restored with
confidence) marks only that form: "dân vận" marks "Dân vận", never "văn" nor "Văn" (unless
the text holds none of the forms sought: then it matched on folded forms, and those are
marked). Text is escaped first; ``<mark>`` is the only markup ever added.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from html import escape

from ..text.analysis import _JOINING_GAP_RE, _TOKEN_RE
from ..text.wordfind import COMBINING_RE, find_words, fold_text
from .evidence import index_forms

SNIPPET_CHARS = 240  # about two lines of text

# What to mark: folded query words, or folded word → the accented forms sought (None: any).
Terms = Collection[str] | Mapping[str, frozenset[str] | None]


def _sought(terms: Terms) -> dict[str, frozenset[str] | None]:
    if isinstance(terms, Mapping):
        return {t: forms for t, forms in terms.items() if t}
    return {t: None for t in terms if t}


def _wanted(sought: Mapping[str, frozenset[str] | None], token: str) -> bool:
    """Whether a token of the text is a query word, in a form sought."""
    accented, folded = index_forms(token)
    if folded not in sought:
        return False
    forms = sought[folded]
    return forms is None or accented in forms


def _spans_for(
    text: str, terms: Terms
) -> tuple[dict[str, frozenset[str] | None], list[tuple[int, str]]]:
    """The words to mark in ``text`` and where they are: the forms sought, or any form when
    the text holds none of the forms sought (it matched on folded forms)."""
    sought = _sought(terms)
    spans = _match_spans(text, sought)
    if not spans and any(forms is not None for forms in sought.values()):
        sought = dict.fromkeys(sought)
        spans = _match_spans(text, sought)
    return sought, spans


def _match_spans(text: str, terms: Terms) -> list[tuple[int, str]]:
    """Start offsets and folded forms of query words in ``text``, found in C by one regex
    over the folded text (``wordfind``: folded at once, offsets kept)."""
    sought = _sought(terms)
    keys = tuple(sorted(sought))
    if not keys:
        return []
    found = find_words(fold_text(text), keys)
    if all(forms is None for forms in sought.values()):
        return [(m.start(), m.group().lower()) for m in found]
    return [
        (m.start(), m.group().lower()) for m in found if _wanted(sought, text[m.start() : m.end()])
    ]


def _best_window(text: str, spans: list[tuple[int, str]], width: int) -> int:
    """Offset where the ``width``-character window with the most distinct query words, then
    the most of them side by side ("dân vận" rather than "dân … vận"), then the most, begins
    (at its first match)."""
    best_start, best = 0, (0, 0, 0)
    counts: dict[str, int] = {}
    # Whether each match follows the one before it, past spaces or a hyphen only.
    joined = [
        k > 0
        and spans[k - 1][1] != term
        and _JOINING_GAP_RE.fullmatch(text, spans[k - 1][0] + len(spans[k - 1][1]), pos) is not None
        for k, (pos, term) in enumerate(spans)
    ]
    pairs = 0
    lo = 0
    for hi, (pos, term) in enumerate(spans):
        counts[term] = counts.get(term, 0) + 1
        pairs += joined[hi]
        while pos - spans[lo][0] > width:
            old = spans[lo][1]
            counts[old] -= 1
            if not counts[old]:
                del counts[old]
            lo += 1
            pairs -= joined[lo]
        score = (len(counts), pairs, hi - lo + 1)
        if score > best:
            best_start, best = spans[lo][0], score
    return best_start


def mark_words(text: str, folded_terms: Terms) -> str:
    """Escaped ``text`` with the words whose folded form is a query word marked; adjacent
    marked syllables of one word ("dân vận", "Covid-19") share one ``<mark>``.

    The words are found by one regex over the folded text (``wordfind``): a run of them with
    only spaces between is marked as one, and the text between is escaped in one piece. A
    text holding combining marks (not NFC) is read token by token instead
    (``_mark_tokens``), where a token may hold them."""
    # A word is marked when its folded, lower-case form is a query word: a query word
    # with capitals never is.
    sought = {t: f for t, f in _sought(folded_terms).items() if t == t.lower()}
    terms = tuple(sorted(sought))
    if not terms:
        return escape(text, quote=False)
    if COMBINING_RE.search(text):
        return _mark_tokens(text, sought)
    # The folded text is matched ignoring case, which equates more than lower case does
    # ("ſ" with "s"): a match is a word of the query only when its own index form is.
    found = [
        m.span()
        for m in find_words(fold_text(text), terms)
        if _wanted(sought, text[m.start() : m.end()])
    ]
    if not found:
        return escape(text, quote=False)
    out: list[str] = []
    pos = 0
    i = 0
    while i < len(found):
        start, end = found[i]
        i += 1
        while i < len(found) and not text[end : found[i][0]].strip():
            end = found[i][1]
            i += 1
        out.append(escape(text[pos:start], quote=False))
        out.append("<mark>" + escape(text[start:end], quote=False) + "</mark>")
        pos = end
    out.append(escape(text[pos:], quote=False))
    return "".join(out)


def _mark_tokens(text: str, sought: Mapping[str, frozenset[str] | None]) -> str:
    """``mark_words`` token by token: tokens, folded forms and joins are those of
    ``analysis.syllables``, read straight off its regex."""
    out: list[str] = []
    pos = 0
    open_mark = False
    fullmatch_gap = _JOINING_GAP_RE.fullmatch
    for m in _TOKEN_RE.finditer(text):
        start, end = m.span()
        flag = _wanted(sought, m.group())
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


def snippet(text: str, folded_terms: Terms, width: int = SNIPPET_CHARS) -> str:
    """The best passage of ``text`` for the query words, as safe HTML.

    >>> snippet("Công tác dân vận khéo.", {"dan", "van"})
    'Công tác <mark>dân vận</mark> khéo.'
    """
    folded_terms, spans = _spans_for(text, folded_terms)
    first = _best_window(text, spans, width // 2) if spans else 0
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


def highlight_all(text: str, folded_terms: Terms) -> str:
    """The whole text as safe HTML with every query word marked (the article view)."""
    return mark_words(text, _spans_for(text, folded_terms)[0])

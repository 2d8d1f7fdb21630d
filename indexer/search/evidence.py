"""Evidence of phrases in the articles' own text: which accented forms a run of folded
words takes side by side, and whether an article holds a query's words as typed.

Interpretation asks the first ("dan van kheo": "dân vận khéo" in 12 articles, no other
reading anywhere), the exact-accent order asks the second ("dân vận" side by side, not
"dân vẫn" nor "dân … vận"). Both read stored text: the postings hold syllables and folded
pairs, never accented pairs, so only the text can tell "dân vận" from "dân vẫn" in an
article that also names a "vận động".

Words are found by a regex over the folded text (``wordfind``, in C), each next word right
after the one before, past spaces or a hyphen (never punctuation); a text holding combining
marks NFC could not compose is split into syllables instead.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache

import numpy as np

from ..text.analysis import syllables, word_forms
from ..text.normalize import nfc
from ..text.wordfind import COMBINING_RE, fold_text, is_plain

SAMPLE_DOCS = 32  # articles read for the forms of a run held by more (evenly spaced)
RUNS_KEPT = 4096  # runs whose counted forms are kept for later queries


@lru_cache(maxsize=4096)
def run_pattern(folded: tuple[str, ...], plain: bool) -> re.Pattern[str]:
    """The folded words side by side in folded text, each a whole word and a group, past
    spaces or a hyphen (the gap of ``analysis``: never punctuation), ignoring case; with
    ``plain``, for a plain folded text in lower case (``wordfind.is_plain``), where ``\b``
    bounds words and case needs no ignoring (about twice as fast, as in ``wordfind``)."""
    if plain:
        # The first word bare, so that the regex engine scans for it as a literal: its
        # start is checked to be a word's by the caller.
        first, *rest = (re.escape(w) for w in folded)
        return re.compile("(" + first + r")\b" + "".join(r"[\s\-]*\b(" + w + r")\b" for w in rest))
    run = r"[\s\-]*".join(r"(?<![^\W_])(" + re.escape(w) + r")(?![^\W_])" for w in folded)
    return re.compile(run, re.IGNORECASE)


@lru_cache(maxsize=65536)
def index_forms(token: str) -> tuple[str, str]:
    """``word_forms``, kept for the tokens met again and again."""
    return word_forms(token)


def run_forms(
    folded: Sequence[str], text: str, folded_text: str | None = None
) -> set[tuple[str, ...]]:
    """The accented forms of the folded words ``folded`` found side by side in ``text``
    (NFC; ``folded_text`` is its ``fold_text`` when already made):
    (("phong", "dien"), "Huyện Phong Điền cử đại diện.") → {("phong", "điền")}."""
    if COMBINING_RE.search(text):
        return _run_forms_by_syllables(folded, text)
    if folded_text is None:
        folded_text = fold_text(text)
    found: set[tuple[str, ...]] = set()
    plain = is_plain(folded_text)
    if plain:
        folded_text = folded_text.lower()
    search = run_pattern(tuple(folded), plain).search
    m = search(folded_text)
    while m is not None:
        if plain and m.start() and folded_text[m.start() - 1].isalnum():
            m = search(folded_text, m.start() + 1)  # inside a word
            continue
        # Matching ignores case, which equates more than lower case does ("ſ", "s"): the
        # words' own index forms decide.
        forms = [index_forms(text[m.start(g) : m.end(g)]) for g in range(1, len(folded) + 1)]
        if all(f[1] == w for f, w in zip(forms, folded, strict=True)):
            found.add(tuple(f[0] for f in forms))
        m = search(folded_text, m.start() + 1)  # runs may overlap ("phong phong phong")
    return found


def _run_forms_by_syllables(folded: Sequence[str], text: str) -> set[tuple[str, ...]]:
    """``run_forms`` from the text's syllables."""
    sylls = syllables(text)
    n = len(folded)
    found: set[tuple[str, ...]] = set()
    for i in range(len(sylls) - n + 1):
        window = sylls[i : i + n]
        if all(s.folded == w for s, w in zip(window, folded, strict=True)) and all(
            s.joined for s in window[1:]
        ):
            found.add(tuple(s.word for s in window))
    return found


def forms_in(folded: Sequence[str], texts: Iterable[str]) -> Counter[tuple[str, ...]]:
    """Texts holding each accented form of the folded run side by side."""
    counts: Counter[tuple[str, ...]] = Counter()
    for text in texts:
        counts.update(run_forms(folded, nfc(text)))
    return counts


def runs_held(text: str, runs: Sequence[Sequence[tuple[str, str | None]]]) -> list[bool]:
    """Whether ``text`` (NFC) holds the words of each run side by side, each (folded,
    accented) word in that accented form, or in any form when its accented form is None;
    the text is folded once for all of them."""
    text = nfc(text)
    folded_text = None if COMBINING_RE.search(text) else fold_text(text)
    out = []
    for run in runs:
        found = run_forms([f for f, _ in run], text, folded_text)
        out.append(
            any(
                all(acc is None or acc == form for (_, acc), form in zip(run, forms, strict=True))
                for forms in found
            )
        )
    return out


def sample(docs: np.ndarray, n: int = SAMPLE_DOCS) -> np.ndarray:
    """At most ``n`` of ``docs``, evenly spaced (all of them when there are no more)."""
    if len(docs) <= n:
        return docs
    return docs[np.linspace(0, len(docs) - 1, n).astype(np.intp)]


class RunForms:
    """The accented forms of folded runs of words in the articles holding them, counted in
    their text once (a sample of ``SAMPLE_DOCS`` of them, counts scaled to all) and kept for
    later queries."""

    def __init__(self, kept: int = RUNS_KEPT) -> None:
        self._kept = kept
        self._counts: dict[tuple[str, ...], Counter[tuple[str, ...]]] = {}
        self._lock = threading.Lock()

    def count(
        self, folded: tuple[str, ...], docs: np.ndarray, text_of: Callable[[int], str]
    ) -> Counter[tuple[str, ...]]:
        """Articles among ``docs`` (ascending: those that may hold the run) holding each
        accented form of ``folded`` side by side; ``text_of(docnum)`` gives an article's
        text."""
        with self._lock:
            counts = self._counts.get(folded)
        if counts is not None:
            return counts
        read = sample(docs)
        counts = forms_in(folded, (text_of(int(d)) for d in read))
        if len(read) < len(docs):
            scale = len(docs) / len(read)
            counts = Counter({form: max(1, round(n * scale)) for form, n in counts.items()})
        with self._lock:
            if len(self._counts) >= self._kept:
                del self._counts[next(iter(self._counts))]  # the oldest
            self._counts[folded] = counts
        return counts

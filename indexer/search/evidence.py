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

import threading
from collections import Counter
from collections.abc import Callable, Iterable, Sequence

import numpy as np

from ..text.analysis import _JOINING_GAP_RE, syllables, word_forms
from ..text.normalize import nfc
from ..text.wordfind import COMBINING_RE, fold_text, words_pattern

SAMPLE_DOCS = 48  # articles read for the forms of a run held by more (evenly spaced)
RUNS_KEPT = 4096  # runs whose counted forms are kept for later queries


def run_forms(folded: Sequence[str], text: str) -> set[tuple[str, ...]]:
    """The accented forms of the folded words ``folded`` found side by side in ``text``:
    (("phong", "dien"), "Huyện Phong Điền cử đại diện.") → {("phong", "điền")}."""
    text = nfc(text)
    if COMBINING_RE.search(text):
        return _run_forms_by_syllables(folded, text)
    folded_text = fold_text(text)
    patterns = [words_pattern((w,)) for w in folded]
    skip_gap = _JOINING_GAP_RE.match
    found: set[tuple[str, ...]] = set()
    for m in patterns[0].finditer(folded_text):
        spans = [m.span()]
        for pattern in patterns[1:]:
            gap = skip_gap(folded_text, spans[-1][1])
            nxt = pattern.match(folded_text, gap.end()) if gap is not None else None
            if nxt is None:
                break
            spans.append(nxt.span())
        if len(spans) < len(folded):
            continue
        # Matching ignores case, which equates more than lower case does ("ſ", "s"): the
        # words' own index forms decide.
        forms = [word_forms(text[a:b]) for a, b in spans]
        if all(f[1] == w for f, w in zip(forms, folded, strict=True)):
            found.add(tuple(f[0] for f in forms))
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
        counts.update(run_forms(folded, text))
    return counts


def holds_run(text: str, run: Sequence[tuple[str, str | None]]) -> bool:
    """Whether ``text`` holds the words of ``run`` side by side, each (folded, accented)
    word in that accented form, or in any form when its accented form is None."""
    folded = [f for f, _ in run]
    return any(
        all(acc is None or acc == form for (_, acc), form in zip(run, forms, strict=True))
        for forms in run_forms(folded, text)
    )


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

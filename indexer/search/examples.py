"""Example queries for a home page, taken from the collection itself.

The most frequent phrases of two or three syllables (``index.phrases``), no two sharing a
word, each kept only when a search for it finds articles; the first is shown without accents
(to show that it works), the last as an exact phrase in quotes:
``["cong tac", "dân vận", '"cán bộ"']``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..index.phrases import PhraseCounts

EXAMPLES = 3  # example queries on a home page
CANDIDATES = 500  # the most frequent phrases they are picked from


def pick_examples(
    counts: PhraseCounts, finds: Callable[[str], bool], n: int = EXAMPLES
) -> list[str]:
    """Up to ``n`` example queries from ``counts``; ``finds(query)`` says whether a search
    for ``query`` finds any article."""
    docs = counts.docs
    if len(docs) > CANDIDATES:
        top = np.argpartition(-docs, CANDIDATES)[:CANDIDATES]
    else:
        top = np.arange(len(docs))
    ranked = sorted(top.tolist(), key=lambda i: (-int(docs[i]), -counts.forms[i].count(" "), i))
    picked: list[str] = []
    words: set[str] = set()
    for i in ranked:
        form, folded = counts.forms[i], counts.keys[i]
        if " " not in form or words & set(folded.split(" ")) or not form.replace(" ", "").isalpha():
            continue
        query = folded if not picked else f'"{form}"' if len(picked) == n - 1 else form
        if finds(query):
            picked.append(query)
            words.update(folded.split(" "))
            if len(picked) == n:
                break
    return picked

"""The local store: one open Whoosh generation of ``index_data/`` behind ``Store``.

Retrieval scores BM25F over whole postings arrays (``scoring``); the forms of a run of
words come from the phrase counts when it is a frequent phrase, else from the text of the
articles holding its folded pairs (``evidence``).
"""

from __future__ import annotations

from collections import Counter
from itertools import pairwise
from typing import Any

import numpy as np

from ..index.postings import LRU, OpenGeneration
from ..index.schema import FOLDED_BIGRAMS, TEXT_FIELDS, term_field
from ..text.analysis import bigram
from .evidence import RunForms
from .parse import ParsedQuery
from .proximity import QueryTerms
from .scoring import Ranking, Scored, proximity_terms, score

STORED_KEPT = 512  # articles' stored fields kept, the last read
PHRASE_SYLLABLES = (2, 3)  # runs the phrase counts may hold
_BIGRAM_FIELDS = tuple(term_field(f, FOLDED_BIGRAMS) for f in TEXT_FIELDS)
# Between a title and its body: no word pair spans it (``evidence`` joins words only across
# spaces and hyphens).
TITLE_BODY_BREAK = "\n.\n"


class LocalStore(OpenGeneration):
    """An open generation of a local index, as the engine's ``Store``."""

    def retrieve(self, parsed: ParsedQuery, ranking: Ranking) -> Scored:
        return score(self, parsed, ranking)

    def proximity_terms(self, parsed: ParsedQuery, ranking: Ranking) -> QueryTerms:
        return proximity_terms(self, parsed, ranking)

    def stored_fields(self, docnum: int) -> dict[str, Any]:
        """An article's stored fields, the last ``STORED_KEPT`` read kept: the exact-accent
        order reads the text of the best articles, and the page then shows them."""
        kept = self.memo("stored", lambda: LRU(STORED_KEPT))
        found = kept.get(docnum)
        if found is None:
            found = super().stored_fields(docnum)
            kept.put(docnum, found)
        return found

    def match_text(self, docnum: int) -> str:
        stored = self.stored_fields(docnum)
        return (stored.get("title_text") or "") + TITLE_BODY_BREAK + (stored.get("body_text") or "")

    def run_forms(self, folded: tuple[str, ...]) -> Counter[tuple[str, ...]]:
        """The accented forms of a run of folded words side by side, with their articles:
        exact from the phrase counts for a frequent phrase of whole words ("bong da":
        "bóng đá" in 1,503 articles), else counted in the text of the articles holding every
        folded pair of the run (a sample of them when many do)."""
        if len(folded) in PHRASE_SYLLABLES:
            forms = self.phrase_counts.forms_of(" ".join(folded))
            if forms:
                return Counter({tuple(form.split(" ")): n for form, n in forms.items()})
        if len(folded) < 2:
            return Counter()
        docs: np.ndarray | None = None
        for a, b in pairwise(folded):
            held = np.union1d(*(self.postings(f, bigram(a, b))[0] for f in _BIGRAM_FIELDS))
            docs = held if docs is None else np.intersect1d(docs, held, assume_unique=True)
            if not len(docs):
                return Counter()
        assert docs is not None
        return self.memo("run_forms", RunForms).count(folded, docs, self.match_text)

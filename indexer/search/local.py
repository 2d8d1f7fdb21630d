"""The local store: one open Whoosh generation of ``index_data/`` behind ``Store``.

Retrieval scores BM25F over whole postings arrays (``scoring``); pair statistics come from
the folded bigram postings, the phrase counts and, for rare pairs, the articles' own text.
"""

from __future__ import annotations

import numpy as np

from ..index.postings import OpenGeneration, holds
from ..index.schema import ACCENTED, FOLDED_BIGRAMS, term_field
from ..text.analysis import bigram
from .interpret import EXACT_PAIR_DOCS, PairForms
from .parse import ParsedQuery, QueryWord
from .proximity import QueryTerms
from .scoring import Ranking, Scored, proximity_terms, score

ACCENTED_BODY = term_field("body", ACCENTED)
FOLDED_BIGRAMS_BODY = term_field("body", FOLDED_BIGRAMS)


class LocalStore(OpenGeneration):
    """An open generation of a local index, as the engine's ``Store``."""

    def retrieve(self, parsed: ParsedQuery, ranking: Ranking) -> Scored:
        return score(self, parsed, ranking)

    def proximity_terms(self, parsed: ParsedQuery, ranking: Ranking) -> QueryTerms:
        return proximity_terms(self, parsed, ranking)

    @property
    def pair_forms(self) -> PairForms:
        """Exact counts of rare pairs' accented forms, as read."""
        return self.memo("pair_forms", PairForms)

    def pair_count(
        self,
        a: QueryWord,
        b: QueryWord,
        fa: str,
        fb: str,
        seen: dict[tuple[str, str], np.ndarray] | None = None,
    ) -> int:
        """Articles holding "fa fb", the accented forms of the folded pair "a b".

        Frequent pairs of content words are counted exactly, side by side, from the phrases
        counted at build time ("bong da": "bóng đá" in 1,503 articles), and so are the pairs
        of content words that few articles hold, in those articles' text. Other forms are
        estimated: articles holding the folded pair and both accented forms anywhere, but
        never more than the folded pair's articles the exact counts leave over (so "bóng
        đã", which the estimate would find wherever "bóng đá" and "đã" are, gets almost
        none, while "người đã" keeps what "người da" leaves).
        """
        folded_pair = bigram(a.folded, b.folded)
        pair = self.postings(FOLDED_BIGRAMS_BODY, folded_pair)[0]
        if not len(pair):
            return 0
        forms = self.phrase_counts.forms_of(folded_pair)
        if forms is None and len(pair) <= EXACT_PAIR_DOCS:
            counted = self.pair_forms.count(
                folded_pair, bigram(fa, fb), pair.tolist(), self.body_text
            )
            if counted is not None:
                return counted
        forms = forms or {}
        exact = forms.get(bigram(fa, fb))
        if exact is not None:
            return exact
        # The pair's articles holding both forms: lookups of the (short) pair list in the
        # forms' lists, never a pass over a common form's whole list.
        seen = {} if seen is None else seen  # the pair's articles holding fa, per query
        with_a = seen.get((folded_pair, fa))
        if with_a is None:
            with_a = pair[holds(self.postings(ACCENTED_BODY, fa)[0], pair)]
            seen[(folded_pair, fa)] = with_a
        estimate = int(np.count_nonzero(holds(self.postings(ACCENTED_BODY, fb)[0], with_a)))
        return min(estimate, max(0, len(pair) - sum(forms.values())))

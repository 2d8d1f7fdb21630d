"""The store a search reads through: one interface between understanding a query and
retrieving its candidates.

The engine parses and interprets a query, then asks the store for candidates with their
first-stage scores (``retrieve``), for term and pair statistics (to restore accents and to
suggest), for stored fields and per-document columns (to filter, facet, sort and show), and
for the collection's counts (vocabulary, phrases). Re-ranking, near-copy grouping, snippets
and the page are the engine's, the same whatever the store. ``LocalStore`` (``local``), one
open Whoosh generation of ``index_data/``, is the first implementation.

Document numbers are the store's own: integers below ``n_all`` that stay valid while the
store is open (a new generation is a new store).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

if TYPE_CHECKING:
    import numpy as np

    from ..index.columns import Columns
    from ..index.duplicates import DuplicateGroups
    from ..index.phrases import PhraseCounts
    from ..index.vocabulary import Vocabulary
    from .parse import ParsedQuery
    from .proximity import QueryTerms
    from .scoring import Ranking, Scored

T = TypeVar("T")


class Store(Protocol):
    """What the engine needs of an index, whichever holds it."""

    generation: str  # what is open: a new value when the index changed
    n_all: int  # document numbers run below this
    n_docs: int  # live articles
    alive: np.ndarray  # live document numbers (bool, n_all)
    columns: Columns  # per-document dates, sources, lengths
    duplicates: DuplicateGroups  # groups of near-copies
    vocabulary: Vocabulary  # accented forms of each folded syllable, with their counts
    results: Any  # the page cache of this generation (get/put)

    @property
    def phrase_counts(self) -> PhraseCounts: ...

    def memo(self, name: str, make: Callable[[], T]) -> T:
        """An object derived from this store, made once (speller, completions)."""
        ...

    # -- retrieval and statistics ----------------------------------------------------------
    def retrieve(self, parsed: ParsedQuery, ranking: Ranking) -> Scored:
        """The articles matching ``parsed``, with their first-stage (BM25F) scores."""
        ...

    def proximity_terms(self, parsed: ParsedQuery, ranking: Ranking) -> QueryTerms:
        """The query's terms with their weights, for the second stage (``proximity``)."""
        ...

    def run_forms(self, folded: tuple[str, ...]) -> Counter[tuple[str, ...]]:
        """Articles holding each accented form of a run of folded words side by side
        ("dan", "van") → {("dân", "vận"): 310, ("dân", "vẫn"): 12} (counted or estimated);
        empty when no article holds the run."""
        ...

    def postings(self, fieldname: str, term: str) -> tuple[np.ndarray, np.ndarray]:
        """The live document numbers holding ``term`` in an index field, ascending, and how
        often each holds it."""
        ...

    def doc_frequency(self, fieldname: str, term: str) -> int:
        """Articles holding ``term`` in an index field."""
        ...

    # -- documents -------------------------------------------------------------------------
    def docnum(self, doc_id: str) -> int | None:
        """The document number of the live article with this id, or None."""
        ...

    def stored_fields(self, docnum: int) -> dict[str, Any]:
        """The stored fields of one article (title_text, body_text, date, url …)."""
        ...

    def match_text(self, docnum: int) -> str:
        """An article's title and body as one text, the two never read as adjacent."""
        ...

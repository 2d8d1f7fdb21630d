"""The index schema: stored article fields and the analysed term fields.

Each text (title, body) is indexed three times: accented syllables, folded syllables and
folded bigrams (see ``analysis``), the bigrams that occur in one article only going into
shared buckets (see ``rare``). Term fields keep frequencies only, no positions:
phrases are matched through bigrams, which keeps the index small and the build fast.

Whoosh pickles the schema with the import paths of its classes: keep these paths stable and
bump ``SCHEMA_VERSION`` (users then rebuild) whenever analysis or fields change.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Mapping
from typing import Any

from whoosh import fields, formats

from ..text import analysis

SCHEMA_VERSION = 3

TEXT_FIELDS = ("title", "body")
# Suffixes of the three term representations of a text field.
ACCENTED, FOLDED, FOLDED_BIGRAMS = "", "_f", "_2f"
RARE_BIGRAMS = "_2r"  # not a representation: where a segment keeps its one-article bigrams
REPRESENTATIONS: dict[str, Callable[[], Any]] = {
    ACCENTED: analysis.accented_analyzer,
    FOLDED: analysis.folded_analyzer,
    FOLDED_BIGRAMS: analysis.folded_bigram_analyzer,
}


class Counts(formats.Frequency):
    """Term frequencies kept in the postings' weights only, with no per-posting value bytes
    (Frequency stores each count twice: as the weight and as a 4-byte value)."""

    posting_size = 0

    def word_values(self, value: Any, analyzer: Any, **kwargs: Any) -> Any:
        for word, freq, weight, _ in super().word_values(value, analyzer, **kwargs):
            yield word, freq, weight, b""

    def encode(self, value: Any) -> bytes:
        return b""


class TermCounts(fields.FieldType):
    """A scorable field of term frequencies (no positions).

    It indexes either a text, through its analyzer, or a mapping of term → count computed
    beforehand by the same analysis (the indexer's fast path: one pass over the text fills all
    representations).
    """

    def __init__(self, analyzer: Any) -> None:
        self.analyzer = analyzer
        self.format = Counts()
        self.scorable = True
        self.stored = False
        self.unique = False
        self.vector = None

    def index(  # type: ignore[override]
        self, value: Any, **kwargs: Any
    ) -> Generator[tuple[bytes, int, float, bytes], Any, None]:
        if isinstance(value, Mapping):
            for term, freq in value.items():
                yield term.encode("utf-8"), freq, float(freq), b""
        else:
            yield from super().index(value, **kwargs)


# Part of the index format, like the analyzers' paths (see ``indexer.text.analysis``).
for _pickled in (Counts, TermCounts):
    _pickled.__module__ = "indexer.schema"


def term_field(text_field: str, representation: str) -> str:
    """Name of an index field: ("body", FOLDED) → "body_f"."""
    return text_field + representation


def make_schema() -> fields.Schema:
    schema = fields.Schema(
        id=fields.ID(stored=True, unique=True),
        # Stored for display (Whoosh compresses every document's stored fields). The body is
        # stored as text: bytes would be pickled as latin-1 text, half as large again.
        title_text=fields.STORED(),
        body_text=fields.STORED(),
        date=fields.ID(stored=True),
        year=fields.ID(stored=False),
        author=fields.STORED(),
        source=fields.ID(stored=True),
        path=fields.STORED(),
        line=fields.STORED(),
        url=fields.STORED(),
        hash=fields.STORED(),
        # The ingest that owns the article (``Article.collection``): indexed too, so a build
        # finds one collection's articles without reading every stored document.
        collection=fields.ID(stored=True),
    )
    for text_field in TEXT_FIELDS:
        for rep, make_analyzer in REPRESENTATIONS.items():
            schema.add(term_field(text_field, rep), TermCounts(make_analyzer()))
        # Buckets of the bigrams that occur in one article of a segment (see ``rare``).
        schema.add(
            term_field(text_field, RARE_BIGRAMS), TermCounts(analysis.folded_bigram_analyzer())
        )
    return schema

"""timkiem's documents as Solr sees them: stored fields and pre-analysed term fields.

timkiem analyses an article once (``indexer.index.analyse.article_fields``: the local index's
own analysis) and sends each term field as its terms joined by spaces, a term's count after a
bar: ``body_f: "hoa|2 binh"``. The configset (``files/configset``) only splits these on
whitespace and reads the counts (Lucene's DelimitedTermFrequencyTokenFilter), so Solr holds
the very terms and frequencies of the local index, with no plugin on its nodes. A folded
bigram ("dan van") is sent joined by ``_`` ("dan_van"): Solr splits on spaces.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..article import Article
from ..index.analyse import PHRASES, SIGNATURE_KEY, article_fields
from ..index.schema import REPRESENTATIONS, TEXT_FIELDS, term_field

# The version of the Solr schema: the ``name`` of files/configset/managed-schema.xml. Bump
# both together whenever a field or the analysis changes; a collection of another version
# must be recreated (``timkiem solr create --recreate``).
SOLR_SCHEMA = "timkiem-1"
CONFIGSET = SOLR_SCHEMA  # the configset's name in ZooKeeper
BIGRAM_JOIN = "_"
TERM_FIELDS = tuple(term_field(f, rep) for f in TEXT_FIELDS for rep in REPRESENTATIONS)
STORED_FIELDS = (
    "id",
    "title_text",
    "body_text",
    "date",
    "author",
    "source",
    "path",
    "line",
    "url",
    "hash",
    "collection",
)


def solr_term(term: str) -> str:
    """A term as Solr holds it: a bigram's space replaced ("dan van" → "dan_van")."""
    return term.replace(" ", BIGRAM_JOIN)


def term_text(counts: Mapping[str, int]) -> str:
    """Term counts as a pre-analysed field: {"hòa": 2, "bình": 1} → "hòa|2 bình"."""
    return " ".join(
        solr_term(term) if n == 1 else f"{solr_term(term)}|{n}" for term, n in counts.items()
    )


def solr_document(article: Article) -> dict[str, Any]:
    """The Solr document of an article: the stored fields of the local index and its term
    fields, pre-analysed."""
    doc = article_fields(article)
    doc.pop(SIGNATURE_KEY, None)
    doc.pop(PHRASES, None)
    out: dict[str, Any] = {}
    for name, value in doc.items():
        if name in TERM_FIELDS:
            if value:
                out[name] = term_text(value)
        elif value is not None and value != "":
            out[name] = value
    return out


def stored(doc: Mapping[str, Any]) -> dict[str, Any]:
    """A Solr document's stored fields as the local store gives them (``stored_fields``)."""
    return {name: doc[name] for name in STORED_FIELDS if name in doc}

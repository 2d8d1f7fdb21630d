"""Whoosh documents inverted a batch at a time, away from the segment writer.

``invert`` does what Whoosh's ``SegmentWriter.add_document`` does with each document, for a
whole batch and in the analysis processes (see ``analyse``): the per-document part (field
lengths; stored fields pickled and compressed as Whoosh's column holds them) and the
postings grouped by field and term, which ``segment.BulkSegmentWriter`` then adds a whole
list at a time.
"""

from __future__ import annotations

import zlib
from array import array
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import chain
from pickle import dumps
from typing import Any

import numpy as np
from whoosh.codec.whoosh3 import STORED_COLUMN
from whoosh.columns import CompressedBytesColumn

from .schema import TermCounts

# How Whoosh keeps a document's stored fields: its dict pickled, then deflated.
_STORED_BYTES: CompressedBytesColumn = STORED_COLUMN._child
assert _STORED_BYTES._module == "zlib"


@dataclass(slots=True)
class FieldPostings:
    """One field's postings of a batch of documents: its terms, the postings of each, and
    the postings' document numbers (within the batch) and frequencies as uint32 bytes, term
    after term, each term's in document order."""

    terms: list[bytes]
    counts: list[int]
    docs: bytes
    freqs: bytes


@dataclass(slots=True)
class InvertedDocuments:
    """Whoosh documents inverted a batch at a time (``invert``), away from the writer: what
    ``SegmentWriter.add_document`` does with each, split into the per-document part (field
    lengths; stored fields pickled and compressed as Whoosh's column holds them) and the
    postings by term."""

    lengths: list[list[tuple[str, int]]]  # of each document: (field, length) of scored fields
    stored: list[bytes | None]  # of each document, None when it stores nothing
    postings: dict[str, FieldPostings]


def invert(schema: Any, docs: Sequence[Mapping[str, Any]]) -> InvertedDocuments:
    """The postings of ``docs`` grouped by field and term, as ``add_document`` would pool
    them one posting at a time (the same terms, weights, lengths and stored values).

    A field given a mapping of term → count (``schema.TermCounts``, the indexer's fields) is
    grouped with numpy; any other indexed field goes through its own ``index``.
    """
    lengths: list[list[tuple[str, int]]] = []
    stored_docs: list[bytes | None] = []
    counted: dict[str, tuple[list[int], list[Mapping[str, int]]]] = {}
    other: dict[str, dict[bytes, tuple[list[int], list[int]]]] = {}
    for i, doc in enumerate(docs):
        entries = []
        stored_fields = {}
        for fieldname in sorted(name for name in doc if not name.startswith("_")):
            value = doc[fieldname]
            if value is None:
                continue
            field = schema[fieldname]
            if field.vector or field.column_type or field.separate_spelling():
                raise ValueError(f"field {fieldname!r}: vectors, columns and spelling unsupported")
            length = 0
            if field.indexed and isinstance(value, Mapping) and isinstance(field, TermCounts):
                docs_of, maps = counted.setdefault(fieldname, ([], []))
                docs_of.append(i)
                maps.append(value)
                if field.scorable:
                    length = sum(value.values())
            elif field.indexed:
                terms = other.setdefault(fieldname, {})
                for tbytes, freq, weight, _ in field.index(value):
                    if field.scorable:
                        length += freq
                    lists = terms.setdefault(tbytes, ([], []))
                    lists[0].append(i)
                    lists[1].append(int(weight))
            stored = doc.get(f"_stored_{fieldname}", value) if field.stored else None
            if stored is not None:
                stored_fields[fieldname] = stored
            if length:
                entries.append((fieldname, length))
        lengths.append(entries)
        stored_docs.append(
            zlib.compress(dumps(stored_fields, 2), _STORED_BYTES._level) if stored_fields else None
        )
    postings: dict[str, FieldPostings] = {}
    for fieldname, (docs_of, maps) in counted.items():
        sizes = [len(m) for m in maps]
        total = sum(sizes)
        if not total:
            continue
        keys = np.array(list(chain.from_iterable(maps)))
        freqs = np.fromiter(
            chain.from_iterable(m.values() for m in maps), dtype=np.uint32, count=total
        )
        numbers = np.repeat(np.asarray(docs_of, dtype=np.uint32), sizes)
        unique, inverse, counts = np.unique(keys, return_inverse=True, return_counts=True)
        order = np.argsort(inverse, kind="stable")  # each term's postings in document order
        postings[fieldname] = FieldPostings(
            [t.encode("utf-8") for t in unique.tolist()],
            counts.tolist(),
            numbers[order].tobytes(),
            freqs[order].tobytes(),
        )
    for fieldname, terms in other.items():
        postings[fieldname] = FieldPostings(
            list(terms),
            [len(ids) for ids, _ in terms.values()],
            array("I", chain.from_iterable(ids for ids, _ in terms.values())).tobytes(),
            array("I", chain.from_iterable(fs for _, fs in terms.values())).tobytes(),
        )
    return InvertedDocuments(lengths, stored_docs, postings)

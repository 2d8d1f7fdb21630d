"""Per-document columns for filters, facets and date sorting: date and source as arrays.

Filtering 85,000 articles by year or counting them by source must not read 85,000 stored
documents. The build writes two small arrays into each generation (``columns.npz``, beside
``vocabulary.json``), indexed by Whoosh document number:

- ``date``: the publication date as an int, ``20220405`` for 2022-04-05, 0 when unknown;
- ``source``: a code into ``sources``, the sorted source names; -1 when unknown.

An update writes them anew from the live generation's columns and the documents it adds;
deleted documents are masked out by the engine's deletion mask like everywhere else. Opening
them costs one ``np.load``; a generation without them (or with a wrong length) has them
rebuilt from the index's ``date`` and ``source`` terms.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

COLUMNS_FILE = "columns.npz"
UNKNOWN = 0  # the date of an undated article
NO_SOURCE = -1


def date_int(iso: str | None) -> int:
    """ "2022-04-05" → 20220405; None (or anything not an ISO date) → 0."""
    if not iso or len(iso) < 10 or not (iso[0:4] + iso[5:7] + iso[8:10]).isdigit():
        return UNKNOWN
    return int(iso[0:4] + iso[5:7] + iso[8:10])


@dataclass
class Columns:
    """The date and source of every document of a generation, by document number."""

    date: np.ndarray  # int32, YYYYMMDD or 0
    source: np.ndarray  # int32 code into ``sources``, or -1
    sources: list[str]

    def __post_init__(self) -> None:
        year = self.date // 10000  # 0 for undated articles
        # Years as small codes (0 is "unknown" when there are undated articles) for bincount.
        self.years, self.year_code = np.unique(year, return_inverse=True)
        self.year_code = self.year_code.astype(np.int32)
        self._source_index = {name: i for i, name in enumerate(self.sources)}

    def __len__(self) -> int:
        return len(self.date)

    def source_code(self, name: str) -> int | None:
        return self._source_index.get(name)

    def save(self, directory: Path) -> None:
        np.savez(
            directory / COLUMNS_FILE,
            date=self.date.astype(np.int32),
            source=self.source.astype(np.int32),
            sources=np.asarray(self.sources, dtype=str),
        )

    @classmethod
    def load(cls, directory: Path) -> Columns | None:
        """The generation's columns, or None when it has none."""
        try:
            with np.load(directory / COLUMNS_FILE, allow_pickle=False) as data:
                return cls(data["date"], data["source"], [str(s) for s in data["sources"]])
        except FileNotFoundError:
            return None

    @classmethod
    def from_names(cls, date: np.ndarray, names: np.ndarray) -> Columns:
        """Columns from dates (YYYYMMDD ints) and source names ("" when unknown)."""
        sources = sorted({str(s) for s in names if s})
        code = {s: i for i, s in enumerate(sources)}
        source = np.asarray([code.get(s, NO_SOURCE) for s in names], dtype=np.int32)
        return cls(date.astype(np.int32), source, sources)

    @classmethod
    def from_postings(
        cls, n_docs: int, terms: Callable[[str], Iterable[tuple[str, np.ndarray]]]
    ) -> Columns:
        """Columns rebuilt from the index's own ``date`` and ``source`` terms, for a generation
        written without ``columns.npz``: ``terms(field)`` yields (term, document numbers)."""
        date = np.zeros(n_docs, dtype=np.int32)
        for iso, docnums in terms("date"):
            date[docnums] = date_int(iso)
        source = np.full(n_docs, NO_SOURCE, dtype=np.int32)
        sources = []
        for code, (name, docnums) in enumerate(sorted(terms("source"))):
            sources.append(name)
            source[docnums] = code
        return cls(date, source, sources)


class ColumnsWriter:
    """Collects the date and source of each document of a build, by document number."""

    def __init__(self, base: Columns | None = None) -> None:
        self._values: dict[int, tuple[str | None, str | None]] = {}
        self._base = base  # an update's starting point: the live generation's columns

    def add(self, docnum: int, iso: str | None, source: str | None) -> None:
        self._values[docnum] = (iso, source)

    def columns(self, n_docs: int) -> Columns:
        """The columns of ``n_docs`` documents (those never added: undated, no source)."""
        date = np.zeros(n_docs, dtype=np.int32)
        names = np.full(n_docs, "", dtype=object)
        if self._base is not None:
            n = min(n_docs, len(self._base))
            date[:n] = self._base.date[:n]
            known = np.asarray([*self._base.sources, ""], dtype=object)  # code -1: the ""
            names[:n] = known[self._base.source[:n]]
        for docnum, (iso, source) in self._values.items():
            date[docnum] = date_int(iso)
            names[docnum] = source or ""
        return Columns.from_names(date, names)

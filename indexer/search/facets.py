"""Filters (year, source, date range), facet counts and date sorting, over whole result sets.

A search first finds every matching article (a boolean mask over all documents); this module
then narrows it by the filters, counts the facets and orders the page, all with numpy over
the per-document ``Columns``, so a facet over 85,000 matches costs one ``bincount``.

Facet counts follow the convention of shop and library search: each facet is counted with
every *other* filter applied but not its own, so with ``year=2021`` active the year facet
still shows how many matches 2022 or 2020 would give (each stays clickable), and the source
facet counts the 2021 matches by source. The date range (``from``/``to``) narrows both.

Counts are of results as readers see them: near-copies are one result (see ``duplicates``),
so a group counts once under each year and source its matching members have.

Undated articles are counted under the year bucket ``unknown`` (shown as "không rõ") and are
selected with ``year=unknown``; a date range never includes them; under ``newest`` and
``oldest`` they come last.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np

from ..errors import QueryError
from ..index.columns import UNKNOWN, Columns, date_int

SORTS = ("relevance", "newest", "oldest")
UNKNOWN_YEAR = "unknown"
UNKNOWN_YEAR_LABEL = "không rõ"
MAX_SOURCES = 20  # sources one search may be narrowed to
_YEAR = re.compile(r"[1-9]\d{3}")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class Filters:
    """What a search is narrowed to; the empty ``Filters()`` narrows nothing.

    >>> Filters(year="2021", sources=("Nguoi Lao Dong",)).is_empty()
    False
    """

    year: str | None = None  # "2021", or UNKNOWN_YEAR for undated articles
    sources: tuple[str, ...] = ()  # any of these
    date_from: str | None = None  # ISO date, inclusive
    date_to: str | None = None  # ISO date, inclusive

    def is_empty(self) -> bool:
        return not (self.year or self.sources or self.date_from or self.date_to)

    def to_dict(self) -> dict[str, Any]:
        """The active filters as the API echoes them (the names of the request parameters)."""
        return {
            "year": self.year,
            "source": list(self.sources),
            "from": self.date_from,
            "to": self.date_to,
        }


def check_sort(value: str | None) -> str:
    """``value`` if it is a sort order (``relevance`` when empty); raises QueryError."""
    if not value:
        return "relevance"
    if value not in SORTS:
        raise QueryError(f"sort must be one of {', '.join(SORTS)}, got {value!r}", param="sort")
    return value


def _check_date(name: str, value: str | None) -> str | None:
    if not value:
        return None
    if _ISO_DATE.fullmatch(value):
        try:
            return date.fromisoformat(value).isoformat()
        except ValueError:
            pass
    raise QueryError(
        f"{name} must be a date written YYYY-MM-DD, such as 2022-04-05, got {value!r}",
        param=name,
    )


def make_filters(
    *,
    year: str | None = None,
    sources: Iterable[str] = (),
    date_from: str | None = None,
    date_to: str | None = None,
) -> Filters:
    """Filters from request text, validated; raises QueryError naming the bad parameter.

    >>> make_filters(year="2021", sources=["  Báo A ", ""]).sources
    ('Báo A',)
    """
    year = (year or "").strip().lower() or None
    if year is not None and year != UNKNOWN_YEAR and not _YEAR.fullmatch(year):
        raise QueryError(
            f"year must be a year such as 2021, or {UNKNOWN_YEAR}, got {year!r}", param="year"
        )
    names: dict[str, None] = {}  # ordered set
    for raw in sources:
        name = unicodedata.normalize("NFC", raw).strip()
        if name:
            names[name] = None
            if len(names) > MAX_SOURCES:
                raise QueryError(
                    f"source may be given at most {MAX_SOURCES} times, got more", param="source"
                )
    start = _check_date("from", (date_from or "").strip())
    end = _check_date("to", (date_to or "").strip())
    if start and end and start > end:
        raise QueryError(
            f"from must not be after to, got from={start} and to={end}", param="from-to"
        )
    return Filters(year=year, sources=tuple(names), date_from=start, date_to=end)


@dataclass
class Narrowed:
    """A result set after the filters: the documents to rank, and the facets to show."""

    candidates: np.ndarray  # document numbers, ascending
    facets: dict[str, list[dict[str, Any]]]


def _year_mask(columns: Columns, year: str) -> np.ndarray:
    wanted = UNKNOWN if year == UNKNOWN_YEAR else int(year)
    return (columns.date // 10000) == wanted


def _source_mask(columns: Columns, sources: tuple[str, ...]) -> np.ndarray:
    allowed = np.zeros(len(columns.sources) + 1, dtype=bool)  # the last one: no source
    for name in sources:
        code = columns.source_code(name)
        if code is not None:
            allowed[code] = True
    return allowed[columns.source]  # NO_SOURCE (-1) reads the last, always False


def _range_mask(columns: Columns, filters: Filters) -> np.ndarray:
    mask = columns.date != UNKNOWN
    if filters.date_from:
        mask &= columns.date >= date_int(filters.date_from)
    if filters.date_to:
        mask &= columns.date <= date_int(filters.date_to)
    return mask


@dataclass(frozen=True)
class Grouping:
    """Near-copy groups as facets need them: ``group[docnum]`` and whether the document is in
    a group of several (``grouped``)."""

    group: np.ndarray
    grouped: np.ndarray


def _count(codes: np.ndarray, docs: np.ndarray, size: int, grouping: Grouping | None) -> np.ndarray:
    """How many results (groups of near-copies counting once) each code in ``0..size-1`` has
    among the documents ``docs`` (numbers); negative codes are not counted."""
    found = codes[docs]
    known = found >= 0
    docs, found = docs[known], found[known]
    if grouping is None:
        return np.bincount(found, minlength=size)
    grouped = grouping.grouped[docs]
    counts = np.bincount(found[~grouped], minlength=size)
    if grouped.any():
        span = len(grouping.group) + 1
        pairs = np.unique(found[grouped].astype(np.int64) * span + grouping.group[docs[grouped]])
        counts += np.bincount(pairs // span, minlength=size)
    return counts


def narrow(
    matched: np.ndarray, columns: Columns, filters: Filters, grouping: Grouping | None = None
) -> Narrowed:
    """Apply ``filters`` to the documents in the ``matched`` mask and count the facets over
    all of them (see the module docstring for which filters each facet ignores), a group of
    near-copies once per value when ``grouping`` is given."""
    base = matched
    if filters.date_from or filters.date_to:
        base = base & _range_mask(columns, filters)
    by_year = _year_mask(columns, filters.year) if filters.year else None
    by_source = _source_mask(columns, filters.sources) if filters.sources else None
    for_years = base if by_source is None else base & by_source
    for_sources = base if by_year is None else base & by_year
    selected = for_years if by_year is None else for_years & by_year
    candidates = np.flatnonzero(selected)
    # The facets count over document numbers, not masks as long as the index.
    year_docs = candidates if for_years is selected else np.flatnonzero(for_years)
    source_docs = candidates if for_sources is selected else np.flatnonzero(for_sources)
    return Narrowed(
        candidates=candidates,
        facets={
            "year": _year_facet(columns, year_docs, grouping),
            "source": _source_facet(columns, source_docs, grouping),
        },
    )


def _year_facet(
    columns: Columns, docs: np.ndarray, grouping: Grouping | None
) -> list[dict[str, Any]]:
    counts = _count(columns.year_code, docs, len(columns.years), grouping)
    out = []
    unknown = None
    for year, count in zip(columns.years.tolist(), counts.tolist(), strict=True):
        if not count:
            continue
        if year == UNKNOWN:
            unknown = {"value": UNKNOWN_YEAR, "label": UNKNOWN_YEAR_LABEL, "count": count}
        else:
            out.append({"value": str(year), "label": str(year), "count": count})
    out.reverse()  # newest year first
    if unknown is not None:
        out.append(unknown)  # "không rõ" last
    return out


def _source_facet(
    columns: Columns, docs: np.ndarray, grouping: Grouping | None
) -> list[dict[str, Any]]:
    counts = _count(columns.source, docs, len(columns.sources), grouping)
    order = np.lexsort((np.arange(len(counts)), -counts))  # most matches first, then by name
    return [
        {"value": columns.sources[i], "label": columns.sources[i], "count": int(counts[i])}
        for i in order.tolist()
        if counts[i]
    ]


def top(
    candidates: np.ndarray,
    scores: np.ndarray,
    columns: Columns,
    sort: str,
    want: int,
) -> np.ndarray:
    """The first ``want`` of ``candidates`` (document numbers) in ``sort`` order.

    ``relevance``: by score; ``newest``/``oldest``: by date, undated last, then by score.
    Ties are broken by document number, so pages are stable.
    """
    if not len(candidates):
        return candidates
    cand_scores = scores[candidates]
    if sort == "relevance":
        key = -cand_scores.astype(np.float64)
        tiebreak = None
    else:
        dates = columns.date[candidates].astype(np.int64)
        undated = dates == UNKNOWN
        key = (-dates if sort == "newest" else dates).astype(np.float64)
        key[undated] = np.inf
        tiebreak = -cand_scores
    if len(candidates) > want:
        # Everything strictly before the want-th key, and every tie with it.
        bound = np.partition(key, want - 1)[want - 1]
        chosen = np.flatnonzero(key <= bound)
    else:
        chosen = np.arange(len(candidates))
    sort_keys: tuple[np.ndarray, ...] = (candidates[chosen], key[chosen])
    if tiebreak is not None:
        sort_keys = (candidates[chosen], tiebreak[chosen], key[chosen])
    order = chosen[np.lexsort(sort_keys)]
    return candidates[order[:want]]

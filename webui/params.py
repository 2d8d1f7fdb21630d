"""Request parameters of a search, validated the same way for the page and the API."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from indexer import MAX_PAGE, MAX_PER_PAGE, Filters, QueryError, check_sort, make_filters


@dataclass(frozen=True)
class SearchParams:
    q: str
    page: int
    per_page: int
    sort: str = "relevance"
    filters: Filters = field(default_factory=Filters)
    exact: bool = False  # the query as typed: no accents restored, no did-you-mean

    def search_kwargs(self) -> dict[str, Any]:
        """The keyword arguments of ``Engine.search`` for these parameters."""
        return {
            "exact": self.exact,
            "page": self.page,
            "per_page": self.per_page,
            "sort": self.sort,
            "filters": self.filters,
        }


class NumberError(QueryError):
    """A whole-number parameter that is not one, or is out of its range."""

    def __init__(self, message: str, *, param: str, low: int, high: int) -> None:
        super().__init__(message, param=param)
        self.low = low
        self.high = high


_WHOLE_NUMBER = re.compile(r"-?[0-9]{1,12}")


def whole_number(raw: str) -> int | None:
    """``raw`` as a whole number written in ASCII digits (a minus sign allowed), else None.

    ``int()`` also reads ``"٣"``, ``"３"``, ``" 3 "`` and ``"1_000"``; a parameter does not.

    >>> whole_number("12"), whole_number("-1"), whole_number("٣"), whole_number("1_000")
    (12, -1, None, None)
    """
    return int(raw) if _WHOLE_NUMBER.fullmatch(raw) else None


def int_param(args: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    """A whole-number parameter between ``low`` and ``high``; ``default`` when absent."""
    raw = args.get(name)
    if raw is None or raw == "":
        return default
    value = whole_number(raw)
    if value is None:
        shown = raw if len(raw) <= 40 else raw[:40] + "…"
        raise NumberError(
            f"{name} must be a whole number, got {shown!r}", param=name, low=low, high=high
        )
    if not low <= value <= high:
        raise NumberError(
            f"{name} must be between {low} and {high}, got {value}", param=name, low=low, high=high
        )
    return value


def search_params(args: Mapping[str, str], default_per_page: int) -> SearchParams:
    """Read q, page, per_page, sort, exact (``1``: the query as typed) and the filters
    (year, source (repeatable), from, to); raises QueryError with a message a user can act
    on."""
    getlist = getattr(args, "getlist", None)
    sources = getlist("source") if getlist else [args.get("source", "")]
    return SearchParams(
        q=args.get("q", ""),
        page=int_param(args, "page", 1, 1, MAX_PAGE),
        per_page=int_param(args, "per_page", default_per_page, 1, MAX_PER_PAGE),
        sort=check_sort(args.get("sort")),
        exact=int_param(args, "exact", 0, 0, 1) == 1,
        filters=make_filters(
            year=args.get("year"),
            sources=sources,
            date_from=args.get("from"),
            date_to=args.get("to"),
        ),
    )

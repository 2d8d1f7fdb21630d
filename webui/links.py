"""Links of the search page that change one thing and keep the rest: facets, sort, pages.

Every facet link, active-filter chip, sort choice and page link is an ordinary URL with the
same parameters as the API, so the page works without JavaScript and every state of it can
be bookmarked. Changing a filter or the sort goes back to page 1.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from flask import url_for

from indexer import UNKNOWN_YEAR, UNKNOWN_YEAR_LABEL, Filters

from .params import SearchParams


class PageLinks:
    """URLs of the search page derived from the current request's parameters."""

    def __init__(self, params: SearchParams, default_per_page: int) -> None:
        self.params = params
        self._default_per_page = default_per_page

    def url(self, *, filters: Filters | None = None, page: int = 1, sort: str | None = None) -> str:
        p = self.params
        f = p.filters if filters is None else filters
        args: dict[str, Any] = {
            "q": p.q or None,
            "sort": sort or (p.sort if p.sort != "relevance" else None),
            "year": f.year,
            "source": list(f.sources) or None,
            "from": f.date_from,
            "to": f.date_to,
            "page": page if page > 1 else None,
            "per_page": p.per_page if p.per_page != self._default_per_page else None,
            "exact": 1 if p.exact else None,
        }
        if args["sort"] == "relevance":
            args["sort"] = None
        return url_for("views.search_page", **{k: v for k, v in args.items() if v is not None})

    def page(self, number: int) -> str:
        return self.url(page=number)

    def sort(self, name: str) -> str:
        return self.url(sort=name)

    def year(self, value: str) -> str:
        """Select the year ``value``, or drop it when it is the one selected."""
        f = self.params.filters
        return self.url(filters=replace(f, year=None if f.year == value else value))

    def source(self, name: str) -> str:
        """Add the source ``name`` to those selected, or drop it when it is one of them."""
        sources = self.params.filters.sources
        kept = tuple(s for s in sources if s != name) if name in sources else (*sources, name)
        return self.url(filters=replace(self.params.filters, sources=kept))

    def active(self) -> list[tuple[str, str]]:
        """(label, URL without it) for each active filter, for the removable chips."""
        f = self.params.filters
        chips: list[tuple[str, str]] = []
        if f.year:
            label = UNKNOWN_YEAR_LABEL if f.year == UNKNOWN_YEAR else f.year
            chips.append((f"Năm: {label}", self.year(f.year)))
        for name in f.sources:
            chips.append((f"Nguồn: {name}", self.source(name)))
        if f.date_from:
            chips.append(
                (f"Từ ngày: {dmy(f.date_from)}", self.url(filters=replace(f, date_from=None)))
            )
        if f.date_to:
            chips.append(
                (f"Đến ngày: {dmy(f.date_to)}", self.url(filters=replace(f, date_to=None)))
            )
        return chips

    def clear(self) -> str:
        return self.url(filters=Filters())


def dmy(iso: str) -> str:
    """ "2022-04-05" → "05/04/2022"."""
    return f"{iso[8:10]}/{iso[5:7]}/{iso[0:4]}"

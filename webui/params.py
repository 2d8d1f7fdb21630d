"""Request parameters of a search, validated the same way for the page and the API."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from indexer import QueryError
from indexer.search import MAX_PAGE, MAX_PER_PAGE


@dataclass(frozen=True)
class SearchParams:
    q: str
    page: int
    per_page: int


def _int(args: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise QueryError(f"{name} must be a whole number, got {raw!r}") from None
    if not low <= value <= high:
        raise QueryError(f"{name} must be between {low} and {high}, got {value}")
    return value


def search_params(args: Mapping[str, str], default_per_page: int) -> SearchParams:
    """Read q, page and per_page; raises QueryError with a message a user can act on."""
    return SearchParams(
        q=args.get("q", ""),
        page=_int(args, "page", 1, 1, MAX_PAGE),
        per_page=_int(args, "per_page", default_per_page, 1, MAX_PER_PAGE),
    )

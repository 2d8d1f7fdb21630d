"""What a search gives back: plain objects for pages, the JSON API and the CLI.

Whoosh objects never leave the engine: a hit, a page of hits and the article view are
dataclasses built from a document's stored fields, and ``to_dict`` gives the API's JSON.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

from .facets import Filters
from .highlight import Terms, snippet


@dataclass
class Described:
    """What identifies and describes an article, in a hit and in the article view."""

    id: str
    title: str
    date: str | None
    author: str | None
    source: str | None
    path: str


def described(stored: dict[str, Any]) -> dict[str, Any]:
    """The fields a hit and an article view share, from a document's stored fields."""
    return {
        "id": stored["id"],
        "title": stored.get("title_text") or "",
        "date": stored.get("date"),
        "author": stored.get("author"),
        "source": stored.get("source"),
        "path": stored.get("path") or "",
    }


@dataclass
class Copy(Described):
    """A near-copy of a hit (the same text elsewhere), listed under it."""

    url: str

    @classmethod
    def from_stored(cls, stored: dict[str, Any]) -> Copy:
        return cls(**described(stored), url=article_url(stored["id"]))


@dataclass
class Hit(Described):
    url: str
    snippet: str
    score: float
    duplicates: list[Copy] = field(default_factory=list)  # its near-copies that matched too
    missing: list[str] = field(default_factory=list)  # query words it lacks (partial match)

    @classmethod
    def from_stored(
        cls, stored: dict[str, Any], score: float, folded_terms: Terms, with_snippet: bool
    ) -> Hit:
        """The hit of a document scoring ``score``, its snippet marking ``folded_terms``."""
        return cls(
            **described(stored),
            url=web_url(stored.get("url")) or article_url(stored["id"]),
            snippet=snippet(stored["body_text"], folded_terms) if with_snippet else "",
            score=round(score, 4),
        )

    def to_dict(self, *, paths: bool = False) -> dict[str, Any]:
        """The JSON of a result: near-copies by id. ``path`` (the file on the operator's
        machine) only with ``paths``: public answers leave it out."""
        out = {**asdict(self), "duplicates": [c.id for c in self.duplicates]}
        if not paths:
            del out["path"]
        return out


@dataclass
class SearchPage:
    query: str
    interpreted: str | None
    total: int
    page: int
    per_page: int
    took_ms: float
    hits: list[Hit] = field(default_factory=list)
    sort: str = "relevance"
    filters: Filters = field(default_factory=Filters)
    # Counts over the whole result set: {"year": [{"value", "label", "count"}…], "source": …}
    facets: dict[str, list[dict[str, Any]]] = field(
        default_factory=lambda: {"year": [], "source": []}
    )
    suggestion: str | None = None  # did you mean: a variant that finds far more
    partial: bool = False  # no article holds every word: these hold some of them

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page)) if self.per_page else 1

    def to_dict(self, *, paths: bool = False) -> dict[str, Any]:
        """The JSON the API returns; each result's ``path`` only with ``paths`` (the CLI,
        or the API when its operator turns ``API_PATHS`` on)."""
        return {
            "query": self.query,
            "interpreted": self.interpreted,
            "total": self.total,
            "page": self.page,
            "per_page": self.per_page,
            "took_ms": round(self.took_ms, 2),
            "suggestion": self.suggestion,
            "partial": self.partial,
            "results": [h.to_dict(paths=paths) for h in self.hits],
            "sort": self.sort,
            "filters": self.filters.to_dict(),
            "facets": self.facets,
        }


@dataclass
class ArticleView(Described):
    url: str | None
    body: str

    @classmethod
    def from_stored(cls, stored: dict[str, Any]) -> ArticleView:
        return cls(**described(stored), url=web_url(stored.get("url")), body=stored["body_text"])


def article_url(doc_id: str) -> str:
    return f"/article/{doc_id}"


def web_url(url: str | None) -> str | None:
    """``url`` if it is an http(s) address, else None (never a javascript: link)."""
    if url and url.split(":", 1)[0].lower() in ("http", "https"):
        return url
    return None

"""The plain records that flow through the pipeline: what extraction yields."""

from __future__ import annotations

from dataclasses import dataclass

# The collection of articles indexed from files (``timkiem index``); crawled pages and
# articles written through the API live in collections of their own (see ``build``).
FILES = "files"


@dataclass(slots=True)
class Article:
    """One article as extracted from a source, before analysis.

    Text fields hold Unicode NFC text exactly as the author wrote it (tone placement is left
    alone here: analysis canonicalises it, display keeps the original).
    """

    id: str
    title: str
    body: str
    date: str | None = None  # ISO date, "2022-04-05"
    author: str | None = None
    source: str | None = None  # site or publication name
    path: str = ""  # the file it came from, as given to the indexer
    line: int | None = None  # line number inside a JSON Lines file
    url: str | None = None  # canonical / original URL when known
    collection: str = FILES  # which ingest owns it: "files", "crawl", "api" …


@dataclass(slots=True)
class Skipped:
    """A source (a file, or one record of it) that could not be used, and why."""

    path: str
    reason: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return f"{where}: {self.reason}"

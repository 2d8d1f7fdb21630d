"""What a crawl is given and what it reports: ``CrawlOptions`` with their defaults,
``CrawlReport`` with the reasons pages are skipped for, and ``CrawlUrlError`` for a start
address that cannot be crawled. The crawl itself is in ``crawler``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from ...errors import TimkiemError
from ...index.build import BuildReport
from .fetch import (
    DEFAULT_BACKOFF,
    DEFAULT_DELAY,
    DEFAULT_MAX_BYTES,
    DEFAULT_RETRIES,
    DEFAULT_TIMEOUT,
)

CRAWL = "crawl"  # the collection crawled pages are indexed in
DEFAULT_MAX_PAGES = 1000
DEFAULT_DEPTH = 2

OTHER_SITE = "on another site"
NOINDEX = "noindex"
NOT_HTML = "not HTML"
SAME_ARTICLE = "same article as another address"


class CrawlUrlError(TimkiemError):
    def __init__(self, url: str) -> None:
        super().__init__(
            f"Cannot crawl {url!r}: give http:// or https:// addresses of sitemaps, feeds or pages."
        )


@dataclass
class CrawlOptions:
    max_pages: int = DEFAULT_MAX_PAGES  # page requests per crawl (sitemaps, robots.txt aside)
    depth: int = DEFAULT_DEPTH  # links followed away from a start page
    delay: float = DEFAULT_DELAY  # seconds between two requests to one host, at least
    timeout: float = DEFAULT_TIMEOUT
    max_bytes: int = DEFAULT_MAX_BYTES
    retries: int = DEFAULT_RETRIES
    backoff: float = DEFAULT_BACKOFF


@dataclass
class CrawlReport:
    """What a crawl did, for the summary a user reads."""

    fetched: int = 0  # pages answered in full (200)
    not_modified: int = 0  # 304 answers
    lastmod_unchanged: int = 0  # not requested: the sitemap or feed date is as last time
    new: int = 0
    updated: int = 0
    unchanged: int = 0  # fetched in full, same article text
    removed: int = 0
    skipped: Counter[str] = field(default_factory=Counter)  # reason → pages
    examples: dict[str, list[str]] = field(default_factory=dict)  # reason → a few addresses
    listings: int = 0  # sitemaps and feeds read
    page_requests: int = 0
    conditional: int = 0  # page requests that sent validators
    requests: int = 0  # every HTTP request, robots.txt, sitemaps and retries included
    limit_reached: bool = False
    seconds: float = 0.0  # fetching and extracting
    build: BuildReport | None = None

    @property
    def pages_per_second(self) -> float:
        return self.page_requests / self.seconds if self.seconds else 0.0

    def skip(self, reason: str, url: str) -> None:
        self.skipped[reason] += 1
        examples = self.examples.setdefault(reason, [])
        if len(examples) < 3:
            examples.append(url)

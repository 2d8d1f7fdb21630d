"""What a crawl is given and what it reports: ``CrawlOptions`` with their defaults,
``CrawlReport`` with the reasons pages are skipped for, and ``CrawlUrlError`` for a start
address that cannot be crawled. The crawl itself is in ``crawler``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from ...errors import TimkiemError
from ...index.build import BuildReport
from .discover import DEFAULT_MAX_LINKS
from .fetch import (
    DEFAULT_BACKOFF,
    DEFAULT_DEADLINE,
    DEFAULT_DELAY,
    DEFAULT_MAX_BYTES,
    DEFAULT_RETRIES,
    DEFAULT_TIMEOUT,
    MAX_CRAWL_DELAY,
    MAX_RETRY_WAIT,
)

CRAWL = "crawl"  # the collection crawled pages are indexed in
DEFAULT_MAX_PAGES = 1000
DEFAULT_DEPTH = 2
DEFAULT_HOST_TIMEOUTS = 3  # pages in a row of one host that time out before it is given up
DEFAULT_REVISIT_DAYS = 7  # a known page is checked again at least this often

# Notes: what the crawl did otherwise than a site asked, the page or host still crawled.
CANONICAL_ELSEWHERE = "canonical address on another host ignored (the page's own address used)"

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
    timeout: float = DEFAULT_TIMEOUT  # seconds without a byte
    deadline: float = DEFAULT_DEADLINE  # seconds for a whole request, body included
    max_bytes: int = DEFAULT_MAX_BYTES  # of a page, as read and as parsed (unpacked)
    max_links: int = DEFAULT_MAX_LINKS  # links taken from one page
    retries: int = DEFAULT_RETRIES
    backoff: float = DEFAULT_BACKOFF
    max_retry_wait: float = MAX_RETRY_WAIT  # pauses before retries, per host
    max_crawl_delay: float = MAX_CRAWL_DELAY  # a longer robots.txt Crawl-delay is shortened
    host_timeouts: int = DEFAULT_HOST_TIMEOUTS  # timed-out pages in a row that end a host
    # Days after which a known page is asked for again whatever its lastmod; 0: every crawl.
    revisit_days: float = DEFAULT_REVISIT_DAYS


@dataclass
class CrawlReport:
    """What a crawl did, for the summary a user reads."""

    fetched: int = 0  # pages answered in full (200)
    not_modified: int = 0  # 304 answers
    lastmod_unchanged: int = 0  # not requested: the sitemap or feed date is as last time
    revisits: int = 0  # requested though their lastmod is as last time: due, or not trusted
    new: int = 0
    updated: int = 0
    unchanged: int = 0  # fetched in full, same article text
    removed: int = 0
    list_pages: int = 0  # pages that are mostly links: followed, not indexed
    skipped: Counter[str] = field(default_factory=Counter)  # reason → pages
    examples: dict[str, list[str]] = field(default_factory=dict)  # reason → a few addresses
    listings: int = 0  # sitemaps and feeds read
    page_requests: int = 0
    conditional: int = 0  # page requests that sent validators
    requests: int = 0  # every HTTP request, robots.txt, sitemaps and retries included
    notes: Counter[str] = field(default_factory=Counter)  # note → pages or hosts
    note_examples: dict[str, list[str]] = field(default_factory=dict)
    note_units: dict[str, str] = field(default_factory=dict)  # note → "page" or "host"
    # Hosts whose lastmod proved wrong in this crawl (host → the proof, in words), and those
    # crawled that had proved wrong before: their lastmod spares no page a request.
    lastmod_distrusted: dict[str, str] = field(default_factory=dict)
    lastmod_untrusted: list[str] = field(default_factory=list)
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

    def note(self, note: str, example: str, unit: str = "page") -> None:
        """Something the crawl did otherwise than a site asked, the page or host still
        crawled: a canonical address ignored, a Crawl-delay shortened …"""
        self.notes[note] += 1
        self.note_units[note] = unit
        examples = self.note_examples.setdefault(note, [])
        if len(examples) < 3:
            examples.append(example)

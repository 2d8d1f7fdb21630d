"""The crawler: sitemaps, feeds and pages of a live site → articles of collection "crawl".

The modules, in the order a page meets them:

- ``urls``: one spelling per address, and the article id of an address;
- ``fetch``: one polite HTTP client (delay per host, timeouts, size cap, retries, redirects,
  conditional requests);
- ``deadline``: the deadline on a whole request, under httpx;
- ``robots``: robots.txt rules and Crawl-delay (Protego);
- ``discover``: the pages of a sitemap or feed, the links of a page (lxml, feedparser);
- ``listpage``: whether a page is a list of links (a home page, a directory listing),
  followed but not indexed;
- ``state``: what the last crawl learnt of each page (SQLite beside the index);
- ``options``: what a crawl is given (options) and what it reports;
- ``crawler``: the crawl itself, ending in one index build.
"""

from __future__ import annotations

from .crawler import (
    CRAWL,
    CrawlOptions,
    CrawlReport,
    CrawlUrlError,
    crawl,
    forget_crawl,
)
from .fetch import USER_AGENT
from .state import CrawlLockedError, CrawlStateError, forget_state, state_path

__all__ = [
    "CRAWL",
    "USER_AGENT",
    "CrawlLockedError",
    "CrawlOptions",
    "CrawlReport",
    "CrawlStateError",
    "CrawlUrlError",
    "crawl",
    "forget_crawl",
    "forget_state",
    "state_path",
]

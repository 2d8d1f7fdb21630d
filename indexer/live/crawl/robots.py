"""robots.txt, read once per host per crawl with Protego.

A host whose robots.txt answers 4xx (none there) may be crawled whole; one whose robots.txt
cannot be read (5xx, timeout) is not crawled at all this time, as RFC 9309 asks, and that is
a transient problem: pages of that host are skipped, never removed. ``Crawl-delay`` for
timkiem (or ``*``) lengthens the pause between two requests to the host.
"""

from __future__ import annotations

from protego import Protego

from .fetch import ROBOTS_NAME, Fetcher
from .urls import host_of, normalize_url

ROBOTS_MAX_BYTES = 500 * 1024  # what Google reads of a robots.txt
DISALLOWED = "disallowed by robots.txt"


class _Host:
    __slots__ = ("problem", "rules")

    def __init__(self, rules: Protego | None, problem: str | None) -> None:
        self.rules = rules
        self.problem = problem


class Robots:
    """The robots.txt rules of every host met in one crawl, fetched on first use."""

    def __init__(self, fetcher: Fetcher) -> None:
        self._fetcher = fetcher
        self._hosts: dict[str, _Host] = {}
        self.sitemaps: list[str] = []  # Sitemap: lines met, for the record

    def problem(self, url: str) -> str | None:
        """Why ``url`` must not be fetched: DISALLOWED, or robots.txt could not be read (which
        may change by the next crawl); None when it may be."""
        host = self._host(url)
        if host.problem:
            return host.problem
        if host.rules is not None and not host.rules.can_fetch(url, ROBOTS_NAME):
            return DISALLOWED
        return None

    def _host(self, url: str) -> _Host:
        key = host_of(url)
        known = self._hosts.get(key)
        if known is not None:
            return known
        root = normalize_url("/robots.txt", url) or url

        def same_host(target: str) -> str | None:
            return None if host_of(target) == key else "robots.txt on another site"

        fetched = self._fetcher.get(root, allow=same_host, max_bytes=ROBOTS_MAX_BYTES)
        if fetched.ok:
            text = fetched.body.decode("utf-8", errors="replace")
            rules = Protego.parse(text)
            self._fetcher.set_host_delay(key, rules.crawl_delay(ROBOTS_NAME))
            self.sitemaps.extend(rules.sitemaps)
            known = _Host(rules, None)
        elif fetched.transient or fetched.status >= 500:
            known = _Host(None, f"robots.txt unavailable ({fetched.problem})")
        else:
            known = _Host(None, None)  # no robots.txt (404 …): everything may be crawled
        self._hosts[key] = known
        return known

"""A crawl: start addresses → pages fetched, extracted and indexed as collection "crawl".

A start address may be a sitemap, a sitemap index, a feed or an HTML page; which one is
found from what it answers. Sitemaps and feeds give pages; an HTML page is indexed and, up
to ``depth`` links away, its links to the start addresses' hosts are followed.

A sitemap's or feed's lastmod decides what is fetched first, not what is never fetched:
pages new to the crawl state, or listed with another lastmod than last time (or none), come
first; then the remembered pages are checked again, least recently checked first, with what
is left of ``max_pages``: those listed with the lastmod of last time once they were last
checked ``revisit_days`` ago or more, and those nothing listed this time, so that an edit
the lastmod does not tell of, or a page taken down, is still noticed. A host whose lastmod
proved wrong (a page's text changed while its lastmod did not, or its lastmod changed while
its text did not) is not trusted any more: its pages are checked at every crawl, as if
they had no lastmod, and the crawl state remembers it.

Each host has its own queue, and the next address is taken from the host whose turn comes
first (``Fetcher.ready_at``): a host with a long Crawl-delay is asked as rarely as it wants
while the others go on, and a host whose pages time out ``host_timeouts`` times in a row is
given up for this crawl (its pages are skipped, and kept).

A page's ``<link rel="canonical">`` names its article's address only on the page's own host:
a canonical on another host is ignored (the page's own address is used, and noted in the
report), or one site could replace another's article.

What a page's answer does to its article:

- 200 with article text: indexed (new, updated, or unchanged when the text is the same);
- 200 with a page that is mostly links (a home page, a section page, a directory listing;
  see ``listpage``): its links followed, itself not indexed (an article it gave before is
  removed);
- 304 (the validators of last time matched), or a lastmod as last time (trusted, and
  checked within ``revisit_days``): left as it is;
- 404 or 410, a robots.txt rule now disallowing it, a ``noindex``: removed;
- anything else (5xx, timeouts, other statuses, non-HTML, no article text): skipped and
  reported, and an article it gave before is kept.

All changes go into the index as one batch through the store writer
(``LocalWriter.write_batch``, collection "crawl"), then the crawl state is saved.
"""

from __future__ import annotations

import os
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx

from ...article import Article
from ...extract.decode import DecodeError, decode_bytes
from ...extract.htmlpage import declared_charset, extract_htmlpage
from ...index.build import (
    BuildReport,
    collection_hashes,
    content_hash,
    remove_collection,
)
from ...index.store import LocalWriter
from .discover import (
    FEED,
    HTML,
    MAX_LISTED,
    MAX_UNPACKED,
    SITEMAP,
    NotAListing,
    page_links,
    parse_feed,
    parse_sitemap,
    sniff,
    unpack,
)
from .fetch import (
    TIMED_OUT,
    Fetched,
    Fetcher,
    overdue,
    too_large,
)
from .listpage import page_shape
from .options import (
    CANONICAL_ELSEWHERE,
    CRAWL,
    NOINDEX,
    NOT_HTML,
    OTHER_SITE,
    SAME_ARTICLE,
    CrawlOptions,
    CrawlReport,
    CrawlUrlError,
)
from .robots import DISALLOWED, Robots
from .state import (
    PageState,
    Untrusted,
    crawl_lock,
    forget_state,
    load_state,
    load_untrusted,
    save_state,
)
from .urls import article_id, host_of, normalize_url

MAX_LISTINGS = 1000  # sitemaps and feeds read in one crawl, nested sitemap indexes included
SMALL_BUILD = 200  # fewer changed pages than this are analysed without worker processes

_START, _LISTING, _PAGE = "start", "listing", "page"


@dataclass(slots=True)
class _Task:
    url: str
    kind: str
    depth: int = 0  # links still to follow from this page
    lastmod: str | None = None
    listing_depth: int = 0  # sitemap indexes above this listing
    revisit: bool = False  # a remembered page checked again: its lastmod spares it no request


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class _Crawl:
    def __init__(
        self,
        starts: list[str],
        options: CrawlOptions,
        fetcher: Fetcher,
        state: dict[str, PageState],
        indexed: dict[str, str],
        progress: Callable[[CrawlReport], None] | None,
        untrusted: dict[str, Untrusted] | None = None,
    ) -> None:
        self.options = options
        self.fetcher = fetcher
        self.robots = Robots(fetcher)
        self.hosts = {host_of(u) for u in starts}
        self.timeouts: Counter[str] = Counter()  # host → requests in a row that timed out
        self.given_up: set[str] = set()  # hosts too slow to go on with
        # A remembered page whose article the index no longer holds is a new page again.
        self.state = {
            url: row
            for url, row in state.items()
            if row.article_id is None or row.article_id in indexed
        }
        self.indexed = indexed  # id → content hash of the index's crawled articles
        self.progress = progress
        self.report = CrawlReport()
        self.untrusted = dict(untrusted or {})  # host → why its lastmod is not believed
        self.distrusted: list[Untrusted] = []  # hosts found wrong in this crawl
        self.report.lastmod_untrusted = sorted(h for h in self.untrusted if h in self.hosts)
        # Pages listed with their lastmod of last time but due to be checked again: visited
        # after everything else, least recently checked first.
        self.revisits: dict[str, _Task] = {}
        self.due_before = (
            datetime.now(UTC) - timedelta(days=options.revisit_days)
            if options.revisit_days > 0
            else None
        )
        # Sitemaps and feeds are read before pages, so that a page both linked to and listed
        # is visited knowing its lastmod. Host → its tasks, in the order they came.
        self.listings: dict[str, deque[_Task]] = {}
        self.queue: dict[str, deque[_Task]] = {}
        self.pending: dict[str, _Task] = {}  # queued, not visited
        self.queued: set[str] = set(starts)
        for url in starts:
            self._push(_Task(url, _START, options.depth))
        self.changed: dict[str, PageState] = {}  # rows to write
        self.forgotten: set[str] = set()  # rows to delete
        self.articles: dict[str, Article] = {}  # id → article to index
        self.old_ids: set[str] = set()  # articles some address no longer gives

    # -- the loop -----------------------------------------------------------------------------

    def run(self) -> None:
        started = time.perf_counter()
        while True:
            while (task := self._next_task()) is not None:
                self.pending.pop(task.url, None)
                if task.kind != _LISTING and self.report.page_requests >= self.options.max_pages:
                    self.report.limit_reached = True
                    break
                self._visit(task)
                if self.progress is not None and task.kind != _LISTING:
                    self.progress(self.report)
            if self.report.limit_reached or not self._recheck_known():
                break
        self._note_hosts()
        self.report.requests = self.fetcher.requests
        self.report.seconds = time.perf_counter() - started

    def _recheck_known(self) -> bool:
        """Queue the remembered pages due to be checked again and those of these hosts that
        nothing listed this time, least recently checked first; False when there are none."""
        tasks = list(self.revisits.values())
        self.revisits.clear()
        for url, row in self.state.items():
            if url not in self.queued and host_of(url) in self.hosts:
                self.queued.add(url)
                tasks.append(_Task(url, _PAGE, row.depth, revisit=True))
        tasks.sort(key=lambda t: self.state[t.url].checked)
        for task in tasks:
            self._push(task)
        return bool(tasks)

    def _due(self, known: PageState) -> bool:
        """Whether a page listed with its lastmod of last time is asked for all the same:
        its host's lastmod proved wrong, or it was last checked ``revisit_days`` ago."""
        if host_of(known.url) in self.untrusted or self.due_before is None:
            return True
        try:
            checked = datetime.fromisoformat(known.checked)
        except ValueError:
            return True
        return checked <= self.due_before

    def _distrust(self, url: str, why: str) -> None:
        """Stop believing the lastmod of ``url``'s host: ``why`` proved it wrong."""
        host = host_of(url)
        if host in self.untrusted:
            return
        entry = Untrusted(host, why, _now())
        self.untrusted[host] = entry
        self.distrusted.append(entry)
        self.report.lastmod_distrusted[host] = why

    def _check_lastmod(self, url: str, task: _Task, known: PageState | None, same: bool) -> None:
        """Compare what the lastmod said with what the page showed (``same``: its text is
        as last time)."""
        if known is None or not task.lastmod or not known.lastmod or not known.content_hash:
            return
        if task.lastmod == known.lastmod and not same:
            self._distrust(url, f"the text of {url} changed, its lastmod did not")
        elif task.lastmod != known.lastmod and same:
            self._distrust(url, f"the lastmod of {url} changed, its text did not")

    def _push(self, task: _Task) -> None:
        self.pending[task.url] = task
        queues = self.listings if task.kind == _LISTING else self.queue
        queues.setdefault(host_of(task.url), deque()).append(task)

    def _next_task(self) -> _Task | None:
        """The next address to visit (sitemaps and feeds first), from the host that may be
        asked soonest: the one that has waited longest among those whose delay is over."""
        for queues in (self.listings, self.queue):
            waiting = [host for host, tasks in queues.items() if tasks]
            if waiting:
                return queues[min(waiting, key=self.fetcher.ready_at)].popleft()
        return None

    def _enqueue(self, task: _Task) -> None:
        if host_of(task.url) not in self.hosts:
            return  # links to other sites are not ours to follow, nor to report
        waiting = self.pending.get(task.url)
        if waiting is not None and task.lastmod and not waiting.lastmod:
            waiting.lastmod = task.lastmod
        if task.url in self.queued:
            return
        self.queued.add(task.url)
        self._push(task)

    def _refusal(self, url: str) -> str | None:
        """Why ``url`` must not be fetched (another site, a host given up, robots.txt), or
        None."""
        host = host_of(url)
        if host not in self.hosts:
            return OTHER_SITE
        if host in self.given_up:
            return self._slow_host
        return self.robots.problem(url)

    @property
    def _slow_host(self) -> str:
        return f"host given up: {self.options.host_timeouts} requests in a row timed out"

    def _count_timeout(self, host: str, fetched: Fetched) -> None:
        """Give up a host whose requests keep timing out: each may take a deadline."""
        if fetched.problem in (TIMED_OUT, overdue(self.fetcher.deadline)):
            self.timeouts[host] += 1
            if self.timeouts[host] >= self.options.host_timeouts:
                self.given_up.add(host)
        else:
            self.timeouts[host] = 0

    def _note_hosts(self) -> None:
        """Note the hosts whose wishes the fetcher did not follow in full."""
        cap = self.fetcher.max_crawl_delay
        for host, asked in sorted(self.fetcher.capped_delays.items()):
            self.report.note(
                f"robots.txt Crawl-delay over {cap:g} s: crawled {cap:g} s apart",
                f"{host} (asked {asked:g} s)",
                unit="host",
            )
        budget = self.fetcher.max_retry_wait
        for host in sorted(self.fetcher.out_of_retry_wait):
            self.report.note(
                f"pauses before retries reached {budget:g} s: not retried further",
                host,
                unit="host",
            )

    # -- one address ----------------------------------------------------------------------------

    def _visit(self, task: _Task) -> None:
        refused = self._refusal(task.url)
        if refused:
            if refused == DISALLOWED and task.kind != _LISTING:
                self._forget(task.url)
            self.report.skip(refused, task.url)
            return
        known = self.state.get(task.url) if task.kind != _LISTING else None
        if (
            known is not None
            and not task.revisit
            and task.lastmod
            and known.lastmod == task.lastmod
            and known.article_id is not None
        ):
            if not self._due(known):
                self.report.lastmod_unchanged += 1
            else:  # checked again, after the pages whose lastmod says they changed
                task.revisit = True
                self.revisits[task.url] = task
            return
        # Validators for every remembered page but the start pages, unless its links are to
        # be followed further than last time. A page that is not modified links to what it
        # linked to last time: those pages are remembered too, and checked again below
        # (``_recheck_known``).
        validators = known is not None and task.kind != _START and known.depth >= task.depth
        fetched = self.fetcher.get(
            task.url,
            etag=known.etag if validators else None,
            last_modified=known.last_modified if validators else None,
            allow=self._refusal,
            # A sitemap may hold 50,000 addresses in 50 MB.
            max_bytes=max(self.options.max_bytes, MAX_UNPACKED) if task.kind == _LISTING else None,
        )
        self._count_timeout(host_of(task.url), fetched)
        if task.kind != _LISTING:
            self.report.page_requests += 1
            self.report.conditional += fetched.conditional
            if task.revisit and task.lastmod is not None:
                self.report.revisits += 1
        if fetched.status == 304 and known is not None:
            self.report.not_modified += 1
            self._check_lastmod(task.url, task, known, same=True)
            self._remember(
                task.url, fetched, task, known.article_id, known.content_hash, previous=known
            )
            return
        if fetched.status in (404, 410) and task.kind != _LISTING:
            if not self._forget(task.url):
                self.report.skip(f"HTTP {fetched.status}", task.url)
            return
        if not fetched.ok:
            problem = fetched.problem or f"HTTP {fetched.status}"
            if problem == DISALLOWED and task.kind != _LISTING:
                self._forget(task.url)  # redirected to a page robots.txt now forbids
            self.report.skip(problem, task.url)
            return
        try:
            body = unpack(fetched.body)
        except NotAListing as exc:
            self.report.skip(str(exc), task.url)
            return
        kind = sniff(fetched.content_type, body)
        if kind in (SITEMAP, FEED) or task.kind == _LISTING:
            if task.kind != _LISTING:  # a start address, or a link to a feed: not a page
                self.report.page_requests -= 1
                self.report.conditional -= fetched.conditional
            self._listing(task, fetched, body, kind)
            return
        self.report.fetched += 1
        if kind == HTML and len(body) > self.options.max_bytes:
            # Read within the cap, but gzip data that unpacks to more: not parsed.
            self.report.skip(too_large(self.options.max_bytes) + " unpacked", task.url)
        elif kind == HTML:
            self._page(task, fetched, body, known)
        else:
            self.report.skip(f"{NOT_HTML} ({fetched.content_type or 'no type'})", task.url)

    def _listing(self, task: _Task, fetched: Fetched, body: bytes, kind: str | None) -> None:
        if self.report.listings >= MAX_LISTINGS:
            self.report.skip(f"more than {MAX_LISTINGS} sitemaps and feeds", task.url)
            return
        try:
            if kind == SITEMAP:
                listing = parse_sitemap(body, fetched.url)
            elif kind == FEED:
                listing = parse_feed(body, fetched.url, fetched.content_type)
            else:
                raise NotAListing("not a sitemap or feed")
        except NotAListing as exc:
            self.report.skip(str(exc), task.url)
            return
        self.report.listings += 1
        if listing.more:
            self.report.note(f"more than {MAX_LISTED:,} addresses: the rest not read", task.url)
        for entry in listing.sitemaps:
            if task.listing_depth < 3:
                self._enqueue(_Task(entry.url, _LISTING, listing_depth=task.listing_depth + 1))
        for entry in listing.pages:
            self._enqueue(_Task(entry.url, _PAGE, 0, entry.lastmod))

    def _page(self, task: _Task, fetched: Fetched, body: bytes, known: PageState | None) -> None:
        url = task.url
        try:
            text = decode_bytes(body, fetched.charset or declared_charset(body)).text
        except DecodeError as exc:
            self.report.skip(exc.reason, url)
            return
        found = page_links(
            text, fetched.url, fetched.headers.get("x-robots-tag", ""), self.options.max_links
        )
        if task.depth > 0:
            if found.more:
                self.report.note(
                    f"more than {self.options.max_links:,} links: the rest not followed", url
                )
            for link in found.links:
                self._enqueue(_Task(link, _PAGE, task.depth - 1))
        if found.noindex:
            self._drop_article(known)
            self._remember(url, fetched, task, None, None)
            self.report.skip(NOINDEX, url)
            return
        item = extract_htmlpage(
            text, article_id="", path=fetched.url, source=host_of(fetched.url) or None
        )
        if not isinstance(item, Article):
            # A page that gave an article before keeps it (and its row): it may be a
            # passing fault of the site. A page without one is remembered for its links.
            if known is None or known.article_id is None:
                self._remember(url, fetched, task, None, None)
            self.report.skip(item.reason, url)
            return
        if page_shape(text, item).is_list:
            # A home page, a section page, a directory listing: its links were followed
            # above; what it says is no article (and an article it gave before goes).
            self._drop_article(known)
            self._remember(url, fetched, task, None, None)
            self.report.list_pages += 1
            return
        # The page's own canonical address wins over the one it was fetched at, on its own
        # host only: the article id is a hash of the address, and a page must not name (and
        # so replace) the article of another site.
        canonical = normalize_url(item.url, fetched.url) if item.url else None
        if canonical is not None and host_of(canonical) != host_of(fetched.url):
            self.report.note(CANONICAL_ELSEWHERE, url)
            canonical = None
        address = canonical or fetched.url
        item.id = article_id(address)
        item.url = item.path = address
        item.collection = CRAWL
        digest = content_hash(item)
        if item.id in self.articles:
            self.report.skip(SAME_ARTICLE, url)
        elif self.indexed.get(item.id) == digest:
            self.report.unchanged += 1
        else:
            if item.id in self.indexed:
                self.report.updated += 1
            else:
                self.report.new += 1
            self.articles[item.id] = item
        if known is not None and known.article_id == item.id:
            self._check_lastmod(url, task, known, same=known.content_hash == digest)
        if known is not None and known.article_id != item.id:
            self._drop_article(known)
        self._remember(url, fetched, task, item.id, digest)

    def _remember(
        self,
        url: str,
        fetched: Fetched,
        task: _Task,
        article: str | None,
        digest: str | None,
        previous: PageState | None = None,
    ) -> None:
        """Keep what this answer taught about ``url`` (a 304 keeps the validators it matched)."""
        kept = previous if fetched.status == 304 else None
        self.changed[url] = PageState(
            url,
            article,
            fetched.headers.get("etag") or (kept.etag if kept else None),
            fetched.headers.get("last-modified") or (kept.last_modified if kept else None),
            digest,
            task.lastmod or (kept.lastmod if kept else None),
            # Not modified: its links are as last time, remembered as far as they were then.
            kept.depth if kept else task.depth,
            _now(),
        )

    def _drop_article(self, known: PageState | None) -> None:
        if known is not None and known.article_id:
            self.old_ids.add(known.article_id)

    def _forget(self, url: str) -> bool:
        """Forget a page that is gone; True when it had given an article."""
        known = self.state.get(url)
        self.changed.pop(url, None)
        if known is None:
            return False
        self.forgotten.add(url)
        self._drop_article(known)
        return bool(known.article_id)

    # -- the end --------------------------------------------------------------------------------

    def to_remove(self) -> set[str]:
        """Articles no remembered address gives any more."""
        rows = {u: r for u, r in self.state.items() if u not in self.forgotten}
        rows.update(self.changed)
        still = {r.article_id for r in rows.values() if r.article_id}
        return {i for i in self.old_ids - still if i in self.indexed}


def crawl(
    urls: Iterable[str],
    index_dir: str | os.PathLike[str],
    options: CrawlOptions | None = None,
    *,
    progress: Callable[[CrawlReport], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    transport: httpx.BaseTransport | None = None,
) -> CrawlReport:
    """Crawl ``urls`` (see the module's docstring) into the index in ``index_dir``; ``sleep``
    and ``clock`` time the pauses between requests (a test's may only pretend to wait)."""
    options = options or CrawlOptions()
    starts: list[str] = []
    for given in urls:
        url = normalize_url(given)
        if url is None:
            raise CrawlUrlError(given)
        if url not in starts:
            starts.append(url)
    if not starts:
        raise CrawlUrlError("")
    with crawl_lock(index_dir):
        indexed = collection_hashes(index_dir, CRAWL)
        state = load_state(index_dir)
        untrusted = load_untrusted(index_dir)
        fetcher = Fetcher(
            delay=options.delay,
            timeout=options.timeout,
            deadline=options.deadline,
            max_bytes=options.max_bytes,
            retries=options.retries,
            backoff=options.backoff,
            max_retry_wait=options.max_retry_wait,
            max_crawl_delay=options.max_crawl_delay,
            sleep=sleep,
            clock=clock,
            transport=transport,
        )
        with fetcher:
            run = _Crawl(starts, options, fetcher, state, indexed, progress, untrusted)
            run.run()
        report = run.report
        remove = run.to_remove()
        if run.articles or remove:
            articles = list(run.articles.values())
            report.build = LocalWriter(index_dir).write_batch(
                articles,
                remove,
                collection=CRAWL,
                workers=1 if len(articles) < SMALL_BUILD else None,
            )
            report.removed = report.build.removed
        save_state(index_dir, run.changed.values(), run.forgotten, run.distrusted)
    return report


def forget_crawl(index_dir: str | os.PathLike[str]) -> tuple[BuildReport | None, bool]:
    """Remove every crawled article from the index and delete the crawl state: (the build's
    report, None when no article was crawled; whether there was a state)."""
    with crawl_lock(index_dir):
        report = remove_collection(index_dir, CRAWL)
        return report, forget_state(index_dir)


__all__ = [
    "CRAWL",
    "CrawlOptions",
    "CrawlReport",
    "CrawlUrlError",
    "crawl",
    "forget_crawl",
]

"""HTTP for the crawler: one client, polite to every host, that never raises for a bad page.

``Fetcher.get`` waits its turn for the host (``delay`` seconds between two requests to one
host, or the site's robots.txt ``Crawl-delay`` when that is longer, up to
``max_crawl_delay``), sends the validators it is given (``If-None-Match`` /
``If-Modified-Since``), follows redirects itself (each hop is checked by the caller: another
site or a path robots.txt forbids is not followed), reads at most ``max_bytes`` within
``deadline`` seconds a request, and retries timeouts, dropped connections, 429 and 5xx answers
with a growing pause (or the ``Retry-After`` asked), the pauses of one host adding up to at
most ``max_retry_wait``. Whatever happens comes back as a ``Fetched``.

Nothing a server sends can hold the fetcher longer than that: a request ends at its deadline
however slowly the bytes come (see ``deadline``), a host's pauses are capped, and
``ready_at`` tells a caller with several hosts which one may be asked next without a wait.
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from urllib.parse import urljoin, urlsplit

import httpx

from .deadline import Deadline, install
from .urls import normalize_url


def _version() -> str:
    try:
        return metadata.version("timkiem")
    except metadata.PackageNotFoundError:
        return "0"


# The product token robots.txt rules are matched against, and the full User-Agent header.
ROBOTS_NAME = "timkiem"
USER_AGENT = f"{ROBOTS_NAME}/{_version()} (full-text search for Vietnamese articles)"
ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,text/xml;q=0.9,*/*;q=0.5"

DEFAULT_DELAY = 1.0  # seconds between two requests to one host
DEFAULT_TIMEOUT = 20.0  # seconds without a byte (connecting: 10 s)
DEFAULT_DEADLINE = 60.0  # seconds for a whole request: connecting, headers and body
DEFAULT_MAX_BYTES = 10 * 2**20
DEFAULT_RETRIES = 2
DEFAULT_BACKOFF = 2.0  # first pause before a retry, doubled at each one
MAX_REDIRECTS = 5
MAX_RETRY_AFTER = 120.0  # a longer Retry-After is not waited for: the page is left for later
MAX_RETRY_WAIT = 120.0  # pauses before retries, per host and crawl, Retry-After included
MAX_CRAWL_DELAY = 30.0  # a longer robots.txt Crawl-delay is shortened to this
REDIRECTS = frozenset({301, 302, 303, 307, 308})
RETRIED = frozenset({429, 500, 502, 503, 504})
TIMED_OUT, DROPPED = "timed out", "connection dropped"


def too_large(max_bytes: int) -> str:
    """The problem of a body over the size cap."""
    limit = f"{max_bytes / 2**20:.0f} MB" if max_bytes >= 2**20 else f"{max_bytes:,} bytes"
    return f"larger than {limit}"


def overdue(deadline: float) -> str:
    """The problem of a request its deadline ended: the server sends too slowly."""
    return f"not answered in full within {deadline:g} s"


@dataclass
class Fetched:
    """The outcome of one GET, redirects followed.

    ``status`` is the final HTTP status (0 when no answer came); ``problem`` says in words
    why there is no usable answer, and ``transient`` whether trying later may help (a
    timeout, a 5xx: such a page is never removed because of it).
    """

    url: str  # the final URL, after redirects
    status: int = 0
    headers: httpx.Headers = field(default_factory=httpx.Headers)
    body: bytes = b""
    problem: str | None = None
    transient: bool = False
    conditional: bool = False  # validators were sent

    @property
    def ok(self) -> bool:
        return self.problem is None and 200 <= self.status < 300

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def charset(self) -> str | None:
        for param in self.headers.get("content-type", "").split(";")[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "charset" and value.strip():
                return value.strip().strip("\"'").lower()
        return None


class _TooLarge(Exception):
    pass


def _retry_after(headers: httpx.Headers) -> float | None:
    value = headers.get("retry-after", "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


class Fetcher:
    """A polite HTTP client (see the module's docstring). Use it as a context manager."""

    def __init__(
        self,
        *,
        delay: float = DEFAULT_DELAY,
        timeout: float = DEFAULT_TIMEOUT,
        deadline: float = DEFAULT_DEADLINE,
        max_bytes: int = DEFAULT_MAX_BYTES,
        retries: int = DEFAULT_RETRIES,
        backoff: float = DEFAULT_BACKOFF,
        max_retry_wait: float = MAX_RETRY_WAIT,
        max_crawl_delay: float = MAX_CRAWL_DELAY,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.delay = delay
        self.deadline = deadline
        self.max_bytes = max_bytes
        self.retries = retries
        self.backoff = backoff
        self.max_retry_wait = max_retry_wait
        self.max_crawl_delay = max_crawl_delay
        self.requests = 0
        self.capped_delays: dict[str, float] = {}  # host → the longer Crawl-delay it asked for
        self.out_of_retry_wait: set[str] = set()  # hosts whose pauses reached max_retry_wait
        self._sleep = sleep
        self._clock = clock
        self._host_delay: dict[str, float] = {}  # host → Crawl-delay, when longer
        self._last_at: dict[str, float] = {}  # host → when its last request was sent
        self._retry_waited: dict[str, float] = {}  # host → seconds paused before retries
        self._deadline = Deadline()
        self._client = httpx.Client(
            headers={"User-Agent": USER_AGENT, "Accept": ACCEPT},
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            follow_redirects=False,
            transport=transport,
        )
        # A transport given by a caller (a test's mock) is its own; httpx's must be bounded.
        if transport is None and not install(self._client, self._deadline):
            self._client.close()
            raise RuntimeError("cannot bound httpx's requests by a deadline (httpx changed?)")

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def set_host_delay(self, host: str, seconds: float | None) -> None:
        """A host's own minimum delay (robots.txt ``Crawl-delay``); the longer one applies,
        up to ``max_crawl_delay`` (a longer one asked for is kept in ``capped_delays``)."""
        if seconds is not None and seconds > 0:
            if seconds > self.max_crawl_delay:
                self.capped_delays[host] = float(seconds)
            self._host_delay[host] = min(float(seconds), self.max_crawl_delay)

    def delay_for(self, host: str) -> float:
        return max(self.delay, self._host_delay.get(host, 0.0))

    def ready_at(self, host: str) -> float:
        """When ``host`` may next be asked (on ``clock``): in the past when it may be now."""
        last = self._last_at.get(host)
        return float("-inf") if last is None else last + self.delay_for(host)

    def _wait_turn(self, host: str) -> None:
        wait = self.ready_at(host) - self._clock()
        if wait > 0:
            self._sleep(wait)
        self._last_at[host] = self._clock()

    def get(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        allow: Callable[[str], str | None] | None = None,
        max_bytes: int | None = None,
    ) -> Fetched:
        """GET ``url``; ``allow(url)`` returns why a redirect target must not be followed."""
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            result = self._get_with_retries(current, headers, max_bytes or self.max_bytes)
            result.conditional = bool(headers)
            if result.status not in REDIRECTS or result.problem:
                return result
            location = result.headers.get("location")
            target = normalize_url(urljoin(current, location)) if location else None
            if target is None:
                return Fetched(current, result.status, result.headers, problem="bad redirect")
            refused = allow(target) if allow else None
            if refused:
                return Fetched(target, result.status, result.headers, problem=refused)
            current = target
        return Fetched(current, problem=f"more than {MAX_REDIRECTS} redirects")

    def _get_with_retries(self, url: str, headers: dict[str, str], max_bytes: int) -> Fetched:
        host = urlsplit(url).hostname or ""
        pause = self.backoff
        for attempt in range(self.retries + 1):
            self._wait_turn(host)
            result = self._get_once(url, headers, max_bytes)
            # A refused connection is transient too, but a server that is down stays down
            # for longer than a retry waits; a request its deadline ended is not retried
            # either (a server that slow is no faster a second time).
            retry = result.status in RETRIED or result.problem in (TIMED_OUT, DROPPED)
            if not retry or attempt == self.retries:
                return result
            wait = pause
            if result.status in (429, 503):
                asked = _retry_after(result.headers)
                if asked is not None:
                    if asked > MAX_RETRY_AFTER:
                        return result
                    wait = max(wait, asked)
            # The pauses of one host are capped, so that a host answering 503 with
            # Retry-After to every page cannot hold the crawl for long.
            waited = self._retry_waited.get(host, 0.0)
            if waited + wait > self.max_retry_wait:
                self.out_of_retry_wait.add(host)
                return result
            self._retry_waited[host] = waited + wait
            self._sleep(wait)
            pause *= 2
        return result  # pragma: no cover (the loop always returns)

    def _get_once(self, url: str, headers: dict[str, str], max_bytes: int) -> Fetched:
        self.requests += 1
        deadline = self._deadline
        try:
            with (
                deadline.of(self.deadline),
                self._client.stream("GET", url, headers=headers) as response,
            ):
                declared = response.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > max_bytes:
                    raise _TooLarge
                body = bytearray()
                for chunk in response.iter_bytes():
                    body += chunk
                    if len(body) > max_bytes:
                        raise _TooLarge
                    if deadline.at is not None and time.monotonic() > deadline.at:
                        deadline.reached = True  # bytes kept coming, too slowly
                        raise httpx.ReadTimeout("deadline")
                status = response.status_code
                out = Fetched(url, status, response.headers, bytes(body))
        except _TooLarge:
            return Fetched(url, problem=too_large(max_bytes))
        except (httpx.InvalidURL, httpx.UnsupportedProtocol):
            return Fetched(url, problem="invalid URL")
        except httpx.TimeoutException:
            problem = overdue(self.deadline) if deadline.reached else TIMED_OUT
            return Fetched(url, problem=problem, transient=True)
        except httpx.TransportError as exc:
            return Fetched(url, problem=_transport_problem(exc), transient=True)
        except httpx.DecodingError:
            return Fetched(url, problem="undecodable content encoding")
        if status in RETRIED:
            out.problem = f"HTTP {status}"
            out.transient = True
        elif status >= 400 or (status >= 300 and status not in REDIRECTS and status != 304):
            out.problem = f"HTTP {status}"
        return out


def _transport_problem(exc: httpx.TransportError) -> str:
    if isinstance(exc, httpx.ConnectError):
        return "connection failed"
    if isinstance(exc, httpx.RemoteProtocolError | httpx.ReadError):
        return DROPPED
    return "network error"

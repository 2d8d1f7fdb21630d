"""The crawler's HTTP client and robots.txt: polite, bounded, never raising for a bad page."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from indexer.live.crawl.fetch import USER_AGENT, Fetcher
from indexer.live.crawl.robots import DISALLOWED, Robots
from tests.crawl_site import FakeClock, LocalSite, Resource, html


@pytest.fixture
def site() -> Iterator[LocalSite]:
    with LocalSite() as served:
        served.resources["/a.html"] = html("<html><body><p>Bài A</p></body></html>")
        served.resources["/b.html"] = html("<html><body><p>Bài B</p></body></html>")
        yield served


def fetcher(clock: FakeClock, **options: object) -> Fetcher:
    return Fetcher(sleep=clock.sleep, clock=clock, **options)  # type: ignore[arg-type]


def test_requests_to_one_host_are_spaced_by_the_delay(site: LocalSite) -> None:
    clock = FakeClock()
    with fetcher(clock, delay=0.75) as f:
        for path in ("/a.html", "/b.html", "/a.html"):
            assert f.get(site.url(path)).ok
    # No wait before the first request, the delay before each other one.
    assert clock.sleeps == [0.75, 0.75]
    assert {r.headers["User-Agent"] for r in site.log} == {USER_AGENT}
    assert USER_AGENT.startswith("timkiem/")


def test_a_crawl_delay_in_robots_txt_lengthens_the_delay(site: LocalSite) -> None:
    site.resources["/robots.txt"] = Resource(
        b"User-agent: *\nCrawl-delay: 4\nDisallow: /private/\n", "text/plain"
    )
    clock = FakeClock()
    with fetcher(clock, delay=0.5) as f:
        robots = Robots(f)
        assert robots.problem(site.url("/a.html")) is None
        assert robots.problem(site.url("/private/x.html")) == DISALLOWED
        f.get(site.url("/a.html"))
        f.get(site.url("/b.html"))
    # robots.txt itself came first; every later request waited the Crawl-delay.
    assert clock.sleeps == [4.0, 4.0]


def test_robots_txt_for_timkiem_wins_over_the_general_rules(site: LocalSite) -> None:
    site.resources["/robots.txt"] = Resource(
        b"User-agent: *\nDisallow: /\n\nUser-agent: timkiem\nDisallow: /private/\n",
        "text/plain",
    )
    with fetcher(FakeClock()) as f:
        robots = Robots(f)
        assert robots.problem(site.url("/a.html")) is None
        assert robots.problem(site.url("/private/a.html")) == DISALLOWED


@pytest.mark.parametrize(
    ("robots", "problem"),
    [
        (None, None),  # no robots.txt (404): everything may be crawled
        (Resource(b"oops", "text/plain", status=500), "robots.txt unavailable (HTTP 500)"),
    ],
)
def test_a_missing_or_failing_robots_txt(
    site: LocalSite, robots: Resource | None, problem: str | None
) -> None:
    if robots is not None:
        site.resources["/robots.txt"] = robots
    with fetcher(FakeClock(), retries=0) as f:
        assert Robots(f).problem(site.url("/a.html")) == problem


def test_5xx_answers_are_retried_with_a_growing_pause(site: LocalSite) -> None:
    site.resources["/a.html"].fail_first = 2  # 503 with Retry-After: 1, twice
    clock = FakeClock()
    with fetcher(clock, delay=0, retries=2, backoff=2.0) as f:
        fetched = f.get(site.url("/a.html"))
    assert fetched.ok and fetched.body.startswith(b"<html>")
    assert len(site.requests_for("/a.html")) == 3
    assert clock.sleeps == [2.0, 4.0]  # the backoff, longer than the Retry-After asked


def test_a_lasting_5xx_is_a_transient_problem(site: LocalSite) -> None:
    site.resources["/a.html"].status = 502
    with fetcher(FakeClock(), retries=1, backoff=0) as f:
        fetched = f.get(site.url("/a.html"))
    assert (fetched.ok, fetched.problem, fetched.transient) == (False, "HTTP 502", True)
    assert len(site.requests_for("/a.html")) == 2


def test_a_slow_page_times_out_and_is_transient(site: LocalSite) -> None:
    site.resources["/a.html"].stall = 1.0
    with fetcher(FakeClock(), timeout=0.2, retries=0) as f:
        fetched = f.get(site.url("/a.html"))
    assert (fetched.problem, fetched.transient) == ("timed out", True)


def test_a_page_over_the_size_cap_is_not_read(site: LocalSite) -> None:
    site.resources["/big.html"] = Resource(b"<p>" + b"x" * 5000 + b"</p>")
    with fetcher(FakeClock(), max_bytes=1000) as f:
        fetched = f.get(site.url("/big.html"))
    assert (fetched.problem, fetched.transient, fetched.body) == (
        "larger than 1,000 bytes",
        False,
        b"",
    )


def test_redirects_are_followed_and_each_hop_checked(site: LocalSite) -> None:
    site.resources["/old"] = Resource(status=301, headers={"Location": "/older"})
    site.resources["/older"] = Resource(status=302, headers={"Location": "/a.html"})
    site.resources["/away"] = Resource(
        status=301, headers={"Location": site.url("/a.html", host="localhost")}
    )
    site.resources["/loop"] = Resource(status=302, headers={"Location": "/loop"})

    def only_this_host(url: str) -> str | None:
        return None if url.startswith(site.url("/")) else "on another site"

    with fetcher(FakeClock()) as f:
        fetched = f.get(site.url("/old"), allow=only_this_host)
        assert (fetched.ok, fetched.url) == (True, site.url("/a.html"))
        away = f.get(site.url("/away"), allow=only_this_host)
        assert (away.problem, away.url) == ("on another site", site.url("/a.html", "localhost"))
        assert f.get(site.url("/loop")).problem == "more than 5 redirects"
    assert not any(r.headers["Host"].startswith("localhost") for r in site.log)


def test_validators_are_sent_and_a_304_is_not_a_problem(site: LocalSite) -> None:
    with fetcher(FakeClock()) as f:
        first = f.get(site.url("/a.html"))
        etag = first.headers["etag"]
        again = f.get(site.url("/a.html"), etag=etag, last_modified=first.headers["last-modified"])
    assert (again.status, again.problem, again.conditional, again.body) == (304, None, True, b"")
    assert site.requests_for("/a.html")[1].headers["If-None-Match"] == etag


def test_a_closed_port_is_a_transient_problem() -> None:
    with LocalSite() as gone:
        address = gone.url("/a.html")
    with fetcher(FakeClock()) as f:
        fetched = f.get(address)
    assert (fetched.problem, fetched.transient) == ("connection failed", True)


@pytest.mark.parametrize("phase", ["headers", "body"])
def test_a_server_trickling_bytes_is_cut_off_at_the_deadline(site: LocalSite, phase: str) -> None:
    # A byte every 0.05 s: never a read timeout, but the page would take 10 s.
    site.resources["/slow.html"] = Resource(
        b"<p>" + b"x" * 200 + b"</p>", trickle=0.05, trickle_from=phase
    )
    with fetcher(FakeClock(), timeout=0.5, deadline=0.3, retries=2, backoff=0) as f:
        fetched = f.get(site.url("/slow.html"))
    assert (fetched.problem, fetched.transient) == ("not answered in full within 0.3 s", True)
    # Not retried: a server that slow is no faster a second time.
    assert len(site.requests_for("/slow.html")) == 1


def test_a_crawl_delay_is_capped(site: LocalSite) -> None:
    site.resources["/robots.txt"] = Resource(b"User-agent: *\nCrawl-delay: 3600\n", "text/plain")
    clock = FakeClock()
    with fetcher(clock, delay=0.5) as f:
        assert Robots(f).problem(site.url("/a.html")) is None
        f.get(site.url("/a.html"))
        f.get(site.url("/b.html"))
    assert clock.sleeps == [30.0, 30.0]
    assert f.capped_delays == {"127.0.0.1": 3600.0}


def test_the_pauses_before_retries_are_capped_per_host(site: LocalSite) -> None:
    for path in ("/a.html", "/b.html"):
        site.resources[path] = Resource(b"busy", status=503, headers={"Retry-After": "100"})
    clock = FakeClock()
    with fetcher(clock, delay=0, retries=2) as f:
        first, second = f.get(site.url("/a.html")), f.get(site.url("/b.html"))
    assert (first.problem, second.problem) == ("HTTP 503", "HTTP 503")
    # 100 s once; a second pause would go over the host's 120 s.
    assert clock.sleeps == [100.0]
    assert [len(site.requests_for(p)) for p in ("/a.html", "/b.html")] == [2, 1]
    assert f.out_of_retry_wait == {"127.0.0.1"}

"""Crawling a live site into the index: a small news site served on 127.0.0.1 by the test."""

from __future__ import annotations

from collections.abc import Iterator
from email.utils import formatdate
from pathlib import Path

import pytest
from click.testing import CliRunner

from indexer import Engine, build_index, iter_articles
from indexer.cli import main
from indexer.live.crawl import CrawlOptions, CrawlReport, crawl
from indexer.live.crawl.urls import article_id
from tests.conftest import SEEDS
from tests.crawl_site import (
    PAGES,
    SHARED,
    WINDOWS_1258,
    FakeClock,
    LocalSite,
    Resource,
    article_page,
    build_news_site,
    html,
    paragraphs,
)

FAST = CrawlOptions(delay=0, backoff=0, retries=1)


@pytest.fixture
def site() -> Iterator[LocalSite]:
    with LocalSite() as served:
        build_news_site(served)
        yield served


def listings(site: LocalSite) -> list[str]:
    return [site.url(p) for p in ("/sitemap_index.xml", "/rss.xml", "/atom.xml")]


def run(site: LocalSite, index_dir: Path, *starts: str, **options: object) -> CrawlReport:
    opts = CrawlOptions(**{**FAST.__dict__, **options})  # type: ignore[arg-type]
    return crawl([site.url(s) for s in starts] or listings(site), index_dir, opts)


def found(index_dir: Path, query: str) -> list[tuple[str, str | None]]:
    """(title, url) of the hits of ``query``."""
    return [(h.title, h.url) for h in Engine(index_dir).search(query, per_page=50).hits]


def indexed(site: LocalSite, index_dir: Path, path: str) -> str | None:
    """The title of the article whose address is ``path`` on the site, or None."""
    view = Engine(index_dir).article(article_id(site.url(path)))
    return view.title if view is not None else None


def test_a_first_crawl_indexes_every_listed_page(site: LocalSite, tmp_path: Path) -> None:
    report = run(site, tmp_path)
    # Three start listings, the two sitemaps of the index.
    assert report.listings == 5
    # 1, 2, 3 (feed), moi (behind cu's redirect), loi, chia-se (as goc), phong-dien.
    assert (report.new, report.updated, report.removed) == (7, 0, 0)
    assert dict(report.skipped) == {
        "disallowed by robots.txt": 1,
        "not HTML (application/pdf)": 1,
    }
    assert Engine(tmp_path).doc_count() == 7
    # Every article links to the page on the site.
    assert found(tmp_path, "dân vận khéo") == [(PAGES["/tin/1.html"][0], site.url("/tin/1.html"))]
    # A windows-1258 page, decoded.
    assert found(tmp_path, "đón Tết Nguyên đán") == [
        (WINDOWS_1258[0], site.url("/tin/phong-dien.html"))
    ]
    # A redirect: the final address is the article's.
    assert found(tmp_path, "địa chỉ mới") == [
        (PAGES["/tin/moi.html"][0], site.url("/tin/moi.html"))
    ]
    # The page's canonical address wins over the one it was fetched at.
    assert found(tmp_path, "bài chia sẻ") == [(SHARED[0], site.url("/tin/goc.html"))]
    hit = Engine(tmp_path).search("dân vận khéo").hits[0]
    assert hit.id == article_id(site.url("/tin/1.html"))
    # robots.txt was obeyed: the disallowed page was never asked for.
    assert site.requests_for("/private/bi-mat.html") == []
    assert site.requests_for("/robots.txt")
    agents = {r.headers["User-Agent"] for r in site.log}
    assert len(agents) == 1 and agents.pop().startswith("timkiem/")


def test_a_recrawl_asks_only_for_what_changed(site: LocalSite, tmp_path: Path) -> None:
    run(site, tmp_path)
    generation = Engine(tmp_path).generation
    site.clear_log()
    again = run(site, tmp_path)
    assert (again.new, again.updated, again.removed, again.unchanged) == (0, 0, 0, 0)
    assert again.build is None
    assert Engine(tmp_path).generation == generation  # nothing was rebuilt
    # Listed with a lastmod as last time: not even asked for.
    assert site.requests_for("/tin/1.html") == []
    assert site.requests_for("/tin/3.html") == []
    assert again.lastmod_unchanged == 3  # 1 (sitemap), 2 (Atom), 3 (RSS)
    # The others were asked conditionally and answered 304.
    [etag_request] = site.requests_for("/tin/cu.html")
    assert etag_request.headers["If-None-Match"].startswith('"')
    [date_request] = site.requests_for("/tin/phong-dien.html")
    assert "If-None-Match" not in date_request.headers
    assert date_request.headers["If-Modified-Since"].endswith("GMT")
    assert again.not_modified == 4  # cu (→ moi), phong-dien, loi, chia-se
    assert again.conditional == again.not_modified
    assert again.page_requests == 5  # and the PDF, skipped again
    assert found(tmp_path, "dân vận khéo") == [(PAGES["/tin/1.html"][0], site.url("/tin/1.html"))]


def test_changed_pages_are_updated_and_gone_ones_removed(site: LocalSite, tmp_path: Path) -> None:
    run(site, tmp_path)
    r = site.resources
    r["/tin/phong-dien.html"] = Resource(
        article_page("Phong Điền vào hội", paragraphs("mùa gặt")).encode(),
        last_modified=formatdate(1713000000, usegmt=True),
    )
    r["/tin/moi.html"].status = 410  # behind /tin/cu.html's redirect
    del r["/tin/chia-se.html"]  # 404
    r["/tin/loi.html"].status = 503  # a passing fault: kept
    site.clear_log()
    report = run(site, tmp_path)
    assert (report.new, report.updated, report.removed) == (0, 1, 2)
    assert report.skipped["HTTP 503"] == 1
    assert len(site.requests_for("/tin/loi.html")) == 2  # retried once
    assert found(tmp_path, "mùa gặt")[0] == ("Phong Điền vào hội", site.url("/tin/phong-dien.html"))
    assert indexed(site, tmp_path, "/tin/phong-dien.html") == "Phong Điền vào hội"
    assert indexed(site, tmp_path, "/tin/moi.html") is None
    assert indexed(site, tmp_path, "/tin/goc.html") is None
    assert indexed(site, tmp_path, "/tin/loi.html") == PAGES["/tin/loi.html"][0]
    assert Engine(tmp_path).doc_count() == 5
    # The site recovers, and a page comes back: nothing lost, the page is new again.
    r["/tin/loi.html"].status = 200
    r["/tin/chia-se.html"] = html(
        article_page(SHARED[0], paragraphs(SHARED[1]), canonical="/tin/goc.html")
    )
    report = run(site, tmp_path)
    assert (report.new, report.updated, report.removed) == (1, 0, 0)
    assert report.not_modified >= 1 and not report.skipped["HTTP 503"]
    assert Engine(tmp_path).doc_count() == 6


def test_a_page_dropped_from_the_sitemap_is_checked_again(site: LocalSite, tmp_path: Path) -> None:
    run(site, tmp_path, "/sitemap-trang.xml")
    assert indexed(site, tmp_path, "/tin/loi.html") == PAGES["/tin/loi.html"][0]
    # The sitemap no longer lists the page and the page is gone: the crawl still notices.
    site.resources["/sitemap-trang.xml"] = Resource(
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"></urlset>',
        "application/xml",
    )
    del site.resources["/tin/loi.html"]
    report = run(site, tmp_path, "/sitemap-trang.xml")
    assert report.removed == 1
    assert indexed(site, tmp_path, "/tin/loi.html") is None
    # The other page, still there, is kept.
    assert indexed(site, tmp_path, "/tin/goc.html") == SHARED[0]


def test_noindex_and_a_newly_disallowed_path_remove_a_page(site: LocalSite, tmp_path: Path) -> None:
    run(site, tmp_path, "/sitemap-trang.xml")
    site.resources["/tin/loi.html"] = html(
        article_page("Lễ hội", paragraphs("lễ hội xuống đồng"), robots="noindex")
    )
    site.resources["/robots.txt"] = Resource(b"User-agent: timkiem\nDisallow: /tin/chia\n")
    report = run(site, tmp_path, "/sitemap-trang.xml")
    assert report.removed == 2
    assert report.skipped["noindex"] == 1
    assert report.skipped["disallowed by robots.txt"] == 1
    assert Engine(tmp_path).doc_count() == 0
    assert len(site.requests_for("/tin/chia-se.html")) == 1  # the first crawl's only


def test_links_are_followed_to_the_depth_given_on_the_start_hosts_only(
    site: LocalSite, tmp_path: Path
) -> None:
    report = run(site, tmp_path, "/index.html", depth=1)
    assert site.requests_for("/chuyen-muc.html") and not site.requests_for("/tin/4.html")
    assert not report.skipped
    deeper = run(site, tmp_path, "/index.html", depth=2)
    assert deeper.new == 1
    assert deeper.skipped == {"disallowed by robots.txt": 1}  # linked from the section page
    assert found(tmp_path, "gỗ lớn") == [(PAGES["/tin/4.html"][0], site.url("/tin/4.html"))]
    # The link to another host (localhost) was never followed.
    assert all(not r.headers["Host"].startswith("localhost") for r in site.log)


def test_max_pages_stops_the_crawl(site: LocalSite, tmp_path: Path) -> None:
    report = run(site, tmp_path, max_pages=3)
    assert report.limit_reached and report.page_requests == 3
    assert Engine(tmp_path).doc_count() <= 3
    # The next crawl goes on where the budget allows.
    rest = run(site, tmp_path)
    assert not rest.limit_reached
    assert Engine(tmp_path).doc_count() == 7


def test_files_and_crawled_pages_live_side_by_side(site: LocalSite, tmp_path: Path) -> None:
    build_index(iter_articles([SEEDS]), tmp_path, workers=1)
    run(site, tmp_path)
    engine = Engine(tmp_path)
    assert engine.doc_count() == 5 + 7
    # Indexing the files again, as an update or a rebuild, keeps the crawled pages.
    build_index(iter_articles([SEEDS]), tmp_path, rebuild=False, workers=1)
    assert engine.doc_count() == 12
    report = build_index(iter_articles([SEEDS]), tmp_path, rebuild=True, workers=1)
    assert report.carried == 7
    assert indexed(site, tmp_path, "/tin/1.html") == PAGES["/tin/1.html"][0]
    assert (PAGES["/tin/1.html"][0], site.url("/tin/1.html")) in found(tmp_path, "dân vận khéo")
    # A crawl that removes pages leaves the files alone.
    del site.resources["/tin/chia-se.html"]
    assert run(site, tmp_path).removed == 1
    assert engine.doc_count() == 11
    # Each collection can be forgotten on its own.
    cli = CliRunner()
    result = cli.invoke(main, ["forget", "crawl", "--index-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "Removed 6 articles of crawl; the index now holds 5 articles." in result.output
    assert "Deleted the crawl state" in result.output
    assert engine.doc_count() == 5
    result = cli.invoke(main, ["forget", "files", "--index-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "Removed 5 articles of files; the index now holds 0 articles." in result.output
    assert engine.doc_count() == 0


def test_the_crawl_command_prints_a_summary(site: LocalSite, tmp_path: Path) -> None:
    cli = CliRunner()
    args = ["crawl", *listings(site), "--delay", "0", "--index-dir", str(tmp_path)]
    result = cli.invoke(main, args)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("Crawled 5 sitemaps and feeds and 8 pages in ")
    assert lines[1:] == [
        "Pages: 8 fetched in full, 0 not modified (304), 0 not requested (lastmod unchanged); "
        "0 of 8 requests conditional.",
        "Articles: 7 new, 0 updated, 0 unchanged, 0 removed.",
        "Skipped 2 pages:",
        f"  disallowed by robots.txt: 1 page, e.g. {site.url('/private/bi-mat.html')}",
        f"  not HTML (application/pdf): 1 page, e.g. {site.url('/tai-lieu.pdf')}",
        "The index now holds 7 articles.",
    ]
    again = cli.invoke(main, args)
    assert again.exit_code == 0, again.output
    assert "4 of 5 requests conditional." in again.output
    assert again.output.splitlines()[-1] == "Nothing changed: the index was left as it was."


def test_the_crawl_command_refuses_other_schemes_and_fails_when_nothing_answers(
    tmp_path: Path,
) -> None:
    cli = CliRunner()
    result = cli.invoke(main, ["crawl", "ftp://example.org/", "--index-dir", str(tmp_path)])
    assert result.exit_code == 1
    assert "give http:// or https:// addresses" in result.output
    with LocalSite() as empty:
        address = empty.url("/")
    # The server is gone: nothing answers.
    result = cli.invoke(main, ["crawl", address, "--delay", "0", "--index-dir", str(tmp_path)])
    assert result.exit_code == 1
    assert "robots.txt unavailable (connection failed): 1 page" in result.output


def test_the_default_delay_is_polite() -> None:
    assert CrawlOptions().delay >= 0.5
    params = {p.name: p for p in main.commands["crawl"].params}
    assert params["delay"].default >= 0.5


def test_progress_on_a_terminal_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    from indexer.cli.output import CrawlProgress

    progress = CrawlProgress(enabled=True)
    report = CrawlReport(page_requests=1, new=1)
    report.skip("HTTP 503", "http://127.0.0.1/a")
    progress(report)
    progress.done()
    line = capsys.readouterr().err
    assert line.startswith("\r  1 page  ")
    assert "1 new  0 updated  0 not modified  1 skipped" in line
    assert line.endswith("\n") and line.count("\n") == 1
    quiet = CrawlProgress(enabled=False)
    quiet(report)
    quiet.done()
    assert capsys.readouterr().err == ""


def test_a_failed_build_leaves_the_index_and_the_crawl_state_as_they_were(
    site: LocalSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from indexer.live.crawl import crawler
    from indexer.live.crawl.state import load_state

    run(site, tmp_path)
    state = load_state(tmp_path)
    site.resources["/tin/phong-dien.html"] = Resource(
        article_page("Phong Điền vào hội", paragraphs("mùa gặt")).encode(),
        last_modified=formatdate(1713000000, usegmt=True),
    )

    def failing_build(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(crawler.LocalWriter, "write_batch", failing_build)
    with pytest.raises(OSError, match="disk full"):
        run(site, tmp_path)
    assert load_state(tmp_path) == state
    assert indexed(site, tmp_path, "/tin/phong-dien.html") == WINDOWS_1258[0]
    monkeypatch.undo()
    # The next crawl still sees the change.
    assert run(site, tmp_path).updated == 1
    assert indexed(site, tmp_path, "/tin/phong-dien.html") == "Phong Điền vào hội"


def test_a_second_crawl_of_one_index_stops_at_once(tmp_path: Path) -> None:
    from indexer.live.crawl.state import CrawlLockedError, crawl_lock

    busy = pytest.raises(CrawlLockedError, match="Another timkiem crawl")
    with crawl_lock(tmp_path), busy, crawl_lock(tmp_path):
        pass
    with crawl_lock(tmp_path):  # released once the first crawl ends
        pass


def sitemap_of(site: LocalSite, paths: list[str], host: str = "127.0.0.1") -> Resource:
    locs = "".join(f"<url><loc>{site.url(p, host)}</loc></url>" for p in paths)
    return Resource(
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{locs}</urlset>'.encode(),
        "application/xml",
    )


def test_a_canonical_on_another_host_is_not_believed(tmp_path: Path) -> None:
    from indexer.cli.output import format_crawl

    with LocalSite() as a, LocalSite() as b:
        # Site B's article, crawled first.
        b.resources["/tin/b.html"] = html(article_page("Bài của báo B", paragraphs("báo B viết")))
        victim = b.url("/tin/b.html", host="localhost")
        crawl([victim], tmp_path, FAST)
        # Site A's page names B's address as its canonical one.
        a.resources["/tin/a.html"] = html(
            article_page("Bài của báo A", paragraphs("báo A viết"), canonical=victim)
        )
        report = crawl([a.url("/tin/a.html")], tmp_path, FAST)
    assert report.new == 1 and report.updated == 0
    engine = Engine(tmp_path)
    assert engine.article(article_id(victim)).title == "Bài của báo B"
    assert engine.article(article_id(a.url("/tin/a.html"))).title == "Bài của báo A"
    assert ("Bài của báo A", a.url("/tin/a.html")) in found(tmp_path, "báo A viết")
    assert ("Bài của báo B", victim) in found(tmp_path, "báo B viết")
    assert format_crawl(report).splitlines()[-3:-1] == [
        "Notes:",
        "  canonical address on another host ignored (the page's own address used): 1 page, "
        f"e.g. {a.url('/tin/a.html')}",
    ]


def test_a_long_crawl_delay_is_capped_and_does_not_hold_up_other_hosts(tmp_path: Path) -> None:
    clock = FakeClock()
    pages = ["/tin/1.html", "/tin/2.html", "/tin/3.html"]
    with LocalSite() as slow, LocalSite() as fast:
        for site, host in ((slow, "127.0.0.1"), (fast, "localhost")):
            build_news_site(site)
            site.resources["/sitemap.xml"] = sitemap_of(site, pages, host)
        slow.resources["/robots.txt"] = Resource(b"User-agent: *\nCrawl-delay: 3600\n")
        starts = [slow.url("/sitemap.xml"), fast.url("/sitemap.xml", host="localhost")]
        report = crawl(starts, tmp_path, FAST, sleep=clock.sleep, clock=clock)
        slow_pages = [r.order for r in slow.log if r.path in pages]
        fast_pages = [r.order for r in fast.log if r.path in pages]
    assert report.new == 6
    # 30 s between two requests to the slow host (robots.txt, the sitemap, three pages).
    assert clock.sleeps == [30.0] * 4
    # The other host did not wait for it.
    assert len(fast_pages) == 3 and max(fast_pages) < min(slow_pages)
    assert dict(report.notes) == {"robots.txt Crawl-delay over 30 s: crawled 30 s apart": 1}
    assert report.note_examples[next(iter(report.notes))] == ["127.0.0.1 (asked 3600 s)"]


def test_a_host_that_keeps_timing_out_is_given_up(tmp_path: Path) -> None:
    pages = [f"/tin/{i}.html" for i in range(1, 5)]
    with LocalSite() as slow, LocalSite() as fast:
        for site, host in ((slow, "127.0.0.1"), (fast, "localhost")):
            build_news_site(site)
            site.resources["/sitemap.xml"] = sitemap_of(site, pages, host)
        for path in pages:
            slow.resources[path].stall = 1.0
        starts = [slow.url("/sitemap.xml"), fast.url("/sitemap.xml", host="localhost")]
        options = CrawlOptions(**{**FAST.__dict__, "timeout": 0.2, "retries": 0})
        options.host_timeouts = 2
        report = crawl(starts, tmp_path, options)
        asked = [p for p in slow.paths() if p in pages]
    assert len(asked) == 2  # then the host was given up
    assert report.skipped == {
        "timed out": 2,
        "host given up: 2 requests in a row timed out": 2,
    }
    assert report.new == 4  # the other host's pages, all of them


def test_a_page_gives_at_most_max_links_links(site: LocalSite, tmp_path: Path) -> None:
    links = [f"/tin/{i}.html" for i in range(1, 5)]
    site.resources["/index.html"] = html(article_page("Trang chủ", ["Tin mới."], links=links))
    report = run(site, tmp_path, "/index.html", depth=1, max_links=2)
    assert [p for p in site.paths() if p.startswith("/tin/")] == links[:2]
    assert dict(report.notes) == {"more than 2 links: the rest not followed": 1}


def test_a_page_that_unpacks_beyond_the_size_cap_is_not_parsed(
    site: LocalSite, tmp_path: Path
) -> None:
    from tests.crawl_site import gzipped

    page = article_page("Trang rất dài", paragraphs("bài rất dài " * 2000)).encode()
    site.resources["/dai.html"] = Resource(gzipped(page))  # read as it is: gzip data
    report = run(site, tmp_path, "/dai.html", max_bytes=20_000)
    assert len(gzipped(page)) < 20_000 < len(page)
    assert dict(report.skipped) == {"larger than 20,000 bytes unpacked": 1}
    assert report.new == 0

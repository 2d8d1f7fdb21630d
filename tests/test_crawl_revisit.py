"""Revisits: a page the crawl state knows is checked again, whatever its sitemap lastmod says,
at least every ``revisit_days``; a host whose lastmod proved wrong is not trusted again."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from indexer import Engine
from indexer.cli import main
from indexer.live.crawl import CrawlOptions, CrawlReport, crawl
from indexer.live.crawl.state import load_state, load_untrusted, state_path
from indexer.live.crawl.urls import article_id
from tests.crawl_site import (
    PAGES,
    LocalSite,
    Resource,
    article_page,
    build_news_site,
    html,
    paragraphs,
)

FAST = CrawlOptions(delay=0, backoff=0, retries=1)
LISTED = ["/tin/1.html", "/tin/2.html", "/tin/3.html", "/tin/4.html"]


def urlset(site: LocalSite, lastmods: dict[str, str]) -> Resource:
    items = "".join(
        f"<url><loc>{site.url(p)}</loc><lastmod>{m}</lastmod></url>" for p, m in lastmods.items()
    )
    return Resource(
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{items}</urlset>'.encode(),
        "application/xml",
    )


@pytest.fixture
def site() -> Iterator[LocalSite]:
    """The news site with one more sitemap, ``/sitemap.xml``: four pages, each with a lastmod."""
    with LocalSite() as served:
        build_news_site(served)
        served.resources["/sitemap.xml"] = urlset(served, {p: "2024-04-01" for p in LISTED})
        yield served


def run(site: LocalSite, index_dir: Path, **options: object) -> CrawlReport:
    opts = CrawlOptions(**{**FAST.__dict__, **options})  # type: ignore[arg-type]
    return crawl([site.url("/sitemap.xml")], index_dir, opts)


def title_of(site: LocalSite, index_dir: Path, path: str) -> str | None:
    view = Engine(index_dir).article(article_id(site.url(path)))
    return view.title if view is not None else None


def age(site: LocalSite, index_dir: Path, days: dict[str, float]) -> None:
    """Make the crawl state say each page was last checked that many days ago."""
    with closing(sqlite3.connect(state_path(index_dir))) as conn, conn:
        for path, ago in days.items():
            when = (datetime.now(UTC) - timedelta(days=ago)).isoformat(timespec="seconds")
            conn.execute("UPDATE pages SET checked = ? WHERE url = ?", (when, site.url(path)))


def edit(site: LocalSite, path: str, title: str) -> None:
    site.resources[path] = html(article_page(title, paragraphs("bài đã được sửa lại")))


def test_an_edit_under_a_stale_lastmod_is_indexed_by_revisit_days_0(
    site: LocalSite, tmp_path: Path
) -> None:
    cli = CliRunner()
    args = ["crawl", site.url("/sitemap.xml"), "--delay", "0", "--index-dir", str(tmp_path)]
    assert cli.invoke(main, args).exit_code == 0
    edit(site, "/tin/1.html", "Bài đã sửa")  # the sitemap's lastmod stays as it was
    # Checked a moment ago, lastmod as last time: the default spares it a request.
    site.clear_log()
    result = cli.invoke(main, args)
    assert result.exit_code == 0, result.output
    assert site.requests_for("/tin/1.html") == []
    assert title_of(site, tmp_path, "/tin/1.html") == PAGES["/tin/1.html"][0]
    # --revisit-days 0 asks for every known page.
    result = cli.invoke(main, [*args, "--revisit-days", "0"])
    assert result.exit_code == 0, result.output
    assert title_of(site, tmp_path, "/tin/1.html") == "Bài đã sửa"
    assert "Articles: 0 new, 1 updated, 0 unchanged, 0 removed." in result.output
    why = f"the text of {site.url('/tin/1.html')} changed, its lastmod did not"
    assert (
        f"Lastmod of 127.0.0.1 proved wrong ({why}): no longer trusted, its pages are checked "
        "at every crawl."
    ) in result.output.splitlines()
    assert {h: u.why for h, u in load_untrusted(tmp_path).items()} == {"127.0.0.1": why}
    # From now on its lastmod spares no page a request, without --revisit-days 0.
    edit(site, "/tin/2.html", "Bài thứ hai đã sửa")
    site.clear_log()
    result = cli.invoke(main, args)
    assert result.exit_code == 0, result.output
    assert title_of(site, tmp_path, "/tin/2.html") == "Bài thứ hai đã sửa"
    assert len(site.requests_for("/tin/3.html")) == 1
    assert (
        "Lastmod not trusted on 1 host (proved wrong before; pages checked at every crawl): "
        "127.0.0.1."
    ) in result.output.splitlines()


def test_an_unchanged_page_costs_one_conditional_request(site: LocalSite, tmp_path: Path) -> None:
    run(site, tmp_path)
    generation = Engine(tmp_path).generation
    site.clear_log()
    report = run(site, tmp_path, revisit_days=0)
    for path in LISTED:
        [request] = site.requests_for(path)
        assert request.headers["If-None-Match"].startswith('"')
    assert (report.page_requests, report.conditional, report.not_modified) == (4, 4, 4)
    assert (report.revisits, report.lastmod_unchanged) == (4, 0)
    assert report.build is None and Engine(tmp_path).generation == generation
    assert report.lastmod_distrusted == {} and load_untrusted(tmp_path) == {}


def test_a_removed_page_still_listed_is_removed_when_revisited(
    site: LocalSite, tmp_path: Path
) -> None:
    run(site, tmp_path)
    del site.resources["/tin/1.html"]  # 404
    site.resources["/tin/2.html"].status = 410
    assert run(site, tmp_path).removed == 0  # checked a moment ago: not asked for yet
    # A week later both are due (the default is 7 days), the others not yet.
    age(site, tmp_path, {"/tin/1.html": 7.5, "/tin/2.html": 8, "/tin/3.html": 6})
    site.clear_log()
    report = run(site, tmp_path)
    assert report.removed == 2 and report.lastmod_unchanged == 2
    assert [p for p in site.paths() if p.startswith("/tin/")] == ["/tin/2.html", "/tin/1.html"]
    assert title_of(site, tmp_path, "/tin/1.html") is None
    assert title_of(site, tmp_path, "/tin/2.html") is None
    assert title_of(site, tmp_path, "/tin/3.html") == PAGES["/tin/3.html"][0]
    assert set(load_state(tmp_path)) == {site.url("/tin/3.html"), site.url("/tin/4.html")}


def test_lastmod_decides_what_comes_first_and_revisits_go_oldest_first(
    site: LocalSite, tmp_path: Path
) -> None:
    run(site, tmp_path)
    age(site, tmp_path, {"/tin/1.html": 3, "/tin/2.html": 9, "/tin/3.html": 5, "/tin/4.html": 1})
    lastmods = {p: "2024-04-01" for p in LISTED}
    lastmods["/tin/4.html"] = "2024-04-09"
    site.resources["/sitemap.xml"] = urlset(site, lastmods)
    edit(site, "/tin/4.html", "Bài mới cập nhật")
    site.clear_log()
    report = run(site, tmp_path, revisit_days=0, max_pages=3)
    # The page whose lastmod changed first, then the oldest checked; the newest left.
    assert [p for p in site.paths() if p.startswith("/tin/")] == [
        "/tin/4.html",
        "/tin/2.html",
        "/tin/3.html",
    ]
    assert report.limit_reached and report.updated == 1
    assert title_of(site, tmp_path, "/tin/4.html") == "Bài mới cập nhật"
    # The one left is the oldest checked now: first in line next time.
    site.clear_log()
    run(site, tmp_path, revisit_days=0, max_pages=1)
    assert [p for p in site.paths() if p.startswith("/tin/")] == ["/tin/1.html"]


def test_a_lastmod_that_changes_while_the_text_does_not_is_not_trusted(
    site: LocalSite, tmp_path: Path
) -> None:
    run(site, tmp_path)
    # The sitemap now gives every page its build time: nothing else changed.
    site.resources["/sitemap.xml"] = urlset(site, {p: "2024-05-01T00:00:00Z" for p in LISTED})
    report = run(site, tmp_path)
    assert report.not_modified == 4
    why = f"the lastmod of {site.url('/tin/1.html')} changed, its text did not"
    assert report.lastmod_distrusted == {"127.0.0.1": why}
    # The next crawl asks for every page again, though their lastmod is as last time.
    site.clear_log()
    report = run(site, tmp_path)
    assert (report.lastmod_unchanged, report.revisits, report.not_modified) == (0, 4, 4)
    assert report.lastmod_untrusted == ["127.0.0.1"] and report.lastmod_distrusted == {}
    assert all(len(site.requests_for(p)) == 1 for p in LISTED)

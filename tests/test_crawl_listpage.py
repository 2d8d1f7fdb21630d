"""List pages (a home page, a directory listing) are followed, not indexed; articles, short
ones included, still are."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from indexer import Article, Engine
from indexer.cli import main
from indexer.extract.htmlpage import extract_htmlpage
from indexer.live.crawl import CrawlOptions, crawl
from indexer.live.crawl.listpage import page_shape
from indexer.live.crawl.urls import article_id
from tests.conftest import SEEDS
from tests.crawl_site import (
    PAGES,
    LocalSite,
    article_page,
    build_news_site,
    directory_listing,
    html,
    list_page,
    paragraphs,
)

HEADLINES = [(f"/tin/{i}.html", title) for i, (title, _) in enumerate(PAGES.values())]
MENU = [f"/muc/{i}.html" for i in range(40)]  # a portal's long menus
RELATED = "<ul>" + "".join(f'<li><a href="{h}">{t}</a></li>' for h, t in HEADLINES[:5]) + "</ul>"
JSON_LD = '<script type="application/ld+json">{"@graph": [{"@type": "NewsArticle"}]}</script>'


def short_article() -> str:
    """A news brief of 35 words, with a related-news list inside the article, on a page
    with long menus."""
    page = article_page(
        "Cấp nước sạch cho bản vùng cao",
        [
            "Sáng 05/4, huyện Pác Nặm khánh thành công trình cấp nước sạch cho 120 hộ dân "
            "bản Khuổi Bốc, xã Bằng Thành, với tổng vốn đầu tư hơn 2 tỷ đồng từ chương trình "
            "mục tiêu quốc gia."
        ],
        links=MENU,
    )
    return page.replace("</article>", f"<p>Tin liên quan:</p>{RELATED}</article>")


def one_line_and_headlines() -> str:
    """A home page laid out as an article: one line, then five headlines."""
    page = article_page("Trang chủ", ["Tin tức mới nhất."], links=MENU)
    return page.replace("</article>", RELATED + "</article>")


def seed_article(name: str) -> str:
    lines = [ln for ln in (SEEDS / name).read_text(encoding="utf-8").splitlines() if ln.strip()]
    return article_page(lines[0], lines[2:], links=MENU)


@pytest.mark.parametrize(
    ("page", "is_list"),
    [
        (list_page("Trang chủ", HEADLINES), True),
        (directory_listing("/tin/", ["1.html", "2.html", "moi.html"]), True),
        (directory_listing("/seeds/", [p.name for p in sorted(SEEDS.glob("*.txt"))]), True),
        (one_line_and_headlines(), True),
        # Declared an article: indexed, however many links.
        (list_page("Tin ảnh", HEADLINES, og_type="article"), False),
        (list_page("Tin ảnh", HEADLINES).replace("</head>", JSON_LD + "</head>"), False),
        (article_page(PAGES["/tin/1.html"][0], paragraphs(PAGES["/tin/1.html"][1])), False),
        (short_article(), False),
        *[(seed_article(p.name), False) for p in sorted(SEEDS.glob("*.txt"))],
    ],
)
def test_a_page_that_is_mostly_links_is_a_list_page(page: str, is_list: bool) -> None:
    item = extract_htmlpage(page, article_id="x", path="/p")
    assert isinstance(item, Article), item
    assert page_shape(page, item).is_list is is_list, page_shape(page, item)


@pytest.fixture
def site() -> Iterator[LocalSite]:
    with LocalSite() as served:
        build_news_site(served)
        r = served.resources
        r["/"] = html(
            list_page(
                "Trang chủ", [("/tin/", "Tất cả bài viết"), ("/tin/3.html", "Cầu treo")], menu=[]
            )
        )
        r["/tin/"] = html(directory_listing("/tin/", ["1.html", "2.html"]))
        r["/tin/ngan.html"] = html(short_article())
        yield served


def title_of(site: LocalSite, index_dir: Path, path: str) -> str | None:
    view = Engine(index_dir).article(article_id(site.url(path)))
    return view.title if view is not None else None


def test_a_home_page_and_a_directory_listing_are_followed_not_indexed(
    site: LocalSite, tmp_path: Path
) -> None:
    cli = CliRunner()
    args = ["crawl", site.url("/"), "--delay", "0", "--index-dir", str(tmp_path)]
    result = cli.invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "Articles: 3 new, 0 updated, 0 unchanged, 0 removed." in result.output
    assert "2 list pages followed, not indexed (mostly links, no article text)." in result.output
    assert Engine(tmp_path).doc_count() == 3
    for path in ("/tin/1.html", "/tin/2.html", "/tin/3.html"):
        assert title_of(site, tmp_path, path) == PAGES[path][0]
    assert title_of(site, tmp_path, "/") is None
    assert title_of(site, tmp_path, "/tin/") is None
    # No "article" named after the host: every source is the site's own name.
    sources = {h.source for h in Engine(tmp_path).search("bài", per_page=50).hits}
    assert "127.0.0.1" not in sources


def test_a_short_article_is_indexed_and_a_page_that_became_a_list_is_removed(
    site: LocalSite, tmp_path: Path
) -> None:
    once = CrawlOptions(delay=0, depth=0)
    report = crawl([site.url("/tin/ngan.html"), site.url("/tin/4.html")], tmp_path, once)
    assert (report.new, report.list_pages) == (2, 0)
    assert title_of(site, tmp_path, "/tin/ngan.html") == "Cấp nước sạch cho bản vùng cao"
    # The article's address now gives a list of headlines (a tag page, say).
    site.resources["/tin/4.html"] = html(list_page("Gỗ lớn", HEADLINES))
    report = crawl([site.url("/tin/4.html")], tmp_path, once)
    assert (report.list_pages, report.removed) == (1, 1)
    assert title_of(site, tmp_path, "/tin/4.html") is None
    from indexer.cli.output import format_crawl

    assert "1 list page followed, not indexed (mostly links, no article text)." in (
        format_crawl(report).splitlines()
    )

"""What the crawler reads out of sitemaps, feeds and pages, and how it spells addresses."""

from __future__ import annotations

import gzip

import pytest

from indexer.live.crawl.discover import (
    FEED,
    HTML,
    SITEMAP,
    SITEMAP_INDEX,
    Entry,
    NotAListing,
    page_links,
    parse_feed,
    parse_sitemap,
    sniff,
    unpack,
)
from indexer.live.crawl.urls import article_id, host_of, normalize_url

BASE = "https://baobackan.vn/sitemaps/news.xml"
NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTPS://BaoBacKan.VN:443/tin/a.html#binh-luan", "https://baobackan.vn/tin/a.html"),
        ("http://baobackan.vn:8080", "http://baobackan.vn:8080/"),
        ("/tin/../tin/b.html?trang=2", "https://baobackan.vn/tin/b.html?trang=2"),
        ("c.html", "https://baobackan.vn/sitemaps/c.html"),
        ("https://báo.vn/tin", "https://xn--bo-mia.vn/tin"),
        ("mailto:toasoan@baobackan.vn", None),
        ("javascript:void(0)", None),
        ("ftp://baobackan.vn/a", None),
        ("http://[::1", None),
    ],
)
def test_normalize_url(url: str, expected: str | None) -> None:
    assert normalize_url(url, BASE) == expected


def test_article_ids_are_stable_and_url_safe() -> None:
    a = article_id("https://baobackan.vn/tin/a.html")
    assert a == article_id("https://baobackan.vn/tin/a.html")
    assert a != article_id("https://baobackan.vn/tin/b.html")
    assert a.startswith("web-") and a[4:].isalnum()
    assert host_of("https://BaoBacKan.vn:8443/x") == "baobackan.vn"


def test_a_sitemap_gives_its_pages_with_their_lastmod() -> None:
    body = (
        f'<?xml version="1.0" encoding="UTF-8"?><urlset {NS}>'
        "<url><loc> https://baobackan.vn/tin/1.html </loc><lastmod>2024-04-05</lastmod></url>"
        "<url><loc>/tin/2.html</loc><changefreq>daily</changefreq></url>"
        "<url><loc>mailto:x@y.vn</loc></url>"
        "<url><lastmod>2024-04-05</lastmod></url>"
        "</urlset>"
    ).encode()
    listing = parse_sitemap(body, BASE)
    assert listing.kind == SITEMAP
    assert listing.pages == [
        Entry("https://baobackan.vn/tin/1.html", "2024-04-05"),
        Entry("https://baobackan.vn/tin/2.html"),
    ]
    assert listing.sitemaps == []


def test_a_sitemap_index_gives_its_sitemaps() -> None:
    body = (
        f"<sitemapindex {NS}>"
        "<sitemap><loc>https://baobackan.vn/s1.xml.gz</loc><lastmod>2024-04-01</lastmod></sitemap>"
        "<sitemap><loc>https://baobackan.vn/s2.xml</loc></sitemap>"
        "</sitemapindex>"
    ).encode()
    listing = parse_sitemap(body, BASE)
    assert listing.kind == SITEMAP_INDEX
    assert [e.url for e in listing.sitemaps] == [
        "https://baobackan.vn/s1.xml.gz",
        "https://baobackan.vn/s2.xml",
    ]
    assert listing.pages == []


def test_a_plain_text_sitemap_and_a_gzipped_one() -> None:
    text = b"https://baobackan.vn/a.html\n\nhttps://baobackan.vn/b.html\n"
    assert sniff("text/plain", text) == SITEMAP
    assert [e.url for e in parse_sitemap(text, BASE).pages] == [
        "https://baobackan.vn/a.html",
        "https://baobackan.vn/b.html",
    ]
    packed = gzip.compress(f"<urlset {NS}><url><loc>/x</loc></url></urlset>".encode())
    assert parse_sitemap(unpack(packed), BASE).pages == [Entry("https://baobackan.vn/x")]
    with pytest.raises(NotAListing, match="larger than"):
        unpack(gzip.compress(b"x" * 5000), limit=1000)
    with pytest.raises(NotAListing, match="not a valid gzip file"):
        unpack(b"\x1f\x8b" + b"broken")


def test_sitemap_parsing_resolves_no_external_entities() -> None:
    body = (
        b'<?xml version="1.0"?><!DOCTYPE urlset [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b"<urlset><url><loc>https://baobackan.vn/&x;</loc></url></urlset>"
    )
    pages = parse_sitemap(body, BASE).pages
    assert all("root" not in e.url for e in pages)


@pytest.mark.parametrize(
    "body",
    [b"<html><body>not a sitemap</body></html>", b"<rss version='2.0'></rss>", b"\x00\x01"],
)
def test_what_is_not_a_sitemap_says_so(body: bytes) -> None:
    with pytest.raises(NotAListing):
        parse_sitemap(body, BASE)


def test_feeds_give_their_entries_links_and_dates() -> None:
    rss = (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Tin</title>'
        "<item><title>Một</title><link>https://baobackan.vn/tin/1.html</link>"
        "<pubDate>Fri, 05 Apr 2024 08:30:00 +0700</pubDate></item>"
        "<item><title>Hai</title><link>/tin/2.html</link></item>"
        "<item><title>Không có liên kết</title></item>"
        "</channel></rss>"
    ).encode()
    assert sniff("application/rss+xml", rss) == FEED
    listing = parse_feed(rss, "https://baobackan.vn/rss.xml")
    assert listing.kind == FEED
    assert listing.pages == [
        Entry("https://baobackan.vn/tin/1.html", "Fri, 05 Apr 2024 08:30:00 +0700"),
        Entry("https://baobackan.vn/tin/2.html"),
    ]
    atom = (
        b'<feed xmlns="http://www.w3.org/2005/Atom"><title>Tin</title>'
        b'<entry><title>Ba</title><link href="tin/3.html"/>'
        b"<updated>2024-04-05T01:30:00Z</updated></entry></feed>"
    )
    assert sniff("application/atom+xml", atom) == FEED
    assert parse_feed(atom, "https://baobackan.vn/feeds/atom.xml").pages == [
        Entry("https://baobackan.vn/feeds/tin/3.html", "2024-04-05T01:30:00Z")
    ]
    with pytest.raises(NotAListing):
        parse_feed(b"<html><body>Trang</body></html>", BASE)


@pytest.mark.parametrize(
    ("content_type", "body", "kind"),
    [
        ("text/html", b"<p>Bai</p>", HTML),
        ("application/octet-stream", b"<!DOCTYPE html><html><body></body></html>", HTML),
        ("text/xml", f"<?xml version='1.0'?>\n<urlset {NS}></urlset>".encode(), SITEMAP),
        ("application/pdf", b"%PDF-1.4", None),
        ("image/jpeg", b"\xff\xd8\xff\xe0", None),
        ("text/plain", b"just some words", None),
    ],
)
def test_sniff(content_type: str, body: bytes, kind: str | None) -> None:
    assert sniff(content_type, body) == kind


def test_page_links_resolve_against_the_base_and_skip_nofollow() -> None:
    page = """<?xml version="1.0" encoding="windows-1258"?>
    <html><head><base href="https://baobackan.vn/chuyen-muc/"></head><body>
    <a href="tin-1.html#top">Một</a>
    <a href="/tin-2.html">Hai</a>
    <a href="tin-1.html">Một lần nữa</a>
    <a href="https://facebook.com/share">Chia sẻ</a>
    <a href="mailto:toasoan@baobackan.vn">Thư</a>
    <a href="/quang-cao.html" rel="sponsored nofollow">Quảng cáo</a>
    <a>Không có địa chỉ</a>
    </body></html>"""
    found = page_links(page, "https://baobackan.vn/")
    assert found.links == [
        "https://baobackan.vn/chuyen-muc/tin-1.html",
        "https://baobackan.vn/tin-2.html",
        "https://facebook.com/share",
    ]
    assert (found.noindex, found.nofollow) == (False, False)


@pytest.mark.parametrize(
    ("meta", "header", "noindex", "nofollow"),
    [
        ('<meta name="robots" content="noindex">', "", True, False),
        ('<meta name="ROBOTS" content="NOINDEX, NOFOLLOW">', "", True, True),
        ('<meta name="timkiem" content="none">', "", True, True),
        ('<meta name="googlebot" content="noindex">', "", False, False),
        ("", "noindex", True, False),
    ],
)
def test_robots_directives_of_a_page(meta: str, header: str, noindex: bool, nofollow: bool) -> None:
    page = f"<html><head>{meta}</head><body><a href='/a'>A</a></body></html>"
    found = page_links(page, "https://baobackan.vn/", header)
    assert (found.noindex, found.nofollow) == (noindex, nofollow)
    assert found.links == ([] if nofollow else ["https://baobackan.vn/a"])


def test_page_links_takes_the_first_max_links_links() -> None:
    anchors = "".join(
        f'<a href="/tin-{i}.html">Tin {i}</a><a href="/tin-{i}.html">lại</a>' for i in range(50)
    )
    found = page_links(
        f"<html><body>{anchors}</body></html>", "https://baobackan.vn/", max_links=10
    )
    assert found.links == [f"https://baobackan.vn/tin-{i}.html" for i in range(10)]
    assert found.more
    whole = page_links(f"<html><body>{anchors}</body></html>", "https://baobackan.vn/")
    assert (len(whole.links), whole.more) == (50, False)


@pytest.mark.parametrize("plain", [True, False])
def test_a_sitemap_gives_at_most_max_listed_addresses(
    monkeypatch: pytest.MonkeyPatch, plain: bool
) -> None:
    from indexer.live.crawl import discover

    monkeypatch.setattr(discover, "MAX_LISTED", 3)
    urls = [f"https://baobackan.vn/tin-{i}.html" for i in range(5)]
    if plain:
        body = "\n".join(urls).encode()
    else:
        body = (
            f"<urlset {NS}>{''.join(f'<url><loc>{u}</loc></url>' for u in urls)}</urlset>".encode()
        )
    listing = parse_sitemap(body, "https://baobackan.vn/")
    assert ([e.url for e in listing.pages], listing.more) == (urls[:3], True)

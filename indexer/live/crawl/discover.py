"""What a fetched document points to: the pages of a sitemap or a feed, the links of a page.

Sitemaps (``<urlset>``, ``<sitemapindex>``, gzipped or not, or a plain list of URLs) are read
with lxml, feeds (RSS 2.0, RSS 1.0, Atom) with feedparser, the links of an HTML page with
lxml.html. Every address comes out resolved and normalized (see ``urls``); the date a
sitemap or feed gives for a page (``<lastmod>``, ``<updated>``) comes along as written.
"""

from __future__ import annotations

import gzip
import io
import zlib
from dataclasses import dataclass, field

import feedparser
import lxml.html
from lxml import etree

from .urls import normalize_url

SITEMAP = "sitemap"
SITEMAP_INDEX = "sitemap index"
FEED = "feed"
HTML = "html"
GZIP_MAGIC = b"\x1f\x8b"
MAX_UNPACKED = 50 * 2**20  # the sitemap protocol's limit for one uncompressed file
MAX_LISTED = 50_000  # the sitemap protocol's limit of addresses in one file
DEFAULT_MAX_LINKS = 1000  # links taken from one page, the first ones in it

_HTML_TYPES = ("text/html", "application/xhtml+xml")
_FEED_ROOTS = frozenset({"rss", "feed", "rdf"})


@dataclass(frozen=True, slots=True)
class Entry:
    """A page (or a sitemap) a listing points to, with the date it says it last changed."""

    url: str
    lastmod: str | None = None


@dataclass
class Listing:
    """The addresses a sitemap, a sitemap index or a feed gives."""

    kind: str
    pages: list[Entry] = field(default_factory=list)
    sitemaps: list[Entry] = field(default_factory=list)
    more: bool = False  # it gave more than MAX_LISTED addresses: the rest were not read

    def add(self, entry: Entry, sitemap: bool = False) -> bool:
        """Keep ``entry``; False (and ``more`` set) when the listing is full."""
        if len(self.pages) + len(self.sitemaps) >= MAX_LISTED:
            self.more = True
            return False
        (self.sitemaps if sitemap else self.pages).append(entry)
        return True


class NotAListing(ValueError):
    """The bytes are no sitemap or feed that can be read; the message says why."""


def unpack(body: bytes, limit: int = MAX_UNPACKED) -> bytes:
    """``body`` gunzipped when it is gzip data (a ``sitemap.xml.gz``), else as it is."""
    if not body.startswith(GZIP_MAGIC):
        return body
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(body)) as fh:
            data = fh.read(limit + 1)
    except (OSError, EOFError, zlib.error) as exc:
        raise NotAListing(f"not a valid gzip file ({exc})") from None
    if len(data) > limit:
        raise NotAListing(f"larger than {limit // 2**20} MB unpacked")
    return data


def _local(tag: object) -> str:
    return etree.QName(tag).localname.lower() if isinstance(tag, str) else ""


def _xml_root(data: bytes) -> etree._Element | None:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=True, huge_tree=False)
    try:
        return etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError:
        return None


def sniff(content_type: str, body: bytes) -> str | None:
    """SITEMAP, FEED or HTML by the document's content (the type header only as a hint), or
    None for anything else (an image, a PDF …)."""
    data = body.lstrip()[:2048]
    head = data.lower()
    if content_type in _HTML_TYPES or head.startswith((b"<!doctype html", b"<html")):
        return HTML
    if head.startswith(b"<") and (b"<urlset" in head or b"<sitemapindex" in head):
        return SITEMAP
    if head.startswith(b"<") and any(b"<" + r.encode() in head for r in ("rss", "feed", "rdf:rdf")):
        return FEED
    if content_type == "text/plain" and data and _plain_list(body):
        return SITEMAP
    if head.startswith(b"<") and b"<html" in head:
        return HTML
    return None


def _plain_list(body: bytes) -> list[str]:
    """The URLs of a text sitemap (one per line), or [] when any line is not one."""
    try:
        lines = [ln.strip() for ln in body.decode("utf-8").splitlines() if ln.strip()]
    except UnicodeDecodeError:
        return []
    urls = [normalize_url(ln) for ln in lines]
    return [u for u in urls if u] if lines and all(urls) else []


def parse_sitemap(body: bytes, base: str) -> Listing:
    """The entries of a sitemap or a sitemap index (XML, or a plain list of URLs)."""
    root = _xml_root(body)
    if root is None:
        plain = _plain_list(body)
        if plain:
            listing = Listing(SITEMAP)
            for u in plain:
                if not listing.add(Entry(u)):
                    break
            return listing
        raise NotAListing("not a readable sitemap")
    kind = _local(root.tag)
    if kind not in ("urlset", "sitemapindex"):
        raise NotAListing(f"not a sitemap (<{kind}>)")
    listing = Listing(SITEMAP_INDEX if kind == "sitemapindex" else SITEMAP)
    wanted = "sitemap" if kind == "sitemapindex" else "url"
    for item in root:
        if _local(item.tag) != wanted:
            continue
        loc = lastmod = None
        for child in item:
            name = _local(child.tag)
            if name == "loc" and child.text:
                loc = normalize_url(child.text, base)
            elif name == "lastmod" and child.text:
                lastmod = child.text.strip() or None
        if loc and not listing.add(Entry(loc, lastmod), sitemap=wanted == "sitemap"):
            break
    return listing


def parse_feed(body: bytes, base: str, content_type: str = "application/xml") -> Listing:
    """The pages of an RSS or Atom feed: each entry's link, with its updated (or published)
    date as the page's lastmod."""
    parsed = feedparser.parse(
        body, response_headers={"content-location": base, "content-type": content_type}
    )
    if not parsed.version:
        raise NotAListing("not a readable feed")
    listing = Listing(FEED)
    for entry in parsed.entries:
        href = dict.get(entry, "link")  # plain dict access: no deprecated key fallbacks
        url = normalize_url(href, base) if href else None
        if url:
            stamp = dict.get(entry, "updated") or dict.get(entry, "published")
            if not listing.add(Entry(url, stamp)):
                break
    return listing


@dataclass
class PageLinks:
    """What an HTML page says about itself and where it links to."""

    links: list[str]
    noindex: bool = False
    nofollow: bool = False
    more: bool = False  # the page had more links than were taken


def page_links(
    text: str, base: str, robots_header: str = "", max_links: int = DEFAULT_MAX_LINKS
) -> PageLinks:
    """The ``<a href>`` targets of a page (resolved against its ``<base href>``; the first
    ``max_links`` different ones) and its robots directives (``<meta name=robots>``,
    ``<meta name=timkiem>``, the X-Robots-Tag header)."""
    directives = {d.strip().lower() for d in robots_header.split(",")}
    if text.lstrip().startswith("<?xml"):
        # lxml refuses a str that still declares its (former) byte encoding.
        text = text.split("?>", 1)[-1]
    try:
        doc = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError):
        return PageLinks([], "noindex" in directives, "nofollow" in directives)
    for meta in doc.iter("meta"):
        if (meta.get("name") or "").strip().lower() in ("robots", "timkiem"):
            directives |= {d.strip().lower() for d in (meta.get("content") or "").split(",")}
    noindex = bool(directives & {"noindex", "none"})
    nofollow = bool(directives & {"nofollow", "none"})
    base_tag = doc.find(".//base[@href]")
    if base_tag is not None:
        base = normalize_url(base_tag.get("href") or "", base) or base
    links: list[str] = []
    more = False
    if not nofollow:
        seen: set[str] = set()
        for a in doc.iter("a"):
            href = a.get("href")
            rel = (a.get("rel") or "").lower().split()
            if not href or "nofollow" in rel:
                continue
            url = normalize_url(href, base)
            if url and url not in seen:
                if len(links) == max_links:
                    more = True
                    break
                seen.add(url)
                links.append(url)
    return PageLinks(links, noindex, nofollow, more)

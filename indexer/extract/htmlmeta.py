"""What an HTML page says about itself: its ``<meta>`` tags, the site name in its title, its
date, its headline element and its author, each from what the page declares first (Open
Graph, ``<meta>``, schema.org ``itemprop``, ``<time>``) and from the elements that show it
next. ``htmlpage`` puts them together with the article text.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, Tag

from .chrome import fold, parse_byline
from .dates import date_line, find_date, to_iso
from .tidy import tidy_line, word_count

_DATE_HINT = re.compile(r"date|time|ngay|publish|posted|meta|info", re.IGNORECASE)
_AUTHOR_HINT = re.compile(r"author|byline|tac-?gia|tacgia|writer", re.IGNORECASE)
_PUBLICATION = re.compile(
    r"^(?:bao|tap chi|cong thong tin|trang thong tin|dai|truyen hinh|tin tuc)\b|"
    r"\.(?:vn|com|net|org)\b|\b(?:news|online|express|times)\b"
)
SITE_SEPARATORS = re.compile(r"\s+(?:-|–|—|\||::|»)\s+")


def attr_text(tag: Tag) -> str:
    """The element's class and id as one string, for the class-name heuristics."""
    classes = tag.get("class") or []
    if isinstance(classes, str):
        classes = [classes]
    return " ".join([*classes, str(tag.get("id") or "")]).strip()


def page_metas(soup: BeautifulSoup) -> dict[str, str]:
    """Every ``<meta>`` by its lower-cased property / name / itemprop: first one wins."""
    found: dict[str, str] = {}
    for tag in soup.find_all("meta"):
        content = tag.get("content")
        if not isinstance(content, str) or not content.strip():
            continue
        for key in ("property", "name", "itemprop"):
            name = tag.get(key)
            if isinstance(name, str):
                found.setdefault(name.strip().lower(), content.strip())
    return found


def first_meta(metas: dict[str, str], *names: str) -> str | None:
    """The first of ``names`` that ``metas`` (see ``page_metas``) holds."""
    for name in names:
        if metas.get(name):
            return metas[name]
    return None


def text_of(tag: Tag) -> str:
    """The element's text on one tidied line."""
    return tidy_line(tag.get_text(" "))


def site_from_title(title: str) -> tuple[str, str | None]:
    """Split "Headline - Site" / "Headline | Site" into (headline, site)."""
    parts = SITE_SEPARATORS.split(title)
    if len(parts) < 2:
        return title, None
    headline, site = " - ".join(parts[:-1]), parts[-1]
    # "Hà Nội - Hải Phòng" is a headline, not "Hà Nội" on the site "Hải Phòng".
    words = word_count(headline)
    if 1 <= word_count(site) <= 6 and (
        words >= 4 or words > word_count(site) or _PUBLICATION.search(fold(site))
    ):
        return headline, site
    return title, None


def find_page_date(soup: BeautifulSoup, metas: dict[str, str], container: Tag | None) -> str | None:
    declared = first_meta(
        metas,
        "article:published_time",
        "og:article:published_time",
        "datepublished",
        "pubdate",
        "publishdate",
        "publish-date",
        "publish_date",
        "dc.date.issued",
        "dc.date",
        "dcterms.created",
        "dcterms.date",
        "date",
        "parsely-pub-date",
        "sailthru.date",
        "article:modified_time",
    )
    if declared and to_iso(declared):
        return to_iso(declared)
    for tag in soup.find_all(attrs={"itemprop": "datePublished"}):
        value = tag.get("content") or tag.get("datetime") or tag.get_text(" ")
        if isinstance(value, str) and to_iso(value):
            return to_iso(value)
    for tag in soup.find_all("time"):
        value = tag.get("datetime") or tag.get_text(" ")
        if isinstance(value, str) and to_iso(value):
            return to_iso(value)
    scopes = [container, soup] if container is not None else [soup]
    for scope in scopes:
        for tag in scope.find_all(lambda t: bool(_DATE_HINT.search(attr_text(t)))):
            text = text_of(tag)
            if text and len(text) <= 80:
                found = date_line(text) or find_date(text)
                if found:
                    return found
    return None


def _outside(tag: Tag, names: frozenset[str], attrs: re.Pattern[str] | None = None) -> bool:
    """Is ``tag`` outside every ancestor named ``names`` (and whose class/id match
    ``attrs``)? Looks a bounded number of levels up, so deep pages stay cheap."""
    parent = tag.parent
    for _ in range(40):
        if not isinstance(parent, Tag):
            return True
        if parent.name in names or (attrs is not None and attrs.search(attr_text(parent))):
            return False
        parent = parent.parent
    return True


_SITE_CHROME = frozenset({"header", "nav", "footer", "aside"})
_NOT_THE_AUTHOR = re.compile(r"comment|binh-?luan|binhluan|related|reply|review", re.IGNORECASE)


def headline_element(soup: BeautifulSoup, container: Tag | None, site: str | None) -> Tag | None:
    """The page's ``<h1>`` headline: in the article if it has one, never the site logo."""
    for scope in (container, soup):
        if scope is None:
            continue
        for h1 in scope.find_all("h1"):
            text = text_of(h1)
            if not text or (site and fold(text) == fold(site)):
                continue
            if scope is container or _outside(h1, _SITE_CHROME):
                return h1
    return None


def find_author(soup: BeautifulSoup, metas: dict[str, str], container: Tag | None) -> str | None:
    declared = first_meta(metas, "author", "article:author", "dc.creator", "byl", "sailthru.author")
    if declared and not declared.startswith(("http://", "https://", "/")):
        return tidy_line(declared)
    for tag in soup.find_all(attrs={"itemprop": "author"}):
        name = tag.find(attrs={"itemprop": "name"})
        value = name.get("content") if isinstance(name, Tag) else None
        value = value or (tag.get("content") if tag.name == "meta" else None)
        text = tidy_line(value) if isinstance(value, str) else text_of(name or tag)
        if text:
            return parse_byline(text) or text
    for tag in soup.find_all(attrs={"rel": "author"}):
        if text_of(tag):
            return text_of(tag)
    # A byline box: in the article first; elsewhere only if not a commenter's name.
    for scope in (container, soup):
        if scope is None:
            continue
        for tag in scope.find_all(lambda t: bool(_AUTHOR_HINT.search(attr_text(t)))):
            text = text_of(tag)
            if (
                text
                and word_count(text) <= 12
                and not _NOT_THE_AUTHOR.search(attr_text(tag))
                and _outside(tag, frozenset(), _NOT_THE_AUTHOR)
            ):
                return parse_byline(text) or text
    return None

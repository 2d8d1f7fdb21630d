"""Saved HTML news pages → Article.

Metadata comes from what the page declares (Open Graph, ``<meta>``, schema.org
``itemprop``, ``<time>``, ``<link rel=canonical>``), the text from the article's main
content element with the site around it (navigation, sidebars, forms, share buttons,
"Tin khác" / "Tin liên quan" lists, comments) left out. Paragraphs come out separated by a
blank line. The metadata finders are in ``htmlmeta``.

Malformed input is the normal case: lxml repairs truncated markup, and every walk over the
tree here is iterative, so a page nested 10,000 levels deep is no harder than a flat one.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator

from bs4 import BeautifulSoup, NavigableString, Tag

from ..article import Article, Skipped
from .chrome import (
    fold,
    is_chrome_line,
    is_image_id_line,
    is_trailer_start,
    parse_byline,
)
from .dates import date_line
from .htmlmeta import (
    SITE_SEPARATORS,
    attr_text,
    find_author,
    find_page_date,
    first_meta,
    headline_element,
    page_metas,
    site_from_title,
    text_of,
)
from .textpage import NO_BODY, headline_from_lead, tidy_title
from .tidy import join_paragraphs, tidy_line, tidy_text, word_count

__all__ = ["declared_charset", "extract_htmlpage", "html_to_paragraphs"]

_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.IGNORECASE)


def declared_charset(data: bytes) -> str | None:
    """The charset a page declares in its first bytes (``<meta charset="windows-1258">``)."""
    m = _CHARSET.search(data[:4096])
    return m.group(1).decode("ascii").lower() if m else None


# Elements whose content is never article text.
_DROP_TAGS = frozenset(
    """script style noscript template iframe form button input select textarea option label
    nav aside header footer svg canvas video audio object embed map area menu dialog head
    title meta link""".split()
)
_BLOCK_TAGS = frozenset(
    """p div section article main h1 h2 h3 h4 h5 h6 ul ol li dl dt dd table thead tbody tfoot
    tr td th caption blockquote pre figure figcaption address hr fieldset details summary
    center body html""".split()
)
# class/id words that mark the site around an article; long words match anywhere in the
# attribute ("box-tinlienquan"), short ones only as a whole word ("tags", not "stage").
_JUNK_ANYWHERE = re.compile(
    r"related|relate[dn]|tinkhac|tin-khac|tin_khac|lienquan|lien-quan|lien_quan|othernews|"
    r"other-news|morenews|more-news|comment|binhluan|binh-luan|share|sharing|social|"
    r"advert|banner|quangcao|quang-cao|breadcrumb|sidebar|navbar|subscribe|newsletter|"
    r"toolbar|pagination|paging|popup|cookie|sponsor|tinmoi|tin-moi|xemnhieu|"
    r"xem-nhieu|docnhieu|doc-nhieu|most-read|mostread|author|byline|tacgia|tac-gia",
    re.IGNORECASE,
)
_JUNK_WORD = re.compile(
    r"(?:^|[\s_\-])(?:ads?|adv|tags?|tag-list|keywords?|menu|nav|footer|header|print|"
    r"rating|vote|date|time|meta|publish|posted)(?:$|[\s_\-])",
    re.IGNORECASE,
)
# Containers that hold the article on common Vietnamese and international CMSs.
_CONTENT_HINT = re.compile(
    r"article[-_]?body|article[-_]?content|articlecontent|entry[-_]?content|post[-_]?content|"
    r"post[-_]?body|news[-_]?content|news[-_]?detail|newsdetail|detail[-_]?content|"
    r"content[-_]?detail|noi[-_]?dung|noidung|fck_detail|story[-_]?body|chi[-_]?tiet|"
    r"chitiet|the-article-body|cms-body|main[-_]?content|single[-_]?content|td-post-content",
    re.IGNORECASE,
)
_METADATA_ITEMPROPS = frozenset(
    {"datePublished", "dateModified", "dateCreated", "author", "publisher", "creator"}
)
_WHITESPACE = re.compile(r"\s+")


def _parse(text: str) -> BeautifulSoup:
    # bs4 warns about input that looks like a file name or like XML; neither matters here
    # and the tests treat warnings as errors.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return BeautifulSoup(text, "lxml")


def _paragraph_score(soup: BeautifulSoup) -> Tag | None:
    """The element holding the most paragraph text (its ``<p>`` children, and half of its
    grandchildren's), the classic fallback when a page names no article container."""
    scores: dict[int, float] = {}
    tags: dict[int, Tag] = {}
    for p in soup.find_all("p"):
        length = len(p.get_text(" ", strip=True))
        if length < 20:
            continue
        parent = p.parent
        for weight in (1.0, 0.5):
            if not isinstance(parent, Tag) or parent.name in ("body", "html", "[document]"):
                break
            scores[id(parent)] = scores.get(id(parent), 0.0) + weight * length
            tags[id(parent)] = parent
            parent = parent.parent
    if not scores:
        return None
    return tags[max(scores, key=lambda k: scores[k])]


def _best(tags: list[Tag]) -> Tag | None:
    """Among candidate containers, the innermost one that still holds most of the text.

    A page-wide wrapper (``id="main-content"``) and the article body inside it can both
    match; the smaller one that keeps at least 60% of the text is the article.
    """
    sized = [(len(t.get_text(" ", strip=True)), i, t) for i, t in enumerate(tags)]
    sized = [s for s in sized if s[0]]
    if not sized:
        return None
    longest = max(size for size, _, _ in sized)
    return min((s for s in sized if s[0] >= 0.6 * longest), key=lambda s: s[0])[2]


def _paragraph_text(tag: Tag) -> int:
    return sum(len(p.get_text(" ", strip=True)) for p in tag.find_all("p"))


def _find_container(soup: BeautifulSoup) -> Tag | None:
    """The element that holds the article text.

    Named containers first (schema.org ``articleBody``, ``<article>``, CMS class names,
    ``<main>``), each checked against the page's densest run of paragraphs: a teaser
    ``<article>`` in a list of related stories holds far less text than the story itself.
    """
    densest = _paragraph_score(soup)
    densest_size = _paragraph_text(densest) if densest is not None else 0
    for candidates in (
        soup.find_all(attrs={"itemprop": "articleBody"}),
        soup.find_all("article"),
        soup.find_all(lambda t: bool(_CONTENT_HINT.search(attr_text(t)))),
        soup.find_all("main"),
    ):
        best = _best(candidates)
        if best is None:
            continue
        size = _paragraph_text(best) or len(best.get_text(" ", strip=True))
        if size >= 0.5 * densest_size and (size >= 200 or best.find("p") is not None):
            return best
    return densest or soup.body


def _is_junk(tag: Tag, container: Tag) -> bool:
    if tag is container:
        return False
    if tag.name in _DROP_TAGS:
        return True
    if tag.get("itemprop") in _METADATA_ITEMPROPS:
        return True  # the date and author marked up inside the article body
    if tag.get("hidden") is not None or tag.get("aria-hidden") == "true":
        return True
    style = tag.get("style")
    if isinstance(style, str) and re.search(r"display\s*:\s*none", style):
        return True
    attrs = attr_text(tag)
    return bool(attrs) and bool(_JUNK_ANYWHERE.search(attrs) or _JUNK_WORD.search(attrs))


def _blocks(container: Tag) -> Iterator[str]:
    """The text of ``container`` as blocks (paragraph candidates), site chrome skipped.

    Iterative depth-first walk: a block element starts and ends a block, ``<br>`` breaks a
    line, comments and other non-text nodes are ignored.
    """
    parts: list[str] = []

    def flush() -> Iterator[str]:
        text = "".join(parts)
        parts.clear()
        for chunk in re.split(r"\n\s*\n", text):
            lines = [" ".join(line.split()) for line in chunk.split("\n")]
            block = tidy_text("\n".join(line for line in lines if line))
            if block:
                yield block

    stack: list[tuple[Tag, Iterator[object]]] = [(container, iter(container.children))]
    while stack:
        tag, children = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            if tag.name in _BLOCK_TAGS:
                yield from flush()
            continue
        if isinstance(child, Tag):
            if _is_junk(child, container):
                continue
            if child.name == "br":
                parts.append("\n")
                continue
            if child.name in _BLOCK_TAGS:
                yield from flush()
            stack.append((child, iter(child.children)))
        elif type(child) is NavigableString:  # not Comment, CData, Doctype …
            # Line breaks in the source are just spaces; only <br> and blocks break lines.
            parts.append(_WHITESPACE.sub(" ", child))
    yield from flush()


def html_to_paragraphs(markup: str) -> list[str]:
    """The text of an HTML fragment as paragraphs.

    >>> html_to_paragraphs("<p>Một</p>hai<br>ba<p>Bốn</p>")
    ['Một', 'hai\\nba', 'Bốn']
    """
    soup = _parse(markup)
    return list(_blocks(soup.body or soup))


def extract_htmlpage(
    text: str, *, article_id: str, path: str, source: str | None = None
) -> Article | Skipped:
    """Title, date, author, URL, site name and article text of one HTML page.

    ``source`` is the site name when the page names none (the operator's, see ``sitename``).
    Returns ``Skipped(path, "no article body found")`` when the page holds no article text.
    """
    soup = _parse(text)
    metas = page_metas(soup)
    page_title = text_of(soup.title) if soup.title else ""
    headline, site_in_title = site_from_title(page_title) if page_title else ("", None)
    site = first_meta(metas, "og:site_name", "application-name", "publisher", "twitter:site")
    site = tidy_line(site) if site and not site.startswith("@") else site_in_title

    container = _find_container(soup)
    h1 = headline_element(soup, container, site)
    title = first_meta(metas, "og:title", "twitter:title") or (
        text_of(h1) if isinstance(h1, Tag) else ""
    )
    # A <title> is often a shortened headline: the page's own first line may say more.
    title_is_weak = not title
    title = title or headline
    if site and title:
        parts = SITE_SEPARATORS.split(title)
        if len(parts) >= 2 and fold(parts[-1]) == fold(site):
            title = " - ".join(parts[:-1])

    date = find_page_date(soup, metas, container)
    author = find_author(soup, metas, container)
    url = None
    canonical = soup.find("link", rel="canonical")
    if isinstance(canonical, Tag) and isinstance(canonical.get("href"), str):
        url = canonical["href"].strip() or None
    url = url or first_meta(metas, "og:url")

    paragraphs = list(_blocks(container)) if container is not None else []
    paragraphs, found_date, found_author = _clean(paragraphs, title)
    if (
        title_is_weak
        and len(paragraphs) > 1
        and word_count(paragraphs[0]) <= 40
        and "\n" not in paragraphs[0]
        and fold(paragraphs[0]).startswith(fold(title))
    ):
        title = paragraphs.pop(0)
    if not paragraphs:
        return Skipped(path, NO_BODY)
    title = tidy_title(title) if title else headline_from_lead(paragraphs[0])
    return Article(
        id=article_id,
        title=title,
        body=join_paragraphs(paragraphs),
        date=date or found_date,
        author=author or found_author,
        source=tidy_line(site) if site else source,
        path=path,
        url=url,
    )


def _clean(paragraphs: list[str], title: str) -> tuple[list[str], str | None, str | None]:
    """Drop chrome from the text blocks; return (paragraphs, date line found, byline found)."""
    folded_title = fold(title) if title else ""
    kept: list[str] = []
    date = None
    for block in paragraphs:
        if kept and is_trailer_start(block) and word_count(block) <= 12:
            break
        if is_chrome_line(block) or is_image_id_line(block):
            continue
        if not kept and folded_title and fold(block) == folded_title:
            continue  # the headline repeated at the top of the article
        found = date_line(block)
        if found:
            date = date or found
            continue
        kept.append(block)
    author = None
    if kept:
        author = parse_byline(kept[-1])
        if author:
            kept.pop()
    return kept, date, tidy_line(author) if author else None

"""List pages: a home page, a section page or a directory listing is followed, not indexed.

What the extractor takes out of such a page is the link list itself (headlines, file names)
or a line or two around it, and indexing it would make an "article" of it. A page is a list
page when it does not say it is an article and what it says is mostly links:

- it does not declare itself an article: no ``og:type`` ``article``, no schema.org
  ``Article`` (``NewsArticle``, ``BlogPosting`` …) in its JSON-LD or ``itemtype``; and
- either most of the extracted text (``LINK_SHARE`` of its characters) is the text of the
  page's own links (a line of it is link text when the links' texts cover it),
- or the extracted text has no article body (fewer than ``MIN_PROSE_WORDS`` words outside
  links, dates and numbers: real news articles have 50 and more) while the page's links
  outside its menus (``nav``, ``header``, ``footer``, ``aside``) hold more words than it: a
  short article on a site with long menus stays an article.

The figures behind the thresholds are in ``docs/crawling.md`` (List pages).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import lxml.html
from lxml import etree

from ...article import Article
from ...extract.chrome import fold

LINK_SHARE = 0.5  # of the extracted text's characters in link text, at least
MIN_PROSE_WORDS = 30  # words outside links that make an article body
MAX_ANCHORS = 3000  # link texts looked at on one page, the first ones
_CHROME = frozenset({"nav", "header", "footer", "aside"})  # a site's menus, not its list

_ARTICLE_TYPES = re.compile(
    r"(?:^|[/#\s])(?:\w*Article|BlogPosting|Report|LiveBlogPosting)$", re.IGNORECASE
)
# Words of letters: the digits of dates and file sizes in a directory listing are not prose.
_WORDS = re.compile(r"[^\W\d_]+")
_DIGIT = re.compile(r"\d")


@dataclass(frozen=True, slots=True)
class PageShape:
    """How much of a page's extracted text is links, and whether it says it is an article."""

    declared_article: bool
    link_share: float  # of the extracted text's characters
    prose_words: int  # words of the extracted text outside links
    link_words: int  # words of the page's link texts outside its menus (nav, header …)

    @property
    def is_list(self) -> bool:
        if self.declared_article:
            return False
        if self.link_share >= LINK_SHARE:
            return True
        return self.prose_words < MIN_PROSE_WORDS and self.link_words > self.prose_words


def _declared_article(doc: etree._Element) -> bool:
    for meta in doc.iter("meta"):
        name = (meta.get("property") or meta.get("name") or "").strip().lower()
        if name == "og:type" and (meta.get("content") or "").strip().lower().startswith("article"):
            return True
    for tag in doc.iter():
        itemtype = tag.get("itemtype") if isinstance(tag.tag, str) else None
        if itemtype and any(_ARTICLE_TYPES.search(t) for t in itemtype.split()):
            return True
    for script in doc.iter("script"):
        kind = (script.get("type") or "").strip().lower()
        if kind == "application/ld+json" and _ld_article(script.text or ""):
            return True
    return False


def _ld_article(text: str) -> bool:
    """Whether a JSON-LD block names an article type anywhere (``@graph`` included)."""
    try:
        data = json.loads(text)
    except ValueError:
        return False
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            kinds = item.get("@type")
            for kind in kinds if isinstance(kinds, list) else [kinds]:
                if isinstance(kind, str) and _ARTICLE_TYPES.search(kind):
                    return True
            stack.extend(v for v in item.values() if isinstance(v, dict | list))
    return False


def _letters(text: str) -> int:
    return sum(len(w) for w in _WORDS.findall(text))


def _prose(text: str) -> list[str]:
    """The words of ``text`` but those of tokens holding a digit (dates, times, sizes: a
    directory listing's columns)."""
    return [w for token in text.split() if not _DIGIT.search(token) for w in _WORDS.findall(token)]


def page_shape(html: str, article: Article) -> PageShape:
    """The shape of the page ``html`` whose extracted article is ``article``."""
    if html.lstrip().startswith("<?xml"):
        html = html.split("?>", 1)[-1]  # as in ``discover.page_links``
    try:
        doc = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return PageShape(False, 0.0, len(article.body.split()), 0)
    anchors: set[str] = set()
    link_words = 0
    for a in doc.iter("a"):
        if a.get("href") is None:
            continue
        text = fold(a.text_content())
        if text:
            anchors.add(text)
            if not any(e.tag in _CHROME for e in a.iterancestors()):
                link_words += len(_WORDS.findall(text))
            if len(anchors) >= MAX_ANCHORS:
                break
    # Longest first, so that a link's text inside a longer one's is not taken out first.
    ordered = sorted((t for t in anchors if _letters(t) >= 2), key=len, reverse=True)
    total = in_links = prose_words = 0
    for line in article.body.splitlines():
        folded = fold(" ".join(line.split()))
        size = _letters(folded)
        if not size:
            continue
        total += size
        rest = folded
        if folded not in anchors:
            for text in ordered:
                if text in rest:
                    rest = rest.replace(text, " ")
        else:
            rest = ""
        prose = _prose(rest)
        if sum(len(w) for w in prose) <= 0.2 * size:
            in_links += size
        else:
            prose_words += len(prose)
    return PageShape(
        declared_article=_declared_article(doc),
        link_share=in_links / total if total else 0.0,
        prose_words=prose_words,
        link_words=link_words,
    )

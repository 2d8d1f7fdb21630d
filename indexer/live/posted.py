"""Articles sent to the write API: the JSON a CMS posts → ``Article``, checked strictly.

A request holds one JSON object or a non-empty array of them, each with exactly these fields:

    id       required  string, 1–128 characters of A–Z a–z 0–9 _ . - (the id in /article/ID)
    text     required  string, the article's plain text (markup is not parsed: it is text)
    title    optional  string; when missing, made from the text's first line
    date     optional  "YYYY-MM-DD", or an ISO 8601 date-time (its own date is kept)
    author   optional  string
    url      optional  absolute http(s) URL of the article on the site (results link to it),
                       as a URL parser reads it back: no space, control character or backslash
    source   optional  string, the site or publication name (the source facet)

``null`` or an empty string for an optional field is the same as leaving it out. Anything
else (an unknown field, a wrong type, a missing ``id`` or ``text``, an id given twice) rejects
the whole request with a :class:`PostedArticleError` that names the item and the field, such as
``articles[3].id: required``, so nothing of a bad request is ever applied.

Text goes through the same tidying as extracted articles (NFC, one kind of space, no invisible
characters), so an article posted and the same article indexed from a file are searched alike.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from ..article import Article
from ..errors import TimkiemError
from ..extract.textpage import headline_from_lead, tidy_title
from ..extract.tidy import tidy_line, tidy_text

FIELDS = ("id", "title", "text", "date", "author", "url", "source")
REQUIRED = ("id", "text")
MAX_ID_CHARS = 128
ID_PATTERN = re.compile(rf"[A-Za-z0-9_.-]{{1,{MAX_ID_CHARS}}}")
_ID_RULE = f"1–{MAX_ID_CHARS} characters of A–Z a–z 0–9 _ . -, not only dots"


class PostedArticleError(TimkiemError):
    """A write request the API rejects as a whole (400), naming the offending item."""

    status = 400


def _json_type(value: Any) -> str:
    """The JSON name of a decoded value's type, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def check_id(value: Any, where: str = "id") -> str:
    """An article id as the API takes it, or PostedArticleError naming ``where``.

    >>> check_id("bai-viet-123")
    'bai-viet-123'
    """
    if not isinstance(value, str):
        raise PostedArticleError(f"{where}: must be a string, got {_json_type(value)}")
    # "." and ".." are path segments: /article/.. would lead to the home page.
    if not ID_PATTERN.fullmatch(value) or not value.strip("."):
        raise PostedArticleError(f"{where}: must be {_ID_RULE}, got {value!r}")
    return value


def _string(record: dict[str, Any], name: str, where: str) -> str | None:
    """An optional string field: None when absent, null or empty."""
    value = record.get(name)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise PostedArticleError(f"{where}.{name}: must be a string, got {_json_type(value)}")
    return value


def _date(value: str, where: str) -> str:
    """ "2024-04-05" or "2024-04-05T08:30:00+07:00" → "2024-04-05"."""
    text = value.strip()
    try:
        if len(text) == 10:
            return date.fromisoformat(text).isoformat()
        return datetime.fromisoformat(text).date().isoformat()
    except ValueError:
        raise PostedArticleError(
            f"{where}.date: must be a date YYYY-MM-DD or an ISO 8601 date-time, got {value!r}"
        ) from None


def _url(value: str, where: str) -> str:
    """An article's address as results link to it: absolute http(s), and exactly what a URL
    parser reads back, so no browser, proxy or log reads another address (or a second header
    line) out of it.

    >>> _url("https://baodienbien.vn/le-hoi-hoa-ban", "article")
    'https://baodienbien.vn/le-hoi-hoa-ban'
    """
    text = value.strip()
    # Cc: NUL, newlines…; Cf: invisible ones such as U+202E, which turns the text around.
    if any(ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf") for ch in text):
        raise PostedArticleError(
            f"{where}.url: must not hold spaces or control characters (percent-encode them, "
            f"as %20 or %0A), got {value!r}"
        )
    if "\\" in text:  # browsers read it as "/": "https://a.vn\\@b.vn/" goes to b.vn
        raise PostedArticleError(
            f"{where}.url: must not hold a backslash (write / or %5C), got {value!r}"
        )
    try:
        parts = urlsplit(text)
        absolute = parts.scheme in ("http", "https") and bool(parts.hostname)
        parts.port  # noqa: B018  (raises ValueError for a port out of range)
    except ValueError:
        absolute = False
    if not absolute:
        raise PostedArticleError(f"{where}.url: must be an absolute http(s) URL, got {value!r}")
    again = urlunsplit(parts)
    if again != text:
        raise PostedArticleError(
            f"{where}.url: is not written as a URL parser reads it back ({again!r}), got {value!r}"
        )
    return text


def _article(record: Any, where: str) -> Article:
    if not isinstance(record, dict):
        raise PostedArticleError(f"{where}: must be an object, got {_json_type(record)}")
    for name in record:
        if name not in FIELDS:
            raise PostedArticleError(
                f"{where}.{name}: unknown field (accepted: {', '.join(FIELDS)})"
            )
    for name in REQUIRED:
        if record.get(name) is None:
            raise PostedArticleError(f"{where}.{name}: required")
    article_id = check_id(record["id"], f"{where}.id")
    raw_text = _string(record, "text", where)
    text = tidy_text(raw_text or "")
    if not text:
        raise PostedArticleError(f"{where}.text: must not be empty")
    title = tidy_title(_string(record, "title", where) or "")
    if not title:
        title = headline_from_lead(text.split("\n", 1)[0])
    raw_date = _string(record, "date", where)
    raw_url = _string(record, "url", where)
    author = tidy_line(_string(record, "author", where) or "")
    source = tidy_line(_string(record, "source", where) or "")
    return Article(
        id=article_id,
        title=title,
        body=text,
        date=_date(raw_date, where) if raw_date else None,
        author=author or None,
        source=source or None,
        url=_url(raw_url, where) if raw_url else None,
    )


def posted_articles(data: Any) -> list[Article]:
    """The articles of a decoded request body: one object, or a non-empty array of objects.

    Items of an array are named ``articles[i]`` in errors (from 0); the fields of a single
    object by their own name.
    """
    if isinstance(data, dict):
        return [_article(data, "article")]
    if not isinstance(data, list):
        raise PostedArticleError(
            f"body: must be a JSON object or an array of objects, got {_json_type(data)}"
        )
    if not data:
        raise PostedArticleError("body: the array holds no article")
    articles: list[Article] = []
    first: dict[str, int] = {}
    for i, record in enumerate(data):
        article = _article(record, f"articles[{i}]")
        if article.id in first:
            raise PostedArticleError(
                f"articles[{i}].id: {article.id!r} is also articles[{first[article.id]}]; "
                "send each article once"
            )
        first[article.id] = i
        articles.append(article)
    return articles

"""JSON Lines and JSON arrays of articles → Article, streamed.

Field names vary between exports; each Article field takes the first of several names:

- id: ``id``, ``_id`` (kept as given, made URL-safe); otherwise ``<file stem>-<line>``
- title: ``title``, ``headline``; otherwise made from the first line of the text (the VNTC
  layout: ``{"id", "split", "topic", "source", "file", "text"}`` has no title, and its first
  line runs the headline into the lead)
- body: ``body``, ``text``, ``content`` (a list of paragraphs is joined; HTML is flattened)
- date, author, source (``source``, ``site``, ``publisher``), url

BEIR corpora (``{"_id", "title", "text"}``) fit as they are. A line that is not JSON, or a
record without body text, is one ``Skipped`` with its line number; the rest go on. JSON
Lines are read one line at a time, so an 84,000-record ``.jsonl.gz`` never sits in memory.
"""

from __future__ import annotations

import json
import re
import zlib
from collections.abc import Iterator
from typing import IO, Any

from ..article import Article, Skipped
from .dates import to_iso
from .decode import DecodeError, decode_bytes
from .textpage import headline_from_lead, tidy_title
from .tidy import safe_id, tidy_line, tidy_text

__all__ = ["iter_json", "record_to_article"]

_ID_FIELDS = ("id", "_id", "doc_id", "docid", "guid")
_TITLE_FIELDS = ("title", "headline", "name")
_BODY_FIELDS = ("body", "text", "content", "article", "body_text", "content_text", "contents")
_DATE_FIELDS = (
    "date",
    "published",
    "published_at",
    "publish_date",
    "published_date",
    "datePublished",
    "pubDate",
    "time",
    "created_at",
    "timestamp",
)
_AUTHOR_FIELDS = ("author", "authors", "byline", "creator")
_SOURCE_FIELDS = ("source", "site", "publisher", "site_name", "domain")
_URL_FIELDS = ("url", "link", "canonical_url", "href", "source_url")
_LIST_KEYS = ("articles", "data", "items", "records", "docs", "documents", "corpus", "results")
_HTML_MARKUP = re.compile(r"<(?:p|div|br|span|a|h[1-6]|li|strong|em|img)\b[^>]*>", re.IGNORECASE)


def _first_field(record: dict[str, Any], names: tuple[str, ...]) -> Any:
    for name in names:
        value = record.get(name)
        if value not in (None, "", [], {}):
            return value
    return None


def _as_name(value: Any) -> str | None:
    """An author / publisher field as text: a string, a list of them, or ``{"name": …}``."""
    if isinstance(value, str):
        return tidy_line(value) or None
    if isinstance(value, dict):
        return _as_name(value.get("name"))
    if isinstance(value, list):
        names = [n for n in (_as_name(v) for v in value) if n]
        return ", ".join(names) or None
    return None


def _as_body(value: Any) -> str:
    if isinstance(value, list):
        value = "\n\n".join(v for v in value if isinstance(v, str))
    if not isinstance(value, str):
        return ""
    if _HTML_MARKUP.search(value):
        # A CMS export with HTML in the body: keep the text, one paragraph a block.
        from .htmlpage import html_to_paragraphs

        return "\n\n".join(html_to_paragraphs(value))
    return tidy_text(value)


def record_to_article(
    record: Any,
    *,
    path: str,
    stem: str,
    line: int | None = None,
    item: int | None = None,
    source: str | None = None,
) -> Article | Skipped:
    """One JSON record → Article, or Skipped with the reason.

    ``line`` is the record's line in a JSON Lines file, ``item`` its 1-based position in a
    JSON array (only one is given); ``source`` is the site name when a record names none.
    """
    where = f"item {item}: " if item is not None else ""
    if not isinstance(record, dict):
        return Skipped(path, f"{where}not a JSON object", line)
    body = _as_body(_first_field(record, _BODY_FIELDS))
    if not body:
        return Skipped(path, f"{where}no body text", line)
    raw_id = _first_field(record, _ID_FIELDS)
    if isinstance(raw_id, str | int) and not isinstance(raw_id, bool) and str(raw_id).strip():
        article_id = safe_id(raw_id)
    else:
        article_id = safe_id(f"{stem}-{line if line is not None else item}")
    title = _first_field(record, _TITLE_FIELDS)
    title = tidy_title(title) if isinstance(title, str) else ""
    if not title:
        title = headline_from_lead(body.split("\n", 1)[0])
    url = _first_field(record, _URL_FIELDS)
    return Article(
        id=article_id,
        title=title,
        body=body,
        date=to_iso(_first_field(record, _DATE_FIELDS)),
        author=_as_name(_first_field(record, _AUTHOR_FIELDS)),
        source=_as_name(_first_field(record, _SOURCE_FIELDS)) or source,
        path=path,
        line=line,
        url=url.strip() if isinstance(url, str) and url.strip() else None,
    )


def _loads(text: str) -> tuple[Any, str | None]:
    """``json.loads`` that reports instead of raising: (value, None) or (None, reason)."""
    try:
        return json.loads(text), None
    except json.JSONDecodeError as e:
        return None, f"not valid JSON ({e.msg}, column {e.colno})"
    except RecursionError:
        return None, "not valid JSON (nested too deeply)"


def _document_records(value: Any) -> list[Any] | None:
    """The records of a whole JSON document: an array, one article, or ``{"articles": […]}``."""
    if isinstance(value, list):
        return value
    if isinstance(value, dict):
        if _first_field(value, _BODY_FIELDS) is not None:
            return [value]
        for key in _LIST_KEYS:
            if isinstance(value.get(key), list):
                return value[key]
    return None


def _iter_document(
    value: Any, *, path: str, stem: str, source: str | None
) -> Iterator[Article | Skipped]:
    records = _document_records(value)
    if records is None:
        yield Skipped(path, "no article records found in the JSON document")
        return
    if len(records) == 1 and records[0] is value:
        article = record_to_article(records[0], path=path, stem=stem, source=source)
        if isinstance(article, Article) and not _first_field(records[0], _ID_FIELDS):
            article.id = safe_id(stem)
        yield article
        return
    for item, record in enumerate(records, start=1):
        yield record_to_article(record, path=path, stem=stem, item=item, source=source)


def _iter_text_lines(
    text: str, *, path: str, stem: str, source: str | None
) -> Iterator[Article | Skipped]:
    for number, raw in enumerate(text.splitlines(), start=1):
        if raw.strip():
            value, error = _loads(raw)
            if error:
                yield Skipped(path, error, number)
            else:
                yield record_to_article(value, path=path, stem=stem, line=number, source=source)


def _read_lines(stream: IO[bytes], limit: int) -> Iterator[tuple[int, bytes | None]]:
    """(line number, bytes) for each line; ``None`` for a line longer than ``limit``."""
    number = 0
    while True:
        raw = stream.readline(limit + 1)
        if not raw:
            return
        number += 1
        if len(raw) > limit and not raw.endswith(b"\n"):
            while True:  # skip the rest of the over-long line without holding it
                more = stream.readline(1 << 20)
                if not more or more.endswith(b"\n"):
                    break
            yield number, None
            continue
        yield number, raw


def iter_json(
    stream: IO[bytes],
    *,
    path: str,
    stem: str,
    source: str | None,
    limit: int,
    lines: bool,
) -> Iterator[Article | Skipped]:
    """Articles from an open binary stream holding JSON Lines or a JSON document.

    ``lines`` says what the file name promises (``.jsonl`` / ``.ndjson``); the content
    decides in the end: a file starting with ``[`` is an array, a ``.json`` file that is
    not one JSON document is read as JSON Lines. Whole documents are limited to ``limit``
    bytes; JSON Lines only per line.
    """
    head = _peek(stream)
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    utf16 = head.startswith((b"\xff\xfe", b"\xfe\xff"))
    if not head.strip():
        yield Skipped(path, "empty file")
        return
    if lines and not utf16 and not stripped.startswith(b"["):
        yield from _iter_stream_lines(stream, path=path, stem=stem, source=source, limit=limit)
        return
    data = stream.read(limit + 1)
    if len(data) > limit:
        yield Skipped(path, f"file too large (more than {limit / 2**20:.0f} MB of JSON)")
        return
    try:
        text = decode_bytes(data).text
    except DecodeError as e:
        yield Skipped(path, e.reason)
        return
    value, error = _loads(text)
    if error is None:
        yield from _iter_document(value, path=path, stem=stem, source=source)
        return
    first_line = text.lstrip().split("\n", 1)[0]
    if text.lstrip().startswith("[") or _loads(first_line)[1] is not None:
        # One broken document (not JSON Lines with a bad line): one reason, not one per line.
        yield Skipped(path, error)
    else:
        yield from _iter_text_lines(text, path=path, stem=stem, source=source)


def _peek(stream: IO[bytes]) -> bytes:
    peek = getattr(stream, "peek", None)
    if peek is not None:
        return peek(64)[:64]
    raise TypeError("iter_json needs a buffered stream (with peek)")


def _iter_stream_lines(
    stream: IO[bytes], *, path: str, stem: str, source: str | None, limit: int
) -> Iterator[Article | Skipped]:
    number = 0
    try:
        for number, raw in _read_lines(stream, limit):
            if raw is None:
                yield Skipped(path, f"line longer than {limit / 2**20:.0f} MB", number)
                continue
            if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            if not raw.strip():
                continue
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                yield Skipped(path, "not UTF-8 text (JSON Lines must be UTF-8)", number)
                continue
            value, error = _loads(text)
            if error:
                yield Skipped(path, error, number)
            else:
                yield record_to_article(value, path=path, stem=stem, line=number, source=source)
    except (OSError, EOFError, zlib.error) as e:
        # A truncated or corrupt .gz: what was read so far stands.
        yield Skipped(path, f"cannot read past line {number}: {e}")

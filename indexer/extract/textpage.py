"""Scraped news pages saved as plain text → Article.

The pages come from Vietnamese provincial news sites, saved by a scraper with the site's
chrome left in. A typical one::

    Chính trị - Xã hội                      ← category (chrome)
    Hội nghị trực tuyến sơ kết …            ← the headline
    01/08/2018                              ← publication date, in one of several forms
    Ngày 30/7/2018, đồng chí …              ← the article
    …
    Văn Tiến                                ← byline
    Tin đã đưa                              ← trailer: everything from here on is dropped
    (19/02)

The rules are line classes (chrome, date, image id, trailer, byline: see ``chrome.py``) and
line shapes, not anything keyed to one site.
"""

from __future__ import annotations

import re

from ..article import Article, Skipped
from .chrome import (
    is_category_line,
    is_chrome_line,
    is_image_id_line,
    is_list_date_line,
    is_trailer_start,
    parse_byline,
)
from .dates import date_line, find_date
from .sitename import site_name_line
from .tidy import join_paragraphs, tidy_line, tidy_text, word_count

__all__ = ["NO_BODY", "extract_textpage", "headline_from_lead", "tidy_title"]

NO_BODY = "no article body found"

# How far down the page the header (headline, date) may be, in non-blank lines: menus
# left in by the scraper can be long.
_HEADER_LINES = 40
_SENTENCE_END = re.compile(r"[.!?…]['\"”’)]?$")


def _is_all_caps(line: str) -> bool:
    letters = [ch for ch in line if ch.isalpha()]
    return bool(letters) and all(ch.isupper() for ch in letters)


def _is_paragraph(line: str) -> bool:
    """Article prose rather than a headline: long, or a full sentence of some length."""
    if _is_all_caps(line):
        return False
    words = word_count(line)
    return words >= 30 or (words >= 15 and _SENTENCE_END.search(line) is not None)


def tidy_title(title: str) -> str:
    """One-line title without the full stop some sites put after headlines."""
    title = tidy_line(title)
    if title.endswith(".") and not title.endswith(".."):
        title = title[:-1].rstrip()
    return title


# Words that start a sentence and rarely begin a proper name: when one of them appears
# capitalised in mid-line, followed by a lower-case word, the lead starts there ("… rừng
# Đa Mi Cuộc hành quân …"). Names such as "Ai Cập", "Do Thái", "Thế Vận hội" go on with a
# capital and are left alone.
_SENTENCE_STARTERS = frozenset(
    """Theo Trong Sau Khi Các Những Một Với Tại Từ Để Vào Sáng Chiều Tối Trưa Đêm Hôm Hiện
    Đây Đó Nhiều Cuộc Việc Chúng Tôi Là Không Đã Đang Sẽ Cũng Nhưng Vì Nếu Mặc Dù Vừa Mới
    Lúc Ngay Chỉ Hầu Gần Hơn Trước Bởi Qua Đến Tới Ẩn Nằm Này Hãy Bạn Họ Mỗi Riêng Ngoài
    Bên Cùng Thay Được Bị Chưa Rất Do""".split()
)
_AGENCY_MARK = re.compile(r"\s*\((?:[A-ZĐ][\w.\-]{0,11})\)\s*[-–—]")
_HEADLINE_WORDS = 20


def _lead_starts_at(words: list[str]) -> int | None:
    """Index of the word where the lead starts after a run-in headline, if one is clear."""
    for i in range(3, min(len(words) - 1, 26)):
        word, previous, following = words[i], words[i - 1], words[i + 1]
        if (
            word in _SENTENCE_STARTERS
            and previous[-1].isalnum()
            and not previous.isupper()  # "TAND Tối cao": part of a name
            and following[0].islower()
        ):
            return i
    return None


def headline_from_lead(line: str) -> str:
    """A headline from a first line that may run the headline and the lead together.

    Data sets such as VNTC keep no title field: the first line holds "headline lead…".
    Lines of up to twenty words are the headline; longer ones are cut where the lead starts
    (an agency mark "(NLĐ) -", a capitalised sentence-starting word), else at the first
    sentence end, else after about twenty words.

    >>> headline_from_lead("Mạo hiểm rừng Đa Mi Cuộc hành quân khám phá thác sương mù "
    ...     "Ẩn mình trong cánh rừng Đa Mi bạt ngàn là hồ thủy điện đẹp như một nàng công chúa")
    'Mạo hiểm rừng Đa Mi'
    """
    line = tidy_line(line)
    words = line.split()
    if len(words) <= _HEADLINE_WORDS and len(line) <= 160:
        return tidy_title(line)
    m = _AGENCY_MARK.search(line)
    if m and 3 <= word_count(line[: m.start()]) <= 35:
        return tidy_title(line[: m.start()])
    start = _lead_starts_at(words)
    if start is not None:
        return tidy_title(" ".join(words[:start]))
    m = re.search(r"[.!?…](?=\s|$)", line)
    if m and 4 <= word_count(line[: m.end()]) <= 30:
        return tidy_title(line[: m.end()])
    return " ".join(words[:_HEADLINE_WORDS]).rstrip(",;:-–") + "…"


def _line_date(line: str) -> str | None:
    """The date of a date line, also when it shares the line with chrome
    ("Đăng ngày 05/04/2022 | Lượt xem: 1.234")."""
    found = date_line(line)
    if found or not _TOOLBAR.search(line):
        return found
    parts = [p for p in _TOOLBAR.split(line) if p.strip()]
    dates = [date_line(p) for p in parts]
    if any(dates) and all(d or is_chrome_line(p) for d, p in zip(dates, parts, strict=True)):
        return next(d for d in dates if d)
    return None


_TOOLBAR = re.compile(r"\s[|•·]\s")


def _classify(line: str) -> str:
    if not line:
        return "blank"
    if _line_date(line):
        return "date"
    if is_chrome_line(line):
        return "chrome"
    if is_image_id_line(line) or is_list_date_line(line):
        return "image"
    return "text"


def extract_textpage(
    text: str, *, article_id: str, path: str, source: str | None = None
) -> Article | Skipped:
    """Headline, date, byline, site name and article text of one scraped page (already
    decoded). The site name is the portal's own name in the page's header ("Cổng thông tin
    điện tử huyện Phong Điền"), else ``source``.

    Returns ``Skipped(path, "no article body found")`` when nothing is left once the chrome
    is gone.
    """
    lines = tidy_text(text).split("\n")
    kinds = [_classify(line) for line in lines]
    texts = [i for i, kind in enumerate(kinds) if kind == "text"]
    if not texts:
        return Skipped(path, NO_BODY)

    # The header ends at the first line of prose (or after a screenful of lines); the date
    # line, if any, is in it.
    nonblank = [i for i, kind in enumerate(kinds) if kind != "blank"]
    header_limit = nonblank[_HEADER_LINES] if len(nonblank) > _HEADER_LINES else len(lines)
    header_end = next((i for i in texts if _is_paragraph(lines[i])), len(lines))
    header_end = min(header_end, header_limit)
    date_index = next(
        (
            i
            for i in range(min(len(lines), max(header_end, texts[0] + 1) + 1))
            if kinds[i] == "date"
        ),
        None,
    )
    date = _line_date(lines[date_index]) if date_index is not None else None

    # The portal's own name heads the page, above the headline; it is never the headline.
    site_index = next((i for i in texts if i < header_end and site_name_line(lines[i])), None)
    site = site_name_line(lines[site_index]) if site_index is not None else None
    if site_index is not None:
        kinds[site_index] = "chrome"
        texts = [i for i in texts if i != site_index]
        if not texts:
            return Skipped(path, NO_BODY)

    # The headline is above the date line on most sites, below it on some ("Thời sự /
    # Thứ ba, 5/4/2022 / headline"); with no date line, it is in the header.
    title_index = None
    if date_index is not None:
        # Nearest to the date: above it may be menus, labels, section names.
        title_index = _pick_headline(lines, [i for i in texts if i < date_index], last=True)
        if title_index is None:
            title_index = _pick_headline(
                lines, [i for i in texts if date_index < i < max(header_end, date_index + 2)]
            )
    if title_index is None:
        title_index = _pick_headline(lines, [i for i in texts if i < header_end])
    if title_index is None and word_count(lines[texts[0]]) <= 30 and len(texts) > 1:
        title_index = texts[0]  # a headline that reads like a sentence ("… ở đâu?")
    if title_index is None:
        # No headline line: the page starts with prose. Make one from the first line.
        title = headline_from_lead(lines[texts[0]])
        body_from = texts[0]
    else:
        title = tidy_title(lines[title_index])
        body_from = title_index + 1

    # Between the headline and the first paragraph, short lines that are not sentences are
    # page furniture the lists do not know ("Cỡ chữ", "Ảnh minh họa"); labelled bylines stay.
    first_paragraph = next((i for i in texts if i >= body_from and _is_paragraph(lines[i])), None)
    for i in range(body_from, first_paragraph or body_from):
        line = lines[i]
        if (
            kinds[i] == "text"
            and word_count(line) <= 4
            and not _SENTENCE_END.search(line)
            and not parse_byline(line, labelled_only=True)
        ):
            kinds[i] = "chrome"

    # Everything from the first trailer line on ("Tin khác", "Bài trước…") is not article.
    body_to = len(lines)
    seen_text = False
    for i in range(body_from, len(lines)):
        if kinds[i] == "text" and is_trailer_start(lines[i]) and seen_text:
            body_to = i
            break
        seen_text = seen_text or kinds[i] == "text"

    body_lines = [
        lines[i] if kinds[i] == "text" else ""
        for i in range(body_from, body_to)
        if kinds[i] in ("text", "blank")
    ]
    author = _take_byline(body_lines)
    paragraphs = _paragraphs(body_lines)
    if not paragraphs:
        return Skipped(path, NO_BODY)
    if date is None:
        # A date at the very start of the lead ("Ngày 30/7/2018, …") is the best left; dates
        # further into the text are about other things (decisions, past events).
        date = find_date(" ".join(paragraphs[0].split()[:8]))
    return Article(
        id=article_id,
        title=title,
        body=join_paragraphs(paragraphs),
        date=date,
        author=author,
        source=site or source,
        path=path,
    )


def _pick_headline(lines: list[str], candidates: list[int], *, last: bool = False) -> int | None:
    """The first (or ``last``) substantial candidate that is not a section name, a label or
    a labelled byline; failing that, the first short one."""
    named = [
        i
        for i in candidates
        if not is_category_line(lines[i]) and not parse_byline(lines[i], labelled_only=True)
    ]
    substantial = [i for i in named if word_count(lines[i]) >= 3]
    if substantial:
        return substantial[-1] if last else substantial[0]
    return named[0] if named else None


def _take_byline(body_lines: list[str]) -> str | None:
    """Remove the byline (last line of the article, or a labelled line at its top)."""
    last = next((i for i in range(len(body_lines) - 1, -1, -1) if body_lines[i]), None)
    if last is not None:
        author = parse_byline(body_lines[last])
        if author:
            body_lines[last] = ""
            return tidy_line(author)
    first = next((i for i, line in enumerate(body_lines) if line), None)
    if first is not None and not _is_paragraph(body_lines[first]):
        author = parse_byline(body_lines[first], labelled_only=True)
        if author:
            body_lines[first] = ""
            return tidy_line(author)
    return None


def _paragraphs(lines: list[str]) -> list[str]:
    """Blank-line separated blocks; lines inside a block keep their line breaks."""
    paragraphs: list[str] = []
    block: list[str] = []
    for line in [*lines, ""]:
        if line:
            block.append(line)
        elif block:
            paragraphs.append("\n".join(block))
            block = []
    return paragraphs

"""Vietnamese date forms → ISO ``YYYY-MM-DD``.

Vietnamese writes dates day first: "05/04/2022" is the 5th of April. The forms met on news
pages and in data files:

- ``"19:07, 05/04/2022"``, ``"Thứ ba, 05/04/2022 - 19:07 (GMT+7)"``, ``"01/08/2018"``
- ``"Đăng ngày: 19/04/2017 14:45:42"``, ``"Ngày cập nhật 11/09/2021"``
- ``"5-4-2022"``, ``"5.4.2022"``
- ``"ngày 5 tháng 4 năm 2022"``
- ISO and ISO date-times: ``"2022-04-05"``, ``"2022-04-05T19:07:00+07:00"``
- Unix timestamps (seconds or milliseconds) in JSON fields.

A day and month without a year ("Sáng 04/4") is not a date: nothing says which year.
"""

from __future__ import annotations

import datetime as _dt
import email.utils
import re

from ..text.normalize import nfc

__all__ = ["date_line", "find_date", "to_iso"]

_MIN_YEAR, _MAX_YEAR = 1900, 2100

_DMY = r"(?P<d>\d{1,2})\s*(?P<sep>[/.\-])\s*(?P<m>\d{1,2})\s*(?P=sep)\s*(?P<y>\d{4})"
_YMD = r"(?P<y2>\d{4})-(?P<m2>\d{1,2})-(?P<d2>\d{1,2})"
_WORDS = r"(?:ngày\s+)?(?P<d3>\d{1,2})\s+tháng\s+(?P<m3>\d{1,2})\s*(?:năm|,)\s*(?P<y3>\d{4})"
_DATE = re.compile(rf"(?<![\d/.\-])(?:{_YMD}|{_DMY}|{_WORDS})(?![\d/\-]|\.\d)", re.IGNORECASE)


def _valid(year: int, month: int, day: int) -> str | None:
    if not _MIN_YEAR <= year <= _MAX_YEAR:
        return None
    try:
        return _dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def _from_match(m: re.Match[str]) -> str | None:
    if m.group("y2"):
        return _valid(int(m.group("y2")), int(m.group("m2")), int(m.group("d2")))
    if m.group("y3"):
        return _valid(int(m.group("y3")), int(m.group("m3")), int(m.group("d3")))
    day, month, year = int(m.group("d")), int(m.group("m")), int(m.group("y"))
    # Day first is the Vietnamese convention; month-first only when day-first is impossible
    # ("04/15/2022" from an English-language template).
    return _valid(year, month, day) or _valid(year, day, month)


def find_date(text: str) -> str | None:
    """The first full date (with a year) anywhere in ``text``, as ISO; None if there is none.

    >>> find_date("Ngày 30/7/2018, đồng chí Lê Văn Bình chủ trì hội nghị")
    '2018-07-30'
    >>> find_date("Sáng 04/4, Ban Dân vận Tỉnh ủy tổ chức hội nghị") is None
    True
    """
    for m in _DATE.finditer(nfc(text)):
        iso = _from_match(m)
        if iso:
            return iso
    return None


# What may surround the date on a line that is only a date: labels, weekday, time, zone.
_DATE_LINE_NOISE = re.compile(
    r"""
    (?:\b(?:đăng|cập\s+nhật|ngày|lúc|vào|thời\s+gian|xuất\s+bản|phát\s+hành|sửa|
          posted|published|updated|date|on|at|
          thứ\s+(?:hai|ba|tư|năm|sáu|bảy|[2-7])|chủ\s+nhật|t[2-7]|cn)\b|
       \b\d{1,2}\s*[:hg]\s*\d{2}(?:\s*:\s*\d{2})?(?:\s*(?:am|pm|sa|ch)\b)?|
       \bgmt\s*[+\-]?\s*\d{0,2}|\butc\b|\bict\b|
       [\s:,|()\[\]\-–—/·•])+
    """,
    re.IGNORECASE | re.VERBOSE,
)


def date_line(line: str) -> str | None:
    """The ISO date when ``line`` is a publication-date line and nothing else.

    >>> date_line("Đăng ngày: 19/04/2017 14:45:42")
    '2017-04-19'
    >>> date_line("19:07, 05/04/2022")
    '2022-04-05'
    >>> date_line("Ngày 30/7/2018, đồng chí Lê Văn Bình chủ trì hội nghị") is None
    True
    """
    line = nfc(line).strip()
    if not line or len(line) > 80:
        return None
    m = _DATE.search(line)
    if m is None:
        return None
    rest = line[: m.start()] + " " + line[m.end() :]
    if _DATE_LINE_NOISE.sub("", rest).strip():
        return None
    return _from_match(m)


def to_iso(value: object) -> str | None:
    """A date from a data field (string, number, or dict-free scalar) → ISO, or None.

    >>> to_iso("2022-04-05T19:07:00+07:00")
    '2022-04-05'
    >>> to_iso("05/04/2022")
    '2022-04-05'
    >>> to_iso(1649160420)
    '2022-04-05'
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        seconds = float(value)
        if seconds > 1e11:  # milliseconds
            seconds /= 1000
        try:
            when = _dt.datetime.fromtimestamp(seconds, _dt.UTC)
        except (OverflowError, OSError, ValueError):
            return None
        # Vietnamese news is stamped in Vietnam's time zone (UTC+7).
        when = when.astimezone(_dt.timezone(_dt.timedelta(hours=7)))
        return _valid(when.year, when.month, when.day)
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text:
        return None
    if text.isdigit() and len(text) >= 9:
        return to_iso(int(text))
    found = date_line(text) or find_date(text[:120])
    if found is None and _RFC_2822.search(text):
        # "Tue, 05 Apr 2022 19:07:00 +0700", the form RSS feeds use.
        try:
            when = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
        found = _valid(when.year, when.month, when.day)
    return found


_RFC_2822 = re.compile(r"\d{1,2}\s+[A-Za-z]{3}\s+\d{4}")

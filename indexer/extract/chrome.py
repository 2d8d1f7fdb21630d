"""What is not the article on a Vietnamese news page: site chrome, trailers, bylines.

Scraped pages keep the site's furniture around the article: a search-box label ("Tìm kiếm"),
badges ("Chung nhan Tin Nhiem Mang"), a category line ("Chính trị - Xã hội"), and after the
article lists of other stories ("Tin đã đưa", "Tin Khác", "Bài trước…"), visitor counters
("Tổng truy cập 4.045.920"), footers. The rules here are lists of such phrases (matched
without accents or case, so "TIN KHÁC", "Tin khác" and "Tin khac" are one) and line shapes,
shared by the text-page and the HTML extractors.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..text.normalize import fold as fold_marks
from ..text.normalize import nfc

__all__ = [
    "fold",
    "is_category_line",
    "is_chrome_line",
    "is_image_id_line",
    "is_list_date_line",
    "is_trailer_start",
    "parse_byline",
]


@lru_cache(maxsize=4096)
def fold(text: str) -> str:
    """Lower case, no accents, đ → d, single spaces, no edge punctuation: for matching only.

    >>> fold("  Tin Khác: ")
    'tin khac'
    """
    text = " ".join(fold_marks(nfc(text)).lower().split())
    return text.strip(" .:;,-–—|»>›•*…!?")


def _phrases(text: str) -> frozenset[str]:
    """A set of folded phrases written one per ``|``/line, as in the tables below."""
    return frozenset(p.strip() for p in re.split(r"[|\n]", text) if p.strip())


# Lines that are chrome wherever they appear (whole line, folded).
_CHROME_LINES = _phrases(
    """
    tim kiem|tim kiem nang cao|search|nhap tu khoa|nhap tu khoa tim kiem|go tu khoa|tu khoa tim kiem
    chung nhan tin nhiem mang|tin nhiem mang|chung nhan tin nhiem mang ncsc
    trang chu|trang nhat|home|menu|dang nhap|dang ky|dang xuat|lien he|so do site|so do trang
    so do website|rss|english|tieng viet|tieng anh|gioi thieu|hoi dap|thu vien|thu vien anh
    in bai|in bai viet|in trang|ban in|gui bai|gui email|gui cho ban be|gui tin|email|chia se
    chia se bai viet|share|tweet|like|facebook|zalo|twitter|quay lai|tro ve|tro lai
    ve dau trang|len dau trang|dau trang|top|xem them|doc them|doc tiep|chi tiet|xem chi tiet
    co chu|kich thuoc chu|a a a|a- a a+|a a+|luu bai viet|luu|theo doi|binh chon|danh gia
    nghe doc bai|nghe bai viet|dung|phat|tai ve|download|dong|close|lich|thoi tiet
    """
)

# Folded line patterns that are chrome: counters, "Lượt xem: 120", breadcrumbs.
_CHROME_PATTERNS = re.compile(
    r"""^(?:
        (?:so\s+)?luot\s+(?:xem|doc|truy\s+cap|thich)\s*:?\s*[\d.,]+
      | (?:tong|dang|so\s+nguoi|hom\s+nay|hom\s+qua|trong\s+thang|trong\s+tuan|truy\s+cap)
        (?:\s+\w+){0,3}\s*:?\s*[\d.,]+(?:\s+(?:luot|khach|nguoi))?
      | hien\s+tai\s*:?\s*[\d.,]+\s*(?:khach|nguoi|luot)?(?:\s+(?:truc\s+tuyen|online))?
      | (?:dang\s+)?online\s*:?\s*[\d.,]+
      | [\w\s]{1,30}(?:\s[>»›]\s[\w\s\-]{1,40}){1,5}
    )$""",
    re.VERBOSE,
)


def is_chrome_line(line: str) -> bool:
    """Is ``line`` site furniture rather than article text?

    >>> is_chrome_line("Tìm kiếm"), is_chrome_line("Hiện tại 247 khách")
    (True, True)
    >>> is_chrome_line("Trang chủ > Tin tức > Chính trị"), is_chrome_line("Chia sẻ | In bài")
    (True, True)
    """
    folded = fold(line)
    if not folded:
        return False
    if folded in _CHROME_LINES or _CHROME_PATTERNS.match(folded) is not None:
        return True
    # A toolbar: "Chia sẻ | In bài | Gửi email", every part of it chrome.
    parts = [p for p in _TOOLBAR_SEPARATOR.split(folded) if p]
    return len(parts) > 1 and all(is_chrome_line(p) for p in parts)


_TOOLBAR_SEPARATOR = re.compile(r"\s*[|•·]\s*")


# Section names that sites print above the headline.
_CATEGORIES = _phrases(
    """
    chinh tri|xa hoi|chinh tri - xa hoi|kinh te|kinh te - xa hoi|van hoa|van hoa - xa hoi
    van hoa - the thao|the thao|giao duc|y te|suc khoe|phap luat|an ninh|quoc phong
    quoc phong - an ninh|an ninh - quoc phong|an ninh - trat tu|thoi su|tin tuc|tin tuc - su kien
    su kien|tin hoat dong|hoat dong|doi song|the gioi|quoc te|trong nuoc|tin trong nuoc
    tin dia phuong|dia phuong|cong tac dan van|dan van|dan van kheo|xay dung dang|mat tran
    doan the|nong nghiep|nong thon moi|du lich|khoa hoc|cong nghe|khoa hoc - cong nghe
    giai tri|ban doc|phong su|tieu diem|tin noi bat|noi bat|goc nhin|binh luan|chuyen de
    tin tuc chung|tin moi|tin tong hop|thong bao|van ban|tin anh|anh|video|multimedia
    tin van|nhip cau ban doc|hoat dong cua lanh dao|lanh dao|chi dao dieu hanh
    """
)
_SEPARATED = re.compile(r"\s(?:-|–|/|\||>|»)\s")


def is_category_line(line: str) -> bool:
    """A section name or label printed above a headline ("Chính trị - Xã hội", "Tin tức").

    Known section names, or the shape of one: a few short capitalised parts joined by
    " - ", " / ", " | ", " > ".
    """
    folded = fold(line)
    if folded in _CATEGORIES or folded in _CHROME_LINES:
        return True
    words = line.split()
    if len(words) > 7 or not _SEPARATED.search(line):
        return False
    parts = [p.strip() for p in re.split(r"\s(?:-|–|/|\||>|»)\s", line)]
    return all(p and len(p.split()) <= 3 and p[0].isupper() for p in parts)


# Lines that start what comes after the article: everything from here on is dropped.
_TRAILER_LINES = _phrases(
    """
    tin da dua|cac tin da dua|tin da dang|cac tin da dang|tin khac|cac tin khac|tin bai khac
    tin lien quan|bai lien quan|cac bai lien quan|tin bai lien quan|bai viet lien quan
    tin cung chuyen muc|bai cung chuyen muc|tin cung chu de|cung chuyen muc|xem tin theo ngay
    thong ke truy cap|thong ke|tin moi|tin moi nhat|tin moi hon|tin cu hon|tin truoc|tin sau
    tin doc nhieu|doc nhieu nhat|xem nhieu nhat|tin xem nhieu|doc nhieu|xem nhieu|y kien ban doc
    binh luan|cac binh luan|gui binh luan|viet binh luan|gui y kien|y kien cua ban|y kien
    bai viet khac|cac bai viet khac|co the ban quan tam|ban co the quan tam|co the ban quan tam
    lien ket website|lien ket web|website lien ket|lien ket|quang cao|tags|tag|tu khoa
    bai truoc|bai tiep theo|bai sau|tin tiep theo|chia se bai viet|chia se
    """
)
_TRAILER_PREFIXES = re.compile(
    r"""^(?:
        bai\s+truoc|bai\s+tiep(?:\s+theo)?|tin\s+truoc|tin\s+tiep(?:\s+theo)?
      | tong\s+(?:so\s+)?(?:luot\s+)?truy\s+cap|dang\s+truy\s+cap|luot\s+truy\s+cap
      | truy\s+cap\s+(?:hom\s+nay|trong)
      | (?:tags?|tu\s+khoa|the)\s*:
      | ban\s+quyen\s*(?:thuoc|:|©|\(c\)|\d{4})|copyright|\(c\)\s
      | giay\s+phep\s+(?:so|xuat\s+ban|hoat\s+dong)[^.]{0,80}$
      | co\s+quan\s+chu\s+quan\s*:|chiu\s+trach\s+nhiem\s+(?:xuat\s+ban|noi\s+dung)\s*:
      | tong\s+bien\s+tap\s*:
    )""",
    re.VERBOSE,
)


def is_trailer_start(line: str) -> bool:
    """Does ``line`` begin the list of other stories, the counters or the footer?

    >>> is_trailer_start("Tin đã đưa"), is_trailer_start("Bài trướcNâng cao chất lượng")
    (True, True)
    """
    folded = fold(line)
    if folded in _TRAILER_LINES:
        return True
    return _TRAILER_PREFIXES.match(folded) is not None or line.lstrip().startswith("©")


_IMAGE_ID = re.compile(
    r"""^(?:
        (?=[\w.\-]*\d)[A-Za-z0-9]+(?:[._\-][A-Za-z0-9]+){2,}
      | [\w.\-]+\.(?:jpe?g|png|gif|webp|bmp|tiff?)
      | (?:img|dsc|dscn|dsc_|anh|image|photo|pic)[_\-]?\d+[\w.\-]*
    )$""",
    re.VERBOSE | re.IGNORECASE,
)


def is_image_id_line(line: str) -> bool:
    """An image file name or id left on its own line by the scraper ("19.4.2017.2", "IMG_0231")."""
    return _IMAGE_ID.match(line.strip()) is not None


_LIST_DATE = re.compile(
    r"^[(\[]?\d{1,2}[/.\-]\d{1,2}(?:[/.\-]\d{2,4})?[)\]]?(?:\s+\d{1,2}:\d{2})?$"
)


def is_list_date_line(line: str) -> bool:
    """A bare date from a list of links ("(19/02)"), not article text."""
    return _LIST_DATE.match(line.strip()) is not None


# --- Bylines -----------------------------------------------------------------------------------
_BYLINE_PREFIX = re.compile(
    r"""^\s*(?P<label>
        (?:bài|tin|ảnh|clip|video|bài\s+viết)
        (?:\s*(?:,|và|&|\+|-|/)\s*(?:bài|tin|ảnh|clip|video))*
      | thực\s+hiện|tác\s+giả|người\s+viết|phóng\s+viên|pv|ctv|nhóm\s+pv|nhóm\s+phóng\s+viên
      | tin\s+và\s+ảnh|bài\s+và\s+ảnh
    )\s*[:：]\s*(?P<rest>\S.*)$""",
    re.VERBOSE | re.IGNORECASE,
)
_TRAILING_JUNK = re.compile(r"[\s./]+$")
_UNIT_IN_PARENS = re.compile(r"^(?P<name>.*?)\s*(?P<unit>\([^()]{1,80}\))$")
_UNIT_AFTER = re.compile(r"^(?P<name>[^,\-–(]+?)\s*(?P<sep>,|-|–)\s*(?P<unit>\S.*)$")
_NAME_WORD = re.compile(r"^[^\W\d_][\w.']*$")


def _is_name(text: str) -> bool:
    """2–5 capitalised words without digits: "Văn Tiến", "Bùi Ngọc Tư", "NGUYỄN VĂN A"."""
    words = text.split()
    if not 2 <= len(words) <= 5:
        return False
    return all(_NAME_WORD.match(w) and w[0].isupper() for w in words)


def _is_unit(text: str) -> bool:
    """A short organisation or second name after a byline's comma or dash."""
    words = text.split()
    return 1 <= len(words) <= 10 and text[0].isupper() and not text.rstrip().endswith((".", ":"))


def parse_byline(line: str, *, labelled_only: bool = False) -> str | None:
    """The author named by a byline line, else None.

    Labels ("Bài và ảnh:", "Bài:", "Tin, ảnh:") are dropped; a unit in parentheses or
    after a comma stays, as printed. ``labelled_only`` accepts only labelled bylines (for
    places where a bare name is unlikely, such as under the headline).

    >>> parse_byline("Bài và ảnh: Bùi Ngọc Tư")
    'Bùi Ngọc Tư'
    >>> parse_byline("Văn Bốn (Trung tâm VHTT-TT huyện)")
    'Văn Bốn (Trung tâm VHTT-TT huyện)'
    >>> parse_byline("Toàn cảnh hội nghị") is None
    True
    """
    line = " ".join(line.split())
    if not line or len(line) > 120:
        return None
    m = _BYLINE_PREFIX.match(line)
    if m:
        rest = _TRAILING_JUNK.sub("", m.group("rest")).strip()
        label = fold(m.group("label"))
        if not rest or len(rest.split()) > 15:
            return None
        # "Ảnh: Toàn cảnh hội nghị" is a caption credit, not a byline; "Ảnh: Minh Anh" is.
        if label in ("anh", "clip", "video") and not _looks_like_byline(rest):
            return None
        return rest
    if labelled_only:
        return None
    line = _TRAILING_JUNK.sub("", line)
    # "Theo TTXVN", "Nguồn: Báo Nhân Dân" credit a source, not an author.
    if fold(line).startswith(("theo ", "nguon")):
        return None
    return line if _looks_like_byline(line) else None


# Bylines that are not names: "PV" (phóng viên), "CTV", an agency, initials ("N.H.").
_SHORT_BYLINE = re.compile(
    r"^(?:(?:nhóm\s+)?(?:PV|CTV|BTV)|TTXVN|VNA|[A-ZĐ]\.\s?[A-ZĐ](?:\.\s?[A-ZĐ])*\.?)$"
)


def _looks_like_byline(text: str) -> bool:
    if _SHORT_BYLINE.match(text):
        return True
    if len(text.split()) > 16 or text.endswith((".", ":", ";", "?", "!", "…", ",")):
        return False
    m = _UNIT_IN_PARENS.match(text)
    if m and _is_name(m.group("name")):
        return True
    m = _UNIT_AFTER.match(text)
    if m and _is_name(m.group("name")) and _is_unit(m.group("unit")):
        return True
    return _is_name(text)

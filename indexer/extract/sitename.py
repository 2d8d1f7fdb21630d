"""Site names: what a reader is shown as an article's source.

A source is a name a reader understands: the site or publication (“Báo Bắc Kạn”, “Cổng
thông tin điện tử huyện Phong Điền”), never a folder name or a file path. It comes from the
page itself when the page says it (``og:site_name`` and the like in HTML, a ``source`` field
in JSON, the portal's name in the header of a scraped text page, recognised here), else from
the operator: a ``.timkiem-source`` file in the article's folder or a folder above it (up to
the folder given to ``timkiem index``), else ``timkiem index --source NAME``. Without any of
these an article has no source, and pages show none.
"""

from __future__ import annotations

import os
import re

from .chrome import fold
from .tidy import tidy_line

__all__ = ["FOLDER_FILE", "MAX_NAME_CHARS", "clean_name", "folder_source", "site_name_line"]

FOLDER_FILE = ".timkiem-source"
MAX_NAME_CHARS = 120

# Folded beginnings of a portal's or a paper's own name.
_KINDS = re.compile(
    r"""^(?:
        cong\s+thong\s+tin(?:\s+dien\s+tu)?|cong\s+ttdt
      | trang\s+thong\s+tin(?:\s+dien\s+tu)?|trang\s+ttdt|trang\s+tin\s+dien\s+tu
      | bao(?:\s+dien\s+tu)?|tap\s+chi(?:\s+dien\s+tu)?
      | dai\s+phat\s+thanh\s+(?:va|-|–)\s+truyen\s+hinh|dai\s+ptth|dai\s+truyen\s+hinh
    )\s""",
    re.VERBOSE,
)
# Lower-case words a name may hold besides capitalised ones ("huyện Phong Điền").
_NAME_WORDS = frozenset(
    """tỉnh huyện thị xã thành phố quận phường trấn điện tử của và thông tin
    đảng bộ ủy ban nhân dân""".split()
)
_MAX_WORDS = 14
_AMBIGUOUS_KINDS = frozenset({"bao", "tap chi"})


def site_name_line(line: str) -> str | None:
    """The site's name, when ``line`` is a portal's or a paper's name as it heads its pages.

    >>> site_name_line("Cổng thông tin điện tử huyện Phong Điền")
    'Cổng thông tin điện tử huyện Phong Điền'
    >>> site_name_line("BÁO BẮC KẠN"), site_name_line("Báo động tình trạng ngập lụt")
    ('BÁO BẮC KẠN', None)
    """
    line = tidy_line(line)
    words = line.split()
    if not 2 <= len(words) <= _MAX_WORDS or len(line) > MAX_NAME_CHARS or not line[0].isupper():
        return None
    if any(ch.isdigit() for ch in line) or re.search(r"[.!?:;,|»>]\s*\S|[.!?;]$", line):
        return None
    folded = fold(line) + " "
    kind = _KINDS.match(folded)
    if kind is None:
        return None
    rest = words[len(kind.group(0).split()) :]
    if not rest or not (rest[0][0].isupper() or rest[0].lower() in _NAME_WORDS):
        return None
    lower = [w for w in rest if not w[0].isupper() and w.lower() not in _NAME_WORDS]
    # "Báo …" and "Tạp chí …" also begin headlines ("Báo Mỹ đưa tin …"): their names are
    # capitalised throughout. A portal's name may go on in lower case ("Cổng thông tin
    # điện tử Chính phủ"), if only for a word or two.
    if kind.group(0).strip() in _AMBIGUOUS_KINDS:
        return None if lower else line
    return None if len(lower) > 2 else line
    return line


def clean_name(text: str | None) -> str | None:
    """A source name as given by an operator: one tidy line, at most 120 characters."""
    if not text:
        return None
    name = tidy_line(text.strip().splitlines()[0] if text.strip() else "")
    return name[:MAX_NAME_CHARS].rstrip() or None


def folder_source(
    folder: str, root: str, cache: dict[tuple[str, str], str | None] | None = None
) -> str | None:
    """The name in the nearest ``.timkiem-source`` from ``folder`` up to ``root``
    (included), or None. ``cache`` keeps what each folder gave during one run."""
    cache = {} if cache is None else cache
    folder = os.path.abspath(folder)
    root = os.path.abspath(root)
    climbed: list[str] = []
    name: str | None = None
    current = folder
    while True:
        if (current, root) in cache:
            name = cache[current, root]
            break
        climbed.append(current)
        name = _read_folder_file(current)
        if name is not None or current == root:
            break
        parent = os.path.dirname(current)
        if parent == current or not current.startswith(root):
            break
        current = parent
    for seen in climbed:
        cache[seen, root] = name
    return name


def _read_folder_file(folder: str) -> str | None:
    try:
        with open(os.path.join(folder, FOLDER_FILE), encoding="utf-8-sig") as f:
            return clean_name(f.read(4096))
    except (OSError, UnicodeDecodeError):
        return None

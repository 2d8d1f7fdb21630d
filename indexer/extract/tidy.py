"""Text tidying shared by every extractor: Unicode NFC, whitespace, URL-safe ids.

Everything an extractor puts into an ``Article`` goes through here, so later stages see one
form: NFC (decomposed input composes: ``"Vie\u0323\u0302t"`` → ``"Việt"``), no non-breaking or
zero-width spaces, no trailing spaces, at most one blank line between paragraphs. Tone-mark
placement is deliberately left as the author wrote it ("hoà" stays "hoà"): analysis
canonicalises it for search, display keeps the original.
"""

from __future__ import annotations

import re
import unicodedata

from ..text.normalize import nfc

# Invisible characters that only get in the way of search: zero-width space/joiners, BOM,
# soft hyphen, word joiner, and control characters. (Odd spaces such as NBSP, tabs and the
# en/em spaces are whitespace to ``str.split`` and become plain spaces on the way.)
_INVISIBLE = re.compile("[\u200b-\u200d\u2060\ufeff\u00ad\x00-\x08\x0e-\x1f\x7f-\x9f]")


def _clean_line(line: str) -> str:
    # isprintable() is False for NBSP, tabs, zero-width and control characters: the common
    # clean line takes the fast path (this runs once per line of 84,000-article corpora).
    if line.isprintable():
        line = line.strip(" ")
        return " ".join(line.split()) if "  " in line else line
    return " ".join(_INVISIBLE.sub("", line).split())


def tidy_text(text: str) -> str:
    """Normalise a multi-line text: NFC, one kind of space, no trailing spaces, no blank runs.

    Paragraph breaks (blank lines) and line breaks inside a paragraph are kept as the author
    made them; runs of blank lines become one blank line.

    >>> tidy_text("Hà\\u00a0Nội  \\r\\n\\r\\n\\r\\n\\r\\nSài Gòn ")
    'Hà Nội\\n\\nSài Gòn'
    """
    out: list[str] = []
    blank = True  # drops blank lines at the start
    for line in text.splitlines():
        line = _clean_line(line)
        if line:
            out.append(line)
            blank = False
        elif not blank:
            out.append("")
            blank = True
    if out and not out[-1]:
        out.pop()
    return nfc("\n".join(out))


def tidy_line(text: str) -> str:
    """Normalise a one-line field (title, author, source): NFC and single spaces only.

    >>> tidy_line("  Bùi\\u00a0Ngọc\\n Tư ")
    'Bùi Ngọc Tư'
    """
    if not text.isprintable():
        text = _INVISIBLE.sub("", text)
    return nfc(" ".join(text.split()))


def join_paragraphs(paragraphs: list[str]) -> str:
    """Paragraphs (already tidied) → one body, separated by single blank lines."""
    return "\n\n".join(p for p in paragraphs if p)


_UNSAFE_ID_CHAR = re.compile(r"[^A-Za-z0-9_.-]")


def _ascii_letter(ch: str) -> str:
    """The unaccented letter of a Vietnamese letter ("ế" → "e", "Đ" → "D"), else ``ch``."""
    if ch in "đĐ":
        return "d" if ch == "đ" else "D"
    base = unicodedata.normalize("NFD", ch)[0]
    return base if base.isascii() else ch


def safe_id(raw: object) -> str:
    """An id that can go into a URL unescaped: keeps ``[A-Za-z0-9_.-]``, replaces the rest.

    Vietnamese letters lose their marks rather than becoming ``_``, so ids stay readable;
    every other character becomes one ``_`` (one for one, so distinct ids stay distinct
    as far as possible).

    >>> safe_id("test/Chinh tri Xa hoi/XH_NLD_T_ (8962)")
    'test_Chinh_tri_Xa_hoi_XH_NLD_T___8962_'
    >>> safe_id("bài-viết-số-1")
    'bai-viet-so-1'
    """
    text = unicodedata.normalize("NFC", str(raw)).strip()
    if not _UNSAFE_ID_CHAR.search(text):
        return text
    if not text.isascii():
        text = "".join(_ascii_letter(ch) if not ch.isascii() else ch for ch in text)
    return _UNSAFE_ID_CHAR.sub("_", text)


def word_count(text: str) -> int:
    """Number of whitespace-separated words (Vietnamese syllables, mostly)."""
    return len(text.split())

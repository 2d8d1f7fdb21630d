"""Bytes → text for Vietnamese files, whatever they were saved as.

Old Vietnamese documents come in several encodings that a plain ``bytes.decode("utf-8")``
turns into mojibake or errors:

- UTF-8 (with or without a BOM) and UTF-16 (with a BOM, or without one when the NUL pattern
  makes it plain);
- Windows-1258 (cp1258), which stores many letters as a base letter plus a combining tone
  mark ("ế" = "ê" + U+0301): the result is composed to NFC;
- TCVN3 (the "ABC" font encoding, ``.VnTime``): one byte per lower-case letter, e.g.
  ``b"Vi\\xd6t"`` → "Việt";
- VNI (VNI-Windows fonts): a base letter followed by a mark byte, e.g. ``b"Vie\\xe4t"``
  ("Vieät") → "Việt".

Detection: a BOM decides; bytes that are valid UTF-8 are UTF-8; otherwise every legacy
candidate is decoded and the one whose words look most like Vietnamese syllables wins.
The conversion tables and their inverse, ``encode_legacy`` (used by the tests to round-trip
real sentences), are in ``legacy``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .legacy import TONES, compose, decode_tcvn3, decode_vni, encode_legacy

__all__ = [
    "DecodeError",
    "Decoded",
    "decode_bytes",
    "decode_tcvn3",
    "decode_vni",
    "encode_legacy",
    "vietnamese_score",
]

UNDECODABLE = "cannot decode as UTF-8, UTF-16, Windows-1258, TCVN3 or VNI"
BINARY = "binary file (not text)"
EMPTY = "empty file"


class DecodeError(ValueError):
    """The bytes are not usable text; ``reason`` says why in words a user understands."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Decoded:
    """Decoded text (NFC) and the name of the encoding it was found in."""

    text: str
    encoding: str


# --- How Vietnamese does a text look? --------------------------------------------------------
_ONSETS = "ngh|ng|gh|gi|kh|nh|ph|qu|th|tr|ch|[bcdđghklmnprstvx]"
_NUCLEI = (
    "a ă â e ê i o ô ơ u ư y ai ao au ay âu ây eo êu ia iê iu oa oă oe oi ôi ơi oo ua uâ uê ui "
    "uô uơ uy ưa ưi ưu ươ yê iêu oai oao oay oeo uây uôi uya uyê uyu ươi ươu yêu"
).split()
_CODAS = "ch|ng|nh|[cmnpt]"
_SYLLABLE = re.compile(
    f"(?:{_ONSETS})?(?:{'|'.join(sorted(_NUCLEI, key=len, reverse=True))})(?P<coda>{_CODAS})?"
)
_STOP_CODAS = frozenset({"c", "ch", "p", "t"})


def _letter_table() -> dict[str, tuple[str, int]]:
    """Every lower-case Vietnamese letter → (letter without tone, tone index)."""
    table: dict[str, tuple[str, int]] = {}
    for base in "abcdđeghiklmnopqrstuvxyfjwzăâêôơư":
        table[base] = (base, 0)
    for base in "aăâeêioôơuưy":
        for index, tone in enumerate(TONES[1:], start=1):
            table[compose(base, tone)] = (base, index)
    return table


_LETTERS = _letter_table()
_EDGE_PUNCTUATION = "\"'()[]{}<>«»“”‘’.,;:!?…-–—/*&%#+=|"


def _is_syllable(word: str) -> bool:
    """Does ``word`` (lower case, NFC) have the shape of one Vietnamese syllable?"""
    bases = []
    tone = 0
    for ch in word:
        entry = _LETTERS.get(ch)
        if entry is None:
            return False
        base, t = entry
        if t:
            if tone:
                return False  # two tone marks in one syllable
            tone = t
        bases.append(base)
    match = _SYLLABLE.fullmatch("".join(bases))
    if match is None:
        return False
    # A syllable closed by a stop (-c, -ch, -p, -t) takes only the sắc or nặng tone.
    return not (match.group("coda") in _STOP_CODAS and tone not in (1, 5))


def vietnamese_score(text: str) -> tuple[float, int]:
    """Share of the words with non-ASCII letters that are valid Vietnamese syllables.

    Returns ``(share, number of such words)``; ASCII-only words say nothing about the
    encoding and are not counted. ``vietnamese_score("Tiếng Việt")`` → ``(1.0, 2)``;
    the same bytes misread as Windows-1258 score near 0.
    """
    good = total = 0
    for token in text.split():
        if token.isascii():
            continue
        for word in re.split(r"[-/]", token):
            word = word.strip(_EDGE_PUNCTUATION)
            if not word or word.isascii():
                continue
            total += 1
            if _is_syllable(word.lower()):
                good += 1
    return (good / total if total else 0.0), total


# --- Detection ---------------------------------------------------------------------------------
_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
_BINARY_MAGIC = (
    b"%PDF-",
    b"PK\x03\x04",
    b"\x89PNG",
    b"GIF8",
    b"\xff\xd8\xff",
    b"\x1f\x8b",
    b"\xd0\xcf\x11\xe0",  # old MS Office
    b"\x7fELF",
    b"BZh",
    b"7z\xbc\xaf",
    b"Rar!",
    b"RIFF",
    b"ID3",
    b"OggS",
)
_SAMPLE = 64 * 1024
_CONTROL_BYTES = frozenset(range(0x00, 0x09)) | frozenset(range(0x0E, 0x20)) - {0x1B}


def _looks_utf16(sample: bytes) -> str | None:
    """UTF-16 without a BOM: ASCII letters leave a NUL in every other byte."""
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    even_nul, odd_nul = even.count(0) / len(even), odd.count(0) / len(odd)
    if odd_nul > 0.3 and even_nul < 0.02:
        return "utf-16-le"
    if even_nul > 0.3 and odd_nul < 0.02:
        return "utf-16-be"
    return None


def _strict(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


def _finish(text: str, encoding: str) -> Decoded:
    if not text.strip():
        raise DecodeError(EMPTY)
    if "\x00" in text:
        raise DecodeError(BINARY)
    return Decoded(unicodedata.normalize("NFC", text), encoding)


_LEGACY_DECODERS = (
    ("cp1258", lambda data: _strict(data, "cp1258")),
    ("tcvn3", decode_tcvn3),
    ("vni", decode_vni),
)


def decode_bytes(data: bytes, declared: str | None = None) -> Decoded:
    """Find out how ``data`` was encoded and decode it to NFC text.

    ``declared`` is an encoding the file claims (an HTML ``<meta charset>``); it is tried
    among the legacy candidates, never trusted blindly. Raises ``DecodeError`` with the
    reason for empty, binary or undecodable input.

    >>> decode_bytes("Tiếng Việt".encode("utf-16")).text
    'Tiếng Việt'
    """
    if not data.strip():
        raise DecodeError(EMPTY)
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            text = _strict(data[len(bom) :], encoding)
            if text is None:
                raise DecodeError(UNDECODABLE)
            return _finish(text, encoding.replace("-sig", ""))
    head = data[:_SAMPLE]
    if head.startswith(_BINARY_MAGIC):
        raise DecodeError(BINARY)
    if b"\x00" in head:
        utf16 = _looks_utf16(head)
        text = _strict(data, utf16) if utf16 else None
        if text is None:
            raise DecodeError(BINARY)
        return _finish(text, utf16)
    controls = sum(1 for b in head if b in _CONTROL_BYTES)
    if controls > 0.05 * len(head):
        raise DecodeError(BINARY)
    text = _strict(data, "utf-8")
    if text is not None:
        return _finish(text, "utf-8")
    text = _mostly_utf8(data)
    if text is not None:
        return _finish(text, "utf-8")
    return _finish(*_guess_legacy(data, declared))


def _mostly_utf8(data: bytes) -> str | None:
    """UTF-8 with a stray invalid byte or two (a scraper's cut, a pasted Windows character).

    Each invalid byte becomes U+FFFD. Legacy encodings break UTF-8 at nearly every accented
    letter, so a handful of errors in a text full of valid multi-byte letters means UTF-8.
    """
    text = data.decode("utf-8", errors="replace")
    errors = text.count("\ufffd")
    multibyte = sum(1 for ch in text if ord(ch) > 0x7F) - errors
    if errors <= max(3, len(text) // 1000) and multibyte >= 20 * errors:
        return text
    return None


def _guess_legacy(data: bytes, declared: str | None) -> tuple[str, str]:
    """Decode with each legacy candidate and keep the most Vietnamese-looking result."""
    candidates = list(_LEGACY_DECODERS)
    if declared:
        name = declared.strip().lower()
        if name not in ("cp1258", "windows-1258", "utf-8", "utf8"):
            candidates.insert(0, (name, lambda d, n=name: _declared(d, n)))
    sample = data[:_SAMPLE]
    scored: list[tuple[float, int, int, str]] = []
    for rank, (name, decoder) in enumerate(candidates):
        text = decoder(sample)
        if text is not None:
            share, words = vietnamese_score(unicodedata.normalize("NFC", text))
            # Ties go to the earlier candidate (Windows-1258, the only registered codec).
            scored.append((share, -rank, words, name))
    if not scored:
        raise DecodeError(UNDECODABLE)
    decoders = dict(candidates)
    for share, _, words, name in sorted(scored, reverse=True):
        # Enough words that are clearly not Vietnamese under every reading: not a text we know.
        if share < 0.5 and words >= 3:
            break
        text = decoders[name](data)
        if text is not None:  # None: the sample decoded but the whole file does not
            return text, name
    raise DecodeError(UNDECODABLE)


def _declared(data: bytes, name: str) -> str | None:
    try:
        return data.decode(name)
    except (LookupError, UnicodeDecodeError):
        return None

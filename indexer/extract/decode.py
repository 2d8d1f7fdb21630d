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
The conversion tables are written out below from the published charts; ``encode_legacy``
is their inverse (used by the tests to round-trip real sentences).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

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


# --- The tone marks, in the order the charts list them -----------------------------------
_TONES = ("", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323")  # none, sắc, huyền, hỏi, ngã, nặng


def _compose(*parts: str) -> str:
    return unicodedata.normalize("NFC", "".join(parts))


# --- TCVN3 (ABC) ---------------------------------------------------------------------------
# TCVN 5712:1993 "VN3": the 134-character set of the ABC fonts. Lower-case letters with
# tones have their own bytes; upper case has only Ă Â Ê Ô Ơ Ư Đ (capital toned letters were
# drawn with a separate upper-case font from the same lower-case codes, so they decode as
# lower case: the bytes do not say otherwise). Each row: letter, then sắc, huyền, hỏi, ngã,
# nặng.
_TCVN3_ROWS = {
    "a": (0xB8, 0xB5, 0xB6, 0xB7, 0xB9),
    "ă": (0xBE, 0xBB, 0xBC, 0xBD, 0xC6),
    "â": (0xCA, 0xC7, 0xC8, 0xC9, 0xCB),
    "e": (0xD0, 0xCC, 0xCE, 0xCF, 0xD1),
    "ê": (0xD5, 0xD2, 0xD3, 0xD4, 0xD6),
    "i": (0xDD, 0xD7, 0xD8, 0xDC, 0xDE),
    "o": (0xE3, 0xDF, 0xE1, 0xE2, 0xE4),
    "ô": (0xE8, 0xE5, 0xE6, 0xE7, 0xE9),
    "ơ": (0xED, 0xEA, 0xEB, 0xEC, 0xEE),
    "u": (0xF3, 0xEF, 0xF1, 0xF2, 0xF4),
    "ư": (0xF8, 0xF5, 0xF6, 0xF7, 0xF9),
    "y": (0xFD, 0xFA, 0xFB, 0xFC, 0xFE),
}
_TCVN3_LETTERS = {
    0xA1: "Ă",
    0xA2: "Â",
    0xA3: "Ê",
    0xA4: "Ô",
    0xA5: "Ơ",
    0xA6: "Ư",
    0xA7: "Đ",
    0xA8: "ă",
    0xA9: "â",
    0xAA: "ê",
    0xAB: "ô",
    0xAC: "ơ",
    0xAD: "ư",
    0xAE: "đ",
}


def _tcvn3_table() -> dict[int, str]:
    table = dict(_TCVN3_LETTERS)
    for base, codes in _TCVN3_ROWS.items():
        for tone, code in zip(_TONES[1:], codes, strict=True):
            table[code] = _compose(base, tone)
    return table


_TCVN3_TO_UNICODE = _tcvn3_table()


def _fallback_char(byte: int) -> str:
    """A high byte that a legacy chart leaves unassigned: what Windows showed for it."""
    try:
        return bytes([byte]).decode("cp1252")
    except UnicodeDecodeError:
        return chr(byte)  # 0x81, 0x8D, 0x8F, 0x90, 0x9D: control characters in Latin-1


# A str.translate table over Latin-1-decoded bytes: byte value → Unicode text.
_TCVN3_TRANSLATE = {b: _TCVN3_TO_UNICODE.get(b) or _fallback_char(b) for b in range(0x80, 0x100)}


def decode_tcvn3(data: bytes) -> str:
    """Decode TCVN3 (ABC) bytes: ``decode_tcvn3(b"Ti\\xd5ng Vi\\xd6t")`` → ``"Tiếng Việt"``."""
    return data.decode("latin-1").translate(_TCVN3_TRANSLATE)


# --- VNI (VNI-Windows) -----------------------------------------------------------------------
# A letter is written as its base letter plus one mark byte (the mark bytes are Latin-1
# letters, hence "Vieät Nam"); ơ, ư, đ and the toned i / ỵ have bytes of their own. Marks
# come in a lower- and an upper-case form (drawn higher, above capitals).
_VNI_TONE = ("ùøûõï", "ÙØÛÕÏ")  # sắc, huyền, hỏi, ngã, nặng
_VNI_CIRCUMFLEX = ("âáàåãä", "ÂÁÀÅÃÄ")  # â, then â with sắc … nặng
_VNI_BREVE = ("êéèúüë", "ÊÉÈÚÜË")  # ă, then ă with sắc … nặng
_VNI_SINGLE = {
    "ô": "ơ",
    "Ô": "Ơ",
    "ö": "ư",
    "Ö": "Ư",
    "ñ": "đ",
    "Ñ": "Đ",
    "î": "ỵ",
    "Î": "Ỵ",
}
_VNI_I = ("íìæóò", "ÍÌÆÓÒ")  # í ì ỉ ĩ ị as single bytes


def _vni_tables() -> tuple[dict[str, str], dict[str, str]]:
    """(VNI sequence → Unicode letter) for decoding and (letter → sequence) for encoding."""
    encode: dict[str, str] = {}
    decode: dict[str, str] = {}

    def add(seq: str, letter: str, canonical: bool = True) -> None:
        decode[seq] = letter
        if canonical:
            encode.setdefault(letter, seq)

    for case in (0, 1):
        upper = case == 1

        def cased(s: str, upper: bool = upper) -> str:
            return s.upper() if upper else s

        for base in "aeouy":
            for tone, mark in zip(_TONES[1:], _VNI_TONE[case], strict=True):
                add(cased(base) + mark, cased(_compose(base, tone)))
        for base in "aeo":
            for tone, mark in zip(_TONES, _VNI_CIRCUMFLEX[case], strict=True):
                add(cased(base) + mark, cased(_compose(base, "\u0302", tone)))
        for tone, mark in zip(_TONES, _VNI_BREVE[case], strict=True):
            add(cased("a") + mark, cased(_compose("a", "\u0306", tone)))
        for single, letter in (("ô", "ơ"), ("ö", "ư")):
            for tone, mark in zip(_TONES[1:], _VNI_TONE[case], strict=True):
                add(cased(single) + mark, cased(_compose(letter, tone)))
        for tone, byte in zip(_TONES[1:], _VNI_I[case], strict=True):
            add(byte, cased(_compose("i", tone)))
    for seq, letter in _VNI_SINGLE.items():
        add(seq, letter)
    # The y with nặng has its own byte (î); "yï" is accepted too when decoding.
    add("yï", "ỵ", canonical=False)
    add("YÏ", "Ỵ", canonical=False)
    # Marks whose case does not match the base letter (hand-edited files): the base decides.
    for seq, letter in list(decode.items()):
        if len(seq) == 2:
            flipped = seq[0] + (seq[1].lower() if seq[1].isupper() else seq[1].upper())
            decode.setdefault(flipped, letter.upper() if seq[0].isupper() else letter.lower())
    return decode, encode


_VNI_DECODE, _VNI_ENCODE = _vni_tables()
_VNI_PATTERN = re.compile(
    "|".join(re.escape(seq) for seq in sorted(_VNI_DECODE, key=len, reverse=True))
)


def decode_vni(data: bytes) -> str:
    """Decode VNI-Windows bytes: ``decode_vni(b"Vie\\xe4t Nam")`` → ``"Việt Nam"``."""
    text = data.decode("latin-1")
    text = _VNI_PATTERN.sub(lambda m: _VNI_DECODE[m.group()], text)
    # Bytes 0x80–0x9F are Windows punctuation (curly quotes, dashes) in these files.
    return text.translate(_C1_AS_CP1252)


_C1_AS_CP1252 = {b: _fallback_char(b) for b in range(0x80, 0xA0)}


# --- Encoders (the inverse tables), for tests and for tools that write legacy files --------
def _encode_cp1258_char(ch: str) -> bytes:
    try:
        return ch.encode("cp1258")
    except UnicodeEncodeError:
        pass
    # Windows-1258 has the base letters (â, ơ, đ …) and the five tone marks as combining
    # characters: write the letter without its tone, then the tone.
    decomposed = unicodedata.normalize("NFD", ch)
    tones = "".join(c for c in decomposed if c in _TONES[1:])
    base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONES[1:]))
    return base.encode("cp1258") + tones.encode("cp1258")


def _encode_tcvn3_char(ch: str, inverse: dict[str, int]) -> bytes:
    if ch.isascii():
        return ch.encode("ascii")
    code = inverse.get(ch)
    if code is None:
        # Capital toned letters: ABC files hold the lower-case code (see the table above).
        code = inverse.get(ch.lower())
    if code is None:
        return ch.encode("cp1252")
    return bytes([code])


@lru_cache(maxsize=1)
def _tcvn3_inverse() -> dict[str, int]:
    return {letter: code for code, letter in _TCVN3_TO_UNICODE.items()}


def encode_legacy(text: str, encoding: str) -> bytes:
    """Encode ``text`` as ``"cp1258"``, ``"tcvn3"`` or ``"vni"`` bytes (the inverse tables).

    ``encode_legacy("Việt Nam", "vni")`` → ``b"Vie\\xe4t Nam"``. Characters with no place in
    the target encoding raise ``UnicodeEncodeError``.
    """
    text = unicodedata.normalize("NFC", text)
    if encoding == "cp1258":
        return b"".join(_encode_cp1258_char(ch) for ch in text)
    if encoding == "tcvn3":
        inverse = _tcvn3_inverse()
        return b"".join(_encode_tcvn3_char(ch, inverse) for ch in text)
    if encoding == "vni":
        return "".join(_VNI_ENCODE.get(ch, ch) for ch in text).encode("cp1252")
    raise ValueError(f"unknown legacy encoding {encoding!r}: use cp1258, tcvn3 or vni")


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
        for index, tone in enumerate(_TONES[1:], start=1):
            table[_compose(base, tone)] = (base, index)
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

"""The legacy Vietnamese encodings: Windows-1258, TCVN3 and VNI, both ways.

``decode_tcvn3`` and ``decode_vni`` turn bytes of the font encodings of old Vietnamese
documents into NFC text (Windows-1258 is Python's own ``cp1258``, composed afterwards);
``encode_legacy`` is their inverse (used by the tests to round-trip real sentences). The
conversion tables are written out from the published charts. Which encoding a file is in
is found by ``decode``.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["TONES", "compose", "decode_tcvn3", "decode_vni", "encode_legacy"]

# --- The tone marks, in the order the charts list them -----------------------------------
TONES = ("", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323")  # none, sắc, huyền, hỏi, ngã, nặng


def compose(*parts: str) -> str:
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
        for tone, code in zip(TONES[1:], codes, strict=True):
            table[code] = compose(base, tone)
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
            for tone, mark in zip(TONES[1:], _VNI_TONE[case], strict=True):
                add(cased(base) + mark, cased(compose(base, tone)))
        for base in "aeo":
            for tone, mark in zip(TONES, _VNI_CIRCUMFLEX[case], strict=True):
                add(cased(base) + mark, cased(compose(base, "\u0302", tone)))
        for tone, mark in zip(TONES, _VNI_BREVE[case], strict=True):
            add(cased("a") + mark, cased(compose("a", "\u0306", tone)))
        for single, letter in (("ô", "ơ"), ("ö", "ư")):
            for tone, mark in zip(TONES[1:], _VNI_TONE[case], strict=True):
                add(cased(single) + mark, cased(compose(letter, tone)))
        for tone, byte in zip(TONES[1:], _VNI_I[case], strict=True):
            add(byte, cased(compose("i", tone)))
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
    tones = "".join(c for c in decomposed if c in TONES[1:])
    base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in TONES[1:]))
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

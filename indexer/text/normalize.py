"""Vietnamese text normalisation: Unicode NFC, canonical tone placement, diacritic folding.

Everything here works on single characters or single syllables and keeps string length, so
offsets computed on a normalised or folded word point at the same characters of the original.

- ``nfc("Tie\u0302\u0301ng")`` → ``"Tiếng"`` (decomposed input composes)
- ``canonical_tones("hoà thuỷ Uỷ")`` → ``"hòa thủy Ủy"`` (old and new placements are one word)
- ``fold("Đường Hồ Chí Minh")`` → ``"Duong Ho Chi Minh"`` (đ/Đ → d/D, every mark dropped)
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Combining tone marks: sắc, huyền, hỏi, ngã, nặng.
TONE_MARKS = ("\u0301", "\u0300", "\u0309", "\u0303", "\u0323")
_VOWELS = "aăâeêioôơuưy"
_MODIFIED_VOWELS = frozenset("ăâêôơư")
_FINAL_CONSONANTS = ("ch", "ng", "nh", "c", "m", "n", "p", "t")


def _build_tables() -> tuple[dict[str, tuple[str, int]], dict[tuple[str, int], str]]:
    """Map every toned vowel to (base vowel, tone index) and back, for both cases."""
    split: dict[str, tuple[str, int]] = {}
    join: dict[tuple[str, int], str] = {}
    for base in _VOWELS + _VOWELS.upper():
        join[(base, 0)] = base
        split[base] = (base, 0)
        for i, mark in enumerate(TONE_MARKS, start=1):
            toned = unicodedata.normalize("NFC", base + mark)
            split[toned] = (base, i)
            join[(base, i)] = toned
    return split, join


_SPLIT, _JOIN = _build_tables()


def nfc(text: str) -> str:
    """Unicode NFC, so that decomposed input becomes one form:
    ``nfc("Tie\u0302\u0301ng Vie\u0323\u0302t")`` → ``"Tiếng Việt"``."""
    if text.isascii():  # the common line of a scraped page: nothing to compose
        return text
    return unicodedata.normalize("NFC", text)


def _tone_position(bases: list[str]) -> int | None:
    """Index in ``bases`` (a lower-case syllable with tones removed) where the tone belongs.

    Uses the traditional placement that most Vietnamese text and pyvi use: "hòa", "thủy",
    "khỏe", "của", "quý", "giữ", "hoàng", "người". Returns None when the word does not have
    the shape of a Vietnamese syllable (then the word is left as it is).
    """
    n = len(bases)
    start = 0
    while start < n and bases[start] not in _VOWELS:
        start += 1
    if start == n:
        return None
    end = start
    while end < n and bases[end] in _VOWELS:
        end += 1
    tail = "".join(bases[end:])
    if tail and tail not in _FINAL_CONSONANTS:
        return None
    onset = "".join(bases[:start])
    # "qu" and "gi": the u / i belongs to the consonant when another vowel follows.
    if end - start >= 2 and (
        (onset == "q" and bases[start] == "u") or (onset == "g" and bases[start] == "i")
    ):
        start += 1
    nucleus = bases[start:end]
    if len(nucleus) == 1:
        return start
    modified = [i for i, c in enumerate(nucleus) if c in _MODIFIED_VOWELS]
    if modified:
        return start + modified[-1]
    if tail:
        return end - 1
    if len(nucleus) == 3:
        return start + 1
    return start


@lru_cache(maxsize=200_000)
def canonical_word(word: str) -> str:
    """One word with its tone mark moved to the canonical (traditional) place.

    ``canonical_word("hoà")`` → ``"hòa"``; ``canonical_word("Thuỷ")`` → ``"Thủy"``. Words that
    are not Vietnamese syllables, or carry no tone, come back unchanged. Length is kept.
    """
    tone = 0
    tone_at = -1
    bases: list[str] = []
    for i, ch in enumerate(word):
        parts = _SPLIT.get(ch)
        if parts is None:
            bases.append(ch.lower())
            continue
        base, t = parts
        bases.append(base.lower())
        if t:
            if tone:
                return word  # two tone marks: not a syllable we understand
            tone, tone_at = t, i
    if not tone:
        return word
    pos = _tone_position(bases)
    if pos is None or pos == tone_at:
        return word
    chars = list(word)
    old_base = _SPLIT[chars[tone_at]][0]
    chars[tone_at] = old_base
    new_base = _SPLIT.get(chars[pos], (chars[pos], 0))[0]
    chars[pos] = _JOIN.get((new_base, tone), chars[pos])
    return "".join(chars)


_WORD_RE = re.compile(r"[^\W\d_]+")


def canonical_tones(text: str) -> str:
    """Every word of ``text`` with canonical tone placement ("Hoà bình" → "Hòa bình")."""
    return _WORD_RE.sub(lambda m: canonical_word(m.group()), text)


def normalize(text: str) -> str:
    """The form analysis works on: NFC, canonical tones, lower case ("Uỷ Ban" → "ủy ban")."""
    return canonical_tones(nfc(text)).lower()


def _build_fold_table() -> dict[int, str]:
    table: dict[int, str] = {ord("đ"): "d", ord("Đ"): "D"}
    for code in list(range(0x00C0, 0x0250)) + list(range(0x1E00, 0x1F00)):
        ch = chr(code)
        base = unicodedata.normalize("NFD", ch)[0]
        if base != ch and base.isascii():
            table[code] = base
    return table


_FOLD_TABLE = _build_fold_table()


def fold(text: str) -> str:
    """Drop every diacritic, đ/Đ included: "Đắk Lắk" → "Dak Lak". NFC input keeps its length."""
    return text.translate(_FOLD_TABLE)


def has_diacritics(word: str) -> bool:
    """True when the word carries any Vietnamese mark ("dân" yes, "dan" no)."""
    return fold(word) != word


def strip_tone(word: str) -> str:
    """Remove only the tone mark, keeping vowel shapes: "người" → "ngươi"."""
    return "".join(_SPLIT[ch][0] if ch in _SPLIT else ch for ch in word)


def tone_of(word: str) -> int:
    """The tone of a syllable, 0 (ngang) to 5 (nặng), in the order of TONE_MARKS."""
    for ch in word:
        parts = _SPLIT.get(ch)
        if parts and parts[1]:
            return parts[1]
    return 0


def apply_tone(word: str, tone: int) -> str:
    """Put ``tone`` (1–5) on the toneless ``word`` at the canonical place: ("hoa", 2) → "hòa"."""
    if not tone:
        return word
    bases = [ch.lower() for ch in word]
    pos = _tone_position(bases)
    if pos is None:
        return word
    chars = list(word)
    toned = _JOIN.get((chars[pos], tone))
    if toned is None:
        return word
    chars[pos] = toned
    return "".join(chars)


_TELEX_TONES = {"s": 1, "f": 2, "r": 3, "x": 4, "j": 5}
_VNI_TONES = {"1": 1, "2": 2, "3": 3, "4": 4, "5": 5}
_TELEX_SHAPES = (
    ("uwow", "ươ"),
    ("uow", "ươ"),
    ("uwo", "ươ"),
    ("aa", "â"),
    ("aw", "ă"),
    ("ee", "ê"),
    ("oo", "ô"),
    ("ow", "ơ"),
    ("uw", "ư"),
    ("dd", "đ"),
)
_VNI_SHAPES = (
    ("u7o7", "ươ"),
    ("uo7", "ươ"),
    ("a6", "â"),
    ("a8", "ă"),
    ("e6", "ê"),
    ("o6", "ô"),
    ("o7", "ơ"),
    ("u7", "ư"),
    ("d9", "đ"),
)
_VOWEL_SET = frozenset(_VOWELS)


def _decode_typed(word: str, shapes: tuple[tuple[str, str], ...], tones: dict[str, int]) -> str:
    w = word.lower()
    tone = 0
    # The tone key may come anywhere after the first vowel; Unikey takes the last one typed.
    for i in range(len(w) - 1, 0, -1):
        if w[i] in tones and any(c in _VOWEL_SET for c in w[:i]):
            tone = tones[w[i]]
            w = w[:i] + w[i + 1 :]
            break
    for typed, letter in shapes:
        w = w.replace(typed, letter)
    if tones is _TELEX_TONES and "w" in w:
        # A lone w after a consonant types ư ("tw" → "tư"), as Telex keyboards do.
        w = w.replace("w", "ư")
    if not all(c.isalpha() for c in w):
        return word
    return apply_tone(w, tone)


def decode_telex(word: str) -> str:
    """A word typed in Telex on a keyboard without Vietnamese input: "tieengs" → "tiếng".

    Returns the word unchanged when it has no Telex keys. The caller decides whether the
    decoding is meant (a real word such as "sex" must not become something else).
    """
    return _decode_typed(word, _TELEX_SHAPES, _TELEX_TONES)


def decode_vni(word: str) -> str:
    """A word typed in VNI (digits for marks): "vie65t" → "việt", "d9u7o7ng2" → "đường"."""
    return _decode_typed(word, _VNI_SHAPES, _VNI_TONES)

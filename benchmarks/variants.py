"""Query variants: the ways a reader may type the same Vietnamese words.

Each generator takes a text (NFC or not) and returns the variant; ``mixed`` also takes a
seeded ``random.Random``, so a run is reproducible. They are written independently of
``indexer.text.normalize`` on purpose: a benchmark must not share the engine's bugs.

- ``unaccented("Đường Hồ Chí Minh")`` → ``"Duong Ho Chi Minh"``
- ``tone_moved("hòa thuỷ hoàng")`` → ``"hoà thủy hoàng"`` (only oa/oe/uy at the end of a word)
- ``telex("tiếng Việt, đường")`` → ``"tieengs Vieetj, dduwowngf"``
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Callable

# Combining marks as NFD spells Vietnamese letters.
GRAVE, ACUTE, HOOK, TILDE, DOT = "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"
CIRCUMFLEX, BREVE, HORN = "\u0302", "\u0306", "\u031b"
TONES = (ACUTE, GRAVE, HOOK, TILDE, DOT)  # sắc, huyền, hỏi, ngã, nặng
TELEX_TONE_KEYS = {ACUTE: "s", GRAVE: "f", HOOK: "r", TILDE: "x", DOT: "j"}
VOWELS = frozenset("aăâeêioôơuưy")
# Two-vowel endings whose tone is placed differently by the old and the new convention
# (hòa/hoà, khỏe/khoẻ, thủy/thuỷ); closed syllables (hoàng, khuyến) have one placement only.
MOVABLE_PAIRS = frozenset({"oa", "oe", "uy"})

WORD = re.compile(r"\w+")

VARIANT_NAMES = ("as-written", "unaccented", "tone-moved", "telex", "mixed")


def _split_letter(ch: str) -> tuple[str, str, str]:
    """``ch`` as (base letter, vowel modifier marks, tone mark): "ệ" → ("e", "\\u0302", DOT)."""
    nfd = unicodedata.normalize("NFD", ch)
    base, marks = nfd[0], nfd[1:]
    tone = "".join(m for m in marks if m in TONES)
    modifiers = "".join(m for m in marks if m not in TONES)
    return base, modifiers, tone


def strip_diacritics(text: str) -> str:
    """Every diacritic dropped and đ/Đ mapped to d/D: "Đà Nẵng" → "Da Nang"."""
    nfd = unicodedata.normalize("NFD", text)
    kept = "".join(ch for ch in nfd if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", kept.replace("đ", "d").replace("Đ", "D"))


def as_written(text: str) -> str:
    """The query as the collection gives it (NFC, so every variant starts from one form)."""
    return unicodedata.normalize("NFC", text)


def unaccented(text: str) -> str:
    """All diacritics stripped, đ → d: "Ủy ban nhân dân" → "Uy ban nhan dan"."""
    return strip_diacritics(text)


def _move_tone_word(word: str) -> str:
    letters = [_split_letter(ch) for ch in word]
    lower = [base.lower() + mods for base, mods, _ in letters]
    start = 0
    # "qu" and "gi" before a vowel are consonants: "quý", "quỳ" have one placement only.
    if len(lower) > 2 and lower[0] in ("q", "g") and lower[1] in ("u", "i") and lower[2] in VOWELS:
        start = 2
    while start < len(lower) and lower[start] not in VOWELS:
        start += 1
    end = start
    while end < len(lower) and lower[end] in VOWELS:
        end += 1
    if end != len(lower) or end - start != 2 or "".join(lower[start:end]) not in MOVABLE_PAIRS:
        return word
    toned = [i for i, (_, _, tone) in enumerate(letters) if tone]
    if len(toned) != 1 or toned[0] not in (start, start + 1):
        return word
    src = toned[0]
    dst = start + 1 if src == start else start
    out = list(word)
    base, mods, tone = letters[src]
    out[src] = unicodedata.normalize("NFC", base + mods)
    base, mods, _ = letters[dst]
    out[dst] = unicodedata.normalize("NFC", base + mods + tone)
    return "".join(out)


def tone_moved(text: str) -> str:
    """The tone mark moved to the other placement convention: hòa ↔ hoà, thủy ↔ thuỷ.

    Only words ending in oa, oe, uy (the cases where the conventions differ) change.
    """
    return WORD.sub(lambda m: _move_tone_word(m.group()), unicodedata.normalize("NFC", text))


def _telex_word(word: str) -> str:
    keys: list[str] = []
    tone_key = ""
    for ch in word:
        if ch in "đĐ":
            keys.append("dd" if ch == "đ" else "DD")
            continue
        base, mods, tone = _split_letter(ch)
        keys.append(base)
        if CIRCUMFLEX in mods:
            keys.append(base)  # aa = â, ee = ê, oo = ô
        if BREVE in mods or HORN in mods:
            keys.append("W" if base.isupper() else "w")  # aw = ă, ow = ơ, uw = ư
        if tone:
            tone_key = TELEX_TONE_KEYS[tone[0]]
    return "".join(keys) + tone_key


def telex(text: str) -> str:
    """Each word as typed in Telex, tone key last: "đường" → "dduwowngf".

    aa=â aw=ă ee=ê oo=ô ow=ơ uw=ư dd=đ; s f r x j = sắc huyền hỏi ngã nặng. Letter keys keep
    the letter's case ("Đ" → "DD"); the tone key is lower case. Words without diacritics are
    typed as they are.
    """
    return WORD.sub(lambda m: _telex_word(m.group()), unicodedata.normalize("NFC", text))


def mixed(text: str, rng: random.Random) -> str:
    """About half of the words keep their accents, the others are stripped (seeded).

    One draw per word, so the same text and seed always give the same output.
    """

    def one(m: re.Match[str]) -> str:
        keep = rng.random() < 0.5
        return m.group() if keep else strip_diacritics(m.group())

    return WORD.sub(one, unicodedata.normalize("NFC", text))


def make_variant(name: str, text: str, key: str = "", seed: int = 0) -> str:
    """``text`` as variant ``name``; ``key`` (the query id) and ``seed`` seed ``mixed``.

    >>> make_variant("unaccented", "Hòa Bình")
    'Hoa Binh'
    """
    if name not in _PLAIN and name != "mixed":
        raise ValueError(f"unknown variant {name!r}; choose from {', '.join(VARIANT_NAMES)}")
    if name == "mixed":
        return mixed(text, random.Random(f"{seed}:{key}"))
    return _PLAIN[name](text)


_PLAIN: dict[str, Callable[[str], str]] = {
    "as-written": as_written,
    "unaccented": unaccented,
    "tone-moved": tone_moved,
    "telex": telex,
}

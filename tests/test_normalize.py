import unicodedata

import pytest

from indexer.text.normalize import apply_tone, canonical_tones, canonical_word, fold, nfc, normalize


@pytest.mark.parametrize(
    ("old", "canonical"),
    [
        ("hoà", "hòa"),
        ("thuỷ", "thủy"),
        ("Uỷ", "Ủy"),
        ("oá", "óa"),
        ("uý", "úy"),
        ("khoẻ", "khỏe"),
        ("HOÀ", "HÒA"),
        ("Thuỵ", "Thụy"),
    ],
)
def test_new_style_tone_placement_becomes_the_canonical_one(old: str, canonical: str) -> None:
    assert canonical_word(old) == canonical
    assert canonical_word(canonical) == canonical


@pytest.mark.parametrize(
    "word",
    [
        "quý",
        "quả",
        "giữ",
        "gì",
        "của",
        "mùa",
        "hoàng",
        "người",
        "ngoài",
        "thuyền",
        "quỳnh",
        "khuỷu",
        "tiếng",
        "việt",
        "Kạn",
        "xoáy",
        "UBND",
        "2016",
        "hoạch",
        "tuổi",
        "mía",
    ],
)
def test_words_already_canonical_are_unchanged(word: str) -> None:
    assert canonical_word(word) == word


def test_decomposed_input_gives_the_same_result() -> None:
    composed = "Tiếng Việt hoà thuỷ Đắk Lắk"
    decomposed = unicodedata.normalize("NFD", composed)
    assert decomposed != composed
    assert normalize(decomposed) == normalize(composed) == "tiếng việt hòa thủy đắk lắk"
    assert nfc(decomposed) == composed


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Đắk Lắk", "Dak Lak"),
        ("đường Hồ Chí Minh", "duong Ho Chi Minh"),
        ("dân vận khéo", "dan van kheo"),
        ("Ủy ban", "Uy ban"),
        ("ưu tiên", "uu tien"),
    ],
)
def test_fold_drops_every_mark_including_d_bar(text: str, folded: str) -> None:
    assert fold(text) == folded
    assert len(fold(text)) == len(text)


def test_canonical_tones_keeps_length_and_non_words() -> None:
    text = "Uỷ ban (2016-2021): hoà, thuỷ!"
    assert canonical_tones(text) == "Ủy ban (2016-2021): hòa, thủy!"
    assert len(canonical_tones(text)) == len(text)


@pytest.mark.parametrize(
    ("word", "tone", "out"),
    [("hoa", 2, "hòa"), ("thuy", 3, "thủy"), ("hoang", 2, "hoàng"), ("quy", 1, "quý")],
)
def test_apply_tone_puts_the_mark_in_the_canonical_place(word: str, tone: int, out: str) -> None:
    assert apply_tone(word, tone) == out

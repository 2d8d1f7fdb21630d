"""Bytes → text: every encoding Vietnamese files come in, and the files that are not text."""

from __future__ import annotations

import unicodedata

import pytest

from indexer.extract.decode import (
    DecodeError,
    decode_bytes,
    decode_tcvn3,
    decode_vni,
    encode_legacy,
    vietnamese_score,
)

# Real sentences: every tone on every vowel shape, đ, ư/ơ clusters, capitals, numbers.
SENTENCES = [
    "Tiếp tục phối hợp chặt chẽ, hiệu quả trong công tác dân vận.",
    "Ngày 30/7/2018, đồng chí Lê Văn Bình chủ trì hội nghị trực tuyến với các địa phương.",
    "Người dân ở đó rất hiếu khách, đường phố đông đúc và nhộn nhịp.",
    "Thủy điện Đa Mi đẹp như một nàng công chúa, ngọn thác sương mù hùng vĩ, cao ngất.",
    "Khuya rồi, chị ấy vẫn ngồi khâu áo, kể chuyện quê nhà thuở ấu thơ, nghĩ ngợi mãi.",
    "Hoà bình, khoẻ mạnh, thuỷ chung: những chữ viết theo kiểu bỏ dấu cũ vẫn giữ nguyên.",
]


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


@pytest.mark.parametrize("sentence", SENTENCES)
@pytest.mark.parametrize("encoding", ["cp1258", "vni"])
def test_legacy_encodings_round_trip_and_are_detected(encoding: str, sentence: str) -> None:
    decoded = decode_bytes(encode_legacy(sentence, encoding))
    assert decoded.encoding == encoding
    assert decoded.text == sentence


@pytest.mark.parametrize("sentence", SENTENCES)
def test_tcvn3_round_trips_lower_case_and_is_detected(sentence: str) -> None:
    # TCVN3 (ABC) has no codes for capital toned letters: "Ủy" is stored as "ủy".
    expected = "".join(
        ch.lower() if ch.isupper() and ch not in "ĂÂÊÔƠƯĐ" and not ch.isascii() else ch
        for ch in sentence
    )
    decoded = decode_bytes(encode_legacy(sentence, "tcvn3"))
    assert decoded.encoding == "tcvn3"
    assert decoded.text == expected


def test_windows_1258_combining_marks_come_out_composed() -> None:
    # cp1258 writes "ế" as "ê" + U+0301: the decoded text must be NFC, not two characters.
    data = encode_legacy("Tiếng Việt", "cp1258")
    assert data == b"Ti\xea\xecng Vi\xea\xf2t"
    text = decode_bytes(data).text
    assert text == "Tiếng Việt"
    assert len(text) == len("Tiếng Việt")


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"Ti\xd5ng Vi\xd6t", "Tiếng Việt"),  # the published ABC chart
        (b"\xae\xb5 N\xb5ng", "đà Nàng"),  # capital toned letters decode lower case
        (b"\xa7\xb5 N\xb5ng", "Đà Nàng"),  # ... but Đ has its own code
        (b"Ch\xf9ng t\xb8 chi\xd5n", "Chựng tá chiến"),
    ],
)
def test_tcvn3_chart(data: bytes, expected: str) -> None:
    assert decode_tcvn3(data) == expected


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"Vie\xe4t Nam", "Việt Nam"),
        (b"VIE\xc4T NAM", "VIỆT NAM"),  # capitals use the upper-case marks
        (b"ng\xf6\xf4\xf8i", "người"),  # ư and ơ are single bytes, the tone follows
        (b"\xd1a\xf8 Na\xb5ng", "Đà Na\xb5ng"),  # µ is not a VNI mark: left as it is
        (b"ty\xf9 t\xee", "tý tỵ"),  # ỵ has its own byte
    ],
)
def test_vni_chart(data: bytes, expected: str) -> None:
    assert decode_vni(data) == expected


def test_every_vietnamese_letter_survives_vni_and_cp1258() -> None:
    letters = "aăâeêioôơuưy"
    toned = [
        nfc(base + tone)
        for base in letters + letters.upper()
        for tone in ("", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323")
    ]
    text = " ".join(f"x{letter}" for letter in [*toned, "đ", "Đ"])
    for encoding in ("vni", "cp1258"):
        data = encode_legacy(text, encoding)
        decoded = decode_vni(data) if encoding == "vni" else nfc(data.decode("cp1258"))
        assert decoded == text, encoding


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        ("Tiếng Việt có dấu".encode(), "utf-8"),
        (b"\xef\xbb\xbf" + "Tiếng Việt có dấu".encode(), "utf-8"),
        ("Tiếng Việt có dấu".encode("utf-16"), "utf-16-le"),
        (b"\xfe\xff" + "Tiếng Việt có dấu".encode("utf-16-be"), "utf-16-be"),
        ("Tiếng Việt có dấu, không có BOM".encode("utf-16-le"), "utf-16-le"),
    ],
)
def test_unicode_encodings(data: bytes, encoding: str) -> None:
    decoded = decode_bytes(data)
    assert decoded.encoding == encoding
    assert decoded.text.startswith("Tiếng Việt có dấu")


def test_decomposed_utf8_comes_out_nfc() -> None:
    decomposed = unicodedata.normalize("NFD", "Tiếng Việt")
    assert decode_bytes(decomposed.encode()).text == "Tiếng Việt"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),
        (b" \n\t\r\n  ", "empty file"),
        (b"\xef\xbb\xbf  \n", "empty file"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "binary file (not text)"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "binary file (not text)"),
        (b"Xin ch\x00\x00\x01\x02\x03 ao" * 50, "binary file (not text)"),
        (bytes([0x80 + (i * 37) % 128 for i in range(600)]), "cannot decode as"),
    ],
)
def test_unusable_bytes_say_why(data: bytes, reason: str) -> None:
    with pytest.raises(DecodeError) as caught:
        decode_bytes(data)
    assert caught.value.reason.startswith(reason)


def test_undecodable_reason_names_the_encodings_tried() -> None:
    # Words of high bytes that are Vietnamese under no reading.
    data = b" ".join(bytes([0xA0 + (i * 7) % 96, 0xA0 + (i * 13) % 96]) for i in range(200))
    with pytest.raises(DecodeError) as caught:
        decode_bytes(data)
    assert caught.value.reason == "cannot decode as UTF-8, UTF-16, Windows-1258, TCVN3 or VNI"


def test_latin_text_with_a_few_accents_still_decodes() -> None:
    # Mostly-ASCII Windows text with one accented word: not worth refusing.
    assert decode_bytes(b"Menu: caf\xe9 and tea").text == "Menu: café and tea"


def test_vietnamese_score() -> None:
    assert vietnamese_score("Tiếng Việt") == (1.0, 2)
    share, words = vietnamese_score("Tieáng Vieät")  # VNI bytes misread as Latin-1
    assert words == 2 and share == 0.0
    assert vietnamese_score("only ascii words") == (0.0, 0)


def test_utf8_with_a_stray_invalid_byte_is_still_utf8() -> None:
    data = ("Tiếp tục phối hợp chặt chẽ, hiệu quả trong công tác dân vận. " * 5).encode()
    damaged = data[:40] + b"\x96" + data[40:]  # a Windows dash pasted into UTF-8
    decoded = decode_bytes(damaged)
    assert decoded.encoding == "utf-8"
    assert decoded.text.count("\ufffd") == 1
    assert decoded.text.replace("\ufffd", "") == data.decode()

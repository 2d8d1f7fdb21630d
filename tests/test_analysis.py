from collections import Counter

import pytest

from indexer.index.schema import make_schema
from indexer.text.analysis import (
    accented_analyzer,
    folded_bigram_analyzer,
    folded_syllables,
    syllables,
    text_terms,
)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Hoà bình", ["hòa", "bình"]),
        ("Uỷ ban, Hoà Bình", ["ủy", "ban", "hòa", "bình"]),
        ("Đề án số 06-ĐA/TU", ["đề", "án", "số", "06", "đa", "tu"]),
        ("kinh tế-xã hội", ["kinh", "tế", "xã", "hội"]),
    ],
)
def test_syllables_are_canonical_lower_case(text: str, words: list[str]) -> None:
    assert [s.word for s in syllables(text)] == words


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Đà Nẵng tiêm vắc-xin sởi", ["da", "nang", "tiem", "vac", "xin", "soi"]),
        ("Thuỷ  ĐIỆN, Hoà Bình", ["thuy", "dien", "hoa", "binh"]),
        ("Đề án số 06-ĐA/TU", ["de", "an", "so", "06", "da", "tu"]),
        ("", []),
    ],
)
def test_folded_syllables_are_the_folded_forms_of_syllables(text: str, folded: list[str]) -> None:
    assert folded_syllables(text) == folded
    assert [s.folded for s in syllables(text)] == folded


def test_syllable_offsets_point_into_the_original_text() -> None:
    text = "Ban Dân vận Tỉnh ủy"
    assert [text[s.start : s.end] for s in syllables(text)] == ["Ban", "Dân", "vận", "Tỉnh", "ủy"]


def test_text_terms_in_four_representations() -> None:
    terms = text_terms("Dân vận khéo, dân vận")
    assert terms.accented == Counter({"dân": 2, "vận": 2, "khéo": 1})
    assert terms.folded == Counter({"dan": 2, "van": 2, "kheo": 1})
    # No bigram across the comma.
    assert terms.folded_bigrams == Counter({"dan van": 2, "van kheo": 1})


def test_whoosh_analyzers_give_the_same_terms_as_the_fast_path() -> None:
    text = "Hoà bình, thuỷ lợi Bắc Kạn"
    terms = text_terms(text)
    assert Counter(t.text for t in accented_analyzer()(text)) == terms.accented
    assert Counter(t.text for t in folded_bigram_analyzer()(text)) == terms.folded_bigrams


def test_schema_field_indexes_text_and_precomputed_counts_alike() -> None:
    field = make_schema()["body_2f"]
    text = "Công tác dân vận, công tác dân vận"
    from_text = sorted(field.index(text))
    from_counts = sorted(field.index(text_terms(text).folded_bigrams))
    assert from_text == from_counts

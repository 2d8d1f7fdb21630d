"""Phrase counts: the phrases of a text, their bounded counting at build time, and the
accented forms of a folded pair that interpretation and autocomplete read from an index."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.index.generations import generation_dir
from indexer.index.phrases import PhraseCounter, PhraseCounts, phrases
from indexer.text.analysis import syllables
from indexer.text.wordseg import word_starts
from tests.words_corpus import words_index_fixture  # noqa: F401 - fixture registered by name


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ban Dân vận, tỉnh", {"dân vận", "ban dân vận"}),  # not "ban dân(vận)"
        ("công tác của tỉnh", {"công tác"}),  # none holds a function word
        ("năm 2024 dân vận", {"dân vận"}),  # numbers split phrases
        # Whole words only: never "công tác dân", "dân vận giai" nor "vận giai đoạn".
        (
            "Công tác dân vận giai đoạn mới",
            {"công tác", "dân vận", "giai đoạn", "giai đoạn mới"},
        ),
        ("Ban Dân vận Tỉnh ủy", {"ban dân vận", "dân vận", "tỉnh ủy"}),  # not "dân vận tỉnh"
    ],
)
def test_phrases_of_a_text(text: str, expected: set[str]) -> None:
    sylls = syllables(text)
    assert phrases(sylls, word_starts(text, sylls)) == expected


def test_phrase_counter_keeps_frequent_phrases_within_its_capacity() -> None:
    counter = PhraseCounter(capacity=100)
    for i in range(1000):
        counter.add({"dân vận", f"hiếm {i}"})
        assert len(counter.counts) <= 100
    assert counter.top(5) == {"dân vận": counter.counts["dân vận"]}
    assert counter.counts["dân vận"] > 900


def test_an_index_counts_the_articles_of_each_accented_form(words_index: Path) -> None:
    counts = PhraseCounts.load(generation_dir(words_index))
    # The corpus's documented counts: "dân vận" in 12 articles, "dần dần" in 2.
    assert counts.forms_of("dan van") == {"dân vận": 12}
    assert counts.forms_of("dan dan") == {"dần dần": 2}
    assert counts.forms_of("dan van kheo") == {"dân vận khéo": 8}
    assert counts.forms_of("phong dien") == {"phong điền": 5}
    assert counts.forms_of("khong co") is None  # no article holds it


def test_an_index_without_phrase_counts_has_none(tmp_path: Path) -> None:
    counts = PhraseCounts.load(tmp_path)
    assert len(counts) == 0 and counts.forms_of("dan van") is None

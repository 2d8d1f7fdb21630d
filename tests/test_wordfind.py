"""Query words found in folded text: the fast plain-ASCII regex gives the same spans as the
general one, whatever the text holds (underscores, letters outside ASCII, characters that
``str.lower`` and ignoring case treat differently)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.text.wordfind import find_words, fold_text, words_pattern

ALPHABET = "abcdeđinuy AĐIKSĂÂÊÔƠƯáàảãạấềờựỳ019_-.,ſKİıßΣ“”\n"
WORDS = ["dan", "van", "di", "an", "19", "covid", "s", "k", "i", "ss"]


def spans(matches) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group().lower()) for m in matches]


@settings(max_examples=500, deadline=None)
@given(
    text=st.text(alphabet=ALPHABET, max_size=200),
    terms=st.lists(st.sampled_from(WORDS), min_size=1, max_size=4, unique=True),
)
def test_find_words_matches_the_general_pattern(text: str, terms: list[str]) -> None:
    folded = fold_text(text * 2)  # long enough for the numpy folding as well
    key = tuple(sorted(terms))
    assert spans(find_words(folded, key)) == spans(words_pattern(key).finditer(folded))


def test_find_words_on_an_article_sentence() -> None:
    folded = fold_text("Công tác Dân vận năm 2024: dân vận khéo, covid-19 lùi xa; DÂN_VẬN.")
    found = spans(find_words(folded, ("dan", "van")))
    # An underscore separates words, as the indexer's syllables do.
    assert [w for _, _, w in found] == ["dan", "van", "dan", "van", "dan", "van"]

"""Did you mean: a close variant of a query that finds few results, on the page and in the
API, and never for a query that already finds good results."""

from __future__ import annotations

import pytest

from indexer import Engine
from indexer.search.spelling import distance
from tests.words_corpus import (  # noqa: F401 - fixtures registered by name
    words_client_fixture,
    words_engine_fixture,
    words_index_fixture,
)


@pytest.mark.parametrize(
    ("query", "suggestion"),
    [
        ("dan vnaj khoe", "dân vận khéo"),  # Telex with two keys swapped
        ("chuyen doi sos", "chuyển đổi số"),  # "sos" is a word of the index, but rare here
        ("phong dienn", "phong điền"),  # a letter too many
        ("phong diem", "phong điền"),  # a wrong letter
        ("chuyn doi so", "chuyển đổi số"),  # a letter missing
        ("dân vạnn khéo", "dân vận khéo"),  # typed with accents, one word wrong
    ],
)
def test_a_close_variant_that_finds_more_is_offered(
    words_engine: Engine, query: str, suggestion: str
) -> None:
    page = words_engine.search(query)
    assert page.suggestion == suggestion
    better = words_engine.search(suggestion)
    assert better.total >= 5 and better.suggestion is None


@pytest.mark.parametrize(
    "query",
    [
        "dan van",  # finds 12 articles
        "chuyển đổi số",
        "phong dien",
        "tin hieu sos",  # finds 1, and it is right: "sos" stands beside "tín hiệu"
        "xyzzy qwerty",  # nothing close
        '"dan vnaj"',  # operators: the reader knows what they typed
        "dan vnaj -khoe",
    ],
)
def test_no_suggestion(words_engine: Engine, query: str) -> None:
    assert words_engine.search(query).suggestion is None


def test_a_pair_standing_in_one_article_beats_a_commoner_syllable(engine: Engine) -> None:
    """On the seeds "Phong Điền" stands in one article, which also names an "đại diện":
    "diện" is the commoner syllable, but only "phong điền" stands side by side."""
    assert engine.search("phong dienn").suggestion == "phong điền"
    assert engine.search("phong dien").interpreted == "phong điền"
    assert engine.search("dai dien").interpreted == "đại diện"


def test_exact_search_never_suggests(words_engine: Engine) -> None:
    assert words_engine.search("phong dienn", exact=True).suggestion is None


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [("dien", "dien", 0), ("dienn", "dien", 1), ("vnaj", "van", 2), ("ab", "ba", 1), ("", "ab", 2)],
)
def test_distance(a: str, b: str, expected: int) -> None:
    assert distance(a, b) == expected


def test_api_has_the_suggestion_field(client) -> None:
    data = client.get("/api/search", query_string={"q": "dan vnaj khoe"}).get_json()
    assert data["suggestion"] == "dân vận khéo"
    assert client.get("/api/search?q=dan+van").get_json()["suggestion"] is None


def test_page_offers_the_suggestion_as_a_link(client) -> None:
    html = client.get("/", query_string={"q": "phong dienn"}).get_data(as_text=True)
    assert 'Có phải bạn muốn tìm: <a href="/?q=phong+%C4%91i%E1%BB%81n">phong điền</a>' in html
    assert "Có phải bạn muốn tìm" not in client.get("/?q=phong+dien").get_data(as_text=True)

"""Parsing what a reader types: words, "phrases", -exclusions, OR, title:/body:; operators
recognised, never required, and nothing a reader types is refused."""

from __future__ import annotations

import pytest

from indexer import Engine
from indexer.search.parse import MAX_QUERY_CHARS, MAX_QUERY_WORDS, ParsedQuery, parse, query_words


def described(parsed: ParsedQuery) -> list[str]:
    """One string per group, as the query could be typed again: '-"cụm từ"', 'a|b'."""
    out = []
    for group in parsed.groups:
        alternatives = []
        for clause in group.alternatives:
            text = " ".join(w.accented for w in clause.words)
            if clause.phrase:
                text = f'"{text}"'
            if clause.fields != ("title", "body"):
                text = ",".join(clause.fields) + ":" + text
            alternatives.append(text)
        out.append(("-" if group.negated else "") + "|".join(alternatives))
    return out


@pytest.mark.parametrize(
    ("query", "groups"),
    [
        ("Dân vận khéo", ["dân", "vận", "khéo"]),
        ("Hoà  Uỷ", ["hòa", "ủy"]),  # one tone placement, lower case
        ("chương trình -Bắc", ["chương", "trình", "-bắc"]),
        ('"cụm từ" -"cụm từ"', ['"cụm từ"', '-"cụm từ"']),
        ("a OR b", ["a|b"]),
        ('hòa OR "bình yên"', ['hòa|"bình yên"']),
        ("dân OR OR vận", ["dân|vận"]),
        ("x OR -y", ["x", "-y"]),  # an exclusion is no alternative
        ('title:"ký kết"', ['title:"ký kết"']),
        ("tieude:dân", ["title:dân"]),  # the Vietnamese name of the field
        ("body:vận", ["body:vận"]),
        ("covid-19", ["covid", "19"]),  # one token, two words
        # Not operators: searched as the words they hold.
        ("covid:19", ['"covid 19"']),
        ("foo:bar dân", ['"foo bar"', "dân"]),
        ("title: dân", ["title", "dân"]),
        ('"dân vận', ["dân", "vận"]),  # an unbalanced quote is ignored
        ("((dân", ["dân"]),
        # Nothing to search for.
        ("", []),
        ("   ", []),
        ("OR", []),
        ("-", []),
        ('-""', []),
    ],
)
def test_parse(query: str, groups: list[str]) -> None:
    parsed = parse(query)
    assert described(parsed) == groups
    assert not parsed.truncated


def test_only_exclusions_leave_nothing_to_search_for() -> None:
    parsed = parse("-dân")
    assert described(parsed) == ["-dân"] and parsed.is_empty()
    assert [w.accented for w in parse("dân -vận khéo").words()] == ["dân", "khéo"]


def test_free_words_are_the_plain_ones() -> None:
    groups = parse('dân "vận khéo" -xã title:tỉnh a OR b').groups
    assert [g.free_word.accented if g.free_word else None for g in groups] == [
        "dân",
        None,
        None,
        None,
        None,
    ]


@pytest.mark.parametrize(
    ("text", "forms"),
    [
        ("Hoà", [("Hoà", "hòa", "hoa", True)]),
        ("dan", [("dan", "dan", "dan", False)]),
        ("ĐẮK-LẮK", [("ĐẮK", "đắk", "dak", True), ("LẮK", "lắk", "lak", True)]),
        # Decomposed input (NFD) is composed first: one word, not "tie" + "ng".
        ("Tie\u0302\u0301ng", [("Tiếng", "tiếng", "tieng", True)]),
    ],
)
def test_query_words_carry_the_index_forms(
    text: str, forms: list[tuple[str, str, str, bool]]
) -> None:
    assert [(w.text, w.accented, w.folded, w.has_accents) for w in query_words(text)] == forms


def test_long_queries_are_cut_not_refused() -> None:
    many = parse("dân " * 100)
    assert len(many.words()) == MAX_QUERY_WORDS and many.truncated
    long = parse("a" * (MAX_QUERY_CHARS + 50))
    assert len(long.text) == MAX_QUERY_CHARS and long.truncated


# -- through the engine (seed index) --------------------------------------------------------


@pytest.mark.parametrize("query", ["", "   ", "-", '"', "OR", "-dân"])
def test_empty_or_operator_only_queries_give_an_empty_page(engine: Engine, query: str) -> None:
    page = engine.search(query)
    assert page.total == 0 and page.hits == []


@pytest.mark.parametrize(
    "query", ['"dân vận', "title: dân", "foo:bar dân", "((dân", "dân OR OR vận"]
)
def test_unparseable_queries_are_searched_as_words(engine: Engine, query: str) -> None:
    assert engine.search(query).total > 0


def test_very_long_queries_are_cut_not_refused(engine: Engine) -> None:
    page = engine.search("dân vận " * 500)
    assert page.total > 0

"""Excerpts and the article view: the reader's words marked in the author's spelling, the
text escaped, ``<mark>`` the only markup."""

from __future__ import annotations

import re

import pytest

from indexer import Engine
from indexer.search.highlight import SNIPPET_CHARS, highlight_all, snippet
from tests.conftest import BAC_KAN

LONG = (
    " ".join(["lời mở đầu"] * 60)
    + " Hội nghị dân vận khéo tại xã. "
    + " ".join(["kết thúc bài"] * 60)
)


def only_marks(html: str) -> bool:
    """Whether ``<mark>``/``</mark>`` is the only markup of ``html``."""
    return "<" not in re.sub(r"</?mark>", "", html) and ">" not in re.sub(r"</?mark>", "", html)


@pytest.mark.parametrize(
    ("text", "terms", "html"),
    [
        # Folded terms mark every spelling; neighbours are one mark.
        ("Công tác dân vận khéo.", {"dan", "van"}, "Công tác <mark>dân vận</mark> khéo."),
        ("DÂN VẬN", {"dan", "van"}, "<mark>DÂN VẬN</mark>"),
        ("đang dần dân", {"dan"}, "đang <mark>dần dân</mark>"),  # whole words: not "đang"
        # Punctuation between two words keeps two marks.
        ("Bắc Kạn, Thái Nguyên", {"kan", "thai"}, "Bắc <mark>Kạn</mark>, <mark>Thái</mark> Nguyên"),
        ("Dân-vận", {"dan", "van"}, "<mark>Dân</mark>-<mark>vận</mark>"),
        # Escaped first, marked second.
        (
            '<b>dân</b> & "vận"',
            {"dan", "van"},
            '&lt;b&gt;<mark>dân</mark>&lt;/b&gt; &amp; "<mark>vận</mark>"',
        ),
        ("Không có gì.", {"xyz"}, "Không có gì."),
    ],
)
def test_highlight_all(text: str, terms: set[str], html: str) -> None:
    assert highlight_all(text, terms) == html


def test_a_snippet_is_the_passage_holding_the_words() -> None:
    html = snippet(LONG, {"dan", "van"})
    assert "Hội nghị <mark>dân vận</mark> khéo tại xã." in html
    assert html.startswith("… ") and html.endswith(" …")
    assert len(html) <= SNIPPET_CHARS + len("… ") + len(" …") + len("<mark></mark>")
    assert only_marks(html)


def test_a_snippet_without_the_words_is_the_opening() -> None:
    html = snippet(LONG, {"xyz"})
    assert html.startswith("lời mở đầu") and html.endswith(" …") and "<mark>" not in html
    assert snippet("Bài ngắn.", set()) == "Bài ngắn."


def test_a_snippet_prefers_the_passage_with_more_distinct_words() -> None:
    text = "dân " * 80 + "xa xôi " * 40 + "dân vận khéo ở đây " + "kết " * 80
    html = snippet(text, {"dan", "van", "kheo"})
    assert "<mark>dân vận khéo</mark>" in html


# -- through the engine (seed index) --------------------------------------------------------


def test_unaccented_query_marks_accented_words_in_snippets(engine: Engine) -> None:
    hit = engine.search("dan van").hits[0]
    assert "<mark>dân vận</mark>" in hit.snippet.lower()


def test_snippets_are_escaped_and_only_mark_is_markup(engine: Engine) -> None:
    hits = engine.search("dân vận").hits
    assert hits and all(only_marks(hit.snippet) for hit in hits)


def test_article_view_marks_query_words(engine: Engine) -> None:
    article = engine.article(BAC_KAN)
    assert article is not None and article.title.startswith("Giao ban công tác dân vận")
    html = "\n".join(engine.highlight_article(article, "bac kan"))
    assert "<mark>Bắc Kạn</mark>" in html
    assert only_marks(html)
    assert engine.article("no-such-id") is None

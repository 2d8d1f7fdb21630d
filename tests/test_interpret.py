"""Accents restored to a query typed without them: the corpus's own side-by-side evidence
decides, so a word that is everywhere does not win a pair it never stands in."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer import Article, Engine, build_index
from indexer.search.evidence import forms_in

TEAMS = ["Hà Nội", "Hải Phòng", "Nam Định", "Thanh Hóa", "Đà Nẵng", "Huế"]


def _articles() -> list[Article]:
    out = []
    for i, team in enumerate(TEAMS):
        out.append(
            Article(
                id=f"bd{i}",
                title=f"Đội bóng đá {team} thắng trận",
                body=f"Câu lạc bộ bóng đá {team} đã thắng trận thứ {i + 2} của mùa giải.",
                path=f"bd{i}.txt",
            )
        )
    # "đã" is everywhere, and "người đã" is the common reading of "nguoi da".
    for i in range(20):
        out.append(
            Article(
                id=f"n{i}",
                title=f"Tin số {i} của xã",
                body=f"Người đã làm việc {i + 3} năm ở xã được khen. Bà con đã đồng tình.",
                path=f"n{i}.txt",
            )
        )
    return out


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    index_dir: Path = tmp_path_factory.mktemp("interpret_index")
    build_index(_articles(), index_dir, workers=1)
    return Engine(index_dir)


@pytest.mark.parametrize(
    ("query", "interpreted"),
    [
        ("bong da", "bóng đá"),  # not "bóng đã", though "đã" is in every article
        ("nguoi da lam", "người đã làm"),
        ("doi bong da ha noi", "đội bóng đá hà nội"),
    ],
)
def test_unaccented_words_get_the_accents_they_have_side_by_side(
    engine: Engine, query: str, interpreted: str
) -> None:
    assert engine.search(query).interpreted == interpreted


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (["Huyện Phong Điền cử đại diện."], {"phong điền": 1}),
        (["Phong Điền, Phong Điền.", "Phòng điện; phong điền"], {"phong điền": 2, "phòng điện": 1}),
        (["Phong. Điền", "phong-điền"], {"phong điền": 1}),  # never across punctuation
        (["Đại diện"], {}),
    ],
)
def test_run_forms_counts_articles_holding_each_form_side_by_side(
    texts: list[str], expected: dict[str, int]
) -> None:
    found = forms_in(("phong", "dien"), texts)
    assert {" ".join(form): n for form, n in found.items()} == expected

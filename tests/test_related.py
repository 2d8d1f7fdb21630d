"""Related articles ("Bài liên quan"): an article's most distinctive words searched like a
query, one result per group of near-copies, never the article itself or its copies."""

from __future__ import annotations

import re

import pytest

from indexer import Article, Engine, build_index
from indexer.search.related import distinctive_words, related_query
from tests.conftest import BAC_KAN, DAN_VAN_CHINH_QUYEN
from tests.copies_corpus import (  # noqa: F401 - fixtures registered by name
    EDITED,
    EXACT,
    OVERLAP,
    copies_client_fixture,
    copies_index_fixture,
)

DF = {"dân": 50, "vận": 40, "khéo": 10, "xã": 60, "hòa": 5, "bình": 5, "của": 90, "là": 95}
DF |= {"hiếm": 1, "tỉnh": 30, "lúa": 3}
TITLE = "Dân vận khéo ở xã Hòa Bình"
BODY = "Dân vận khéo, dân vận khéo của xã. Là năm 2024, hiếm thấy lúa lúa. Tỉnh."


def words(title: str, body: str, df: dict[str, int], n_docs: int = 100, **kw: int) -> list[str]:
    return [
        w.accented for w in distinctive_words(title, body, lambda w: df.get(w, 0), n_docs, **kw)
    ]


def test_function_words_numbers_letters_and_words_of_no_other_article_are_never_chosen() -> None:
    # Not "của", "là" (function words), "ở" (one letter), "2024", "hiếm" (this article
    # only), nor "năm", "thấy" (no article holds them, as the vocabulary would say).
    assert words(TITLE, BODY, DF) == ["dân", "vận", "khéo", "xã", "hòa", "bình", "lúa", "tỉnh"]


def test_the_most_distinctive_words_in_text_order() -> None:
    # tf-idf: "khéo" (4 × ln 10) and "lúa" (2 × ln 33) above "hòa" (2 × ln 20), "dân" …
    assert words(TITLE, BODY, DF, limit=2) == ["khéo", "lúa"]


def test_title_words_count_double() -> None:
    df = {"lúa": 10, "gạo": 10, "mới": 10}
    assert words("Lúa mới", "Gạo gạo lúa.", df, limit=1) == ["lúa"]  # 2 + 1 against 2


def test_words_said_once_only_fill_a_short_articles_query() -> None:
    crops = ["lúa", "gạo", "ngô", "khoai", "sắn", "mía", "chè", "cà"]
    df = dict.fromkeys(crops, 5) | {"bình": 2, "hòa": 2}
    # Eight words said twice (half the limit of 16): the rarer words said once are left out.
    body = "Bình hòa. " + " ".join(f"{c} {c}" for c in crops)
    assert words("", body, df) == crops
    # Fewer said twice: the words said once fill the query.
    assert words("", "Bình hòa. lúa lúa", df) == ["bình", "hòa", "lúa"]


def test_in_a_large_collection_words_of_over_a_tenth_of_the_articles_are_left_out() -> None:
    df = {"dân": 20_000, "vận": 8_000, "khéo": 900}
    assert words("Dân vận khéo", "Dân vận khéo.", df, n_docs=100_000) == ["vận", "khéo"]


def test_the_query_is_the_words_free_in_order() -> None:
    parsed = related_query(distinctive_words(TITLE, BODY, lambda w: DF.get(w, 0), 100, limit=2))
    assert parsed.text == "khéo lúa"
    assert [g.free_word.accented for g in parsed.groups if g.free_word] == ["khéo", "lúa"]


@pytest.fixture(scope="module")
def topics(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    rice = "Nông dân Đồng Tháp bán lúa giá cao. Lúa Đồng Tháp được mùa."
    articles = [
        Article(id="lua-1", title="Giá lúa tăng ở Đồng Tháp", body=rice),
        Article(id="lua-2", title="Đồng Tháp được mùa lúa", body="Lúa Đồng Tháp được mùa lớn."),
        Article(id="ca", title="Giá cá tra tăng", body="Cá tra An Giang tăng giá, bán cá tra."),
        Article(id="bong-da", title="Đội bóng đá thắng", body="Đội bóng đá thắng trận đầu."),
        Article(id="bong-da-2", title="Bóng đá: trận hòa", body="Hai đội bóng đá hòa nhau."),
    ]
    index_dir = tmp_path_factory.mktemp("related_topics")
    build_index(articles, index_dir, workers=1)
    return Engine(index_dir)


def test_an_article_on_the_same_topic_comes_first(topics: Engine) -> None:
    hits = topics.related("lua-1")
    assert hits is not None and hits[0].id == "lua-2"
    assert "lua-1" not in [h.id for h in hits]
    assert [h.id for h in topics.related("bong-da") or []][:1] == ["bong-da-2"]
    assert len(topics.related("lua-1", limit=1) or []) == 1
    assert topics.related("khong-co") is None


# -- through the engine and the web app ---------------------------------------------------


def test_api_related_shape(copies_client) -> None:
    response = copies_client.get(f"/api/related/{BAC_KAN}")
    assert response.status_code == 200
    data = response.get_json()
    assert set(data) == {"id", "results"} and data["id"] == BAC_KAN
    keys = {"id", "title", "date", "author", "source", "url", "snippet", "score"}
    assert all(set(r) == keys | {"duplicates", "missing"} for r in data["results"])
    # Every other article is about "công tác dân vận"; the three copies are one result.
    ids = [r["id"] for r in data["results"]]
    assert len(ids) == 5 and BAC_KAN not in ids
    copies = [r for r in data["results"] if r["id"] in {DAN_VAN_CHINH_QUYEN, EXACT, EDITED}]
    assert len(copies) == 1 and len(copies[0]["duplicates"]) == 2


def test_related_ranks_the_article_sharing_most_text_first(copies_client) -> None:
    data = copies_client.get(f"/api/related/{DAN_VAN_CHINH_QUYEN}").get_json()
    assert data["results"][0]["id"] == OVERLAP


def test_related_never_lists_the_article_or_its_copies(copies_client) -> None:
    for doc_id in (DAN_VAN_CHINH_QUYEN, EXACT, EDITED):
        data = copies_client.get(f"/api/related/{doc_id}").get_json()
        listed = {r["id"] for r in data["results"]} | {
            d for r in data["results"] for d in r["duplicates"]
        }
        assert data["results"], doc_id
        assert not listed & {DAN_VAN_CHINH_QUYEN, EXACT, EDITED}, doc_id


def test_related_is_open_to_other_sites_like_search(copies_client) -> None:
    response = copies_client.get(f"/api/related/{BAC_KAN}", headers={"Origin": "https://x.vn"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_related_of_an_unknown_article_is_404(copies_client) -> None:
    response = copies_client.get("/api/related/khong-co-bai-nay")
    assert response.status_code == 404
    assert response.get_json() == {
        "error": "no article with id 'khong-co-bai-nay'",
        "status": 404,
    }


def test_article_view_shows_related_articles(copies_client) -> None:
    html = copies_client.get(f"/article/{EXACT}").get_data(as_text=True)
    assert "Bài liên quan" in html
    section = html[html.index("Bài liên quan") :]
    linked = re.findall(r'href="/article/([^"?]+)"', section)
    assert linked[0] == OVERLAP and BAC_KAN in linked
    assert not set(linked) & {DAN_VAN_CHINH_QUYEN, EXACT, EDITED}
    assert len(linked) <= 5

"""Ranking and query semantics on the seed index, as a reader would try them."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer import Article, Engine, build_index
from tests.conftest import BAC_KAN, DAN_VAN_CHINH_QUYEN, KY_KET_2017, PHOI_HOP_2022, PHONG_DIEN

DAN_VAN_KHEO = {PHOI_HOP_2022, BAC_KAN, PHONG_DIEN}  # the seeds that mention "Dân vận khéo"


def ids(engine: Engine, query: str, **kwargs: object) -> list[str]:
    return [h.id for h in engine.search(query, **kwargs).hits]


@pytest.mark.parametrize(
    "query", ["dan van kheo", "dân vận khéo", "DÂN VẬN KHÉO", '"dân vận khéo"']
)
def test_dan_van_kheo_finds_the_movement_articles_with_or_without_accents(
    engine: Engine, query: str
) -> None:
    assert set(ids(engine, query)) == DAN_VAN_KHEO


def test_bac_kan_finds_the_bac_kan_article_first(engine: Engine) -> None:
    assert ids(engine, "bac kan")[0] == BAC_KAN
    assert ids(engine, "Bắc Kạn")[0] == BAC_KAN


def test_old_and_new_tone_placement_return_the_same_articles(engine: Engine) -> None:
    old, new = engine.search("Uỷ viên"), engine.search("Ủy viên")
    assert [(h.id, h.score) for h in old.hits] == [(h.id, h.score) for h in new.hits]
    assert old.total == new.total > 0


def test_accented_query_ranks_exact_accents_first(tmp_path: Path) -> None:
    articles = [
        Article(id="bac-si", title="Bác sĩ khám bệnh", body="Bác sĩ bác bỏ tin đồn."),
        Article(id="bac-bo", title="Miền Bắc rét đậm", body="Bắc Bộ có mưa phùn ở phía bắc."),
    ]
    build_index(articles, tmp_path)
    engine = Engine(tmp_path)
    assert ids(engine, "bắc") == ["bac-bo", "bac-si"]
    assert ids(engine, "bác") == ["bac-si", "bac-bo"]
    assert set(ids(engine, "bac")) == {"bac-si", "bac-bo"}


def test_title_phrase_finds_only_titles_with_the_phrase(engine: Engine) -> None:
    found = set(ids(engine, 'title:"ký kết"'))
    assert found == {KY_KET_2017, PHONG_DIEN}


def test_minus_excludes_articles(engine: Engine) -> None:
    with_bac = ids(engine, "chương trình")
    without = ids(engine, "chương trình -Bắc")
    assert BAC_KAN in with_bac
    assert BAC_KAN not in without
    assert without


def test_or_finds_either_word(engine: Engine) -> None:
    either = set(ids(engine, '"Phong Điền" OR "Bắc Kạn"'))
    assert either == {PHONG_DIEN, BAC_KAN}


def test_all_words_are_required_for_short_queries(engine: Engine) -> None:
    # Every seed has "phong" (phong trào); only the Bắc Kạn article also has "Kạn".
    assert len(ids(engine, "phong")) == 5
    assert ids(engine, "Kạn phong") == [BAC_KAN]


def test_a_long_question_still_returns_the_best_matches(engine: Engine) -> None:
    question = "hội nghị sơ kết công tác dân vận chính quyền sáu tháng đầu năm được tổ chức khi nào"
    assert ids(engine, question)[0] == DAN_VAN_CHINH_QUYEN


def test_pagination_is_stable_and_complete(engine: Engine) -> None:
    all_ids = ids(engine, "công tác", per_page=100)
    paged = [i for p in (1, 2, 3) for i in ids(engine, "công tác", page=p, per_page=2)]
    assert paged == all_ids[:6] and len(set(all_ids)) == len(all_ids) == 5


def test_only_web_addresses_become_links(tmp_path: Path) -> None:
    articles = [
        Article(id="js", title="Bài", body="Nội dung", url="javascript:alert(1)"),
        Article(id="web", title="Bài", body="Nội dung", url="https://example.vn/bai"),
    ]
    build_index(articles, tmp_path)
    urls = {h.id: h.url for h in Engine(tmp_path).search("bài").hits}
    assert urls == {"js": "/article/js", "web": "https://example.vn/bai"}


def test_question_words_are_not_required(tmp_path: Path) -> None:
    articles = [
        Article(id="a", title="Vi khuẩn Salmonella", body="Salmonella là vi khuẩn gây ngộ độc."),
        Article(id="b", title="Hỏi đáp", body="Đây là câu hỏi gì vậy?"),
    ]
    build_index(articles, tmp_path)
    assert ids(Engine(tmp_path), "Salmonella là gì?") == ["a"]


def test_telex_is_decoded_unless_the_word_typed_is_a_real_word_of_the_index(
    tmp_path: Path,
) -> None:
    # A news archive holds stray letter strings ("laf" once, a typo) beside the words they
    # decode to; a word seen about as often as its decoding ("sex") is a word in its own right.
    common = [Article(id=f"la-{i}", title=f"Tin {i}", body="Đây là tin sẽ đến.") for i in range(60)]
    articles = [
        *common,
        Article(id="typo", title="Gõ nhầm", body="Bản tin laf gõ nhầm."),
        *(
            Article(id=f"sex-{i}", title="Sex Education", body="Phim sex education.")
            for i in range(5)
        ),
    ]
    build_index(articles, tmp_path)
    engine = Engine(tmp_path)
    assert engine.search("tin laf").interpreted == "tin là"
    page = engine.search("sex education")
    assert page.interpreted is None
    assert page.hits[0].id.startswith("sex-")

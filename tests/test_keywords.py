"""Short keyword queries on a small news collection: exact accents first, a reading shown only
when the collection backs it (and then right), marks on the words that matched, and partial
matches said plainly."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from indexer import Article, Engine, build_index

FILLER = "Tin tức trong ngày được cập nhật liên tục cho bạn đọc cả nước."


def _article(doc_id: str, title: str, body: str) -> Article:
    return Article(id=doc_id, title=title, body=f"{body} {FILLER}", path=f"{doc_id}.txt")


def _articles() -> list[Article]:
    out = [
        # The exact phrase, once, in a long text: BM25 alone ranks it below the others.
        _article(
            "exact",
            "Hội nghị tổng kết năm",
            "Ông Dương Văn Tiến phát biểu. "
            + "Các đại biểu thảo luận về kế hoạch. " * 12
            + "Trưởng ban Dân vận khéo léo giải thích chủ trương mới.",
        ),
        # Both words as typed, apart.
        _article("apart", "Dân làng đi chợ", "Dân làng vận chuyển hàng hoá ra chợ, dân vui."),
        # Other forms of the same folded words, again and again.
        _article("folded1", "Dân vẫn chờ", "Dân vẫn chờ, dân vẫn đợi, dân vẫn mong nước sạch."),
        _article("folded2", "Dân vạn chài", "Dân vạn chài, dân vạn đò, dân vạn sông nước."),
        _article("folded3", "Văn nghệ dân gian", "Dân văn nghệ, văn dân gian, dân văn."),
        # "Người mê sách", once, beside many "người mẹ" and "sách".
        _article("mesach", "Người mê sách", "Ông là người mê sách, cả đời sưu tầm sách cũ."),
        *[
            _article(f"me{i}", f"Người mẹ số {i}", f"Người mẹ đọc sách cho con. Người mẹ {i}.")
            for i in range(6)
        ],
        # The flower "hoa ban", beside the commoner "hóa" and "bản".
        _article("hoaban1", "Mùa hoa ban", "Hoa ban nở trắng núi rừng Tây Bắc."),
        _article("hoaban2", "Điện Biên mùa hoa ban", "Lễ hội hoa ban thu hút du khách."),
        *[
            _article(f"hoa{i}", f"Văn bản số {i}", f"Tiến hóa của văn bản, phiên bản {i}, hóa học.")
            for i in range(8)
        ],
        # "song công" (duplex) beside the commoner "Sông Công", the town.
        _article("songcong", "Điện thoại", "Máy bộ đàm song công dùng được cả hai chiều."),
        *[
            _article(f"sc{i}", f"Thị xã Sông Công {i}", "Tin Sông Công: sông Công, Sông Công.")
            for i in range(4)
        ],
        # Football, and Mường Phăng, never together.
        _article("bong", "Giải bóng đá", "Trận bóng đá tối qua rất hay."),
        _article("muong", "Mường Phăng", "Di tích Mường Phăng ở Điện Biên."),
        # Every word of "bóng đá mường phăng" folded, none as typed.
        _article("lookalike", "Bỗng dưng", "Bỗng đà lên, mương nước phẳng lặng."),
    ]
    return out


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path: Path = tmp_path_factory.mktemp("keywords_index")
    build_index(_articles(), path, workers=1)
    return path


@pytest.fixture(scope="module")
def engine(index_dir: Path) -> Engine:
    return Engine(index_dir)


@pytest.fixture(scope="module")
def client(index_dir: Path):  # type: ignore[no-untyped-def]
    from webui import create_app

    return create_app({"TESTING": True, "INDEX_DIR": str(index_dir)}).test_client()


def _ids(engine: Engine, query: str, **kwargs: object) -> list[str]:
    return [h.id for h in engine.search(query, **kwargs).hits]  # type: ignore[arg-type]


def _marked(html: str) -> list[str]:
    return re.findall(r"<mark>(.*?)</mark>", html)


def test_typed_accents_side_by_side_then_apart_then_other_forms(engine: Engine) -> None:
    ids = _ids(engine, "dân vận")
    assert ids[:2] == ["exact", "apart"]
    assert set(ids[2:]) >= {"folded1", "folded2", "folded3"}


def test_a_quoted_phrase_puts_the_accents_typed_first(engine: Engine) -> None:
    assert _ids(engine, '"dân vận"')[0] == "exact"


def test_tone_placement_is_no_difference(engine: Engine) -> None:
    assert _ids(engine, "hoá")[0] == _ids(engine, "hóa")[0]
    # "hoá" typed the old way is "hóa": the articles holding either placement ("hàng
    # hoá", "tiến hóa") come before those holding only "hoa" (the flower).
    ids = _ids(engine, "hoá", per_page=30)  # the hoa0…hoa7 near-copies are a few results
    flower = [i for i, doc_id in enumerate(ids) if doc_id.startswith("hoaban")]
    assert "apart" in ids and ids[0].startswith("hoa") and len(flower) == 2
    assert min(flower) == len(ids) - 2  # both last
    page = engine.search("hoá học")
    assert page.hits[0].id.startswith("hoa") and not page.partial


def test_snippets_mark_only_the_forms_typed(engine: Engine) -> None:
    hit = engine.search("dân vận").hits[0]
    assert _marked(hit.snippet) == ["Dân vận"]  # not "Văn" of Dương Văn Tiến
    others = {h.id: _marked(h.snippet) for h in engine.search("dân vận").hits}
    # "dân" matched as typed; "vẫn" and "văn" did not, and are not marked.
    assert others["folded1"] and all(m.lower() == "dân" for m in others["folded1"])
    assert all(m.lower() == "dân" for m in others["folded3"])
    # An article holding none of the forms sought marks what it matched on.
    assert _marked(engine.search("dân vẫn").hits[-1].snippet)


def test_a_confident_reading_is_shown_and_ranked_first(engine: Engine) -> None:
    page = engine.search("nguoi me sach")
    assert page.interpreted == "người mê sách"
    assert page.hits[0].id == "mesach"
    assert _marked(page.hits[0].snippet)[0] == "người mê sách"


def test_a_reading_that_is_the_words_typed_is_not_shown(engine: Engine) -> None:
    page = engine.search("hoa ban")
    assert page.interpreted is None  # never "hóa bản"
    assert {h.id for h in page.hits[:2]} == {"hoaban1", "hoaban2"}


def test_no_reading_is_claimed_for_a_phrase_found_nowhere(engine: Engine) -> None:
    page = engine.search("sach ban")  # both words are common, never side by side
    assert page.interpreted is None


def test_a_word_without_marks_in_an_accented_query_is_taken_as_written(
    engine: Engine,
) -> None:
    page = engine.search("song công")
    assert page.interpreted is None  # never "sông công"
    assert page.hits[0].id == "songcong"
    assert _marked(page.hits[0].snippet) == ["song công"]


def test_partial_matches_are_said_with_the_missing_words(engine: Engine) -> None:
    page = engine.search("bóng đá mường phăng")
    assert page.partial
    assert {h.id for h in page.hits[:2]} == {"bong", "muong"}
    missing = {h.id: h.missing for h in page.hits}
    assert missing["bong"] == ["mường", "phăng"]
    assert missing["muong"] == ["bóng", "đá"]
    assert page.suggestion is None


def test_the_missing_words_are_those_not_held_as_typed(engine: Engine) -> None:
    missing = {h.id: h.missing for h in engine.search("bóng đá mường phăng", per_page=20).hits}
    assert missing["lookalike"] == ["bóng", "đá", "mường", "phăng"]


def test_a_word_read_alone_is_no_evidence_of_the_phrase(engine: Engine) -> None:
    # "người mê sách" stands in an article, "khéo" is only ever "khéo", never beside it.
    page = engine.search("nguoi me sach kheo")
    assert page.interpreted is None


def test_a_query_held_by_every_article_is_no_partial_match(engine: Engine) -> None:
    page = engine.search("bóng đá")
    assert not page.partial and all(h.missing == [] for h in page.hits)


def test_the_page_links_the_query_as_typed_and_says_partial_matches(client) -> None:  # type: ignore[no-untyped-def]
    html = client.get("/", query_string={"q": "nguoi me sach"}).get_data(as_text=True)
    assert "Kết quả cho: <strong>người mê sách</strong>" in html
    assert "Tìm chính xác:" in html and "exact=1" in html
    exact = client.get("/", query_string={"q": "nguoi me sach", "exact": "1"})
    assert "Kết quả cho" not in exact.get_data(as_text=True)
    html = client.get("/", query_string={"q": "bóng đá mường phăng"}).get_data(as_text=True)
    assert "Không có bài nào chứa đủ các từ; đây là các bài chứa một phần." in html
    assert "<s>mường</s> <s>phăng</s>" in html


def test_the_api_says_partial_matches(client) -> None:  # type: ignore[no-untyped-def]
    data = client.get("/api/search", query_string={"q": "bóng đá mường phăng"}).get_json()
    assert data["partial"] is True
    missing = [r["missing"] for r in data["results"]]
    assert missing[:2] in (
        [["mường", "phăng"], ["bóng", "đá"]],
        [["bóng", "đá"], ["mường", "phăng"]],
    )
    data = client.get("/api/search", query_string={"q": "bóng đá"}).get_json()
    assert data["partial"] is False


def test_exact_must_be_zero_or_one(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/api/search", query_string={"q": "dân", "exact": "2"})
    assert response.status_code == 400


def test_on_the_seeds_dan_van_never_marks_van_of_a_name(seed_index: Path) -> None:
    page = Engine(seed_index).search("dân vận")
    marked = [m for h in page.hits for m in _marked(h.snippet)]
    assert marked and all(m.lower() in ("dân vận", "dân", "vận") for m in marked)
    assert "Văn" not in marked

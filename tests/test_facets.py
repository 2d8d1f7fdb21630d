"""Filters, facets and date sorting in the library, on a small dated index (conftest)."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer import Engine, QueryError, build_index, make_filters
from indexer.index.columns import COLUMNS_FILE
from indexer.index.generations import generation_dir
from tests.conftest import (
    BAC_KAN_SITE,
    MARKUP_SITE,
    NHAN_DAN,
    PHONG_DIEN_SITE,
    dated_articles,
)

ALL_DAN_VAN = {"a1", "a2", "a3", "a4", "a5", "u1", "u2"}


@pytest.fixture(scope="module")
def dated(dated_index: Path) -> Engine:
    return Engine(dated_index)


def ids(page) -> list[str]:
    return [h.id for h in page.hits]


def counts(page, facet: str) -> list[tuple[str, int]]:
    return [(item["value"], item["count"]) for item in page.facets[facet]]


def test_facets_count_every_match_newest_year_first_unknown_last(dated: Engine) -> None:
    page = dated.search("dân vận", per_page=2)
    assert page.total == 7 and len(page.hits) == 2
    assert counts(page, "year") == [("2022", 2), ("2021", 2), ("2020", 1), ("unknown", 2)]
    assert page.facets["year"][-1]["label"] == "không rõ"
    # Most matches first; equal counts by name.
    assert counts(page, "source") == [(BAC_KAN_SITE, 3), (NHAN_DAN, 2), (PHONG_DIEN_SITE, 2)]


def test_year_filter_keeps_the_other_years_countable(dated: Engine) -> None:
    page = dated.search("dân vận", filters=make_filters(year="2021"))
    assert set(ids(page)) == {"a1", "a2"} and page.total == 2
    # The year facet ignores the year filter (other years stay clickable) ...
    assert counts(page, "year") == [("2022", 2), ("2021", 2), ("2020", 1), ("unknown", 2)]
    # ... and the source facet counts the 2021 matches.
    assert counts(page, "source") == [(BAC_KAN_SITE, 2)]


def test_unknown_year_selects_the_undated_articles(dated: Engine) -> None:
    page = dated.search("dân vận", filters=make_filters(year="unknown"))
    assert set(ids(page)) == {"u1", "u2"}
    assert counts(page, "source") == [(BAC_KAN_SITE, 1), (NHAN_DAN, 1)]


def test_sources_are_repeatable_and_any_of_them_matches(dated: Engine) -> None:
    page = dated.search("dân vận", filters=make_filters(sources=[NHAN_DAN, PHONG_DIEN_SITE]))
    assert set(ids(page)) == {"a3", "a4", "a5", "u1"}
    assert counts(page, "year") == [("2022", 2), ("2020", 1), ("unknown", 1)]
    # The source facet ignores the source filter: Báo Bắc Kạn can still be added.
    assert counts(page, "source") == [(BAC_KAN_SITE, 3), (NHAN_DAN, 2), (PHONG_DIEN_SITE, 2)]


def test_year_and_source_together(dated: Engine) -> None:
    page = dated.search("dân vận", filters=make_filters(year="2022", sources=[NHAN_DAN]))
    assert ids(page) == ["a5"]
    assert counts(page, "year") == [("2022", 1), ("unknown", 1)]  # Nhân Dân's matches
    assert counts(page, "source") == [(NHAN_DAN, 1), (PHONG_DIEN_SITE, 1)]  # 2022's matches


def test_an_unknown_source_name_finds_nothing(dated: Engine) -> None:
    page = dated.search("dân vận", filters=make_filters(sources=["Báo Không Có"]))
    assert page.total == 0 and page.hits == []


@pytest.mark.parametrize(
    ("date_from", "date_to", "expected"),
    [
        ("2021-03-15", "2022-04-05", {"a1", "a2", "a3"}),  # both ends inclusive
        ("2021-03-16", "2022-04-04", {"a2"}),
        ("2022-01-01", None, {"a3", "a5"}),
        (None, "2020-12-31", {"a4"}),
    ],
)
def test_date_range_is_inclusive_and_leaves_out_undated_articles(
    dated: Engine, date_from: str | None, date_to: str | None, expected: set[str]
) -> None:
    page = dated.search("dân vận", filters=make_filters(date_from=date_from, date_to=date_to))
    assert set(ids(page)) == expected
    assert sum(item["count"] for item in page.facets["year"]) == len(expected)
    assert all(item["value"] != "unknown" for item in page.facets["year"])


def test_newest_and_oldest_put_undated_articles_last(dated: Engine) -> None:
    newest = dated.search("dân vận", sort="newest")
    assert ids(newest)[:5] == ["a5", "a3", "a2", "a1", "a4"]
    assert set(ids(newest)[5:]) == {"u1", "u2"}
    oldest = dated.search("dân vận", sort="oldest")
    assert ids(oldest)[:5] == ["a4", "a1", "a2", "a3", "a5"]
    assert set(ids(oldest)[5:]) == {"u1", "u2"}
    assert newest.sort == "newest" and oldest.sort == "oldest"


def test_sorted_pages_follow_each_other(dated: Engine) -> None:
    whole = ids(dated.search("dân vận", sort="oldest", per_page=10))
    paged = [
        hit_id
        for number in (1, 2, 3)
        for hit_id in ids(dated.search("dân vận", sort="oldest", page=number, per_page=3))
    ]
    assert paged == whole


def test_relevance_is_the_default_order(dated: Engine) -> None:
    page = dated.search("dân vận khéo")
    assert page.sort == "relevance"
    assert set(ids(page)) == {"a1", "a2", "a5"}
    scores = [h.score for h in page.hits]
    assert scores == sorted(scores, reverse=True)


def test_empty_query_with_filters_lists_the_articles_newest_first(dated: Engine) -> None:
    page = dated.search("", filters=make_filters(year="2021"))
    assert ids(page) == ["a2", "lua", "a1"]  # "lua" matches no query word, but is of 2021
    assert page.sort == "newest" and page.total == 3
    assert counts(page, "source") == [(BAC_KAN_SITE, 2), (MARKUP_SITE, 1)]
    assert all(h.snippet for h in page.hits)  # the opening of each article
    oldest = dated.search("  ", sort="oldest", filters=make_filters(sources=[BAC_KAN_SITE]))
    assert ids(oldest) == ["a1", "a2", "u2"]


def test_empty_query_without_filters_stays_an_empty_page(dated: Engine) -> None:
    page = dated.search("")
    assert page.total == 0 and page.hits == []
    assert page.facets == {"year": [], "source": []}


def test_query_and_filters_that_match_nothing_give_empty_facets(dated: Engine) -> None:
    page = dated.search("lúa", filters=make_filters(year="2022"))
    assert page.total == 0
    assert counts(page, "year") == [("2021", 1)]  # without the year filter, 2021 has it
    assert page.facets["source"] == []


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"year": "21"}, "year must be a year such as 2021, or unknown"),
        ({"year": "năm nay"}, "year must be a year"),
        ({"year": "0000"}, "year must be a year"),  # never the undated bucket
        ({"date_from": "05/04/2022"}, "from must be a date written YYYY-MM-DD"),
        ({"date_from": "2022-13-01"}, "from must be a date written YYYY-MM-DD"),
        ({"date_to": "2022-02-30"}, "to must be a date written YYYY-MM-DD"),
        ({"date_from": "2022-05-01", "date_to": "2022-04-01"}, "from must not be after to"),
    ],
)
def test_invalid_filters_name_the_parameter(kwargs: dict, message: str) -> None:
    with pytest.raises(QueryError, match=message):
        make_filters(**kwargs)


def test_an_unknown_sort_is_refused(dated: Engine) -> None:
    with pytest.raises(QueryError, match="sort must be one of relevance, newest, oldest"):
        dated.search("dân vận", sort="date")


def test_filters_are_normalised() -> None:
    filters = make_filters(year=" UNKNOWN ", sources=[" Báo A", "Báo A", ""], date_from="")
    assert filters.year == "unknown"
    assert filters.sources == ("Báo A",)
    assert filters.date_from is None and filters.is_empty() is False
    assert make_filters().is_empty()


def test_columns_are_rebuilt_from_the_index_when_missing(tmp_path: Path, dated: Engine) -> None:
    build_index(dated_articles(), tmp_path, workers=1)
    (generation_dir(tmp_path) / COLUMNS_FILE).unlink()
    engine = Engine(tmp_path)
    for kwargs in ({}, {"sort": "newest"}, {"filters": make_filters(year="2021")}):
        page, expected = engine.search("dân vận", **kwargs), dated.search("dân vận", **kwargs)
        assert ids(page) == ids(expected) and page.facets == expected.facets


def test_an_update_keeps_the_columns_of_unchanged_articles(tmp_path: Path) -> None:
    articles = dated_articles()
    build_index(articles, tmp_path, workers=1)
    old_gen = generation_dir(tmp_path)
    old_columns = (old_gen / COLUMNS_FILE).read_bytes()
    by_id = {a.id: a for a in articles}
    by_id["a4"].date = "2023-02-01"  # changed: rewritten as a new document
    by_id["a4"].body += " Cập nhật."
    del by_id["u2"]  # removed
    extra = dated_articles()[0]
    extra.id, extra.date, extra.source = "a6", "2019-07-07", "Báo Mới"  # added
    # Its own text: a copy of a1 would be grouped with it.
    extra.title = "Dân vận khéo ở vùng cao"
    extra.body = "Dân vận khéo ở vùng cao. Một bài khác hẳn, về những bản làng xa."
    by_id["a6"] = extra
    report = build_index(list(by_id.values()), tmp_path, rebuild=False, workers=1)
    assert (report.added, report.updated, report.removed) == (1, 1, 1)
    page = Engine(tmp_path).search("dân vận", sort="newest")
    assert ids(page) == ["a4", "a5", "a3", "a2", "a1", "a6", "u1"]
    assert counts(page, "year") == [
        ("2023", 1),
        ("2022", 2),
        ("2021", 2),
        ("2019", 1),
        ("unknown", 1),
    ]
    assert ("Báo Mới", 1) in counts(page, "source")
    # The live generation was not written through the update's hard links.
    assert (old_gen / COLUMNS_FILE).read_bytes() == old_columns

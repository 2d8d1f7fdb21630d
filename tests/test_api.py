"""The JSON API: the whole response shape, and one error shape for every failure."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import BAC_KAN, BAC_KAN_SITE, NHAN_DAN, PHONG_DIEN_SITE
from webui import create_app

RESULT_KEYS = {
    "id",
    "title",
    "date",
    "author",
    "source",
    "url",
    "snippet",
    "score",
    "duplicates",
    "missing",
}


def test_search_returns_the_documented_shape(client) -> None:
    resp = client.get("/api/search", query_string={"q": "bac kan", "per_page": 3})
    assert resp.status_code == 200
    assert resp.headers["Content-Type"].startswith("application/json")
    data = resp.get_json()
    assert set(data) == {
        "query",
        "interpreted",
        "total",
        "page",
        "per_page",
        "took_ms",
        "suggestion",
        "partial",
        "results",
        "sort",
        "filters",
        "facets",
    }
    assert data["sort"] == "relevance"
    assert data["filters"] == {"year": None, "source": [], "from": None, "to": None}
    assert set(data["facets"]) == {"year", "source"}
    assert data["query"] == "bac kan"
    assert data["page"] == 1 and data["per_page"] == 3
    assert isinstance(data["took_ms"], float | int) and data["took_ms"] >= 0
    assert data["total"] >= 1 and len(data["results"]) <= 3
    first = data["results"][0]
    assert set(first) == RESULT_KEYS
    assert first["id"] == BAC_KAN
    assert first["url"] == f"/article/{BAC_KAN}"
    assert first["source"] is None  # the page names no site (and "seeds" is not one)
    assert "<mark>Bắc Kạn</mark>" in first["snippet"]
    assert isinstance(first["score"], float)
    assert first["duplicates"] == []  # ids of its near-copies that matched too


def test_file_paths_stay_out_of_public_answers_unless_the_operator_turns_them_on(
    seed_index: Path,
) -> None:
    """The API answers every site (CORS *): the operator's file paths are not for them."""
    public = create_app({"TESTING": True, "INDEX_DIR": str(seed_index)}).test_client()
    answers = [
        public.get("/api/search?q=bac+kan").get_json()["results"],
        public.get(f"/api/related/{BAC_KAN}").get_json()["results"],
    ]
    assert all(answers) and all("path" not in hit for hits in answers for hit in hits)
    for page in ("/?q=bac+kan", "/embed?q=bac+kan", f"/article/{BAC_KAN}"):
        html = public.get(page).get_data(as_text=True)
        assert f"{BAC_KAN}.txt" not in html, page

    operator = create_app(
        {"TESTING": True, "INDEX_DIR": str(seed_index), "API_PATHS": True}
    ).test_client()
    first = operator.get("/api/search?q=bac+kan").get_json()["results"][0]
    assert set(first) == RESULT_KEYS | {"path"}
    assert first["path"].endswith(f"{BAC_KAN}.txt")
    related = operator.get(f"/api/related/{BAC_KAN}").get_json()["results"]
    assert all(hit["path"].endswith(".txt") for hit in related)


def test_vietnamese_is_returned_as_utf8_not_escapes(client) -> None:
    body = client.get("/api/search?q=dân vận").get_data(as_text=True)
    assert "dân vận" in body.lower()


def test_empty_query_is_an_empty_result_not_an_error(client) -> None:
    data = client.get("/api/search?q=").get_json()
    assert data["total"] == 0 and data["results"] == []


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"q": "dân", "page": "abc"}, "page must be a whole number"),
        ({"q": "dân", "page": "0"}, "page must be between 1 and 1000"),
        ({"q": "dân", "per_page": "1000"}, "per_page must be between 1 and 100"),
        ({"q": "dân", "per_page": "-1"}, "per_page must be between 1 and 100"),
        ({"q": "dân", "sort": "date"}, "sort must be one of relevance, newest, oldest"),
        ({"q": "dân", "year": "22"}, "year must be a year such as 2021, or unknown"),
        ({"q": "dân", "from": "05/04/2022"}, "from must be a date written YYYY-MM-DD"),
        ({"q": "dân", "to": "2022-02-30"}, "to must be a date written YYYY-MM-DD"),
        ({"q": "", "from": "2022-05-01", "to": "2022-04-01"}, "from must not be after to"),
    ],
)
def test_bad_parameters_give_400_with_the_error_shape(client, params, message) -> None:
    resp = client.get("/api/search", query_string=params)
    assert resp.status_code == 400
    data = resp.get_json()
    assert set(data) == {"error", "status"} and data["status"] == 400
    assert message in data["error"]


def test_unknown_api_path_is_a_json_404(client) -> None:
    resp = client.get("/api/nothing")
    assert resp.status_code == 404
    assert resp.get_json()["status"] == 404


def test_missing_index_says_how_to_build_it(tmp_path) -> None:
    from webui import create_app

    client = create_app({"TESTING": True, "INDEX_DIR": str(tmp_path / "none")}).test_client()
    resp = client.get("/api/search?q=dân")
    assert resp.status_code == 503
    assert "timkiem index" in resp.get_json()["error"]


def test_page_and_api_agree(client) -> None:
    data = client.get("/api/search?q=dan van kheo").get_json()
    html = client.get("/?q=dan van kheo").get_data(as_text=True)
    positions = [html.index(f"/article/{r['id']}") for r in data["results"]]
    assert positions == sorted(positions)


def test_filters_sort_and_facets_in_the_response(dated_client) -> None:
    resp = dated_client.get(
        "/api/search",
        query_string=[
            ("q", "dân vận"),
            ("sort", "oldest"),
            ("source", NHAN_DAN),
            ("source", PHONG_DIEN_SITE),
            ("from", "2020-01-01"),
            ("per_page", "2"),
        ],
    )
    assert resp.status_code == 200
    data = resp.get_json()
    assert data["sort"] == "oldest"
    assert data["filters"] == {
        "year": None,
        "source": [NHAN_DAN, PHONG_DIEN_SITE],
        "from": "2020-01-01",
        "to": None,
    }
    assert data["total"] == 3
    assert [r["id"] for r in data["results"]] == ["a4", "a3"]
    assert data["facets"] == {
        "year": [
            {"value": "2022", "label": "2022", "count": 2},
            {"value": "2020", "label": "2020", "count": 1},
        ],
        "source": [
            # Dated ones only (the range is active); the source filter is left out.
            {"value": BAC_KAN_SITE, "label": BAC_KAN_SITE, "count": 2},
            {"value": PHONG_DIEN_SITE, "label": PHONG_DIEN_SITE, "count": 2},
            {"value": NHAN_DAN, "label": NHAN_DAN, "count": 1},
        ],
    }


def test_unknown_year_bucket_in_the_api(dated_client) -> None:
    data = dated_client.get("/api/search?q=dân vận&year=unknown").get_json()
    assert {r["id"] for r in data["results"]} == {"u1", "u2"}
    assert all(r["date"] is None for r in data["results"])
    assert data["facets"]["year"][-1] == {"value": "unknown", "label": "không rõ", "count": 2}


def test_empty_query_with_a_filter_lists_articles_newest_first(dated_client) -> None:
    data = dated_client.get("/api/search?q=&year=2021").get_json()
    assert [r["id"] for r in data["results"]] == ["a2", "lua", "a1"]
    assert data["sort"] == "newest" and data["total"] == 3

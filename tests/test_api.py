"""The JSON API: the whole response shape, and one error shape for every failure."""

from __future__ import annotations

import pytest

from tests.conftest import BAC_KAN

RESULT_KEYS = {"id", "title", "date", "author", "source", "path", "url", "snippet", "score"}


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
        "results",
    }
    assert data["query"] == "bac kan"
    assert data["page"] == 1 and data["per_page"] == 3
    assert isinstance(data["took_ms"], float | int) and data["took_ms"] >= 0
    assert data["total"] >= 1 and len(data["results"]) <= 3
    first = data["results"][0]
    assert set(first) == RESULT_KEYS
    assert first["id"] == BAC_KAN
    assert first["url"] == f"/article/{BAC_KAN}"
    assert first["path"].endswith(f"{BAC_KAN}.txt")
    assert first["source"] == "seeds"
    assert "<mark>Bắc Kạn</mark>" in first["snippet"]
    assert isinstance(first["score"], float)


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

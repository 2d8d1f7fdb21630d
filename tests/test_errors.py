"""Every error has one of two shapes: ``{"error", "status"}`` under /api/ and for *.json, a
Vietnamese page with the site's header and search box everywhere else."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from indexer import Engine
from webui import create_app

# English that Flask and werkzeug put on their own error pages.
FLASK_ENGLISH = ("Not Found", "Bad Request", "Method Not Allowed", "Internal Server Error")


def assert_error_page(html: str, heading: str) -> None:
    """A Vietnamese page of the site: lang, viewport, header with the search box, heading."""
    assert '<html lang="vi">' in html
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert '<header class="site">' in html
    assert re.search(r'<form class="search" role="search" action="/" method="get">', html)
    assert '<input id="q" name="q" type="search"' in html
    assert f"<h1>{heading}</h1>" in html
    for english in FLASK_ENGLISH:
        assert english not in html


def assert_json_error(resp, status: int) -> str:
    assert resp.status_code == status
    assert resp.mimetype == "application/json"
    data = resp.get_json()
    assert set(data) == {"error", "status"}
    assert data["status"] == status and data["error"]
    return data["error"]


def test_unknown_page_is_a_vietnamese_404(client: FlaskClient) -> None:
    resp = client.get("/no-such-page")
    assert resp.status_code == 404
    html = resp.get_data(as_text=True)
    assert_error_page(html, "Không tìm thấy trang")
    assert "Không có trang nào ở địa chỉ này" in html


def test_unknown_article_says_the_article_is_not_there(client: FlaskClient) -> None:
    resp = client.get("/article/no-such-id?q=dân vận")
    assert resp.status_code == 404
    html = resp.get_data(as_text=True)
    assert_error_page(html, "Không tìm thấy bài viết")
    assert 'value="dân vận"' in html  # the search box keeps the reader's query


def test_bad_page_number_shows_the_form_again_in_vietnamese(client: FlaskClient) -> None:
    resp = client.get("/?q=dan&page=abc")
    assert resp.status_code == 400
    html = resp.get_data(as_text=True)
    assert_error_page(html, "Yêu cầu không hợp lệ")
    assert 'name="q" type="search" value="dan"' in html
    assert "Số trang “abc” không hợp lệ: cần một số nguyên từ 1 đến 1.000." in html
    assert '<a href="/?q=dan">Tìm lại “dan”, bỏ phần không hợp lệ</a>' in html
    assert "must be" not in html


def test_dates_in_the_wrong_order_are_explained_in_vietnamese(client: FlaskClient) -> None:
    resp = client.get("/?q=dan&from=2023-01-01&to=2022-01-01&year=2022")
    assert resp.status_code == 400
    html = resp.get_data(as_text=True)
    assert_error_page(html, "Yêu cầu không hợp lệ")
    assert 'name="q" type="search" value="dan"' in html
    assert "Ngày bắt đầu (01/01/2023) sau ngày kết thúc (01/01/2022)." in html
    # The way back keeps the query and the other filter, without the two dates.
    assert '<a href="/?q=dan&amp;year=2022">' in html
    assert "must not be after" not in html


@pytest.mark.parametrize(
    ("query", "explanation"),
    [
        ("sort=date", "Cách sắp xếp “date” không hợp lệ: cần relevance (liên quan nhất)"),
        ("year=22", "Năm “22” không hợp lệ: cần một năm như 2021"),
        ("from=05/04/2022", "Ngày bắt đầu “05/04/2022” không hợp lệ: cần một ngày viết theo"),
        ("to=2022-02-30", "Ngày kết thúc “2022-02-30” không hợp lệ"),
        ("per_page=1000", "Số kết quả mỗi trang “1000” không hợp lệ: cần một số nguyên từ 1"),
    ],
)
def test_every_bad_filter_is_explained_in_vietnamese(
    client: FlaskClient, query: str, explanation: str
) -> None:
    resp = client.get(f"/?q=dan&{query}")
    assert resp.status_code == 400
    html = resp.get_data(as_text=True)
    assert_error_page(html, "Yêu cầu không hợp lệ")
    assert explanation in html


def test_a_bad_value_is_shown_escaped(client: FlaskClient) -> None:
    html = client.get("/?q=dan&year=<b>x</b>").get_data(as_text=True)
    assert "<b>x</b>" not in html and "&lt;b&gt;x&lt;/b&gt;" in html


def test_unknown_api_path_is_the_json_shape(client: FlaskClient) -> None:
    assert_json_error(client.get("/api/no-such"), 404)


def test_unknown_json_path_is_the_json_shape(client: FlaskClient) -> None:
    assert_json_error(client.get("/no-such.json"), 404)


def test_bad_api_parameter_keeps_the_api_message(client: FlaskClient) -> None:
    message = assert_json_error(client.get("/api/search?q=dan&page=abc"), 400)
    assert message == "page must be a whole number, got 'abc'"


def test_post_to_the_page_is_a_vietnamese_405(client: FlaskClient) -> None:
    resp = client.post("/", data={"q": "dan"})
    assert resp.status_code == 405
    assert set(resp.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "HEAD"}
    assert_error_page(resp.get_data(as_text=True), "Không làm được thao tác này")


def test_post_to_the_api_is_a_json_405(client: FlaskClient) -> None:
    resp = client.post("/api/search?q=dan")
    assert_json_error(resp, 405)
    assert "GET" in resp.headers["Allow"]


def test_missing_index_is_a_503_both_ways(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    index_dir = str(tmp_path / "none")
    client = create_app({"TESTING": True, "INDEX_DIR": index_dir}).test_client()
    with caplog.at_level(logging.ERROR):
        resp = client.get("/?q=dân")
    assert resp.status_code == 503
    html = resp.get_data(as_text=True)
    assert_error_page(html, "Tìm kiếm chưa sẵn sàng")
    assert index_dir not in html and "timkiem index" not in html
    # The operator reads the fix, with the directory, in the server's log.
    assert any(
        "timkiem index" in r.getMessage() and index_dir in r.getMessage() for r in caplog.records
    )
    message = assert_json_error(client.get("/api/search?q=dân"), 503)
    assert "timkiem index" in message and index_dir not in message
    assert client.get("/article/x").status_code == 503


def test_unexpected_exception_is_a_vietnamese_500_logged_with_its_traceback(
    seed_index: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("secret internals at /srv/timkiem")

    monkeypatch.setattr(Engine, "search", broken)
    app = create_app({"TESTING": True, "PROPAGATE_EXCEPTIONS": False, "INDEX_DIR": str(seed_index)})
    client = app.test_client()
    with caplog.at_level(logging.ERROR):
        resp = client.get("/?q=dan")
    assert resp.status_code == 500
    html = resp.get_data(as_text=True)
    assert_error_page(html, "Đã có lỗi")
    assert "secret" not in html and "Traceback" not in html and "RuntimeError" not in html
    logged = [r for r in caplog.records if r.exc_info]
    assert logged and "secret internals" in str(logged[0].exc_info[1])
    message = assert_json_error(client.get("/api/search?q=dan"), 500)
    assert "secret" not in message

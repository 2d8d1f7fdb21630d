"""/admin/stats and /admin/stats.json: off unless enabled with a token, the token checked,
the owner's figures shown with every query escaped."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from indexer.cli import main
from webui import create_app
from webui.analytics import get_log

TOKEN = "mã-bí-mật-42"
ASCII_TOKEN = "s3cret-token"


def make_app(index_dir: Path, **config: object):
    return create_app(
        {
            "TESTING": True,
            "INDEX_DIR": str(index_dir),
            "ADMIN_STATS": True,
            "ADMIN_TOKEN": ASCII_TOKEN,
            **config,
        }
    )


@pytest.fixture
def app(index_dir: Path):
    app = make_app(index_dir)
    client = app.test_client()
    for q in ["dan van", "dan van", "<script>alert(1)</script>", "bac kan", "zzqqxy"]:
        assert client.get("/api/search", query_string={"q": q}).status_code == 200
    assert client.get("/", query_string={"q": "Dân vận"}).status_code == 200
    assert get_log(app).flush(timeout=10)
    return app


def bearer(token: str = ASCII_TOKEN) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize(
    "config",
    [
        {"ADMIN_STATS": False},
        {"ADMIN_TOKEN": ""},
        {"ADMIN_TOKEN": "   "},
    ],
)
def test_the_page_does_not_exist_unless_enabled_with_a_token(index_dir: Path, config) -> None:
    client = make_app(index_dir, **config).test_client()
    for headers in ({}, bearer(), bearer("")):
        assert client.get("/admin/stats", headers=headers).status_code == 404
        assert client.get(f"/admin/stats?token={ASCII_TOKEN}").status_code == 404
        resp = client.get("/admin/stats.json", headers=headers)
        assert resp.status_code == 404
        assert resp.get_json() == client.get("/admin/no-such.json").get_json()
        assert resp.get_json()["status"] == 404
        page = client.get("/admin/stats", headers=headers).get_data(as_text=True)
        assert page == client.get("/admin/no-such").get_data(as_text=True)


def test_the_default_settings_keep_it_off(index_dir: Path) -> None:
    client = create_app({"TESTING": True, "INDEX_DIR": str(index_dir)}).test_client()
    assert client.get("/admin/stats").status_code == 404
    assert client.get("/admin/stats.json").status_code == 404


def test_without_a_token_the_page_asks_for_it(app) -> None:
    resp = app.test_client().get("/admin/stats?days=7")
    assert resp.status_code == 401
    assert resp.headers["WWW-Authenticate"].startswith("Bearer")
    html = resp.get_data(as_text=True)
    assert '<input id="token" name="token" type="password"' in html
    assert '<input type="hidden" name="days" value="7">' in html
    assert "dan van" not in html
    assert "Set-Cookie" not in resp.headers


@pytest.mark.parametrize(
    "request_kwargs",
    [
        {"headers": {"Authorization": "Bearer wrong"}},
        {"headers": {"Authorization": f"Bearer {ASCII_TOKEN}x"}},
        {"query_string": {"token": ASCII_TOKEN[:-1]}},
        {"query_string": {"token": "wrong"}},
    ],
)
def test_a_wrong_token_is_forbidden(app, request_kwargs) -> None:
    client = app.test_client()
    resp = client.get("/admin/stats", **request_kwargs)
    assert resp.status_code == 403
    html = resp.get_data(as_text=True)
    assert "Mã quản trị không đúng." in html and "dan van" not in html
    resp = client.get("/admin/stats.json", **request_kwargs)
    assert resp.status_code == 403
    assert resp.get_json() == {"error": "Wrong admin token.", "status": 403}


def test_json_without_a_token_is_401_with_the_error_shape(app) -> None:
    resp = app.test_client().get("/admin/stats.json")
    assert resp.status_code == 401
    data = resp.get_json()
    assert set(data) == {"error", "status"} and data["status"] == 401
    assert "Authorization: Bearer" in data["error"]
    assert resp.headers["WWW-Authenticate"] == 'Bearer realm="timkiem admin"'


def test_the_right_token_shows_the_three_tables_with_queries_escaped(app) -> None:
    resp = app.test_client().get("/admin/stats", headers=bearer())
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    for heading in ("Tìm nhiều nhất", "Không tìm thấy kết quả", "Chậm nhất"):
        assert f"<h2>{heading}</h2>" in html
    top = html.split("<h2>Tìm nhiều nhất</h2>")[1].split("<h2>")[0]
    # "dan van" twice through the API and "Dân vận" once on the page: two queries, 2 and 1.
    first_row = re.search(r"<tbody>\s*<tr>(.*?)</tr>", top, re.S).group(1)
    assert re.findall(r"<td[^>]*>(.*?)</td>", first_row) == ["dan van", "dân vận", "2", "5.0"]
    zero = html.split("<h2>Không tìm thấy kết quả</h2>")[1].split("<h2>")[0]
    assert "zzqqxy" in zero and "&lt;script&gt;" in zero and "dan van" not in zero
    assert "<strong>6</strong> lượt tìm trong 30 ngày" in html
    assert html.count('<rect class="all"') == 30


def test_the_page_has_no_cache_no_index_headers(app) -> None:
    client = app.test_client()
    for path in ("/admin/stats", "/admin/stats.json"):
        for headers in ({}, bearer(), bearer("wrong")):
            resp = client.get(path, headers=headers)
            assert resp.headers["X-Robots-Tag"].startswith("noindex"), (path, headers)
            assert resp.headers["Cache-Control"] == "no-store"
            assert resp.headers["Referrer-Policy"] == "no-referrer"
            assert "Set-Cookie" not in resp.headers


def test_a_token_from_the_form_is_kept_in_the_page_links(app) -> None:
    html = app.test_client().get(f"/admin/stats?token={ASCII_TOKEN}&days=7").get_data(as_text=True)
    assert "<strong>6</strong> lượt tìm trong 7 ngày" in html
    assert f'href="/admin/stats?days=30&amp;token={ASCII_TOKEN}"' in html
    assert f'href="/admin/stats.json?days=7&amp;token={ASCII_TOKEN}"' in html
    # Sent in a header, the token never appears in the page.
    assert ASCII_TOKEN not in app.test_client().get("/admin/stats", headers=bearer()).get_data(
        as_text=True
    )


def test_a_non_ascii_token_works(index_dir: Path) -> None:
    client = make_app(index_dir, ADMIN_TOKEN=TOKEN).test_client()
    assert client.get("/admin/stats", query_string={"token": TOKEN}).status_code == 200
    assert client.get("/admin/stats", query_string={"token": "mã-bí-mật-43"}).status_code == 403


def test_the_json_twin_is_what_timkiem_stats_prints(app, index_dir: Path) -> None:
    resp = app.test_client().get("/admin/stats.json?days=7&limit=3", headers=bearer())
    assert resp.status_code == 200
    data = resp.get_json()
    assert data.pop("logging") == {"enabled": True, "dropped": 0}
    cli = CliRunner().invoke(
        main, ["stats", "--days", "7", "--limit", "3", "--json", "--index-dir", str(index_dir)]
    )
    assert cli.exit_code == 0, cli.output
    assert json.loads(cli.output) == data
    assert data["searches"] == 6 and len(data["top"]) == 3 and len(data["per_day"]) == 7
    assert data["top"][0] == {
        "query": "dan van",
        "interpreted": "dân vận",
        "searches": 2,
        "avg_results": 5.0,
    }


@pytest.mark.parametrize(
    ("query", "message", "explanation"),
    [
        ("days=0", "days must be between 1 and 365, got 0", "Số ngày “0” không hợp lệ"),
        ("days=400", "days must be between 1 and 365, got 400", "Số ngày “400” không hợp lệ"),
        ("days=abc", "days must be a whole number, got 'abc'", "Số ngày “abc” không hợp lệ"),
        ("limit=0", "limit must be between 1 and 100, got 0", "Số dòng mỗi bảng “0” không hợp lệ"),
    ],
)
def test_bad_parameters_are_400(app, query: str, message: str, explanation: str) -> None:
    client = app.test_client()
    resp = client.get(f"/admin/stats.json?{query}", headers=bearer())
    assert resp.status_code == 400
    assert resp.get_json() == {"error": message, "status": 400}
    resp = client.get(f"/admin/stats?{query}", headers=bearer())
    assert resp.status_code == 400
    html = resp.get_data(as_text=True)
    assert explanation in html and "must be" not in html
    assert resp.headers["Cache-Control"] == "no-store"


def test_before_any_search_the_page_says_so(index_dir: Path) -> None:
    client = make_app(index_dir).test_client()
    resp = client.get("/admin/stats", headers=bearer())
    assert resp.status_code == 200
    assert "Chưa có lượt tìm kiếm nào được ghi." in resp.get_data(as_text=True)
    data = client.get("/admin/stats.json", headers=bearer()).get_json()
    assert data["searches"] == 0 and data["top"] == [] and len(data["per_day"]) == 30


def test_with_logging_off_the_page_says_new_searches_are_not_logged(app, index_dir: Path) -> None:
    client = make_app(index_dir, ANALYTICS=False).test_client()
    html = client.get("/admin/stats", headers=bearer()).get_data(as_text=True)
    assert "Đang không ghi lượt tìm kiếm mới" in html
    assert "<strong>6</strong> lượt tìm" in html  # the old log is still shown

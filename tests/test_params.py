"""Numeric parameters are read strictly: ASCII digits, in range, else 400 (never a 500)."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask.testing import FlaskClient

from webui import create_app
from webui.params import whole_number

ODD_NUMBERS = ["²", "①", "٣", "３", " 3", "3 ", "1_0", "3.0", "1e3", "+3", "0x10", "\x00", "9" * 13]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1", 1), ("0", 0), ("-1", -1), ("007", 7), ("999999999999", 999999999999)]
    + [(raw, None) for raw in ODD_NUMBERS],
)
def test_whole_number(raw: str, expected: int | None) -> None:
    assert whole_number(raw) == expected


@pytest.fixture
def client(index_dir: Path) -> FlaskClient:
    app = create_app(
        {"TESTING": True, "INDEX_DIR": str(index_dir), "ADMIN_STATS": True, "ADMIN_TOKEN": "t"}
    )
    return app.test_client()


@pytest.mark.parametrize("raw", ODD_NUMBERS)
@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/api/search", "page"),
        ("/api/search", "per_page"),
        ("/", "page"),
        ("/admin/stats.json", "days"),
        ("/admin/stats", "limit"),
    ],
)
def test_odd_numbers_are_a_400(client: FlaskClient, path: str, name: str, raw: str) -> None:
    resp = client.get(path, query_string={"q": "dan", "token": "t", name: raw})
    assert resp.status_code == 400
    if resp.is_json:
        body = resp.get_json()
        assert body["status"] == 400 and f"{name} must be a whole number" in body["error"]

"""/admin/stats in Chromium: the owner types the token into the form and reads the chart and
the tables; a logged ``<script>`` query is shown as text, never run.

Screenshots are written outside the repository (``TIMKIEM_SCREENSHOTS``, else a pytest temp
dir); the path is printed.
"""

from __future__ import annotations

import os
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from indexer import SearchLog, log_path
from tests.browser import live_server
from webui import create_app

TOKEN = "s3cret-token"

# (days ago, query, interpreted, results, ms, how many times)
LOGGED = [
    (0, "dan van", "dân vận", 5, 4.2, 14),
    (0, "bac kan", "bắc kạn", 1, 3.1, 6),
    (0, "<script>alert(1)</script>", None, 0, 2.0, 2),
    (1, "dân vận khéo", None, 3, 12.5, 9),
    (1, "phong dienn", None, 0, 1.5, 4),
    (2, "chuyển đổi số", None, 7, 38.0, 11),
    (4, "covid 19", None, 2, 85.0, 3),
    (6, "lịch cúp điện", None, 0, 1.2, 5),
    (9, "dan van", "dân vận", 5, 5.0, 8),
    (15, "học bổng", None, 4, 6.0, 7),
    (22, "tuyển dụng", None, 6, 9.0, 10),
]


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    configured = os.environ.get("TIMKIEM_SCREENSHOTS")
    directory = Path(configured) if configured else tmp_path_factory.mktemp("admin_screenshots")
    directory.mkdir(parents=True, exist_ok=True)
    return directory


@pytest.fixture
def app(seed_index: Path, tmp_path: Path):
    index_dir = tmp_path / "index"
    shutil.copytree(seed_index, index_dir, ignore=shutil.ignore_patterns("analytics.sqlite3*"))
    now = datetime.now(UTC)
    for days_ago, query, interpreted, results, ms, times in LOGGED:
        moment = (now - timedelta(days=days_ago)).timestamp()
        search_log = SearchLog(log_path(index_dir), clock=lambda moment=moment: moment)
        for i in range(times):
            search_log.record(
                query, interpreted=interpreted, results=results, took_ms=ms + i, surface="api"
            )
        assert search_log.flush(timeout=10)
    return create_app(
        {"TESTING": True, "INDEX_DIR": str(index_dir), "ADMIN_STATS": True, "ADMIN_TOKEN": TOKEN}
    )


def test_the_owner_opens_the_stats_with_the_token_form(app, page: Page, shots: Path) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    with live_server(app) as url:
        page.goto(url + "/admin/stats")
        expect(page.get_by_role("heading", name="Thống kê tìm kiếm")).to_be_visible()
        page.get_by_label("Mã quản trị").fill("wrong")
        page.get_by_role("button", name="Xem thống kê").click()
        expect(page.get_by_role("alert")).to_have_text("Mã quản trị không đúng.")
        page.get_by_label("Mã quản trị").fill(TOKEN)
        page.get_by_role("button", name="Xem thống kê").click()

        expect(page.get_by_text("79 lượt tìm trong 30 ngày", exact=False)).to_be_visible()
        top = page.locator("table.stats").nth(0)
        expect(top.locator("tbody tr").first).to_contain_text("dan van")
        expect(top.locator("tbody tr").first).to_contain_text("22")
        zero = page.locator("table.stats").nth(1)
        expect(zero.get_by_text("<script>alert(1)</script>", exact=True)).to_be_visible()
        slow = page.locator("table.stats").nth(2)
        expect(slow.locator("tbody tr").first).to_contain_text("covid 19")
        expect(page.locator("svg rect.all")).to_have_count(30)
        expect(page.locator("svg rect.zero")).to_have_count(3)
        page.screenshot(path=shots / "admin-stats.png", full_page=True)

        page.get_by_role("link", name="7 ngày").click()
        expect(page.get_by_text("lượt tìm trong 7 ngày", exact=False)).to_be_visible()
        expect(page.locator("svg rect.all")).to_have_count(7)
        page.set_viewport_size({"width": 390, "height": 844})
        page.screenshot(path=shots / "admin-stats-phone.png", full_page=True)
    assert dialogs == []
    print(f"\nadmin screenshots: {shots}")

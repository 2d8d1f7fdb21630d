"""A rate-limited reader in Chromium: the widget says the server is busy, and the search
page explains the 429 in Vietnamese."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from tests.browser import live_server  # fixtures browser, page: conftest
from webui import create_app


def test_the_widget_says_the_server_is_busy(page: Page, index_dir: Path) -> None:
    # One request a day: the guide page itself; the widget's searches are refused.
    app = create_app({"TESTING": True, "INDEX_DIR": str(index_dir), "RATE_LIMIT": "1 per day"})
    with live_server(app) as url:
        page.goto(url + "/widget")
        field = page.locator("timkiem-search").first.get_by_role("combobox")
        with page.expect_response(lambda r: "/api/search" in r.url) as answer:
            field.press_sequentially("dan van", delay=30)
        assert answer.value.status == 429
        message = page.locator("timkiem-search").first.locator(".msg")
        expect(message).to_contain_text("Máy chủ đang bận, xin thử lại sau ít giây")
        expect(message.get_by_role("button", name="Thử lại")).to_be_visible()
        page.goto(url + "/?q=dân vận")
        expect(page.get_by_role("alert")).to_contain_text("quá nhiều yêu cầu")

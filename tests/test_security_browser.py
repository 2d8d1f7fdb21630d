"""The Content-Security-Policy in Chromium: the search page with autocomplete, the article
view, the widget guide with its live demo, /embed and the admin page all work under it, and
the browser reports no violation; a page other than /embed cannot be framed by another site.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, expect

from tests.browser import live_server  # fixtures browser, page: conftest
from tests.conftest import BAC_KAN
from webui import create_app

TOKEN = "s3cret-token"
# Every violation fires this event on the document, also for shadow DOM content.
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  const where = `${e.sourceFile}:${e.lineNumber}`;
  window.__violations.push(`${e.effectiveDirective} ${e.blockedURI} ${where}`);
}, true);
"""


@pytest.fixture(scope="module")
def site(seed_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    import shutil

    index_dir = tmp_path_factory.mktemp("csp") / "index"
    shutil.copytree(seed_index, index_dir, ignore=shutil.ignore_patterns("analytics.sqlite3*"))
    app = create_app(
        {"TESTING": True, "INDEX_DIR": str(index_dir), "ADMIN_STATS": True, "ADMIN_TOKEN": TOKEN}
    )
    with live_server(app) as url:
        yield url


class Watched:
    """A page whose CSP violations (events and console messages) are collected."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.console: list[str] = []
        page.add_init_script(RECORD_VIOLATIONS)
        page.on("console", self._on_console)

    def _on_console(self, message: ConsoleMessage) -> None:
        text = message.text
        if "Content Security Policy" in text or "Refused to" in text:
            self.console.append(text)

    def violations(self) -> list[str]:
        events = self.page.evaluate("window.__violations || []")
        frames = [
            frame.evaluate("window.__violations || []")
            for frame in self.page.frames
            if frame is not self.page.main_frame
        ]
        return [*events, *(v for found in frames for v in found), *self.console]


@pytest.fixture
def watched(page: Page) -> Watched:
    return Watched(page)


def test_search_page_and_autocomplete_under_the_policy(watched: Watched, site: str) -> None:
    page = watched.page
    page.goto(site + "/")
    box = page.locator("#q")
    box.press_sequentially("dan v", delay=30)
    options = page.locator("#q-completions [role=option]")
    expect(options.first).to_be_visible()
    expect(options.first).to_have_text("dân vận")
    box.press("ArrowDown")
    with page.expect_navigation():
        box.press("Enter")
    expect(page.locator("ol.results .result").first).to_be_visible()
    page.keyboard.press("/")  # shortcuts.js runs too
    expect(box).to_be_focused()
    page.goto(site + f"/article/{BAC_KAN}?q=dân vận")
    expect(page.locator(".article mark").first).to_be_visible()
    assert watched.violations() == []


def test_widget_guide_and_its_live_demo_under_the_policy(watched: Watched, site: str) -> None:
    page = watched.page
    page.goto(site + "/widget")
    widget = page.locator("timkiem-search").first
    field = widget.locator("input")
    field.click()
    field.press_sequentially("dan van", delay=30)
    expect(widget.locator("[role=option]").first).to_be_visible()
    # The demo's custom colours come from the stylesheet now, not a style attribute.
    accent = page.evaluate(
        "getComputedStyle(document.querySelectorAll('timkiem-search')[1])"
        ".getPropertyValue('--timkiem-accent').trim()"
    )
    assert accent == "#9c2a1e"
    swatch = page.locator(".swatch rect").first
    assert swatch.get_attribute("fill") == "#0b5cad"
    assert watched.violations() == []


def test_admin_page_under_the_policy(watched: Watched, site: str) -> None:
    page = watched.page
    page.goto(site + "/admin/stats")
    page.locator("#token").fill(TOKEN)
    with page.expect_navigation():
        page.get_by_role("button", name="Xem thống kê").click()
    expect(page.get_by_role("heading", name="Thống kê tìm kiếm")).to_be_visible()
    expect(page.locator(".range")).to_be_visible()
    assert watched.violations() == []


def host_page(frame_path: str) -> Callable[..., list[bytes]]:
    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        target = environ["QUERY_STRING"]
        body = f"<!doctype html><title>Another site</title><iframe src='{target}{frame_path}'>"
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
        return [body.encode()]

    return app


@pytest.mark.parametrize(("path", "framed"), [("/embed?lang=en", True), ("/?q=dan", False)])
def test_only_embed_may_be_framed_by_another_site(
    browser: Browser, site: str, path: str, framed: bool
) -> None:
    context = browser.new_context()
    try:
        page = context.new_page()
        watched = Watched(page)
        with live_server(host_page(path)) as other:
            if framed:
                page.goto(f"{other}/?{site}")
                frame = page.frame_locator("iframe")
                field = frame.get_by_role("combobox")
                field.press_sequentially("dan van", delay=30)
                expect(frame.locator("timkiem-search [role=option]").first).to_be_visible()
                assert watched.violations() == []
            else:
                # frame-ancestors 'none': Chromium refuses and says so.
                with page.expect_console_message(lambda m: "frame-ancestors" in m.text):
                    page.goto(f"{other}/?{site}")
                child = page.frames[1] if len(page.frames) > 1 else None
                assert child is None or "Tìm kiếm bài viết" not in child.content()
    finally:
        context.close()

"""The search page in a real browser: the "/" shortcut, facets on a phone-sized screen, the
article view as printed.

Screenshots are written outside the repository (``TIMKIEM_SCREENSHOTS``, else a pytest temp
dir); the path is printed.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser import live_server  # fixtures browser, page: conftest
from tests.conftest import BAC_KAN_SITE
from webui import create_app


@pytest.fixture(scope="module")
def site(dated_index: Path) -> Iterator[str]:
    app = create_app({"TESTING": True, "INDEX_DIR": str(dated_index)})
    with live_server(app) as url:
        yield url


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("TIMKIEM_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_slash_focuses_the_search_box(page: Page, site: str) -> None:
    page.goto(site + "/?q=dân+vận")
    box = page.locator("#q")
    page.locator("h1, .summary").first.click()  # focus on the page, not in a field
    expect(box).not_to_be_focused()
    page.keyboard.press("/")
    expect(box).to_be_focused()
    expect(box).to_have_value("dân vận")  # the "/" itself is not typed into the box
    page.keyboard.type("khéo")  # the query was selected: typing replaces it
    expect(box).to_have_value("khéo")


def test_slash_is_typed_as_usual_in_a_field(page: Page, site: str) -> None:
    page.goto(site + "/?q=dân+vận")
    box = page.locator("#q")
    box.click()
    page.keyboard.press("End")
    page.keyboard.type(" a/b")
    expect(box).to_have_value("dân vận a/b")
    page.locator(".range summary").click()  # the date range opens on demand
    date_field = page.locator("input[name=from]")
    date_field.focus()
    page.keyboard.press("/")
    expect(date_field).to_be_focused()


def test_facets_and_sort_work_without_javascript(browser: Browser, site: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(site + "/?q=dân+vận")
        page.get_by_role("link", name="Mới nhất").click()
        page.locator(".facets").get_by_role("link", name="2021").click()
        expect(page.locator(".summary")).to_contain_text("2 kết quả")
        expect(page.locator(".active-filters")).to_contain_text("Năm: 2021")
        titles = page.locator(".result h2").all_inner_texts()
        assert titles == ["Dân vận khéo ở xã vùng cao", "Hội nghị dân vận khéo đầu năm"]
        page.locator(".active-filters").get_by_role("link", name="Năm: 2021").click()
        expect(page.locator(".summary")).to_contain_text("7 kết quả")
        assert "sort=newest" in page.url and "year" not in page.url
    finally:
        context.close()


def test_phone_layout_has_no_sideways_scroll(browser: Browser, site: str, shots: Path) -> None:
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True
    )
    try:
        page = context.new_page()
        page.goto(site + f"/?q=dân+vận&source={BAC_KAN_SITE}")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the page is {width}px wide on a 390px screen"
        # Facets come before the results on a phone, the search box spans the screen.
        facets = page.locator(".facets").bounding_box()
        first = page.locator(".result").first.bounding_box()
        assert facets and first and facets["y"] < first["y"]
        assert facets["width"] > 300 and first["width"] > 300  # one column, not squeezed
        box = page.locator("#q").bounding_box()
        assert box and box["width"] > 250
        path = shots / "search-phone.png"
        page.screenshot(path=str(path), full_page=True)
        print(f"screenshot: {path}")
    finally:
        context.close()


def test_article_prints_without_the_site_chrome(page: Page, site: str, shots: Path) -> None:
    page.goto(site + "/article/a3?q=dân+vận")
    # A reader in dark mode prints: black on white all the same, marks without a background.
    page.emulate_media(media="print", color_scheme="dark")
    for chrome in ("header.site", "footer.site", ".back"):
        expect(page.locator(chrome)).to_be_hidden()
    expect(page.locator("h1")).to_have_text("Dân vận trong tình hình mới")
    expect(page.locator(".article .meta")).to_contain_text("Thứ Ba, 05/04/2022")
    style = page.evaluate(
        """() => {
          const body = getComputedStyle(document.body);
          const mark = getComputedStyle(document.querySelector("mark"));
          return [body.backgroundColor, body.color, mark.backgroundColor, mark.fontWeight];
        }"""
    )
    assert style == ["rgb(255, 255, 255)", "rgb(0, 0, 0)", "rgba(0, 0, 0, 0)", "700"]
    path = shots / "article-print.png"
    page.screenshot(path=str(path), full_page=True)
    print(f"screenshot: {path}")

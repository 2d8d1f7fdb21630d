"""Layout a reader can rely on, in Chromium: the search button readable in dark mode, the
widget guide on a phone without sideways scrolling, and a very long unbroken query that
never widens a page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from tests.browser import live_server  # fixtures browser, page: conftest
from tests.conftest import BAC_KAN
from webui import create_app

TOKEN = "s3cret-token"
LONG_QUERY = "a" * 2000
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True}

# WCAG 2 contrast ratio of an element's text against its own background.
CONTRAST = """(selector) => {
  const el = document.querySelector(selector);
  const style = getComputedStyle(el);
  const rgb = (c) => c.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const lum = ([r, g, b]) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const [a, b] = [lum(rgb(style.color)), lum(rgb(style.backgroundColor))];
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}"""


@pytest.fixture(scope="module")
def site(seed_index: Path) -> Iterator[str]:
    app = create_app(
        {"TESTING": True, "INDEX_DIR": str(seed_index), "ADMIN_STATS": True, "ADMIN_TOKEN": TOKEN}
    )
    with live_server(app) as url:
        yield url


def page_width(page: Page) -> tuple[int, int]:
    """(scrollable width of the page, width of the screen)."""
    screen = page.viewport_size
    assert screen is not None
    return page.evaluate("document.documentElement.scrollWidth"), screen["width"]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize(
    ("path", "button"),
    [("/", "form.search button"), ("/admin/stats", "form.token button")],
)
def test_buttons_are_readable_in_both_colour_schemes(
    browser: Browser, site: str, scheme: str, path: str, button: str
) -> None:
    context = browser.new_context(color_scheme=scheme)  # type: ignore[arg-type]
    try:
        page = context.new_page()
        page.goto(site + path)
        ratio = page.evaluate(CONTRAST, button)
        assert ratio >= 4.5, f"{button} in {scheme} mode: contrast {ratio:.2f}:1"
    finally:
        context.close()


def test_the_widget_guide_fits_a_phone(browser: Browser, site: str) -> None:
    context = browser.new_context(**PHONE)
    try:
        page = context.new_page()
        page.goto(site + "/widget")
        width, screen = page_width(page)
        assert width <= screen == 390, f"/widget is {width}px wide on a 390px screen"
        # The live demo is still usable there.
        demo = page.locator("timkiem-search").first.bounding_box()
        assert demo and 250 < demo["width"] <= 390
    finally:
        context.close()


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
@pytest.mark.parametrize(
    "path",
    [
        f"/?q={LONG_QUERY}",
        f"/?q={LONG_QUERY}&year=2021",
        f"/?q=dân vận {LONG_QUERY}",
        f"/article/{BAC_KAN}?q={LONG_QUERY}",
        f"/?q={LONG_QUERY}&page=abc",
    ],
    ids=["no-results", "filtered", "with-words", "article", "error"],
)
def test_a_long_unbroken_query_never_widens_the_page(
    browser: Browser, site: str, path: str, phone: bool
) -> None:
    context = browser.new_context(**PHONE) if phone else browser.new_context()
    try:
        page = context.new_page()
        page.goto(site + path)
        assert LONG_QUERY[:100] in page.content()  # the query is on the page…
        width, screen = page_width(page)
        assert width <= screen, f"…and the page is {width}px wide on a {screen}px screen"
    finally:
        context.close()

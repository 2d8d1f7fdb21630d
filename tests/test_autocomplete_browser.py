"""Autocomplete on the search page and in the widget, in a real browser."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote_plus

import pytest
from playwright.sync_api import Page, expect

from tests.browser import live_server  # fixtures browser, page: conftest
from tests.words_corpus import words_index_fixture  # noqa: F401 - registered as words_index
from webui import create_app


@pytest.fixture(scope="module")
def words_url(words_index: Path) -> Iterator[str]:
    app = create_app({"TESTING": True, "INDEX_DIR": str(words_index)})
    with live_server(app) as url:
        yield url


def test_suggestions_under_the_search_box_by_keyboard(page: Page, words_url: str) -> None:
    page.goto(words_url + "/")
    box = page.locator("#q")
    box.press_sequentially("dan v", delay=30)
    options = page.locator("#q-completions [role=option]")
    expect(options).to_have_text(["dân vận", "dân vận khéo", "dân vận năm"])
    expect(box).to_have_attribute("role", "combobox")
    expect(box).to_have_attribute("aria-expanded", "true")
    expect(box).to_have_attribute("aria-controls", "q-completions")
    expect(page.get_by_role("status").filter(has_text="gợi ý")).to_have_text("3 gợi ý")

    box.press("ArrowDown")
    box.press("ArrowDown")
    expect(options.nth(1)).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", options.nth(1).get_attribute("id") or "")
    box.press("ArrowUp")
    expect(options.nth(0)).to_have_attribute("aria-selected", "true")
    box.press("Escape")
    expect(page.locator("#q-completions")).to_be_hidden()
    expect(box).to_have_attribute("aria-expanded", "false")
    expect(box).to_have_value("dan v")  # Esc closes the list, it does not clear the box

    box.press("ArrowDown")  # reopens the list, on its first suggestion
    box.press("ArrowDown")
    with page.expect_navigation():
        box.press("Enter")
    assert unquote_plus(page.url.split("?q=", 1)[1]) == "dân vận khéo"
    expect(page.locator("#q")).to_have_value("dân vận khéo")
    expect(page.locator("ol.results .result")).to_have_count(8)


def test_a_click_on_a_suggestion_searches_it_and_telex_works(page: Page, words_url: str) -> None:
    page.goto(words_url + "/")
    page.locator("#q").press_sequentially("chuyeenr ddooi", delay=30)
    option = page.locator("#q-completions [role=option]").filter(has_text="chuyển đổi số")
    with page.expect_navigation():
        option.click()
    expect(page.locator("#q")).to_have_value("chuyển đổi số")
    expect(page.locator(".summary")).to_contain_text("6 kết quả")


def test_a_typo_gets_did_you_mean_and_the_link_searches_it(page: Page, words_url: str) -> None:
    page.goto(words_url + "/?q=phong+dienn")
    link = page.locator(".didyoumean").get_by_role("link", name="phong điền")
    expect(page.locator(".didyoumean")).to_have_text("Có phải bạn muốn tìm: phong điền")
    link.click()
    expect(page.locator(".summary")).to_contain_text("5 kết quả")
    expect(page.locator(".didyoumean")).to_have_count(0)


def test_the_widget_shows_completions_above_its_results(page: Page, words_url: str) -> None:
    def host(environ: dict, start_response) -> list[bytes]:  # a page of another origin
        body = (
            "<!doctype html><meta charset=utf-8><title>Another site</title>"
            f"<script src='{words_url}/widget.js' defer></script>"
            "<timkiem-search></timkiem-search>"
        ).encode()
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
        return [body]

    with live_server(host) as site_url:
        page.goto(site_url + "/")
        box = page.locator("timkiem-search input")
        box.click()
        box.press_sequentially("dan v", delay=30)
        group = page.locator("timkiem-search [role=group]")
        expect(group).to_have_attribute("aria-label", "Gợi ý")
        buttons = group.get_by_role("button")
        expect(buttons).to_have_text(["dân vận", "dân vận khéo", "dân vận năm"])
        # The completions stand above the results, which stay the listbox's options.
        completions_box = group.bounding_box()
        first = page.locator("timkiem-search [role=option]").first
        expect(first).to_be_visible()
        assert completions_box and (first.bounding_box() or {"y": 0})["y"] > completions_box["y"]

        buttons.nth(1).click()
        expect(box).to_have_value("dân vận khéo")
        expect(box).to_be_focused()
        summary = page.locator("timkiem-search .summary")
        expect(summary).to_have_text("8 kết quả cho “dân vận khéo”")
        expect(group).to_be_hidden()  # nothing completes "dân vận khéo" further

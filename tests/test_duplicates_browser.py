"""What a reader sees of near-copies and related articles in a real browser."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser import (
    live_server,
)
from tests.conftest import BAC_KAN
from tests.copies_corpus import EXACT, copies_index_fixture  # noqa: F401 - by name
from webui import create_app


@pytest.fixture(scope="module")
def url(copies_index: Path) -> Iterator[str]:
    app = create_app({"TESTING": True, "INDEX_DIR": str(copies_index)})
    with live_server(app) as base:
        yield base


def test_copies_open_under_their_result_and_lead_to_related_articles(page: Page, url: str) -> None:
    page.goto(url + "/?q=dân+vận+chính+quyền")
    copies = page.locator("details.copies")
    expect(copies).to_have_count(1)
    links = copies.locator("li a")
    expect(links).to_have_count(2)
    expect(links.first).to_be_hidden()  # closed until the reader asks
    page.get_by_text("và 2 bài tương tự").click()
    expect(links.first).to_be_visible()
    page.locator(f'details.copies a[href^="/article/{EXACT}"]').click()
    related = page.locator("section.related")
    expect(related.get_by_role("heading")).to_have_text("Bài liên quan")
    expect(related.locator(f'a[href="/article/{BAC_KAN}"]')).to_be_visible()

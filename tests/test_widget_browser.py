"""The widget in a real browser: Chromium loads it from a page of another origin that has
hostile CSS of its own, and a visitor types, uses the keyboard, and meets every state.

Screenshots are written outside the repository (``TIMKIEM_SCREENSHOTS``, else a pytest temp
dir); the path is printed.
"""

from __future__ import annotations

import html
import os
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect

from indexer import Article, build_index
from tests.browser import closed_port_url, live_server  # fixtures browser, page: conftest
from webui import create_app

# The host page's own CSS, as rude as a real site's can be: none of it may reach the widget.
HOSTILE_CSS = """
* { color: red !important; font-size: 40px; font-family: "Comic Sans MS", cursive;
    letter-spacing: 3px; line-height: 3; text-transform: uppercase; }
input { display: none; }
li { list-style: square; margin: 30px; padding: 20px; }
a { text-decoration: line-through !important; }
mark { background: lime !important; }
p, span { display: inline; }
body { background: #f7f3ea; }
"""
XSS = "<img src=x onerror=window.__xss=1>"
SHADOW = "document.querySelector('timkiem-search').shadowRoot"
LAYOUT_DEPENDENT = {"width", "height", "inline-size", "block-size"}
LAYOUT_DEPENDENT |= {"perspective-origin", "transform-origin"}
WIDGET_PROPS = [
    "display",
    "color",
    "background-color",
    "font-family",
    "font-size",
    "font-weight",
    "letter-spacing",
    "line-height",
    "text-transform",
    "text-decoration-line",
    "list-style-type",
    "margin-top",
    "padding-left",
    "border-top-width",
    "border-radius",
]


def host_page(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
    """A third-party site. ``?src=`` the timkiem server to embed, ``css=0`` without its hostile
    CSS, ``widget=0`` without the widget, ``iframe=1`` the /embed page in an iframe instead,
    ``a-NAME=value`` attributes of <timkiem-search>."""
    params = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
    src = html.escape(params.get("src", ""))
    attrs = "".join(
        f' {html.escape(k[2:])}="{html.escape(v)}"' for k, v in params.items() if k[:2] == "a-"
    )
    if params.get("iframe") == "1":
        embed = html.escape(f"{params['src']}/embed?lang=en&results=3")
        style = "width: 100%; height: 480px; border: 0"
        widget_html = f'<iframe src="{embed}" title="Search" style="{style}"></iframe>'
    elif params.get("widget") == "0":
        widget_html = ""
    else:
        widget_html = (
            f'<script src="{src}/widget.js" defer></script><timkiem-search{attrs}></timkiem-search>'
        )
    css = "" if params.get("css") == "0" else f"<style>{HOSTILE_CSS}</style>"
    body = f"""<!doctype html><html lang="vi"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Báo tỉnh</title>{css}
</head><body><h1 id="h">Báo tỉnh</h1><p id="p">Tin <a id="a" href="#">địa phương</a></p>
<input id="own" value="ô của trang">
<div id="slot" style="max-width: 560px; margin: 16px">{widget_html}</div>
<p id="after">Chân trang</p></body></html>"""
    start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
    return [body.encode()]


def make_app(index_dir: Path, **config: Any) -> Flask:
    return create_app({"TESTING": True, "INDEX_DIR": str(index_dir), **config})


@pytest.fixture(scope="module")
def app_url(seed_index: Path) -> Iterator[str]:
    with live_server(make_app(seed_index)) as url:
        yield url


@pytest.fixture(scope="module")
def blocked_url(seed_index: Path) -> Iterator[str]:
    """A timkiem server that lets only http://example.invalid call its API."""
    with live_server(make_app(seed_index, CORS_ORIGINS="http://example.invalid")) as url:
        yield url


@pytest.fixture(scope="module")
def xss_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A timkiem server whose only article carries script in its title, body and URL."""
    index_dir = tmp_path_factory.mktemp("xss_index")
    article = Article(
        id="xss",
        title="<img src=x onerror=window.__xss=2> Tin <script>window.__xss=3</script>",
        body="Công tác dân vận <script>window.__xss=4</script> và <b>đậm</b> &amp; hết.",
        date="2024-01-02",
        url="javascript:window.__xss=5",
        path="xss.txt",
    )
    build_index([article], index_dir, workers=1)
    with live_server(make_app(index_dir)) as url:
        yield url


@pytest.fixture(scope="module")
def slow_url(seed_index: Path) -> Iterator[str]:
    """A timkiem server that answers the query "dan" late, after the answer to "dan van"."""
    app = make_app(seed_index)
    wsgi = app.wsgi_app

    def slow_for_dan(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if parse_qs(environ.get("QUERY_STRING", "")).get("q") == ["dan"]:
            time.sleep(1.0)
        return wsgi(environ, start_response)

    app.wsgi_app = slow_for_dan  # type: ignore[method-assign]
    with live_server(app) as url:
        yield url


@pytest.fixture(scope="module")
def site_url() -> Iterator[str]:
    """The third-party site: another port, so another origin."""
    with live_server(host_page) as url:
        yield url


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    configured = os.environ.get("TIMKIEM_SCREENSHOTS")
    directory = Path(configured) if configured else tmp_path_factory.mktemp("widget_screenshots")
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def site(site_url: str, src: str, **params: str) -> str:
    return f"{site_url}/?{urlencode({'src': src, **params})}"


def count_searches(page: Page) -> list[str]:
    """Every /api/search request the page makes, from now on."""
    urls: list[str] = []
    page.on("request", lambda request: "/api/search" in request.url and urls.append(request.url))
    return urls


def type_query(page: Page, text: str) -> None:
    box = page.locator("timkiem-search input")
    box.click()
    box.press_sequentially(text, delay=25)


def shadow_styles(page: Page, selectors: list[str]) -> dict[str, dict[str, str]]:
    return page.evaluate(
        """([selectors, props]) => Object.fromEntries(selectors.map((s) => {
            const root = document.querySelector("timkiem-search").shadowRoot;
            const cs = getComputedStyle(root.querySelector(s));
            return [s, Object.fromEntries(props.map((p) => [p, cs.getPropertyValue(p)]))];
        }))""",
        [selectors, WIDGET_PROPS],
    )


def page_styles(page: Page, selectors: list[str]) -> dict[str, dict[str, str]]:
    return page.evaluate(
        """(selectors) => Object.fromEntries(selectors.map((s) => {
            const cs = getComputedStyle(document.querySelector(s));
            return [s, Object.fromEntries([...cs].map((p) => [p, cs.getPropertyValue(p)]))];
        }))""",
        selectors,
    )


def test_typing_shows_marked_results_from_another_origin(
    page: Page, site_url: str, app_url: str, shots: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    searches = count_searches(page)
    page.goto(site(site_url, app_url))
    page.wait_for_function("customElements.get('timkiem-search') !== undefined")
    page.wait_for_timeout(300)
    assert searches == [], "the widget must not work before the visitor does"

    type_query(page, "dan van")
    options = page.locator("timkiem-search [role=option]")
    expect(options.first).to_be_visible()
    assert 1 <= len(searches) <= 2, searches  # debounced: not one request per key
    assert searches[-1].startswith(f"{app_url}/api/search?")
    assert "q=dan+van" in searches[-1] and "per_page=5" in searches[-1]

    box = page.locator("timkiem-search input")
    expect(box).to_have_attribute("aria-expanded", "true")
    expect(box).to_have_attribute("role", "combobox")
    expect(page.locator("timkiem-search [role=listbox]")).to_have_id("tk-list")
    marks = [m.lower() for m in page.locator("timkiem-search mark").all_inner_texts()]
    assert "dân vận" in marks, marks
    live = page.locator("timkiem-search [role=status]")
    expect(live).to_have_text(re.compile(r"^\d+ kết quả$"))
    summary = page.locator("timkiem-search .summary")  # as the engine understood the query
    expect(summary).to_have_text(re.compile(r"^\d+ kết quả cho “dân vận”$"))

    links = page.locator("timkiem-search [role=option] a")
    hrefs = [links.nth(i).get_attribute("href") or "" for i in range(links.count())]
    articles, see_all = hrefs[:-1], hrefs[-1]
    assert 1 <= len(articles) <= 5
    assert all(h.startswith(f"{app_url}/article/") and "q=dan+van" in h for h in articles), hrefs
    assert see_all == f"{app_url}/?q=dan+van"
    expect(links.last).to_contain_text("Xem tất cả kết quả")
    for date in page.locator("timkiem-search time").all_inner_texts():
        assert re.fullmatch(r"\d\d/\d\d/\d{4}", date), date

    page.screenshot(path=shots / "widget-light.png")
    page.locator("timkiem-search .panel").evaluate("(panel) => { panel.scrollTop = 1e6; }")
    page.locator("timkiem-search .panel").screenshot(path=shots / "widget-light-end.png")
    with capsys.disabled():
        print(f"\nwidget screenshots: {shots}")


def test_keyboard_moves_through_results_escape_closes_enter_opens(
    page: Page, site_url: str, app_url: str
) -> None:
    page.goto(site(site_url, app_url))
    type_query(page, "dan van")
    box = page.locator("timkiem-search input")
    options = page.locator("timkiem-search [role=option]")
    expect(options.first).to_be_visible()

    box.press("ArrowDown")
    expect(box).to_have_attribute("aria-activedescendant", "tk-opt-0")
    expect(options.first).to_have_attribute("aria-selected", "true")
    box.press("ArrowDown")
    expect(box).to_have_attribute("aria-activedescendant", "tk-opt-1")
    expect(options.first).to_have_attribute("aria-selected", "false")
    box.press("ArrowUp")
    expect(box).to_have_attribute("aria-activedescendant", "tk-opt-0")

    box.press("Escape")
    expect(page.locator("timkiem-search .panel")).to_be_hidden()
    expect(box).to_have_attribute("aria-expanded", "false")
    expect(box).not_to_have_attribute("aria-activedescendant", re.compile(".*"))
    assert page.evaluate(f"{SHADOW}.activeElement === {SHADOW}.querySelector('input')")
    expect(box).to_have_value("dan van")

    box.press("ArrowDown")  # reopens the same results
    expect(options.first).to_be_visible()
    box.press("ArrowDown")
    title = page.locator("timkiem-search [role=option] .title").first.inner_text()
    box.press("Enter")
    page.wait_for_url(re.compile(re.escape(app_url) + r"/article/[^?]+\?q=dan\+van$"))
    expect(page.locator("h1")).to_have_text(title)


def test_enter_searches_at_once_when_no_result_is_active(
    page: Page, site_url: str, app_url: str
) -> None:
    page.goto(site(site_url, app_url))
    searches = count_searches(page)
    box = page.locator("timkiem-search input")
    box.fill("bac kan")  # one input event; Enter comes before the debounce ends
    box.press("Enter")
    expect(page.locator("timkiem-search [role=option]").first).to_be_visible()
    assert len(searches) == 1
    expect(page.locator("timkiem-search mark").first).to_have_text(re.compile("Bắc Kạn", re.I))


def test_the_host_page_and_the_widget_keep_their_own_styles(
    page: Page, site_url: str, app_url: str
) -> None:
    own = ["body", "#h", "#p", "#a", "#own", "#after"]
    page.goto(site(site_url, app_url, widget="0"))
    before = page_styles(page, own)
    page.goto(site(site_url, app_url))
    type_query(page, "dan van")
    expect(page.locator("timkiem-search mark").first).to_be_visible()
    after = page_styles(page, own)
    for selector in own:
        changed = {
            prop: (before[selector][prop], value)
            for prop, value in after[selector].items()
            if prop not in LAYOUT_DEPENDENT and before[selector].get(prop) != value
        }
        assert not changed, (selector, changed)
    assert before["#own"]["display"] == "none"  # the host's CSS still rules the host's page

    inside = ["input", ".panel", ".summary", "[role=option] a", ".title", ".snippet", "mark"]
    hostile = shadow_styles(page, inside)
    page.goto(site(site_url, app_url, css="0"))
    type_query(page, "dan van")
    expect(page.locator("timkiem-search mark").first).to_be_visible()
    plain = shadow_styles(page, inside)
    assert hostile == plain
    assert plain["input"]["display"] == "block"
    assert plain["input"]["font-size"] == "16px"
    assert plain["mark"]["background-color"] != "rgb(0, 255, 0)"


def test_a_query_is_shown_as_text_never_run(
    page: Page, site_url: str, app_url: str, shots: Path
) -> None:
    page.goto(site(site_url, app_url))
    type_query(page, XSS)
    page.locator("timkiem-search input").press("Enter")
    message = page.locator("timkiem-search .msg")
    expect(message).to_have_text(f"Không tìm thấy kết quả cho “{XSS}”")
    expect(page.locator("timkiem-search [role=status]")).to_have_text(
        f"Không tìm thấy kết quả cho “{XSS}”"
    )
    page.screenshot(path=shots / "widget-no-results.png")
    assert page.evaluate("window.__xss") is None
    assert page.evaluate(f"{SHADOW}.querySelectorAll('img, script').length") == 0


def test_article_text_and_urls_are_never_run(page: Page, site_url: str, xss_url: str) -> None:
    page.goto(site(site_url, xss_url))
    type_query(page, "dân vận")
    option = page.locator("timkiem-search [role=option]").first
    expect(option).to_be_visible()
    expect(option.locator(".title")).to_have_text(
        "<img src=x onerror=window.__xss=2> Tin <script>window.__xss=3</script>"
    )
    expect(option.locator(".snippet")).to_contain_text("<script>window.__xss=4</script>")
    expect(option.locator("mark").first).to_have_text(re.compile("dân vận", re.I))
    href = option.locator("a").get_attribute("href")
    assert href == f"{xss_url}/article/xss?q=d%C3%A2n+v%E1%BA%ADn", href  # not javascript:
    page.wait_for_timeout(200)
    assert page.evaluate("window.__xss") is None
    assert page.evaluate(f"{SHADOW}.querySelectorAll('img, script, b').length") == 0


def test_a_stale_answer_never_replaces_a_newer_one(
    page: Page, site_url: str, slow_url: str
) -> None:
    page.goto(site(site_url, slow_url))
    searches = count_searches(page)
    type_query(page, "dan")
    page.wait_for_timeout(400)  # the debounce is over: "dan" is asked, and answers in 1 s
    expect(page.locator("timkiem-search .msg")).to_have_text("Đang tìm…")  # the loading state
    expect(page.locator("timkiem-search .tk")).to_have_class("tk loading")
    page.locator("timkiem-search input").press_sequentially(" van", delay=25)
    summary = page.locator("timkiem-search .summary")
    expect(summary).to_contain_text("“dân vận”")
    page.wait_for_timeout(1200)  # long after the answer to "dan" was due
    expect(summary).to_contain_text("“dân vận”")
    assert [parse_qs(u.split("?", 1)[1])["q"] for u in searches] == [["dan"], ["dan van"]]


def fulfil_search(page: Page, app_url: str, status: int, body: dict[str, Any]) -> None:
    """Answer the widget's searches with ``body`` instead of the server."""
    page.route(
        f"{app_url}/api/search?*",
        lambda route: route.fulfill(
            status=status, json=body, headers={"Access-Control-Allow-Origin": "*"}
        ),
    )


def test_no_results_names_the_query_as_the_engine_understood_it(
    page: Page, site_url: str, app_url: str
) -> None:
    answer = {"query": "dan vam", "interpreted": "dân vâm", "total": 0, "page": 1}
    fulfil_search(page, app_url, 200, {**answer, "per_page": 5, "took_ms": 1, "results": []})
    page.goto(site(site_url, app_url))
    type_query(page, "dan vam")
    expect(page.locator("timkiem-search .msg")).to_have_text("Không tìm thấy kết quả cho “dân vâm”")
    expect(page.locator("timkiem-search [role=status]")).to_have_text(
        "Không tìm thấy kết quả cho “dân vâm”"
    )
    assert page.locator("timkiem-search [role=option]").count() == 0


def test_a_server_error_is_reported_and_retry_works(
    page: Page, site_url: str, app_url: str
) -> None:
    fulfil_search(page, app_url, 500, {"error": "Internal Server Error", "status": 500})
    page.goto(site(site_url, app_url))
    type_query(page, "dan van")
    message = page.locator("timkiem-search .msg")
    expect(message).to_contain_text("Máy chủ tìm kiếm gặp lỗi")
    page.unroute(f"{app_url}/api/search?*")
    message.locator("button").click()
    expect(page.locator("timkiem-search [role=option]").first).to_be_visible()
    expect(message).to_be_hidden()
    expect(page.locator("timkiem-search input")).to_be_focused()


def test_a_site_that_is_not_allowed_gets_no_data(
    page: Page, site_url: str, blocked_url: str, shots: Path
) -> None:
    searches = count_searches(page)
    page.goto(site(site_url, blocked_url))  # widget.js itself loads: scripts need no CORS
    type_query(page, "dan van")
    message = page.locator("timkiem-search .msg")
    expect(message).to_contain_text("Không kết nối được máy chủ tìm kiếm")
    expect(message.locator("button")).to_have_text("Thử lại")
    expect(page.locator("timkiem-search [role=status]")).to_have_text(
        "Không kết nối được máy chủ tìm kiếm"
    )
    assert page.locator("timkiem-search [role=option]").count() == 0
    page.screenshot(path=shots / "widget-error.png")
    assert searches and searches[-1].startswith(f"{blocked_url}/api/search?")


def test_an_unreachable_server_shows_the_error_state(
    page: Page, site_url: str, app_url: str
) -> None:
    page.goto(site(site_url, app_url, **{"a-api": closed_port_url(), "a-lang": "en"}))
    type_query(page, "dan van")
    expect(page.locator("timkiem-search .msg")).to_contain_text("Cannot reach the search server")
    expect(page.locator("timkiem-search .msg button")).to_have_text("Try again")


def test_no_request_while_an_input_method_is_composing(
    page: Page, site_url: str, app_url: str
) -> None:
    page.goto(site(site_url, app_url))
    searches = count_searches(page)
    page.locator("timkiem-search input").focus()
    page.evaluate(
        """(words) => {
            const root = document.querySelector("timkiem-search").shadowRoot;
            const input = root.querySelector("input");
            const fire = (e) => input.dispatchEvent(e);
            fire(new CompositionEvent("compositionstart", { bubbles: true, composed: true }));
            for (const word of words) {
                input.value = word;
                fire(new InputEvent("input", { bubbles: true, composed: true, isComposing: true,
                                               inputType: "insertCompositionText", data: word }));
            }
        }""",
        ["d", "da", "dâ", "dân"],
    )
    page.wait_for_timeout(600)  # three times the debounce
    assert searches == []
    with page.expect_response(lambda r: "/api/search" in r.url):
        page.evaluate(
            f"""{SHADOW}.querySelector("input").dispatchEvent(new CompositionEvent(
                "compositionend", {{ bubbles: true, composed: true, data: "dân" }}))"""
        )
    assert len(searches) == 1 and "q=d%C3%A2n" in searches[0], searches
    expect(page.locator("timkiem-search [role=option]").first).to_be_visible()


def test_the_iframe_embed_opens_articles_in_the_whole_page(
    page: Page, site_url: str, app_url: str
) -> None:
    page.goto(site(site_url, app_url, iframe="1"))
    frame = page.frame_locator("iframe")
    box = frame.locator("timkiem-search input[role=combobox]")  # not the no-JS fallback
    box.click()
    box.press_sequentially("dan van", delay=25)
    options = frame.locator("timkiem-search [role=option]")
    expect(options.last).to_have_text(re.compile("See all results"))
    assert 2 <= options.count() <= 4  # results=3, plus "See all results"
    expect(options.first.locator("a")).to_have_attribute("target", "_top")
    options.first.locator("a").click()
    page.wait_for_url(re.compile(re.escape(app_url) + r"/article/"))


def test_the_guide_page_has_a_working_demo(page: Page, app_url: str) -> None:
    page.goto(f"{app_url}/widget")
    expect(page.locator("code#code-script")).to_contain_text(f'src="{app_url}/widget.js"')
    box = page.locator("timkiem-search input").first
    box.click()
    box.press_sequentially("bac kan", delay=25)
    expect(page.locator("timkiem-search mark").first).to_be_visible()


@pytest.mark.parametrize(
    ("name", "viewport", "scheme"),
    [("dark", (1000, 720), "dark"), ("phone", (390, 780), "light")],
)
def test_dark_mode_and_phone(
    browser: Browser,
    site_url: str,
    app_url: str,
    shots: Path,
    name: str,
    viewport: tuple[int, int],
    scheme: Any,
) -> None:
    width, height = viewport
    context = browser.new_context(
        viewport={"width": width, "height": height}, color_scheme=scheme, has_touch=name == "phone"
    )
    try:
        page = context.new_page()
        page.goto(site(site_url, app_url))
        type_query(page, "dan van")
        options = page.locator("timkiem-search [role=option] a")
        expect(options.first).to_be_visible()
        page.locator("timkiem-search input").press("ArrowDown")
        page.screenshot(path=shots / f"widget-{name}.png")
        panel = page.locator("timkiem-search .panel")
        if scheme == "dark":
            assert (
                shadow_styles(page, [".panel"])[".panel"]["background-color"] == "rgb(24, 28, 34)"
            )
        else:
            # full width: the widget fills its container, the results panel the widget
            slot, element = page.locator("#slot").bounding_box(), page.locator("timkiem-search")
            boxes = slot, element.bounding_box(), panel.bounding_box()
            widths = [b["width"] if b else 0 for b in boxes]
            assert widths == pytest.approx([widths[0]] * 3, abs=1), widths
            for box in [page.locator("timkiem-search input"), *options.all()]:
                assert (box.bounding_box() or {"height": 0})["height"] >= 44  # touch targets
    finally:
        context.close()

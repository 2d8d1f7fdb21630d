"""The widget's server side through the Flask test client: its routes, caching and CORS."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import BAC_KAN
from webui import create_app, widget

SCRIPT = Path(widget.__file__).parent / "static" / "widget" / "widget.js"
# Bytes, unminified: no build step, so what we write is what ships. 20 KiB since the widget
# shows completions (/api/suggest) above its results.
SCRIPT_BUDGET = 20 * 1024

ALLOWED = "https://bao.example.vn"
OTHER = "https://evil.example"


@pytest.fixture
def make_app(seed_index: Path) -> Callable[..., Flask]:
    def make(**config: Any) -> Flask:
        return create_app({"TESTING": True, "INDEX_DIR": str(seed_index), **config})

    return make


@pytest.fixture
def client(make_app: Callable[..., Flask]) -> FlaskClient:
    return make_app().test_client()


@pytest.fixture
def narrow_client(make_app: Callable[..., Flask]) -> FlaskClient:
    """An app that lets only ALLOWED (and a second site) call its API."""
    return make_app(CORS_ORIGINS=f"{ALLOWED}, https://tinh.example.vn/").test_client()


# --- widget.js --------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/widget.js", "/static/widget/widget.js"])
def test_widget_js_is_served_with_cache_and_cors_headers(client: FlaskClient, path: str) -> None:
    resp = client.get(path, headers={"Origin": OTHER}, buffered=True)  # buffered: closes the file
    assert resp.status_code == 200
    assert resp.headers["Content-Type"] == "text/javascript; charset=utf-8"
    assert resp.headers["Cache-Control"] == "public, max-age=3600"
    assert resp.headers["ETag"]
    assert resp.headers["Access-Control-Allow-Origin"] == "*"
    assert resp.headers["Cross-Origin-Resource-Policy"] == "cross-origin"
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.data == SCRIPT.read_bytes()


def test_widget_js_revalidates_with_its_etag(client: FlaskClient) -> None:
    etag = client.get("/widget.js", buffered=True).headers["ETag"]
    resp = client.get("/widget.js", headers={"If-None-Match": etag}, buffered=True)
    assert resp.status_code == 304
    assert resp.headers["Cache-Control"] == "public, max-age=3600"


def test_widget_js_is_small_and_never_parses_html() -> None:
    source = SCRIPT.read_text(encoding="utf-8")
    assert len(source.encode()) < SCRIPT_BUDGET
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert sink not in source, sink
    assert 'customElements.define("timkiem-search"' in source


def test_every_documented_option_and_variable_is_in_the_widget() -> None:
    source = SCRIPT.read_text(encoding="utf-8")
    for option in widget.OPTIONS:
        assert f'"{option.name}"' in source or f"[{option.name}=" in source, option.name
    for var in widget.THEME_VARS:
        name = var.name.removeprefix("--timkiem-")
        # colours come from the PALETTE table (light, dark), the rest are used by name
        light, dark = re.escape(var.light), re.escape(var.dark)
        palette = re.search(rf'\b{name}: \["{light}", "{dark}"\]', source)
        assert palette or var.name in source, var.name


# --- CORS ---------------------------------------------------------------------------------


def test_search_api_answers_any_origin_by_default(client: FlaskClient) -> None:
    resp = client.get("/api/search?q=dân vận", headers={"Origin": OTHER})
    assert resp.status_code == 200
    assert resp.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in resp.headers


@pytest.mark.parametrize(
    "setting",
    [f"{ALLOWED}, https://tinh.example.vn/", [ALLOWED, "https://tinh.example.vn"]],
    ids=["comma-separated", "list"],
)
def test_an_origin_list_echoes_allowed_origins_only(make_app, setting) -> None:
    client = make_app(CORS_ORIGINS=setting).test_client()
    allowed = client.get("/api/search?q=dan", headers={"Origin": ALLOWED})
    assert allowed.headers["Access-Control-Allow-Origin"] == ALLOWED
    assert "Origin" in allowed.headers["Vary"]
    second = client.get("/api/search?q=dan", headers={"Origin": "https://tinh.example.vn"})
    assert second.headers["Access-Control-Allow-Origin"] == "https://tinh.example.vn"
    refused = client.get("/api/search?q=dan", headers={"Origin": OTHER})
    assert refused.status_code == 200  # the browser, not the server, withholds the data
    assert "Access-Control-Allow-Origin" not in refused.headers
    assert "Origin" in refused.headers["Vary"]


def test_preflight_is_answered_for_allowed_origins(narrow_client: FlaskClient) -> None:
    headers = {
        "Origin": ALLOWED,
        "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "content-type",
    }
    resp = narrow_client.options("/api/search", headers=headers)
    assert resp.status_code == 200
    assert resp.headers["Access-Control-Allow-Origin"] == ALLOWED
    assert "GET" in resp.headers["Access-Control-Allow-Methods"]
    assert resp.headers["Access-Control-Allow-Headers"] == "content-type"
    assert resp.headers["Access-Control-Max-Age"] == "86400"

    refused = narrow_client.options("/api/search", headers={**headers, "Origin": OTHER})
    assert "Access-Control-Allow-Origin" not in refused.headers
    assert "Access-Control-Allow-Methods" not in refused.headers


def test_api_errors_keep_cors_headers_so_the_widget_can_read_them(client: FlaskClient) -> None:
    resp = client.get("/api/search?q=dan&page=abc", headers={"Origin": OTHER})
    assert resp.status_code == 400
    assert resp.get_json()["status"] == 400
    assert resp.headers["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/?q=dan+van",
        f"/article/{BAC_KAN}",
        "/widget",
        "/embed",
        "/static/style.css",
        "/api/nothing",
    ],
)
def test_only_the_read_only_search_endpoints_get_cors_headers(client, path) -> None:
    resp = client.get(path, headers={"Origin": OTHER}, buffered=True)
    assert "Access-Control-Allow-Origin" not in resp.headers, resp.status_code


@pytest.mark.parametrize("path", ["/api/suggest?q=dan", "/api/related/x"])
def test_future_search_endpoints_are_covered_too(client: FlaskClient, path: str) -> None:
    assert client.get(path, headers={"Origin": OTHER}).headers["Access-Control-Allow-Origin"]


def test_cors_origins_comes_from_the_environment(monkeypatch, seed_index: Path) -> None:
    monkeypatch.setenv("TIMKIEM_CORS_ORIGINS", ALLOWED)
    client = create_app({"TESTING": True, "INDEX_DIR": str(seed_index)}).test_client()
    refused = client.get("/api/search?q=dan", headers={"Origin": OTHER})
    allowed = client.get("/api/search?q=dan", headers={"Origin": ALLOWED})
    assert "Access-Control-Allow-Origin" not in refused.headers
    assert allowed.headers["Access-Control-Allow-Origin"] == ALLOWED


@pytest.mark.parametrize(
    ("setting", "expected"),
    [
        ("*", None),
        (" * ", None),
        (["*"], None),
        ("https://a.vn,*", None),
        ("https://a.vn, https://B.vn/", frozenset({"https://a.vn", "https://b.vn"})),
        (["https://a.vn/"], frozenset({"https://a.vn"})),
        ("", frozenset()),
        (None, frozenset()),
    ],
)
def test_allowed_origins(setting, expected) -> None:
    assert widget.allowed_origins(setting) == expected


def test_the_app_has_the_widget_once_even_if_added_again(make_app: Callable[..., Flask]) -> None:
    app = make_app()
    widget.init_app(app)
    assert app.after_request_funcs[None].count(widget.add_cors_headers) == 1
    assert "widget" in app.blueprints


# --- /embed -------------------------------------------------------------------------------


def test_embed_hosts_the_widget_with_the_options_given(narrow_client: FlaskClient) -> None:
    resp = narrow_client.get(
        "/embed",
        query_string={
            "placeholder": "Tìm tin tỉnh…",
            "results": "3",
            "lang": "en",
            "results-page": "https://bao.example.vn/tim-kiem",
            "theme": "dark",
        },
    )
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert '<script src="/widget.js" defer></script>' in html
    assert '<html lang="en">' in html
    tag = re.search(r"<timkiem-search[^>]*>", html)
    assert tag is not None
    assert tag.group(0) == (
        '<timkiem-search target="_top" placeholder="Tìm tin tỉnh…" results="3" lang="en" '
        'results-page="https://bao.example.vn/tim-kiem" theme="dark">'
    )
    assert 'action="https://bao.example.vn/tim-kiem"' in html  # the no-JavaScript form


@pytest.mark.parametrize(
    ("params", "dropped"),
    [
        ({"results": "abc"}, "results="),
        ({"results": "500"}, "results="),
        ({"lang": "fr"}, "lang="),
        ({"theme": "neon"}, "theme="),
        ({"results-page": "javascript:alert(1)"}, "results-page="),
        ({"results-page": "//evil.example/"}, "results-page="),
        ({"api": "data:text/html,hi"}, "api="),
        ({"target": "evil"}, 'target="evil"'),
    ],
)
def test_embed_drops_invalid_options(client: FlaskClient, params, dropped) -> None:
    html = client.get("/embed", query_string=params).get_data(as_text=True)
    tag = re.search(r"<timkiem-search[^>]*>", html)
    assert tag is not None and dropped not in tag.group(0)


def test_embed_escapes_option_text(client: FlaskClient) -> None:
    payload = '"><script>alert(1)</script>'
    html = client.get("/embed", query_string={"placeholder": payload}).get_data(as_text=True)
    assert "<script>alert(1)" not in html
    assert "&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in html


def csp_directives(resp) -> dict[str, str]:
    policy = resp.headers["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in policy.split(";"))


def test_embed_may_be_framed_by_the_allowed_sites_only(client, narrow_client) -> None:
    anywhere = client.get("/embed")
    assert "frame-ancestors" not in csp_directives(anywhere)  # any site, as CORS_ORIGINS=*
    assert "X-Frame-Options" not in anywhere.headers
    narrow = narrow_client.get("/embed")
    assert csp_directives(narrow)["frame-ancestors"] == (
        f"'self' {ALLOWED} https://tinh.example.vn"
    )
    assert "X-Frame-Options" not in narrow.headers
    # Every other page refuses to be framed.
    assert csp_directives(client.get("/widget"))["frame-ancestors"] == "'none'"


def test_embed_form_may_go_to_the_results_page_given(narrow_client: FlaskClient) -> None:
    resp = narrow_client.get(
        "/embed", query_string={"results-page": "https://bao.example.vn/tim?x=1"}
    )
    assert csp_directives(resp)["form-action"] == "'self' https://bao.example.vn"
    assert csp_directives(narrow_client.get("/embed"))["form-action"] == "'self'"


INJECTIONS = [
    "https://bao.example.vn;script-src-elem 'unsafe-inline' *;frame-ancestors */x",
    "https://bao.example.vn;script-src-elem%20*",
    "https://bao.example.vn:443;frame-ancestors *",
    "https://x@bao.example.vn/",
    "https://bao.example.vn\\@evil.example/",
    "https://bao.example.vn:99999/",
]


@pytest.mark.parametrize("value", INJECTIONS)
def test_results_page_never_reaches_the_policy_verbatim(narrow_client, value: str) -> None:
    resp = narrow_client.get("/embed", query_string={"results-page": value})
    csp = csp_directives(resp)
    assert csp["form-action"] == "'self'"
    assert csp["frame-ancestors"] == f"'self' {ALLOWED} https://tinh.example.vn"
    assert "unsafe-inline" not in resp.headers["Content-Security-Policy"]
    assert csp["script-src"] == "'self'"
    tag = re.search(r"<timkiem-search[^>]*>", resp.get_data(as_text=True))
    assert tag is not None and "results-page=" not in tag.group(0)


@pytest.mark.parametrize(
    ("value", "kept"),
    [
        ("/tim-kiem", True),  # this host
        ("https://bao.example.vn/tim", False),  # any site may embed (*), but not be sent queries
        ("https://evil.example/steal", False),
    ],
)
def test_results_page_is_this_host_or_a_configured_site(client, value: str, kept: bool) -> None:
    resp = client.get("/embed", query_string={"results-page": value})
    tag = re.search(r"<timkiem-search[^>]*>", resp.get_data(as_text=True))
    assert tag is not None and ("results-page=" in tag.group(0)) is kept
    assert csp_directives(resp)["form-action"] == "'self'"


def test_results_page_of_a_site_not_configured_is_dropped(narrow_client) -> None:
    resp = narrow_client.get("/embed", query_string={"results-page": "https://evil.example/x"})
    tag = re.search(r"<timkiem-search[^>]*>", resp.get_data(as_text=True))
    assert tag is not None and "results-page=" not in tag.group(0)
    assert csp_directives(resp)["form-action"] == "'self'"


@pytest.mark.parametrize("value", ["²", "①", "٣", "３", "1²", "-1", "+3", "0", "21", "9" * 400])
def test_embed_ignores_numbers_that_are_not_plain_in_range(client, value: str) -> None:
    resp = client.get("/embed", query_string={"results": value})
    assert resp.status_code == 200
    tag = re.search(r"<timkiem-search[^>]*>", resp.get_data(as_text=True))
    assert tag is not None and "results=" not in tag.group(0)


def test_embed_never_searches_another_server(client: FlaskClient) -> None:
    html = client.get(
        "/embed", query_string={"api": "http://other-server.example/", "results": "3"}
    ).get_data(as_text=True)
    tag = re.search(r"<timkiem-search[^>]*>", html)
    assert tag is not None
    assert "api=" not in tag.group(0) and 'results="3"' in tag.group(0)
    assert "other-server" not in html


# --- /widget ------------------------------------------------------------------------------


def test_widget_page_shows_the_snippet_with_this_host(client: FlaskClient) -> None:
    resp = client.get("/widget", base_url="https://tim.example.vn")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert (
        "&lt;script src=&#34;https://tim.example.vn/widget.js&#34; defer&gt;&lt;/script&gt;\n"
        "&lt;timkiem-search placeholder=&#34;Tìm kiếm bài viết…&#34;&gt;&lt;/timkiem-search&gt;"
    ) in html
    assert "&lt;iframe src=&#34;https://tim.example.vn/embed&#34;" in html
    assert '<script src="/widget.js" defer></script>' in html  # the live demo
    assert "<timkiem-search " in html
    assert "mọi website" in html
    for option in widget.OPTIONS:
        assert f"<code>{option.name}</code>" in html
    for var in widget.THEME_VARS:
        assert f"<code>{var.name}</code>" in html
    size = f"{SCRIPT.stat().st_size:,}".replace(",", ".")
    assert f"{size} byte" in html


def test_widget_page_lists_the_allowed_sites(narrow_client: FlaskClient) -> None:
    html = narrow_client.get("/widget").get_data(as_text=True)
    assert f"<code>{ALLOWED}</code>, <code>https://tinh.example.vn</code>." in html

"""Security headers and host safety (webui.security, webui.hosts) through the Flask test client.

The browser side (every page working under the policy, no violation reported) is in
``test_security_browser.py``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import Client

from tests.conftest import BAC_KAN
from webui import create_app
from webui.hosts import TrustedProxies, parse_networks

TOKEN = "s3cret-token"
EXPECTED_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


@pytest.fixture
def make_app(index_dir: Path) -> Callable[..., Flask]:
    def make(**config: Any) -> Flask:
        return create_app({"TESTING": True, "INDEX_DIR": str(index_dir), **config})

    return make


@pytest.fixture
def client(make_app: Callable[..., Flask]) -> FlaskClient:
    return make_app(ADMIN_STATS=True, ADMIN_TOKEN=TOKEN).test_client()


def directives(policy: str) -> dict[str, str]:
    return dict(part.strip().split(" ", 1) for part in policy.split(";"))


# Every kind of response: pages, errors, JSON, XML, static files, the widget script.
PATHS = [
    "/",
    "/?q=dan+van",
    "/?q=dan+van&page=abc",
    f"/article/{BAC_KAN}?q=dân vận",
    "/article/nothing",
    "/widget",
    "/api/search?q=dan",
    "/api/search?q=dan&page=0",
    "/api/suggest?q=dan",
    f"/api/related/{BAC_KAN}",
    "/api/nothing",
    "/opensearch.xml",
    "/static/style.css",
    "/favicon.ico",
    "/widget.js",
    "/admin/stats",
    f"/admin/stats?token={TOKEN}",
    "/admin/stats.json",
    "/no/such/page",
]


@pytest.mark.parametrize("path", PATHS)
def test_every_response_carries_the_security_headers(client: FlaskClient, path: str) -> None:
    resp = client.get(path, buffered=True)
    assert directives(resp.headers["Content-Security-Policy"]) == EXPECTED_POLICY
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["X-Frame-Options"] == "DENY"
    assert resp.headers["Referrer-Policy"] in ("strict-origin-when-cross-origin", "no-referrer")


def test_the_admin_pages_keep_their_stricter_referrer_policy(client: FlaskClient) -> None:
    assert client.get("/admin/stats").headers["Referrer-Policy"] == "no-referrer"
    assert client.get("/").headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


class _InlineFinder(HTMLParser):
    """Collects what a policy without 'unsafe-inline' would block."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name for name, _ in attrs}
        if tag == "style":
            self.found.append("<style>")
        if tag == "script" and "src" not in names:
            self.found.append("inline <script>")
        if "style" in names:
            self.found.append(f"style= on <{tag}>")
        self.found += [f"{n}= on <{tag}>" for n in names if n.startswith("on")]
        href = dict(attrs).get("href") or ""
        if href.strip().lower().startswith("javascript:"):
            self.found.append(f"javascript: link on <{tag}>")


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/?q=dan+van",
        "/?q=dan+van&page=abc",
        f"/article/{BAC_KAN}?q=dân vận",
        "/widget",
        "/embed?lang=en&results=3",
        "/admin/stats",
        f"/admin/stats?token={TOKEN}",
        f"/admin/stats?token={TOKEN}&days=0",
    ],
)
def test_pages_hold_no_inline_script_or_style(client: FlaskClient, path: str) -> None:
    if "token=" in path:
        client.get("/?q=dân vận")  # something to chart
    html = client.get(path).get_data(as_text=True)
    finder = _InlineFinder()
    finder.feed(html)
    assert finder.found == []


# --- absolute URLs and the Host header ---------------------------------------------------


def test_opensearch_from_a_forged_host_is_never_publicly_cached(client: FlaskClient) -> None:
    resp = client.get("/opensearch.xml", headers={"Host": "evil.example"})
    xml = resp.get_data(as_text=True)
    assert 'template="http://evil.example/?q={searchTerms}"' in xml  # built from the host…
    assert resp.cache_control.public is False  # …so no shared cache keeps it
    assert resp.cache_control.private is True


def test_opensearch_uses_the_public_url(make_app: Callable[..., Flask]) -> None:
    client = make_app(PUBLIC_URL="https://tim.example.gov.vn/").test_client()
    resp = client.get("/opensearch.xml", headers={"Host": "evil.example"})
    xml = resp.get_data(as_text=True)
    assert "evil.example" not in xml
    assert 'template="https://tim.example.gov.vn/?q={searchTerms}"' in xml
    assert (
        'template="https://tim.example.gov.vn/api/suggest?q={searchTerms}&amp;format=opensearch"'
        in xml
    )
    assert resp.headers["Cache-Control"] == "public, max-age=86400"


def test_widget_snippets_use_the_public_url_and_its_path(make_app) -> None:
    client = make_app(PUBLIC_URL="https://cong.example.gov.vn/tim-kiem").test_client()
    resp = client.get("/widget", headers={"Host": "evil.example"})
    html = resp.get_data(as_text=True)
    assert "evil.example" not in html
    assert "&lt;script src=&#34;https://cong.example.gov.vn/tim-kiem/widget.js&#34;" in html
    assert "&lt;iframe src=&#34;https://cong.example.gov.vn/tim-kiem/embed&#34;" in html
    assert "<code>https://cong.example.gov.vn/tim-kiem</code>" in html
    assert "<code>https://cong.example.gov.vn/tim-kiem/api/search</code>" in html
    assert resp.cache_control.private is not True


def test_widget_page_from_the_request_host_is_private(client: FlaskClient) -> None:
    resp = client.get("/widget", headers={"Host": "evil.example"})
    assert "https://evil.example" not in resp.get_data(as_text=True)
    assert "http://evil.example/widget.js" in resp.get_data(as_text=True)
    assert resp.cache_control.private is True


def test_pages_without_absolute_urls_stay_cacheable(client: FlaskClient) -> None:
    resp = client.get("/api/search?q=dan", headers={"Host": "evil.example"})
    assert resp.headers["Cache-Control"] == "public, max-age=60"


# --- trusted proxies ---------------------------------------------------------------------


def echo(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
    """A WSGI app that answers with what it believes about the request."""
    body = " ".join(
        str(environ.get(k)) for k in ("REMOTE_ADDR", "wsgi.url_scheme", "HTTP_HOST", "SCRIPT_NAME")
    )
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [body.encode()]


PROXIED = {
    "X-Forwarded-For": "198.51.100.7",
    "X-Forwarded-Proto": "https",
    "X-Forwarded-Host": "tim.example.gov.vn",
    "X-Forwarded-Prefix": "/tim",
}


def seen(peer: str, headers: dict[str, str], trusted: str = "127.0.0.1, 10.0.0.0/8") -> str:
    client = Client(TrustedProxies(echo, parse_networks(trusted)))
    return client.get("/", headers=headers, environ_base={"REMOTE_ADDR": peer}).text


def test_forwarded_headers_from_a_trusted_proxy_are_believed() -> None:
    assert seen("127.0.0.1", PROXIED) == "198.51.100.7 https tim.example.gov.vn /tim"
    assert seen("10.1.2.3", PROXIED) == "198.51.100.7 https tim.example.gov.vn /tim"


def test_forwarded_headers_from_anyone_else_are_ignored() -> None:
    assert seen("203.0.113.9", PROXIED) == "203.0.113.9 http localhost "


@pytest.mark.parametrize(
    ("forwarded_for", "client"),
    [
        ("198.51.100.7", "198.51.100.7"),
        # A client that sends its own X-Forwarded-For: the proxy appends the real address.
        ("1.2.3.4, 198.51.100.7", "198.51.100.7"),
        ("1.2.3.4, 10.0.0.5, 198.51.100.7", "198.51.100.7"),
        # Two trusted proxies in a row: the client is the address before them.
        ("198.51.100.7, 10.0.0.5", "198.51.100.7"),
        ("", "127.0.0.1"),
    ],
)
def test_the_client_is_the_last_address_not_a_trusted_proxy(forwarded_for, client) -> None:
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    assert seen("127.0.0.1", headers).split()[0] == client


def test_no_proxy_is_trusted_by_default(make_app: Callable[..., Flask]) -> None:
    resp = make_app().test_client().get("/widget", headers={"X-Forwarded-Host": "evil.example"})
    assert "evil.example" not in resp.get_data(as_text=True)


def test_a_trusted_proxy_sets_the_host_of_absolute_urls(make_app) -> None:
    client = make_app(TRUSTED_PROXIES="127.0.0.1").test_client()
    resp = client.get("/widget", headers=PROXIED)
    assert "https://tim.example.gov.vn/tim/widget.js" in resp.get_data(as_text=True)


def test_with_a_public_url_a_proxy_cannot_move_the_host_or_prefix(make_app) -> None:
    """A client's own X-Forwarded-Host/-Prefix passed on by a proxy rewrite nothing: with
    PUBLIC_URL set, it names the host and the path prefix of every link."""
    settings = {"TRUSTED_PROXIES": "127.0.0.1", "PUBLIC_URL": "https://tim.example.gov.vn/tim"}
    forged = {**PROXIED, "X-Forwarded-Host": "evil.example", "X-Forwarded-Prefix": "//evil"}
    # The client's address still comes from the proxy.
    assert seen_by_app(make_app(**settings), forged) == "198.51.100.7"
    app = make_app(**settings)
    page = app.test_client().get("/?q=dan", headers=forged).get_data(as_text=True)
    assert "evil" not in page
    assert 'href="/tim/static/' in page
    widget = app.test_client().get("/widget", headers=forged).get_data(as_text=True)
    assert "https://tim.example.gov.vn/tim/widget.js" in widget and "evil" not in widget


def seen_by_app(app: Flask, headers: dict[str, str]) -> str:
    from flask import request

    @app.get("/_whom")
    def whom() -> str:
        return request.remote_addr or ""

    return app.test_client().get("/_whom", headers=headers).get_data(as_text=True)


def test_a_public_url_prefix_is_the_apps_own_whatever_the_proxy_passes(make_app) -> None:
    app = make_app(PUBLIC_URL="https://tim.example.gov.vn/tim")
    stripped = app.test_client().get("/?q=dan")  # the proxy took the prefix off
    passed = app.test_client().get("/tim/?q=dan")  # or passed it on
    assert stripped.status_code == passed.status_code == 200
    assert 'href="/tim/static/' in stripped.get_data(as_text=True)


def test_the_documented_nginx_block_sets_every_forwarded_header_itself() -> None:
    """nginx passes a client's headers on unless told: each X-Forwarded-* header timkiem
    reads from a trusted proxy must be set by the block (an empty value drops it)."""
    doc = (Path(__file__).parents[1] / "docs" / "public-service.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```nginx\n(.*?)```", doc, re.S)
    assert blocks
    for block in blocks:
        set_headers = set(re.findall(r"proxy_set_header\s+(\S+)", block))
        for header in (
            "Host",
            "X-Forwarded-For",
            "X-Forwarded-Proto",
            "X-Forwarded-Host",
            "X-Forwarded-Port",
            "X-Forwarded-Prefix",
        ):
            assert header in set_headers, (header, block)


@pytest.mark.parametrize(
    ("setting", "expected"),
    [
        ("", ()),
        ("127.0.0.1", ("127.0.0.1/32",)),
        (" 10.0.0.0/8 , ::1 ", ("10.0.0.0/8", "::1/128")),
        (["192.168.1.0/24"], ("192.168.1.0/24",)),
    ],
)
def test_trusted_proxies_setting(setting, expected) -> None:
    assert tuple(str(n) for n in parse_networks(setting)) == expected


def test_a_wrong_trusted_proxy_is_named(make_app: Callable[..., Flask]) -> None:
    with pytest.raises(ValueError, match=re.escape("'proxy.local' is not an IP address")):
        make_app(TRUSTED_PROXIES="127.0.0.1, proxy.local")


@pytest.mark.parametrize("public_url", [None, "https://tin.example.vn"])
@pytest.mark.parametrize("path", ["/article//bac-kan", "/article///bac-kan", "/api//search?q=x"])
def test_router_redirects_never_name_a_forged_host(
    make_app: Callable[..., Flask], public_url: str | None, path: str
) -> None:
    config = {"PUBLIC_URL": public_url} if public_url else {}
    client = make_app(**config).test_client()
    resp = client.get(path, headers={"Host": "evil.example"})
    assert resp.status_code == 308
    location = resp.headers["Location"]
    assert location.startswith("/") and not location.startswith("//"), location
    assert "evil.example" not in location

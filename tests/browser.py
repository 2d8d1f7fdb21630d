"""Helpers for tests that drive a real browser: live servers and Debian's Chromium.

Use the plain helpers anywhere::

    with live_server(app) as url, launch_chromium() as browser:
        page = browser.new_page()
        page.goto(url + "/?q=dan+van")

or the pytest fixtures, imported under their function names (pytest registers them by the
name given in ``@pytest.fixture(name=…)``, so the import does not clash with the argument)::

    from tests.browser import browser_fixture, page_fixture  # noqa: F401

    def test_search_page(page, ...): ...

Chromium is found through ``TIMKIEM_CHROMIUM`` or ``chromium`` on PATH (Playwright's own
browser download is not used). Without it browser tests are skipped, except when ``CI=true``,
where a missing browser fails them instead of hiding them.

``python -m tests.browser`` serves the app on one port and a third-party page embedding the
widget on another (a different origin), for trying the widget by hand.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import pytest
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_executable() -> str | None:
    """Chromium's path: ``TIMKIEM_CHROMIUM``, else ``chromium`` (Debian) on PATH."""
    configured = os.environ.get("TIMKIEM_CHROMIUM")
    if configured:
        return configured if os.access(configured, os.X_OK) else None
    return shutil.which("chromium") or shutil.which("chromium-browser")


def require_chromium() -> str:
    """Chromium's path, or skip the test (fail it on CI, where skipping would hide it)."""
    path = chromium_executable()
    if path is None:
        reason = (
            "Chromium is not installed: browser tests need Debian's chromium "
            "(apt-get install chromium) or TIMKIEM_CHROMIUM=/path/to/chromium"
        )
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason + " (CI=true: browser tests must run)", pytrace=False)
        pytest.skip(reason)
    return path


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass  # one line per request would drown the test output


@contextmanager
def live_server(app: WSGIApp, host: str = "127.0.0.1") -> Iterator[str]:
    """Serve a WSGI app (a Flask app, or any WSGI callable) on a free port in a background
    thread; yields its base URL without a trailing slash, ``http://127.0.0.1:41234``."""
    server: BaseWSGIServer = make_server(host, 0, app, threaded=True, request_handler=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def closed_port_url(host: str = "127.0.0.1") -> str:
    """The URL of a port nothing listens on: a server that cannot be reached."""
    import socket

    with socket.socket() as sock:
        sock.bind((host, 0))
        port = sock.getsockname()[1]
    return f"http://{host}:{port}"


@contextmanager
def launch_chromium(executable: str | None = None) -> Iterator[Browser]:
    """Start headless Chromium through Playwright; skips (or fails on CI) without it."""
    from playwright.sync_api import sync_playwright

    path = executable or require_chromium()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=path, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


_SHARED: dict[str, Browser] = {}


@pytest.fixture(scope="session", name="browser")
def browser_fixture() -> Iterator[Browser]:
    """One Chromium for the whole session, however many test modules import this fixture
    (each import registers a fixture of its own; Playwright's sync API runs only once per
    thread, so the first one launches Chromium and the others share it)."""
    shared = _SHARED.get("browser")
    if shared is not None:
        yield shared
        return
    with launch_chromium() as browser:
        _SHARED["browser"] = browser
        try:
            yield browser
        finally:
            del _SHARED["browser"]


@pytest.fixture(name="page")
def page_fixture(browser: Browser) -> Iterator[Page]:
    """A fresh page in its own context (no shared cookies or cache). Uncaught JavaScript
    errors on the page fail the test."""
    context = browser.new_context(viewport={"width": 1100, "height": 800}, locale="vi-VN")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        yield page
    finally:
        context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


def _demo() -> None:  # pragma: no cover - a manual tool
    """Serve the app (index from TIMKIEM_INDEX_DIR) and a page of another origin embedding it."""
    import time

    from webui import create_app

    app = create_app()
    with live_server(app) as app_url:

        def host_page(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
            body = (
                "<!doctype html><meta charset=utf-8><title>Another site</title>"
                "<body style='font-family: Georgia, serif; max-width: 40rem; margin: 2rem auto'>"
                "<h1>Một trang web khác</h1><p>This page is served from another origin.</p>"
                f"<script src='{app_url}/widget.js' defer></script>"
                "<timkiem-search></timkiem-search></body>"
            ).encode()
            start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
            return [body]

        with live_server(host_page) as other_url:
            print(f"timkiem:        {app_url}/widget")
            print(f"another origin: {other_url}/   (Ctrl+C to stop)")
            try:
                while True:
                    time.sleep(3600)
            except KeyboardInterrupt:
                pass


if __name__ == "__main__":  # pragma: no cover
    _demo()

"""Serving the web app: worker processes to use every core, or one process with threads.

A search is CPU work in Python, and one Python process runs it on one core at a time (the
GIL): threads let a process wait on the network for many readers, worker processes let
several searches run at once. ``serve`` starts:

- with ``workers`` > 1 (where the OS can fork): gunicorn, a pre-forking server. Each worker
  process has its own threads and creates its own app after the fork, so each opens its own
  ``Engine``: nothing but the listening socket is shared, and each worker follows a new index
  generation on its own, at its next search (the engine looks at ``CURRENT`` on every search).
  Each worker keeps its own caches (decoded postings up to ``Engine``'s ``cache_mb``, pages
  of results), so memory grows with the number of workers.
- otherwise: waitress, one process with ``threads`` threads (Windows has no fork).

Both are set to behave alike where it matters to a public service: the request limits of
``webui.limits`` (each server's own walls, wider than the app's), and ``X-Forwarded-*``
headers handed to the app untouched, neither believed nor removed by the server, so that
``TRUSTED_PROXIES`` (``webui.hosts``) alone decides whom to believe.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable, Mapping
from typing import Any

from flask import Flask

from indexer import TimkiemError

from .engine import get_engine
from .limits import server_limits

log = logging.getLogger("timkiem.server")

AppFactory = Callable[[], Flask]
IDENT = "timkiem"
# Seconds a worker may go without a sign of life before gunicorn replaces it; a worker opens
# the index before it answers (about a second for 85,000 articles).
WORKER_TIMEOUT = 120
KEEPALIVE_SECONDS = 5  # an idle keep-alive connection is closed after this long


def can_fork() -> bool:
    """True where worker processes can be forked (POSIX; not Windows)."""
    return hasattr(os, "fork") and sys.platform != "win32"


def default_workers() -> int:
    """One worker per core this process may run on (a container's CPU set, not the host's)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def open_engine(app: Flask) -> None:
    """Open the app's search engine now rather than at the first search, so no reader waits
    for it. Without an index nothing happens: the first search says how to build one."""
    try:
        with app.app_context():
            get_engine()
    except TimkiemError:
        pass


def serve(
    app_factory: AppFactory,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: int = 1,
    threads: int = 8,
    options: Mapping[str, Any] | None = None,
) -> None:
    """Serve the app made by ``app_factory`` until interrupted.

    ``workers`` > 1 forks that many gunicorn worker processes, each calling ``app_factory``
    itself and answering with ``threads`` threads; ``options`` are further gunicorn settings
    (``accesslog``, ``timeout`` …). With one worker, or where fork is unavailable, one
    waitress process answers with ``threads`` threads.
    """
    if workers > 1 and can_fork():
        settings = gunicorn_settings(host, port, workers, threads, options)
        prefork_server(app_factory, settings).run()
        return
    if workers > 1:
        log.warning("This platform cannot fork worker processes: serving from one process.")
    import waitress

    app = app_factory()
    waitress.serve(app, host=host, port=port, threads=threads, **waitress_settings(app.config))


def waitress_settings(config: Mapping[str, Any]) -> dict[str, Any]:
    """The waitress settings ``serve`` uses for an app with the settings ``config``."""
    return {
        "ident": IDENT,
        # waitress removes X-Forwarded-* from untrusted peers by default, and it trusts
        # none unless told: the app's TRUSTED_PROXIES would then never see them.
        "clear_untrusted_proxy_headers": False,
        **server_limits("waitress", config),
    }


def bind_address(host: str, port: int) -> str:
    """gunicorn's form of an address: "127.0.0.1:8000", "[::1]:8000"."""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def gunicorn_settings(
    host: str, port: int, workers: int, threads: int, options: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The gunicorn settings ``serve`` uses; ``options`` override them."""
    settings: dict[str, Any] = {
        "bind": [bind_address(host, port)],
        "workers": workers,
        "worker_class": "gthread",
        "threads": threads,
        # Each worker makes its own app after the fork: Whoosh's open files, the engine's
        # locks and the search log's writer thread are never shared between processes.
        "preload_app": False,
        "timeout": WORKER_TIMEOUT,
        "keepalive": KEEPALIVE_SECONDS,
        "proc_name": IDENT,
        "loglevel": "warning",
        # gunicorn itself believes X-Forwarded-Proto from 127.0.0.1 by default; the app's
        # TRUSTED_PROXIES decides instead, as under waitress.
        "forwarded_allow_ips": "",
        "secure_scheme_headers": {},
        **server_limits("gunicorn", {}),
    }
    settings.update(options or {})
    return settings


def prefork_server(app_factory: AppFactory, settings: Mapping[str, Any]) -> Any:
    """gunicorn run from Python (a gunicorn ``BaseApplication``): ``settings`` as its
    configuration, ``app_factory`` called in each worker for its app. ``.run()`` serves."""
    from gunicorn.app.base import BaseApplication

    class PreforkServer(BaseApplication):
        def load_config(self) -> None:
            for key, value in settings.items():
                self.cfg.set(key, value)
            # gunicorn 25.1 and later open a control socket at one path per user: two
            # servers would contend for it, and timkiem does not use it.
            if "control_socket_disable" in self.cfg.settings:
                self.cfg.set("control_socket_disable", True)

        def load(self) -> Flask:
            app = app_factory()
            open_engine(app)
            return app

    return PreforkServer()

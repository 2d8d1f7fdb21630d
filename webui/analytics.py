"""The search log of the app: each search made through the page or the API becomes one row
of ``analytics.sqlite3`` in the index directory (see ``indexer.analytics.log`` for what a row
holds, and what it never holds).

Only the first page of a search is logged: turning to page 2 is not a new search, so the
counts are searches, not page views. Searches with an empty query are not logged.
"""

from __future__ import annotations

import logging

from flask import Flask, current_app

from indexer import SearchLog, SearchPage, log_path

_EXTENSION = "timkiem.analytics"

log = logging.getLogger("timkiem.analytics")


def init_app(app: Flask) -> None:
    search_log = None
    if app.config["ANALYTICS"]:
        search_log = SearchLog(
            log_path(app.config["INDEX_DIR"]),
            retention_days=int(app.config["ANALYTICS_RETENTION_DAYS"]),
        )
    app.extensions[_EXTENSION] = search_log


def get_log(app: Flask | None = None) -> SearchLog | None:
    """The app's search log, None when logging is off."""
    return (app or current_app).extensions.get(_EXTENSION)


def record(result: SearchPage, surface: str) -> None:
    """Log one search (``surface``: "page" or "api"). Never raises, never waits on disk."""
    try:
        search_log = get_log()
        if search_log is None or result.page != 1:
            return
        search_log.record(
            result.query,
            interpreted=result.interpreted,
            results=result.total,
            took_ms=result.took_ms,
            surface=surface,
        )
    except Exception:  # the search itself succeeded; its log must not turn it into a 500
        log.exception("Search analytics: could not log a search")

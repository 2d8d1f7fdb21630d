"""Every setting of the web app, with its default and a help line.

Settings are read, in order of precedence (last wins): these defaults, the Python file named
by ``TIMKIEM_CONFIG``, environment variables ``TIMKIEM_<NAME>``, then ``test_config``.
The README's settings table is this table.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str

    @property
    def env(self) -> str:
        return "TIMKIEM_" + self.name


SETTINGS: tuple[Setting, ...] = (
    Setting("INDEX_DIR", "index_data", "Directory of the index the app searches."),
    Setting("SITE_NAME", "timkiem", "Name shown in the page header and title."),
    Setting("PER_PAGE", 10, "Results per page on the search page (the API takes per_page)."),
    Setting(
        "CORS_ORIGINS",
        "*",
        "Sites allowed to call the search API from a browser (the widget): * for any, or a "
        "comma-separated list of origins such as https://example.gov.vn.",
    ),
    Setting(
        "ANALYTICS",
        True,
        "Log each search made through the search page and the API (the query, how it was "
        "interpreted, the result count, the time taken; nothing about the reader) to "
        "analytics.sqlite3 in the index directory: on or off.",
    ),
    Setting(
        "ANALYTICS_RETENTION_DAYS",
        365,
        "Days a logged search is kept; older ones are deleted (0 keeps them all).",
    ),
    Setting(
        "ADMIN_STATS",
        False,
        "Serve the search analytics page /admin/stats (and /admin/stats.json): on or off. "
        "It also needs ADMIN_TOKEN.",
    ),
    Setting(
        "ADMIN_TOKEN",
        "",
        "The secret /admin/stats asks for (Authorization: Bearer TOKEN, or ?token=TOKEN); "
        "without one the page stays off.",
    ),
    Setting(
        "PUBLIC_URL",
        "",
        "The address readers reach timkiem at, such as https://tim.example.gov.vn (with the "
        "path, if it is served under one). Absolute links (the OpenSearch description, the "
        "widget snippets) are built from it; without it they come from the request's Host "
        "header, and such answers are never stored by shared caches.",
    ),
    Setting(
        "TRUSTED_PROXIES",
        "",
        "Addresses or networks of the reverse proxies in front of timkiem, comma-separated "
        "(such as 127.0.0.1 or 10.0.0.0/8). Their X-Forwarded-For, -Proto, -Host and -Prefix "
        "headers are believed (the client's address for the rate limits comes from them); "
        "anyone else's are ignored. Empty: no proxy is trusted.",
    ),
    Setting(
        "RATE_LIMIT",
        "20 per second; 300 per minute",
        "Requests one client address may make to the pages and the API (static files, "
        "widget.js and the health checks are not counted), separated by ';'; over it the "
        "answer is 429 with Retry-After. off disables every rate limit.",
    ),
    Setting(
        "RATE_LIMIT_ADMIN",
        "5 per minute; 30 per hour",
        "Wrong admin tokens one client address may send to /admin/stats; past it every "
        "request to /admin/ answers 429 until the period is over. off disables it.",
    ),
    Setting(
        "RATE_LIMIT_STORAGE",
        "",
        "Where the rate-limit counters live, as a storage URI: empty for a SQLite file "
        "ratelimit.sqlite3 in the index directory (shared by every server process on the "
        "machine), sqlite:///PATH for another file, memory:// for this process only, or "
        "redis://HOST:6379 or memcached://HOST:11211 for servers on several machines.",
    ),
    Setting(
        "METRICS",
        False,
        "Serve Prometheus metrics at /metrics: on or off. With several server processes set "
        "PROMETHEUS_MULTIPROC_DIR to an empty directory, as prometheus_client asks.",
    ),
)


def _coerce(value: str, default: Any) -> Any:
    if isinstance(default, bool):
        return value.strip().lower() in {"1", "true", "yes", "on"}
    if isinstance(default, int):
        return int(value)
    return value


def load(test_config: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The app's settings, from defaults, config file, environment and ``test_config``."""
    config: dict[str, Any] = {s.name: s.default for s in SETTINGS}
    config_file = os.environ.get("TIMKIEM_CONFIG")
    if config_file:
        namespace: dict[str, Any] = {}
        with open(config_file, encoding="utf-8") as fh:
            exec(compile(fh.read(), config_file, "exec"), namespace)
        config.update({k: v for k, v in namespace.items() if k.isupper()})
    for s in SETTINGS:
        if s.env in os.environ:
            config[s.name] = _coerce(os.environ[s.env], s.default)
    if test_config:
        config.update(test_config)
    return config

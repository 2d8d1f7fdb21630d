"""Every setting of timkiem, with its default and a help line: one table for the command line
and the web app.

A setting is read from, highest precedence first:

1. a command-line flag (``timkiem serve --port 9000``), or ``create_app``'s ``test_config``;
2. the environment variable ``TIMKIEM_<NAME>`` (``TIMKIEM_PORT=9000``);
3. the Python file named by ``TIMKIEM_CONFIG``, holding ``NAME = value`` lines
   (``PORT = 9000``); a relative ``INDEX_DIR`` there is relative to the file's own folder,
   so the file means the same index from any working directory;
4. the default in this table.

A relative ``INDEX_DIR`` given as a flag, in the environment or by default is relative to
the working directory. The settings table in ``docs/settings.md`` is this table (a test
checks it). This module does not import Flask: the CLI reads it too.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import SettingError

CONFIG_ENV = "TIMKIEM_CONFIG"

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str

    @property
    def env(self) -> str:
        """The environment variable that sets it: ``TIMKIEM_<NAME>``."""
        return "TIMKIEM_" + self.name

    def parse(self, text: str) -> Any:
        """The value of ``text`` (from the environment) in the type of the default:
        ``on``/``off`` for a switch, a whole number for a number, a number for seconds."""
        if isinstance(self.default, bool):
            word = text.strip().lower()
            if word in _TRUE | _FALSE:
                return word in _TRUE
            raise SettingError(f"{self.env} must be on or off, got {text!r}")
        if isinstance(self.default, float):
            try:
                return float(text)
            except ValueError:
                raise SettingError(f"{self.env} must be a number, got {text!r}") from None
        if isinstance(self.default, int):
            try:
                return int(text)
            except ValueError:
                raise SettingError(f"{self.env} must be a whole number, got {text!r}") from None
        return text


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "INDEX_DIR",
        "index_data",
        "Directory of the index: where timkiem index writes it, and what timkiem search, "
        "timkiem stats and the web app read.",
    ),
    Setting(
        "SOLR_URL",
        "",
        "A SolrCloud collection to use instead of INDEX_DIR: node URLs ending in the "
        "collection, comma-separated (any live node serves), such as "
        "http://127.0.0.1:8983/solr/timkiem; timkiem index and timkiem search then write and "
        "read it (docs/solr.md says what else does so far). Empty: the local index.",
    ),
    Setting("HOST", "127.0.0.1", "Address timkiem serve listens on (0.0.0.0: every interface)."),
    Setting("PORT", 8000, "Port timkiem serve listens on."),
    Setting(
        "WORKERS",
        0,
        "Worker processes of timkiem serve, each searching on its own core with its own caches "
        "(about 500 MB each at 85,000 articles); 0 for one per core, 1 for a single process.",
    ),
    Setting("SITE_NAME", "timkiem", "Name shown in the page header and title."),
    Setting("PER_PAGE", 10, "Results per page on the search page (the API takes per_page)."),
    Setting(
        "CORS_ORIGINS",
        "*",
        "Sites allowed to call the search API from a browser (the widget): * for any, or a "
        "comma-separated list of origins such as https://example.gov.vn.",
    ),
    Setting(
        "API_PATHS",
        False,
        "Show each result's path (the file it was indexed from, on this server) in the JSON "
        "API's answers (/api/search, /api/related): on or off. Off, since the API answers "
        "every site; timkiem search --json always shows it.",
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
        "WRITE_TOKEN",
        "",
        "The secret of the write API (POST /api/articles, DELETE /api/articles/ID, "
        "GET /api/tasks/ID; Authorization: Bearer TOKEN); without one the write API is off "
        "and those paths answer 404.",
    ),
    Setting(
        "WRITE_MAX_BYTES",
        10_000_000,
        "Largest request body the write API accepts, in bytes; a larger one gets 413.",
    ),
    Setting(
        "WRITE_BATCH_ARTICLES",
        5_000,
        "Articles (or ids) the write API applies in one new index generation at most; a "
        "larger task is applied in batches of this size, one generation after another. "
        "Smaller batches take less memory to build, larger ones make fewer generations.",
    ),
    Setting(
        "PUBLIC_URL",
        "",
        "The address readers reach timkiem at, such as https://tim.example.gov.vn (with the "
        "path, if it is served under one). Absolute links (the OpenSearch description, the "
        "widget snippets) are built from it; without it they come from the request's Host "
        "header, and such answers are never stored by shared caches. Set, it wins over a "
        "proxy's X-Forwarded-Host and -Prefix, and its path is the prefix of every link.",
    ),
    Setting(
        "TRUSTED_PROXIES",
        "",
        "Addresses or networks of the reverse proxies in front of timkiem, comma-separated "
        "(such as 127.0.0.1 or 10.0.0.0/8). Their X-Forwarded-For and -Proto headers are "
        "believed (the client's address for the rate limits comes from them), and -Host, "
        "-Port and -Prefix while PUBLIC_URL is not set; anyone else's are ignored. Empty: "
        "no proxy is trusted.",
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
        "Wrong tokens one client address may send, counted apart for the admin token "
        "(/admin/) and the write token (the write API); past it a wrong token is answered "
        "429 until the period is over, while the right token is never refused by it. off "
        "disables it.",
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
    Setting(
        "CRAWL_URLS",
        "",
        "Start addresses (sitemaps, feeds or pages, as timkiem crawl takes them), separated by "
        "spaces or commas, that timkiem serve crawls into the index every CRAWL_EVERY, one "
        "crawl at a time however many worker processes serve. Empty: the server does not crawl.",
    ),
    Setting(
        "CRAWL_EVERY",
        "",
        "How often timkiem serve crawls CRAWL_URLS: a number and a unit, s, m, h or d (30m, 2h, "
        "1d, 1h30m), at least 1m; the next crawl starts that long after the last one started. "
        "Set both or neither.",
    ),
    Setting(
        "CRAWL_MAX_PAGES",
        1000,
        "Page requests of each crawl timkiem serve runs, as timkiem crawl --max-pages.",
    ),
    Setting(
        "CRAWL_DELAY",
        1.0,
        "Seconds between two requests to one host in the crawls timkiem serve runs, as "
        "timkiem crawl --delay (0 only for a site of your own).",
    ),
)

BY_NAME: dict[str, Setting] = {s.name: s for s in SETTINGS}


def read_config_file(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The upper-case names a config file sets, with a relative ``INDEX_DIR`` made relative
    to the file's folder."""
    file = Path(path)
    namespace: dict[str, Any] = {}
    try:
        source = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise SettingError(f"Cannot read the config file {file} ({CONFIG_ENV}): {exc}") from None
    exec(compile(source, str(file), "exec"), namespace)
    values = {k: v for k, v in namespace.items() if k.isupper()}
    if "INDEX_DIR" in values:
        values["INDEX_DIR"] = str(file.resolve().parent / Path(values["INDEX_DIR"]).expanduser())
    return values


def load_settings(
    overrides: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """Every setting's value: ``overrides`` (flags, ``test_config``) over the environment,
    over the ``TIMKIEM_CONFIG`` file, over the defaults.

    Names a config file or ``overrides`` add beyond the table (Flask's own settings, such as
    ``TESTING``) are kept.
    """
    environ = os.environ if environ is None else environ
    config: dict[str, Any] = {s.name: s.default for s in SETTINGS}
    config_file = environ.get(CONFIG_ENV)
    if config_file:
        config.update(read_config_file(config_file))
    for s in SETTINGS:
        if s.env in environ:
            config[s.name] = s.parse(environ[s.env])
    if overrides:
        config.update(overrides)
    return config

"""Prometheus metrics at ``/metrics`` (prometheus_client), when ``METRICS`` is on.

Every name starts with ``timkiem_``:

- ``timkiem_http_requests_total{endpoint, method, status}``: answers by Flask endpoint
  (``views.search_page``, ``api.search``, …; ``none`` for unknown URLs) and status code;
- ``timkiem_http_request_duration_seconds{endpoint}``: a latency histogram;
- ``timkiem_search_results{surface}``: a histogram of the result counts of searches made
  through the page (``page``) and the API (``api``);
- ``timkiem_index_articles`` and ``timkiem_index_info{generation}``: the live index, read
  when the metrics are scraped;
- ``timkiem_cache_lookups_total{cache, result}``: lookups in the engine's caches of decoded
  postings lists (``postings``) and of result pages (``results``), ``hit`` or ``miss``;
- ``timkiem_crawl_last_run_timestamp_seconds``, ``timkiem_crawl_last_run_duration_seconds``,
  ``timkiem_crawl_last_run_pages``, ``timkiem_crawl_last_run_changes{change}`` (``new``,
  ``updated``, ``removed``), ``timkiem_crawl_last_run_skipped_pages``,
  ``timkiem_crawl_last_run_failed`` (1 when the crawl failed as a whole) and
  ``timkiem_crawl_next_run_timestamp_seconds``: the last run of the crawl the server runs on a
  schedule (``CRAWL_URLS``), read from the index directory when the metrics are scraped.

Several server processes (gunicorn workers, say) each count their own requests. With
``PROMETHEUS_MULTIPROC_DIR`` set to an empty directory in their environment, prometheus_client
writes the counts to files there and ``/metrics``, whichever process answers it, adds up every
process's (its multiprocess mode). Without it, one process is assumed (``timkiem serve``).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from datetime import datetime

from flask import Blueprint, Flask, Response, current_app, g, request
from prometheus_client import CollectorRegistry, Counter, Histogram, ProcessCollector, multiprocess
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.exposition import choose_encoder
from prometheus_client.registry import Collector

from indexer import CacheLookups, SearchPage, TimkiemError, read_last_run

from .engine import get_engine

bp = Blueprint("metrics", __name__)

_EXTENSION = "timkiem.metrics"
_STARTED = "timkiem_metrics_started"
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
RESULT_BUCKETS = (0, 1, 5, 10, 50, 100, 500, 1000, 5000, 10000, 50000)
# Any other method is counted as "other": labels must not grow with what clients send.
METHODS = frozenset({"GET", "HEAD", "POST", "OPTIONS"})


def multiprocess_dir() -> str | None:
    """The directory prometheus_client's multiprocess mode shares, if it is on."""
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None


class IndexCollector(Collector):
    """The live index's article count and generation, read at scrape time."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def collect(self) -> Iterator[Metric]:
        articles = GaugeMetricFamily("timkiem_index_articles", "Articles in the live index.")
        info = GaugeMetricFamily(
            "timkiem_index_info",
            "The live index generation (1 while it is live).",
            labels=["generation"],
        )
        with self.app.app_context():
            try:
                engine = get_engine()
                generation, count = engine.generation, engine.doc_count()
            except (TimkiemError, OSError):
                generation, count = None, 0
        articles.add_metric([], count)
        if generation is not None:
            info.add_metric([generation], 1)
        yield articles
        yield info


def _timestamp(stamp: str) -> float | None:
    try:
        return datetime.fromisoformat(stamp).timestamp()
    except ValueError:
        return None


class CrawlCollector(Collector):
    """The last scheduled crawl (``crawl-schedule.json``), read at scrape time: the same in
    every process, whichever one crawled."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def collect(self) -> Iterator[Metric]:
        run = read_last_run(self.app.config["INDEX_DIR"])
        if run is None:
            return
        gauges = {
            "last_run_timestamp_seconds": ("When the last scheduled crawl ended.", None),
            "last_run_duration_seconds": ("Seconds the last scheduled crawl took.", run.seconds),
            "last_run_pages": ("Page requests of the last scheduled crawl.", run.pages),
            "last_run_skipped_pages": (
                "Pages the last scheduled crawl skipped for an error.",
                run.skipped,
            ),
            "last_run_failed": (
                "1 when the last scheduled crawl failed as a whole.",
                0 if run.ok else 1,
            ),
        }
        ended = _timestamp(run.finished)
        for name, (help_text, value) in gauges.items():
            value = ended if value is None else value
            if value is not None:
                yield GaugeMetricFamily(f"timkiem_crawl_{name}", help_text, value=value)
        changes = GaugeMetricFamily(
            "timkiem_crawl_last_run_changes",
            "Articles the last scheduled crawl added, updated and removed.",
            labels=["change"],
        )
        for change in ("new", "updated", "removed"):
            changes.add_metric([change], getattr(run, change))
        yield changes
        due = _timestamp(run.next)
        if due is not None:
            yield GaugeMetricFamily(
                "timkiem_crawl_next_run_timestamp_seconds",
                "When the next scheduled crawl is due.",
                value=due,
            )


class Metrics:
    """The app's metric objects, and the registry ``/metrics`` shows."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        shared = multiprocess_dir() is not None
        # In multiprocess mode values go to files; each scrape collects them afresh.
        self.registry = None if shared else CollectorRegistry()
        self.requests = Counter(
            "timkiem_http_requests_total",
            "HTTP answers by endpoint, method and status code.",
            ["endpoint", "method", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "timkiem_http_request_duration_seconds",
            "Time to answer a request, by endpoint.",
            ["endpoint"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.results = Histogram(
            "timkiem_search_results",
            "Result counts of searches, by surface (page or api).",
            ["surface"],
            buckets=RESULT_BUCKETS,
            registry=self.registry,
        )
        self.cache_lookups = Counter(
            "timkiem_cache_lookups_total",
            "Lookups in the search engine's caches (postings, results), by hit or miss.",
            ["cache", "result"],
            registry=self.registry,
        )
        # The engine counts its caches' lookups; what was already added to the counters.
        self._lookups_seen: dict[tuple[str, str], int] = {}
        self._lookups_lock = threading.Lock()
        if self.registry is not None:
            self.registry.register(IndexCollector(app))
            self.registry.register(CrawlCollector(app))
            ProcessCollector(namespace="timkiem", registry=self.registry)

    def count_cache_lookups(self, lookups: CacheLookups) -> None:
        """Add the engine's cache lookups since the last call to the counters (a counter per
        process, so they add up in multiprocess mode)."""
        with self._lookups_lock:
            for cache in ("postings", "results"):
                counts = getattr(lookups, cache)
                for result, total in (("hit", counts.hits), ("miss", counts.misses)):
                    new = total - self._lookups_seen.get((cache, result), 0)
                    if new > 0:
                        self.cache_lookups.labels(cache, result).inc(new)
                        self._lookups_seen[(cache, result)] = total

    def scrape_registry(self) -> CollectorRegistry:
        """What a scrape shows: this process's registry, or every process's files."""
        if self.registry is not None:
            return self.registry
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        registry.register(IndexCollector(self.app))
        registry.register(CrawlCollector(self.app))
        return registry


def get_metrics() -> Metrics | None:
    return current_app.extensions.get(_EXTENSION)


def record_search(result: SearchPage, surface: str) -> None:
    """Count one search's results (``surface``: "page" or "api") and the cache lookups it
    made; nothing when metrics are off."""
    metrics = get_metrics()
    if metrics is not None:
        metrics.results.labels(surface).observe(result.total)
        metrics.count_cache_lookups(get_engine().lookups)


def _start_timer() -> None:
    setattr(g, _STARTED, time.perf_counter())


def _count(response: Response) -> Response:
    metrics = get_metrics()
    started = g.get(_STARTED)
    if metrics is None or started is None:
        return response
    endpoint = request.endpoint or "none"
    method = request.method if request.method in METHODS else "other"
    metrics.requests.labels(endpoint, method, str(response.status_code)).inc()
    metrics.latency.labels(endpoint).observe(time.perf_counter() - started)
    return response


@bp.get("/metrics")
def metrics() -> Response:
    """Every metric in Prometheus's text format (or OpenMetrics, if the scraper asks)."""
    registry = get_metrics().scrape_registry()  # type: ignore[union-attr]  (only when on)
    encode, content_type = choose_encoder(request.headers.get("Accept", ""))
    response = Response(encode(registry), content_type=content_type)
    response.cache_control.no_store = True
    return response


def init_app(app: Flask) -> None:
    """Count requests and serve /metrics when ``METRICS`` is on; nothing otherwise."""
    if not app.config.get("METRICS"):
        return
    app.extensions[_EXTENSION] = Metrics(app)
    app.before_request(_start_timer)
    app.after_request(_count)
    app.register_blueprint(bp)

"""Prometheus metrics (webui.metrics): off by default, exact counts in one process, and the
sum of every process's counts in prometheus_client's multiprocess mode."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from prometheus_client.parser import text_string_to_metric_families

from tests.conftest import ROOT
from webui import create_app


def client_for(index_dir: Path, **config) -> FlaskClient:
    return create_app({"TESTING": True, "INDEX_DIR": str(index_dir), **config}).test_client()


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """{(sample name, sorted labels): value} of a Prometheus text exposition."""
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def requests_total(found: dict, endpoint: str, status: str, method: str = "GET") -> float:
    key = (
        "timkiem_http_requests_total",
        (("endpoint", endpoint), ("method", method), ("status", status)),
    )
    return found.get(key, 0.0)


@pytest.fixture(autouse=True)
def one_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR", raising=False)


def test_metrics_are_off_by_default(index_dir: Path) -> None:
    assert client_for(index_dir).get("/metrics").status_code == 404


def test_requests_searches_and_the_index_are_counted(index_dir: Path) -> None:
    client = client_for(index_dir, METRICS=True)
    for _ in range(3):
        client.get("/api/search?q=dân vận")
    client.get("/?q=dân vận")
    client.get("/?q=zzzqqq")
    client.get("/api/search?q=dan&page=0")
    client.get("/no/such/page")
    client.open("/api/search?q=dan", method="BREW")
    resp = client.get("/metrics")
    assert resp.status_code == 200
    assert resp.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    found = samples(resp.get_data(as_text=True))
    assert requests_total(found, "api.search", "200") == 3
    assert requests_total(found, "api.search", "400") == 1
    assert requests_total(found, "views.search_page", "200") == 2
    assert requests_total(found, "none", "404") == 1
    assert requests_total(found, "none", "405", method="other") == 1
    duration = ("timkiem_http_request_duration_seconds_count", (("endpoint", "api.search"),))
    assert found[duration] == 4
    assert found[("timkiem_search_results_count", (("surface", "api"),))] == 3
    page = (("surface", "page"),)
    assert found[("timkiem_search_results_count", page)] == 2
    zero = (("le", "0.0"), ("surface", "page"))
    assert found[("timkiem_search_results_bucket", zero)] == 1  # zzzqqq found nothing
    assert found[("timkiem_index_articles", ())] == 5
    live = (index_dir / "CURRENT").read_text(encoding="utf-8").strip()
    assert found[("timkiem_index_info", (("generation", live),))] == 1
    assert any(name.startswith("timkiem_process_") for name, _ in found)
    assert all(name.startswith("timkiem_") for name, _ in found)


def lookups(found: dict, cache: str, result: str) -> float:
    return found.get(("timkiem_cache_lookups_total", (("cache", cache), ("result", result))), 0)


def test_cache_hits_and_misses_are_counted(index_dir: Path) -> None:
    client = client_for(index_dir, METRICS=True)
    client.get("/api/search?q=phong điền")  # a new query: its page and postings are read
    found = samples(client.get("/metrics").get_data(as_text=True))
    assert lookups(found, "results", "miss") == 1
    assert lookups(found, "results", "hit") == 0
    assert lookups(found, "postings", "miss") > 0
    postings_seen = lookups(found, "postings", "miss") + lookups(found, "postings", "hit")
    client.get("/api/search?q=phong điền")  # the same page again: from the results cache
    found = samples(client.get("/metrics").get_data(as_text=True))
    assert lookups(found, "results", "hit") == 1
    assert lookups(found, "results", "miss") == 1
    again = lookups(found, "postings", "miss") + lookups(found, "postings", "hit")
    assert again == postings_seen  # a cached page reads no postings


def test_refused_requests_are_counted_too(index_dir: Path) -> None:
    client = client_for(index_dir, METRICS=True, RATE_LIMIT="1 per day")
    client.get("/api/suggest?q=d")
    client.get("/api/suggest?q=d")
    found = samples(client.get("/metrics").get_data(as_text=True))
    assert requests_total(found, "api.completions", "200") == 1
    assert requests_total(found, "api.completions", "429") == 1


def test_metrics_without_an_index(tmp_path: Path) -> None:
    found = samples(client_for(tmp_path, METRICS=True).get("/metrics").get_data(as_text=True))
    assert found[("timkiem_index_articles", ())] == 0


# --- several processes ------------------------------------------------------------------

WORKER = """
import sys
from webui import create_app
app = create_app({"TESTING": True, "INDEX_DIR": sys.argv[1], "METRICS": True})
client = app.test_client()
for _ in range(int(sys.argv[2])):
    assert client.get("/api/search?q=dan").status_code == 200
if sys.argv[3] == "scrape":
    print(client.get("/metrics").get_data(as_text=True))
"""


def run(index_dir: Path, shared: Path, requests: int, scrape: bool = False) -> str:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PROMETHEUS_MULTIPROC_DIR": str(shared)}
    args = [str(index_dir), str(requests), "scrape" if scrape else "-"]
    done = subprocess.run(
        [sys.executable, "-c", WORKER, *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
        check=True,
    )
    return done.stdout


def test_every_process_is_counted_in_multiprocess_mode(index_dir: Path, tmp_path: Path) -> None:
    shared = tmp_path / "prometheus"
    shared.mkdir()
    run(index_dir, shared, 3)
    run(index_dir, shared, 4)
    found = samples(run(index_dir, shared, 2, scrape=True))
    assert requests_total(found, "api.search", "200") == 3 + 4 + 2
    assert found[("timkiem_search_results_count", (("surface", "api"),))] == 9
    assert found[("timkiem_index_articles", ())] == 5

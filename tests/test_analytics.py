"""The search log: what a search through the page or the API writes (and never writes), that
logging can be switched off and can never break a search, the figures ``read_stats`` and
``timkiem stats`` give the site owner."""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import subprocess
import sys
import time
import unicodedata
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

import pytest
from click.testing import CliRunner

from indexer import SearchLog, build_index, iter_articles, log_path, normalize_query, read_stats
from indexer.cli import main
from tests.browser import closed_port_url
from tests.conftest import ROOT, SEEDS
from webui import create_app
from webui.analytics import get_log

COLUMNS = {"id", "at", "surface", "query", "interpreted", "results", "took_ms"}


def make_app(index_dir: Path, **config: object):
    return create_app({"TESTING": True, "INDEX_DIR": str(index_dir), **config})


def rows(index_dir: Path) -> list[dict[str, object]]:
    conn = sqlite3.connect(log_path(index_dir))
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute("SELECT * FROM searches ORDER BY id")]
    finally:
        conn.close()


def flushed(app) -> None:
    search_log = get_log(app)
    assert search_log is not None and search_log.flush(timeout=10)


@pytest.mark.parametrize(
    ("typed", "logged"),
    [
        ("dân vận", "dân vận"),
        ("  Dân   VẬN\t khéo\n", "dân vận khéo"),
        (unicodedata.normalize("NFD", "Tiếng Việt"), "tiếng việt"),
        ("BAC KAN", "bac kan"),
        ("   ", ""),
        ("a" * 600, "a" * 500),
    ],
)
def test_queries_are_logged_normalised(typed: str, logged: str) -> None:
    assert normalize_query(typed) == logged


# -- what a search writes ----------------------------------------------------------------


def test_page_and_api_searches_write_exactly_the_documented_fields(index_dir: Path) -> None:
    app = make_app(index_dir)
    client = app.test_client()
    before = datetime.now(UTC).replace(microsecond=0)
    api = client.get("/api/search", query_string={"q": "  Dan   VAN "}).get_json()
    page = client.get("/", query_string={"q": "Bắc Kạn"})
    assert page.status_code == 200
    client.get("/api/search", query_string={"q": "zzqqxy"})
    flushed(app)

    logged = rows(index_dir)
    assert all(set(r) == COLUMNS for r in logged)
    first, second, third = logged
    assert first["surface"] == "api" and second["surface"] == "page"
    assert first["query"] == "dan van"
    assert first["interpreted"] == api["interpreted"] == "dân vận"
    assert first["results"] == api["total"] and api["total"] > 0
    assert first["took_ms"] == api["took_ms"]
    assert second["query"] == "bắc kạn" and second["interpreted"] is None
    assert second["results"] == 1
    assert third["query"] == "zzqqxy" and third["results"] == 0
    at = datetime.strptime(str(first["at"]), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert before <= at <= datetime.now(UTC)


def test_nothing_about_the_reader_is_stored(index_dir: Path) -> None:
    app = make_app(index_dir)
    client = app.test_client()
    client.set_cookie("session", "cookie-value-4711")
    headers = {
        "User-Agent": "AgentOfTheReader/9.9",
        "X-Forwarded-For": "203.0.113.77",
        "Referer": "https://portal.example/trang-ca-nhan",
        "Accept-Language": "vi-VN-private",
    }
    client.get(
        "/api/search?q=dan+van", headers=headers, environ_base={"REMOTE_ADDR": "198.51.100.9"}
    )
    client.get("/?q=dan+van", headers=headers, environ_base={"REMOTE_ADDR": "198.51.100.9"})
    flushed(app)
    assert len(rows(index_dir)) == 2
    stored = b"".join(p.read_bytes() for p in index_dir.glob("analytics.sqlite3*"))
    secrets = ("cookie-value-4711", "AgentOfTheReader", "203.0.113.77", "198.51.100.9")
    for secret in (*secrets, "portal.example", "vi-VN-private"):
        assert secret.encode() not in stored, secret


def test_empty_queries_and_later_pages_are_not_logged(index_dir: Path) -> None:
    app = make_app(index_dir)
    client = app.test_client()
    client.get("/api/search?q=")
    client.get("/api/search?q=%20%20")
    client.get("/?q=")
    client.get("/?q=dan+van&page=2&per_page=1")
    client.get("/api/search?q=dan+van&page=3&per_page=1")
    client.get("/api/search?q=dan+van&page=abc")  # a 400: no search was made
    client.get("/api/search?q=dan+van&page=1&per_page=1")
    flushed(app)
    assert [(r["surface"], r["query"]) for r in rows(index_dir)] == [("api", "dan van")]


@pytest.mark.parametrize("how", ["test_config", "environment"])
def test_the_off_switch_writes_nothing(
    index_dir: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    if how == "environment":
        monkeypatch.setenv("TIMKIEM_ANALYTICS", "off")
        app = make_app(index_dir)
    else:
        app = make_app(index_dir, ANALYTICS=False)
    client = app.test_client()
    assert client.get("/api/search?q=dan+van").get_json()["total"] > 0
    assert client.get("/?q=dan+van").status_code == 200
    assert get_log(app) is None
    assert not list(index_dir.glob("analytics.sqlite3*"))


def test_concurrent_searches_on_timkiem_serve_are_all_logged(index_dir: Path) -> None:
    """The real server (waitress, 6 threads) under 60 concurrent searches: every one logged."""
    url = closed_port_url()
    port = url.rsplit(":", 1)[1]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TIMKIEM_ANALYTICS": "on"}
    command = [sys.executable, "-c", "from indexer.cli import main; main()", "serve"]
    server = subprocess.Popen(
        [*command, "--port", port, "--threads", "6", "--index-dir", str(index_dir)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    queries = [f"dan van {i}" for i in range(30)] + ["bac kan"] * 30

    def fetch(q: str) -> int:
        with urllib.request.urlopen(f"{url}/api/search?{urlencode({'q': q})}", timeout=60) as r:
            return r.status

    try:
        deadline = time.monotonic() + 60
        while True:  # wait for the server to listen
            try:
                urllib.request.urlopen(url + "/", timeout=5).close()
                break
            except OSError:
                assert time.monotonic() < deadline and server.poll() is None, "no server"
                time.sleep(0.2)
        with ThreadPoolExecutor(max_workers=12) as pool:
            statuses = list(pool.map(fetch, queries))
        assert statuses == [200] * len(queries)
        while len(logged := rows(index_dir)) < len(queries) and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert sorted(str(r["query"]) for r in logged) == sorted(queries)
    assert {r["results"] for r in logged if r["query"] == "bac kan"} == {1}


def test_rebuilding_the_index_keeps_the_log(index_dir: Path) -> None:
    app = make_app(index_dir)
    app.test_client().get("/api/search?q=dan+van")
    flushed(app)
    build_index(iter_articles([SEEDS]), index_dir, rebuild=True)
    build_index(iter_articles([SEEDS]), index_dir)  # an update, which drops old generations
    assert [r["query"] for r in rows(index_dir)] == ["dan van"]
    assert read_stats(log_path(index_dir)).searches == 1


# -- a broken store never breaks a search ------------------------------------------------


def warnings_of(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "timkiem.analytics"]


@pytest.mark.parametrize("breakage", ["not a database", "a directory", "read-only directory"])
def test_a_broken_store_disables_logging_with_one_warning(
    index_dir: Path, caplog: pytest.LogCaptureFixture, breakage: str
) -> None:
    path = log_path(index_dir)
    if breakage == "not a database":
        path.write_bytes(b"these bytes are no SQLite database" * 100)
    elif breakage == "a directory":
        path.mkdir()
    else:
        if os.geteuid() == 0:
            pytest.skip("root writes to read-only directories")
        index_dir.chmod(0o555)
    caplog.set_level(logging.WARNING, logger="timkiem.analytics")
    try:
        app = make_app(index_dir)
        client = app.test_client()
        for _ in range(3):
            resp = client.get("/api/search?q=bac+kan")
            assert resp.status_code == 200 and resp.get_json()["total"] == 1
            assert client.get("/?q=bac+kan").status_code == 200
            flushed(app)
    finally:
        index_dir.chmod(0o755)
    messages = warnings_of(caplog)
    assert len(messages) == 1, messages
    assert "Search analytics is off: cannot write" in messages[0]
    assert str(path) in messages[0]
    assert not get_log(app).enabled


def test_a_missing_directory_disables_the_log_with_one_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="timkiem.analytics")
    search_log = SearchLog(tmp_path / "nowhere" / "analytics.sqlite3")
    accepted = [
        search_log.record("dân vận", interpreted=None, results=1, took_ms=1.0, surface="api")
        for _ in range(3)
    ]
    assert search_log.flush(timeout=10)
    assert accepted[0] is True and not search_log.enabled
    assert search_log.record("x", interpreted=None, results=1, took_ms=1.0, surface="api") is False
    assert len(warnings_of(caplog)) == 1
    assert "the directory does not exist" in warnings_of(caplog)[0]
    assert not (tmp_path / "nowhere").exists()


def test_a_full_queue_drops_and_counts_instead_of_waiting(tmp_path: Path) -> None:
    path = tmp_path / "analytics.sqlite3"
    ready = SearchLog(path)
    ready.record("warm", interpreted=None, results=1, took_ms=1.0, surface="api")
    assert ready.flush(timeout=10)
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")  # the writer thread now waits for this lock
    search_log = SearchLog(path, queue_size=2)
    try:
        accepted = [
            search_log.record(f"q{i}", interpreted=None, results=i, took_ms=1.0, surface="page")
            for i in range(10)
        ]
    finally:
        blocker.rollback()
        blocker.close()
    assert search_log.flush(timeout=20)
    # At most one batch in the blocked writer (≤ 2 rows) and 2 in the queue.
    assert accepted.count(False) >= 6 and search_log.dropped == accepted.count(False)
    assert search_log.written == accepted.count(True)
    assert len(rows(tmp_path)) == 1 + accepted.count(True)


# -- the figures -------------------------------------------------------------------------


def fill(path: Path, searches: list[tuple[timedelta, str, int, float]]) -> None:
    """Log ``searches`` (age, query, results, ms) as if they happened that long ago."""
    now = datetime.now(UTC)
    for age, query, results, ms in searches:
        moment = (now - age).timestamp()
        search_log = SearchLog(path, clock=lambda moment=moment: moment)
        search_log.record(query, interpreted=None, results=results, took_ms=ms, surface="api")
        assert search_log.flush(timeout=10)


SEARCHES = [
    (timedelta(0), "dân vận", 12, 4.0),
    (timedelta(0), "dân vận", 12, 6.0),
    (timedelta(0), "dân vận", 12, 50.0),
    (timedelta(0), "phong dienn", 0, 2.0),
    (timedelta(0), "phong dienn", 0, 3.0),
    (timedelta(0), "bắc kạn", 1, 9.0),
    (timedelta(days=2), "covid", 3, 80.0),
    (timedelta(days=2), "asdfgh", 0, 1.0),
    (timedelta(days=40), "ancient", 0, 900.0),
]


@pytest.fixture
def filled(tmp_path: Path) -> Path:
    fill(log_path(tmp_path), SEARCHES)
    return tmp_path


def test_stats_count_top_zero_result_and_slowest_queries(filled: Path) -> None:
    stats = read_stats(log_path(filled), days=30, limit=10)
    assert (stats.searches, stats.distinct_queries, stats.zero_result_searches) == (8, 5, 3)
    assert [(t.query, t.searches, t.avg_results) for t in stats.top][:2] == [
        ("dân vận", 3, 12.0),
        ("phong dienn", 2, 0.0),
    ]
    assert [(z.query, z.searches) for z in stats.zero_results] == [
        ("phong dienn", 2),
        ("asdfgh", 1),
    ]
    assert [(s.query, s.max_ms, s.median_ms) for s in stats.slowest][:2] == [
        ("covid", 80.0, 80.0),
        ("dân vận", 50.0, 6.0),
    ]
    assert len(stats.per_day) == 30
    assert (stats.per_day[-1].searches, stats.per_day[-1].zero_results) == (6, 2)
    assert (stats.per_day[-3].searches, stats.per_day[-3].zero_results) == (2, 1)
    assert sum(d.searches for d in stats.per_day) == 8
    assert "ancient" not in json.dumps(stats.to_dict())


def test_stats_cover_exactly_the_days_asked_for(filled: Path) -> None:
    today = read_stats(log_path(filled), days=1)
    assert today.searches == 6 and len(today.per_day) == 1
    assert read_stats(log_path(filled), days=3).searches == 8
    assert read_stats(log_path(filled), days=60).searches == 9
    assert read_stats(log_path(filled), days=3, limit=1).top[0].query == "dân vận"
    assert len(read_stats(log_path(filled), days=3, limit=1).top) == 1


def test_old_searches_are_deleted_after_the_retention_period(filled: Path) -> None:
    search_log = SearchLog(log_path(filled), retention_days=30)
    search_log.record("mới", interpreted=None, results=1, took_ms=1.0, surface="page")
    assert search_log.flush(timeout=10)
    queries = {r["query"] for r in rows(filled)}
    assert "ancient" not in queries and {"covid", "mới"} <= queries


# -- timkiem stats -----------------------------------------------------------------------


def test_timkiem_stats_prints_the_three_tables(filled: Path) -> None:
    result = CliRunner().invoke(main, ["stats", "--index-dir", str(filled)])
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.splitlines()[0].startswith("8 searches in the last 30 days (")
    assert "5 distinct queries, 3 with no results (38%)" in out
    top, zero, slow = out.split("\n\n")[1:4]
    assert top.splitlines()[0] == "Top queries"
    assert top.splitlines()[2].split() == ["dân", "vận", "3", "12.0"]
    assert zero.splitlines()[0] == "Queries with no results"
    assert zero.splitlines()[2].split()[:3] == ["phong", "dienn", "2"]
    assert slow.splitlines()[0] == "Slowest queries"
    assert slow.splitlines()[2].split() == ["covid", "1", "80.0", "80.0"]
    assert "ancient" not in out


def test_timkiem_stats_days_and_json(filled: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["stats", "--days", "1", "--json", "--index-dir", str(filled)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["days"] == 1 and data["searches"] == 6
    assert [t["query"] for t in data["top"]] == ["dân vận", "phong dienn", "bắc kạn"]
    assert set(data["slowest"][0]) == {"query", "searches", "max_ms", "median_ms"}
    result = runner.invoke(main, ["stats", "--days", "0", "--index-dir", str(filled)])
    assert result.exit_code == 2 and "--days" in result.output


def test_timkiem_stats_without_a_log_says_so(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["stats", "--index-dir", str(tmp_path)])
    assert result.exit_code == 1
    assert "No searches logged yet in" in result.output and "Traceback" not in result.output
    result = CliRunner(env={"TIMKIEM_ANALYTICS": "off"}).invoke(
        main, ["stats", "--index-dir", str(tmp_path)]
    )
    assert result.exit_code == 1
    assert "Search logging is off here (TIMKIEM_ANALYTICS=off)" in result.output


def test_timkiem_stats_with_logging_off_still_shows_the_old_log(filled: Path) -> None:
    result = CliRunner(env={"TIMKIEM_ANALYTICS": "off"}).invoke(
        main, ["stats", "--index-dir", str(filled)]
    )
    assert result.exit_code == 0, result.output
    assert "Top queries" in result.output
    assert "Search logging is off (TIMKIEM_ANALYTICS=off)" in result.output


def test_timkiem_stats_of_an_empty_window(tmp_path: Path) -> None:
    fill(log_path(tmp_path), [(timedelta(days=10), "cũ", 1, 1.0)])
    result = CliRunner().invoke(main, ["stats", "--days", "1", "--index-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("No searches today (")

"""Crawling on a schedule from the server (indexer.live.schedule, webui.schedule): settings,
one crawl however many processes, the last run on /admin/stats and /metrics."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from indexer import Engine, SettingError
from indexer.live.schedule import (
    CrawlSchedule,
    Scheduler,
    parse_every,
    read_last_run,
    schedule_from_settings,
)
from tests.crawl_site import LocalSite, build_news_site
from webui import create_app
from webui.schedule import get_scheduler

TOKEN = "bí-mật"


@pytest.fixture
def site() -> Iterator[LocalSite]:
    with LocalSite() as served:
        build_news_site(served)
        yield served


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("30m", 1800), ("2h", 7200), ("1d", 86400), ("1h30m", 5400), (" 90S ", 90)],
)
def test_durations(text: str, seconds: float) -> None:
    assert parse_every(text) == seconds


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (
            {"CRAWL_URLS": "https://a.vn/sitemap.xml", "CRAWL_EVERY": "30 minutes"},
            "TIMKIEM_CRAWL_EVERY must be a duration such as 30m, 2h or 1d",
        ),
        (
            {"CRAWL_URLS": "https://a.vn/sitemap.xml", "CRAWL_EVERY": "10s"},
            "TIMKIEM_CRAWL_EVERY must be at least 1m, got '10s'",
        ),
        ({"CRAWL_URLS": "https://a.vn/"}, "TIMKIEM_CRAWL_EVERY is not"),
        ({"CRAWL_EVERY": "1h"}, "TIMKIEM_CRAWL_URLS is empty"),
        ({"CRAWL_URLS": "ftp://a.vn/", "CRAWL_EVERY": "1h"}, "http:// or https://"),
    ],
)
def test_bad_settings_say_what_to_fix(config: dict[str, str], message: str) -> None:
    with pytest.raises(SettingError, match=message.replace("(", r"\(")):
        schedule_from_settings(config)
    with pytest.raises(SettingError):
        create_app({"TESTING": True, **config})


def test_no_settings_no_schedule() -> None:
    assert schedule_from_settings({"CRAWL_URLS": "", "CRAWL_EVERY": ""}) is None


def test_one_process_crawls_however_many_serve(site: LocalSite, tmp_path: Path) -> None:
    schedule = CrawlSchedule((site.url("/sitemap-trang.xml"),), every=3600, delay=0)
    first = Scheduler(tmp_path, schedule, isolated=False, leader_retry=0.05)
    second = Scheduler(tmp_path, schedule, isolated=False, leader_retry=0.05)
    first.start()
    assert first.wait_for_run(timeout=30)
    second.start()
    try:
        assert not second.wait_for_run(timeout=0.5)
        assert first.leader and not second.leader
        assert len(site.requests_for("/sitemap-trang.xml")) == 1
        run = read_last_run(tmp_path)
        assert run is not None and run.ok
        assert (run.new, run.pages, run.changes) == (2, 3, 2)  # loi, chia-se (as goc); the PDF
        assert Engine(tmp_path).doc_count() == 2
        # When the process that crawls ends, another takes over.
        first.stop()
        assert second.wait_for_run(timeout=0.5) is False  # the next run is an hour away
        assert second.leader or _becomes_leader(second)
    finally:
        first.stop()
        second.stop()


def _becomes_leader(scheduler: Scheduler) -> bool:
    import time

    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        if scheduler.leader:
            return True
        time.sleep(0.05)
    return False


def test_the_last_run_shows_in_admin_and_metrics(site: LocalSite, tmp_path: Path) -> None:
    app = create_app(
        {
            "TESTING": True,
            "INDEX_DIR": str(tmp_path),
            "CRAWL_URLS": site.url("/sitemap-trang.xml"),
            "CRAWL_EVERY": "2h",
            "CRAWL_DELAY": 0.0,
            "ADMIN_STATS": True,
            "ADMIN_TOKEN": TOKEN,
            "METRICS": True,
        }
    )
    scheduler = get_scheduler(app)
    assert scheduler is not None
    try:
        assert scheduler.wait_for_run(timeout=60)  # in a process of its own
    finally:
        scheduler.stop()
    client = app.test_client()
    headers = {"Authorization": f"Bearer {TOKEN}"}
    data = client.get("/admin/stats.json", headers=headers).get_json()
    crawl = data["crawl"]
    assert crawl["urls"] == [site.url("/sitemap-trang.xml")] and crawl["every_seconds"] == 7200
    run = crawl["last_run"]
    assert (run["pages"], run["new"], run["changes"], run["ok"], run["error"]) == (
        3,
        2,
        2,
        True,
        None,
    )
    page = client.get("/admin/stats", headers=headers).get_data(as_text=True)
    assert "Thu thập theo lịch" in page and "mỗi 2 giờ" in page
    assert "2 bài mới, 0 bài cập nhật, 0 bài gỡ bỏ" in page
    text = client.get("/metrics").get_data(as_text=True)
    found = {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }
    assert found[("timkiem_crawl_last_run_pages", ())] == 3
    assert found[("timkiem_crawl_last_run_changes", (("change", "new"),))] == 2
    assert found[("timkiem_crawl_last_run_failed", ())] == 0
    assert (
        found[("timkiem_crawl_next_run_timestamp_seconds", ())]
        > found[("timkiem_crawl_last_run_timestamp_seconds", ())]
    )

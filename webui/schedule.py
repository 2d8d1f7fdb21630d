"""The crawl the server runs on a schedule (``CRAWL_URLS`` every ``CRAWL_EVERY``): started
with the app, one crawl at a time across every server process (``indexer.live.schedule``).
Its last run is read from the index directory by ``/admin/stats`` and ``/metrics``."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app

from indexer import CrawlSchedule, Scheduler, read_last_run, schedule_from_settings

_EXTENSION = "timkiem.crawl_schedule"


def init_app(app: Flask) -> None:
    """Start the scheduler when ``CRAWL_URLS`` and ``CRAWL_EVERY`` are set (a SettingError
    in words when they are wrong); nothing otherwise."""
    schedule = schedule_from_settings(app.config)
    if schedule is None:
        return
    scheduler = Scheduler(app.config["INDEX_DIR"], schedule)
    app.extensions[_EXTENSION] = scheduler
    scheduler.start()


def get_scheduler(app: Flask | None = None) -> Scheduler | None:
    """The app's scheduler, None when the server does not crawl."""
    return (app or current_app).extensions.get(_EXTENSION)


def crawl_state(app: Flask | None = None) -> dict[str, Any] | None:
    """The schedule and its last run, for /admin/stats; None when there is neither."""
    app = app or current_app
    scheduler = get_scheduler(app)
    last = read_last_run(app.config["INDEX_DIR"])
    if scheduler is None and last is None:
        return None
    schedule: CrawlSchedule | None = scheduler.schedule if scheduler else None
    return {
        "urls": list(schedule.urls) if schedule else [],
        "every_seconds": schedule.every if schedule else None,
        "last_run": last.to_dict() if last else None,
    }


def vn_duration(seconds: float | None) -> str:
    """``5400`` → "1 giờ 30 phút": how often the server crawls, for the admin page."""
    left = int(seconds or 0)
    parts = []
    for size, unit in ((86400, "ngày"), (3600, "giờ"), (60, "phút"), (1, "giây")):
        n, left = divmod(left, size)
        if n:
            parts.append(f"{n} {unit}")
    return " ".join(parts) or "0 giây"

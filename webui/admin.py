"""The site owner's search analytics: ``/admin/stats`` and its JSON twin ``/admin/stats.json``,
with the last run of the crawl the server runs on a schedule, if it does (``crawl``).

Both are off (404, as if they did not exist) unless ``ADMIN_STATS`` is on and ``ADMIN_TOKEN``
is set. The token comes in an ``Authorization: Bearer …`` header, or as ``?token=`` from the
page's small form (which sets no cookie and keeps no session); a missing token gets 401 and
the form, a wrong one 403. Responses are never cached or indexed.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Response, abort, current_app, jsonify, render_template, request
from werkzeug.datastructures import WWWAuthenticate
from werkzeug.exceptions import Forbidden, Unauthorized

from indexer import (
    AnalyticsMissingError,
    Stats,
    empty_stats,
    local_time,
    log_path,
    read_stats,
)

from .analytics import get_log
from .params import int_param
from .schedule import crawl_state, vn_duration

bp = Blueprint("admin", __name__, url_prefix="/admin")

DEFAULT_DAYS = 30
MAX_DAYS = 365
DEFAULT_LIMIT = 20
MAX_LIMIT = 100
DAY_CHOICES = (7, 30, 90, 365)

CHALLENGE = WWWAuthenticate("bearer", {"realm": "timkiem admin"})

CHART_WIDTH = 720
CHART_HEIGHT = 160


def _enabled() -> bool:
    return bool(current_app.config["ADMIN_STATS"]) and bool(_token())


def _token() -> str:
    return str(current_app.config.get("ADMIN_TOKEN") or "").strip()


def _given_token() -> tuple[str | None, bool]:
    """The token of the request and whether it came in the URL (the form) or a header."""
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip(), False
    token = request.args.get("token")
    return (token, True) if token else (None, False)


def _authorised(given: str) -> bool:
    return hmac.compare_digest(given.encode("utf-8"), _token().encode("utf-8"))


def right_token() -> bool:
    """Whether this request carries the admin token (the rate limit of wrong tokens never
    refuses it)."""
    given, _ = _given_token()
    return _enabled() and given is not None and _authorised(given)


@bp.after_request
def private(response: Response) -> Response:
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@dataclass(frozen=True)
class Bar:
    x: float
    width: float
    y_all: float
    y_zero: float
    day: str
    searches: int
    zero_results: int


def chart_bars(stats: Stats, width: int = CHART_WIDTH, height: int = CHART_HEIGHT) -> list[Bar]:
    """One bar per day, its height the day's searches; the part that found nothing on top."""
    days = stats.per_day
    top = max((d.searches for d in days), default=0) or 1
    step = width / max(1, len(days))
    gap = min(2.0, step * 0.2)
    bars = []
    for i, d in enumerate(days):
        h_all = height * d.searches / top
        h_zero = height * d.zero_results / top
        bars.append(
            Bar(
                x=round(i * step + gap / 2, 2),
                width=round(max(step - gap, 0.5), 2),
                y_all=round(height - h_all, 2),
                y_zero=round(height - h_all + h_zero, 2),
                day=d.day,
                searches=d.searches,
                zero_results=d.zero_results,
            )
        )
    return bars


bp.add_app_template_filter(vn_duration, "vn_duration")


@bp.app_template_filter("local_time")
def local_time_filter(stamp: str) -> str:
    """ "2026-04-05T05:07:00Z" → "05/04/2026 12:07" in the server's time zone."""
    moment = local_time(stamp)
    return moment.strftime("%d/%m/%Y %H:%M") if moment else stamp


def _stats(days: int, limit: int) -> tuple[Stats, bool]:
    """The stats and whether anything was ever logged."""
    try:
        return read_stats(log_path(current_app.config["INDEX_DIR"]), days=days, limit=limit), True
    except AnalyticsMissingError:
        return empty_stats(days), False


def _logging_state() -> dict[str, Any]:
    search_log = get_log()
    return {
        "enabled": search_log is not None and search_log.enabled,
        "dropped": search_log.dropped if search_log is not None else 0,
    }


def _figures() -> tuple[Stats, bool, int]:
    """The stats the request asks for (``days``, ``limit``), whether anything was ever
    logged, and the limit."""
    days = int_param(request.args, "days", DEFAULT_DAYS, 1, MAX_DAYS)
    limit = int_param(request.args, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
    stats, logged = _stats(days, limit)
    return stats, logged, limit


@bp.get("/stats.json")
def stats_json() -> Response:
    """The numbers of /admin/stats as JSON (what ``timkiem stats --json`` prints, plus the
    state of the log in this server)."""
    if not _enabled():
        abort(404)
    given, _ = _given_token()
    if given is None:
        raise Unauthorized(
            "This page needs the admin token: Authorization: Bearer TOKEN or ?token=TOKEN",
            www_authenticate=CHALLENGE,
        )
    if not _authorised(given):
        raise Forbidden("Wrong admin token.")
    stats, _, _ = _figures()
    payload = {**stats.to_dict(), "logging": _logging_state()}
    crawl = crawl_state()
    if crawl is not None:  # the server crawls on a schedule, or did
        payload["crawl"] = crawl
    return jsonify(payload)


@bp.get("/stats")
def stats_page() -> str | tuple[str, int, dict[str, str]] | tuple[str, int]:
    """Top queries, queries without results, slowest queries and searches per day."""
    if not _enabled():
        abort(404)
    given, in_url = _given_token()
    days_arg = request.args.get("days", "")
    if given is None or not _authorised(given):
        wrong = given is not None
        html = render_template("admin_token.html", wrong=wrong, days=days_arg)
        if wrong:
            return html, 403
        return html, 401, {"WWW-Authenticate": CHALLENGE.to_header()}
    token = given if in_url else None  # links keep a token that came in the URL
    stats, logged, limit = _figures()
    return render_template(
        "admin_stats.html",
        stats=stats,
        logged=logged,
        logging=_logging_state(),
        bars=chart_bars(stats),
        chart={"width": CHART_WIDTH, "height": CHART_HEIGHT},
        top_day=max((d.searches for d in stats.per_day), default=0),
        day_choices=DAY_CHOICES,
        limit=limit,
        token=token,
        crawl=crawl_state(),
    )

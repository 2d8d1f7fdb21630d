"""Rate limits per client address (webui.ratelimit) and their shared storage
(webui.sqlite_limits), through the Flask test client and separate server processes.

Limits here are counted per day, so no test depends on how fast the machine is.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import ROOT
from webui import create_app, settings
from webui.ratelimit import get_limiter, limits_setting
from webui.sqlite_limits import SQLiteStorage
from webui.write_api import get_applier

TOKEN = "right-token"


@pytest.fixture
def make_app(index_dir: Path) -> Callable[..., Flask]:
    def make(**config: Any) -> Flask:
        return create_app({"TESTING": True, "INDEX_DIR": str(index_dir), **config})

    return make


def get(client: FlaskClient, path: str, address: str = "203.0.113.5", **kwargs: Any):
    return client.get(path, environ_base={"REMOTE_ADDR": address}, buffered=True, **kwargs)


def statuses(client: FlaskClient, path: str, n: int, address: str = "203.0.113.5") -> list[int]:
    return [get(client, path, address).status_code for _ in range(n)]


def test_rate_limits_are_on_by_default(monkeypatch, index_dir: Path) -> None:
    monkeypatch.delenv("TIMKIEM_RATE_LIMIT", raising=False)
    app = create_app({"TESTING": True, "INDEX_DIR": str(index_dir)})
    assert app.config["RATE_LIMIT"] == "20 per second; 300 per minute"
    assert app.config["RATE_LIMIT_ADMIN"] == "5 per minute; 30 per hour"
    assert get_limiter(app) is not None
    assert get(app.test_client(), "/api/search?q=dan").status_code == 200
    # Counted in the SQLite file every server process shares.
    assert (index_dir / "ratelimit.sqlite3").is_file()


def test_a_flood_gets_429_with_retry_after_and_the_error_shape(make_app) -> None:
    client = make_app(RATE_LIMIT="3 per day").test_client()
    assert statuses(client, "/api/search?q=dan", 3) == [200, 200, 200]
    resp = get(client, "/api/search?q=dan", headers={"Origin": "https://bao.example.vn"})
    assert resp.status_code == 429
    body = resp.get_json()
    assert set(body) == {"error", "status"} and body["status"] == 429
    assert "Too many requests" in body["error"]
    assert int(resp.headers["Retry-After"]) >= 1
    assert resp.headers["X-RateLimit-Limit"] == "3"
    # The widget on another site can read the answer (and say the server is busy).
    assert resp.headers["Access-Control-Allow-Origin"] == "*"


def test_pages_and_the_api_share_one_count(make_app) -> None:
    client = make_app(RATE_LIMIT="4 per day").test_client()
    assert statuses(client, "/?q=dan", 2) == [200, 200]
    assert statuses(client, "/api/suggest?q=dan", 2) == [200, 200]
    page = get(client, "/?q=dan")
    assert page.status_code == 429
    html = page.get_data(as_text=True)
    assert "quá nhiều yêu cầu" in html and "Traceback" not in html
    assert int(page.headers["Retry-After"]) >= 1
    assert get(client, "/admin/stats.json").get_json()["status"] == 429


def test_answers_under_the_limit_carry_no_limit_headers(make_app) -> None:
    resp = get(make_app(RATE_LIMIT="3 per day").test_client(), "/api/search?q=dan")
    assert resp.status_code == 200
    for name in ("Retry-After", "X-RateLimit-Limit", "X-RateLimit-Remaining"):
        assert name not in resp.headers  # cacheable answers hold nothing about one client


def test_each_address_has_its_own_count(make_app) -> None:
    client = make_app(RATE_LIMIT="2 per day").test_client()
    assert statuses(client, "/api/search?q=dan", 3, "203.0.113.5") == [200, 200, 429]
    assert statuses(client, "/api/search?q=dan", 2, "198.51.100.9") == [200, 200]
    # IPv6: one /64 is one client.
    assert statuses(client, "/api/search?q=dan", 2, "2001:db8:1:2::10") == [200, 200]
    assert get(client, "/api/search?q=dan", "2001:db8:1:2::99").status_code == 429
    assert get(client, "/api/search?q=dan", "2001:db8:1:3::10").status_code == 200


def test_static_files_widget_script_and_preflights_are_not_counted(make_app) -> None:
    client = make_app(RATE_LIMIT="2 per day").test_client()
    for path in ("/static/style.css", "/widget.js", "/static/autocomplete.js", "/favicon.ico"):
        assert statuses(client, path, 3) == [200, 200, 200], path
    preflight = {"Origin": "https://bao.example.vn", "Access-Control-Request-Method": "GET"}
    for _ in range(3):
        resp = client.options(
            "/api/search", headers=preflight, environ_base={"REMOTE_ADDR": "203.0.113.5"}
        )
        assert resp.status_code == 200
    assert statuses(client, "/api/search?q=dan", 3) == [200, 200, 429]


def test_a_client_cannot_choose_its_address_with_x_forwarded_for(make_app) -> None:
    client = make_app(RATE_LIMIT="2 per day").test_client()
    codes = [
        get(client, "/api/search?q=dan", headers={"X-Forwarded-For": f"192.0.2.{i}"}).status_code
        for i in range(3)
    ]
    assert codes == [200, 200, 429]


def test_behind_a_trusted_proxy_each_client_is_counted_apart(make_app) -> None:
    client = make_app(RATE_LIMIT="2 per day", TRUSTED_PROXIES="10.0.0.0/8").test_client()

    def via_proxy(forwarded_for: str) -> int:
        headers = {"X-Forwarded-For": forwarded_for}
        return get(client, "/api/search?q=dan", "10.0.0.2", headers=headers).status_code

    assert [via_proxy("198.51.100.1") for _ in range(3)] == [200, 200, 429]
    assert [via_proxy("198.51.100.2") for _ in range(2)] == [200, 200]
    # A client that forges an earlier hop is still counted under its own address.
    assert via_proxy("192.0.2.77, 198.51.100.1") == 429


def test_wrong_admin_tokens_are_limited_harder(make_app) -> None:
    app = make_app(
        RATE_LIMIT="100 per day", RATE_LIMIT_ADMIN="2 per day", ADMIN_STATS=True, ADMIN_TOKEN=TOKEN
    )
    client = app.test_client()
    # The right token and no token at all (the form) are not failures.
    assert statuses(client, f"/admin/stats.json?token={TOKEN}", 3) == [200, 200, 200]
    assert statuses(client, "/admin/stats", 3) == [401, 401, 401]
    assert statuses(client, "/admin/stats.json?token=guess", 2) == [403, 403]
    # Two wrong guesses: this address may guess no more, on the page or its JSON twin…
    resp = get(client, "/admin/stats.json?token=guess")
    assert resp.status_code == 429 and int(resp.headers["Retry-After"]) >= 1
    page = get(client, "/admin/stats?token=guess2")
    assert page.status_code == 429 and "quá nhiều yêu cầu" in page.get_data(as_text=True)
    # …but the right token is never refused by the lockout.
    assert get(client, f"/admin/stats.json?token={TOKEN}").status_code == 200
    assert get(client, f"/admin/stats?token={TOKEN}").status_code == 200
    bearer = {"Authorization": f"Bearer {TOKEN}"}
    assert get(client, "/admin/stats.json", headers=bearer).status_code == 200
    # Another address, and the rest of the site, are not affected.
    assert get(client, "/admin/stats.json?token=guess", "198.51.100.9").status_code == 403
    assert get(client, "/api/search?q=dan").status_code == 200


WRITE_TOKEN = "write-token"
ARTICLE = {"id": "hoa-ban", "text": "Mùa hoa ban nở trắng núi rừng Mường Phăng."}


def _write(client: FlaskClient, token: str, address: str = "203.0.113.5") -> int:
    return client.post(
        "/api/articles",
        json=ARTICLE,
        headers={"Authorization": f"Bearer {token}"},
        environ_base={"REMOTE_ADDR": address},
    ).status_code


def test_wrong_tokens_are_counted_per_kind_and_never_lock_out_the_right_one(make_app) -> None:
    app = make_app(
        RATE_LIMIT="100 per day",
        RATE_LIMIT_ADMIN="2 per day",
        ADMIN_STATS=True,
        ADMIN_TOKEN=TOKEN,
        WRITE_TOKEN=WRITE_TOKEN,
        ANALYTICS=False,
    )
    client = app.test_client()
    try:
        # Wrong admin tokens up to the lockout: the CMS's writes go on.
        assert statuses(client, "/admin/stats.json?token=guess", 3) == [403, 403, 429]
        assert _write(client, WRITE_TOKEN) == 202
        # A missing token is not a guess; wrong write tokens have a count of their own.
        assert [_write(client, "") for _ in range(3)] == [401, 401, 401]
        assert [_write(client, "guess") for _ in range(3)] == [403, 403, 429]
        resp = client.get(
            "/api/tasks/1",
            headers={"Authorization": "Bearer guess"},
            environ_base={"REMOTE_ADDR": "203.0.113.5"},
        )
        assert resp.status_code == 429
        assert resp.get_json()["status"] == 429 and int(resp.headers["Retry-After"]) >= 1
        # The right write token still writes, and the right admin token still reads.
        assert [_write(client, WRITE_TOKEN) for _ in range(2)] == [202, 202]
        assert get(client, f"/admin/stats.json?token={TOKEN}").status_code == 200
    finally:
        get_applier(app).stop()  # type: ignore[union-attr]


@pytest.mark.parametrize("value", ["off", "OFF", " off ", "", None, False])
def test_off_turns_every_limit_off(make_app, index_dir: Path, value: object) -> None:
    app = make_app(RATE_LIMIT=value, RATE_LIMIT_ADMIN="1 per day")
    assert get_limiter(app) is None
    assert statuses(app.test_client(), "/api/search?q=dan", 25) == [200] * 25
    assert not (index_dir / "ratelimit.sqlite3").exists()


def test_the_setting_comes_from_the_environment(monkeypatch, index_dir: Path) -> None:
    monkeypatch.setenv("TIMKIEM_RATE_LIMIT", "1 per day")
    client = create_app({"TESTING": True, "INDEX_DIR": str(index_dir)}).test_client()
    assert statuses(client, "/api/search?q=dan", 2) == [200, 429]


@pytest.mark.parametrize("setting", ["RATE_LIMIT", "RATE_LIMIT_ADMIN"])
def test_a_wrong_limit_is_named(make_app, setting: str) -> None:
    with pytest.raises(ValueError, match=f"{setting}: 'twenty a second' is not a list of limits"):
        make_app(**{"RATE_LIMIT": "10 per day", setting: "twenty a second"})


def test_limits_setting() -> None:
    assert limits_setting("10/second;100/minute") == "10/second;100/minute"
    assert limits_setting("off") is None
    names = [s.name for s in settings.SETTINGS]
    start = names.index("PUBLIC_URL")
    assert names[start : start + 5] == [
        "PUBLIC_URL",
        "TRUSTED_PROXIES",
        "RATE_LIMIT",
        "RATE_LIMIT_ADMIN",
        "RATE_LIMIT_STORAGE",
    ]


def test_a_broken_storage_never_fails_a_request(make_app, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    broken = f"sqlite:///{blocker}/ratelimit.sqlite3"  # its folder cannot be made
    client = make_app(RATE_LIMIT="2 per day", RATE_LIMIT_STORAGE=broken).test_client()
    # Counted in this process's memory instead: the limit still holds.
    assert statuses(client, "/api/search?q=dan", 3) == [200, 200, 429]


def test_memory_storage_can_be_chosen(make_app, index_dir: Path) -> None:
    client = make_app(RATE_LIMIT="1 per day", RATE_LIMIT_STORAGE="memory://").test_client()
    assert statuses(client, "/api/search?q=dan", 2) == [200, 429]
    assert not (index_dir / "ratelimit.sqlite3").exists()


# --- several server processes ------------------------------------------------------------

WORKER = """
import json, sys
from webui import create_app
app = create_app({"TESTING": True, "INDEX_DIR": sys.argv[1], "RATE_LIMIT": "10 per day"})
client = app.test_client()
codes = [client.get("/api/suggest?q=dan", environ_base={"REMOTE_ADDR": sys.argv[2]}).status_code
         for _ in range(int(sys.argv[3]))]
print(json.dumps(codes))
"""


def run_worker(index_dir: Path, address: str, requests: int) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("TIMKIEM_RATE_LIMIT", None)
    return subprocess.Popen(
        [sys.executable, "-c", WORKER, str(index_dir), address, str(requests)],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )


def test_the_limit_holds_across_server_processes(index_dir: Path) -> None:
    # Four processes, each sending 6 requests from one address at the same time: 10 pass.
    workers = [run_worker(index_dir, "203.0.113.5", 6) for _ in range(4)]
    results = [json.loads(w.communicate(timeout=120)[0]) for w in workers]
    assert all(w.returncode == 0 for w in workers)
    codes = [code for result in results for code in result]
    assert codes.count(200) == 10 and codes.count(429) == 14
    # Another address, in yet another process, starts afresh.
    other = run_worker(index_dir, "198.51.100.9", 3)
    assert json.loads(other.communicate(timeout=120)[0]) == [200, 200, 200]


# --- the SQLite storage -----------------------------------------------------------------


def test_sqlite_storage_counts_windows(tmp_path: Path, monkeypatch) -> None:
    now = [1000.0]
    monkeypatch.setattr("webui.sqlite_limits.time.time", lambda: now[0])
    storage = SQLiteStorage(f"sqlite:///{tmp_path}/limits.sqlite3")
    assert storage.check()
    assert [storage.incr("a", 60) for _ in range(3)] == [1, 2, 3]
    assert storage.incr("a", 60, amount=2) == 5
    assert storage.get("a") == 5 and storage.get("b") == 0
    assert storage.get_expiry("a") == 1060.0
    now[0] = 1059.9
    assert storage.incr("a", 60) == 6  # same window
    now[0] = 1060.0
    assert storage.get("a") == 0  # the window is over
    assert storage.incr("a", 60) == 1 and storage.get_expiry("a") == 1120.0
    storage.incr("b", 60)
    storage.clear("a")
    assert storage.get("a") == 0 and storage.get("b") == 1
    assert storage.reset() == 1 and storage.get("b") == 0


def test_sqlite_storage_is_shared_by_two_instances(tmp_path: Path) -> None:
    uri = f"sqlite:///{tmp_path}/limits.sqlite3"
    first, second = SQLiteStorage(uri), SQLiteStorage(uri)
    first.incr("k", 60)
    assert second.incr("k", 60) == 2 and first.get("k") == 2


def test_sqlite_storage_needs_a_file() -> None:
    with pytest.raises(ValueError, match="needs a file"):
        SQLiteStorage("sqlite://")

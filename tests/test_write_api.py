"""The write API: off without a token, the token checked, bad requests rejected whole and
named, accepted writes applied in the background and searchable, durable across kill -9."""

from __future__ import annotations

import io
import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indexer import Engine, Journal, SettingError
from indexer.index.generations import write_lock
from tests.conftest import BAC_KAN, ROOT
from webui import create_app
from webui.write_api import get_applier, write_token_rejected

TOKEN = "khóa-ghi-42"
ASCII_TOKEN = "write-s3cret"

HOA_BAN = {
    "id": "hoa-ban-2024",
    "title": "Lễ hội hoa ban Điện Biên",
    "text": "Mùa hoa ban nở trắng núi rừng Mường Phăng, du khách về Điện Biên dự lễ hội.",
    "date": "2024-03-10T08:30:00+07:00",
    "author": "Lò Văn Pọm",
    "url": "https://baodienbien.example.vn/le-hoi-hoa-ban",
    "source": "Báo Điện Biên",
}


RULE = "must be 1–128 characters of A–Z a–z 0–9 _ . -, not only dots"  # an id's rule


def bearer(token: str = ASCII_TOKEN) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def make_app(index_dir: Path, **config: Any) -> Flask:
    return create_app(
        {
            "TESTING": True,
            "INDEX_DIR": str(index_dir),
            "ANALYTICS": False,
            "WRITE_TOKEN": ASCII_TOKEN,
            **config,
        }
    )


@pytest.fixture
def write_app(index_dir: Path) -> Iterator[Flask]:
    app = make_app(index_dir)
    yield app
    applier = get_applier(app)
    assert applier is not None
    applier.stop()


@pytest.fixture
def write_client(write_app: Flask):
    return write_app.test_client()


def post(client, body: Any, headers: dict[str, str] | None = None):
    return client.post("/api/articles", json=body, headers=bearer() if headers is None else headers)


def wait_for(app: Flask, task_id: int) -> dict[str, Any]:
    """The task's final state, once the app's applier has finished it."""
    applier = get_applier(app)
    assert applier is not None
    task = applier.wait(task_id, timeout=120)
    assert task is not None and task.finished, task
    return app.test_client().get(f"/api/tasks/{task_id}", headers=bearer()).get_json()


def search(client, q: str) -> dict[str, Any]:
    resp = client.get("/api/search", query_string={"q": q})
    assert resp.status_code == 200
    return resp.get_json()


def journal_counts(index_dir: Path) -> dict[str, int]:
    return Journal(index_dir).counts()


# -- off unless a token is set ----------------------------------------------------------


@pytest.mark.parametrize("token", ["", "   "])
def test_without_a_token_the_write_api_does_not_exist(index_dir: Path, token: str) -> None:
    client = make_app(index_dir, WRITE_TOKEN=token).test_client()
    for resp in (
        client.post("/api/articles", json=HOA_BAN, headers=bearer()),
        client.delete("/api/articles/hoa-ban-2024", headers=bearer()),
        client.get("/api/tasks/1", headers=bearer()),
    ):
        assert resp.status_code == 404
        body = resp.get_json()
        assert body["status"] == 404
        assert body["error"].startswith("The requested URL was not found on the server.")
    assert not (index_dir / "journal.sqlite3").exists()


def test_the_default_settings_keep_it_off(index_dir: Path) -> None:
    client = create_app({"TESTING": True, "INDEX_DIR": str(index_dir)}).test_client()
    assert client.post("/api/articles", json=HOA_BAN, headers=bearer()).status_code == 404


# -- the token ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "status", "error"),
    [
        ({}, 401, "This API needs the write token: Authorization: Bearer TOKEN"),
        ({"Authorization": f"Basic {ASCII_TOKEN}"}, 401, None),
        ({"Authorization": "Bearer "}, 401, None),
        (bearer("wrong"), 403, "Wrong write token."),
        (bearer(ASCII_TOKEN + "x"), 403, None),
        (bearer(ASCII_TOKEN[:-1]), 403, None),
        (bearer(TOKEN), 403, None),
    ],
)
def test_a_missing_token_is_401_and_a_wrong_one_403(
    write_app: Flask, index_dir: Path, headers, status: int, error: str | None
) -> None:
    client = write_app.test_client()
    rejected: list[int] = []

    def count(sender: Flask, status: int) -> None:
        assert sender is write_app
        rejected.append(status)

    with write_token_rejected.connected_to(count):
        for resp in (
            client.post("/api/articles", json=HOA_BAN, headers=headers),
            client.delete("/api/articles/hoa-ban-2024", headers=headers),
            client.get("/api/tasks/1", headers=headers),
        ):
            assert resp.status_code == status
            body = resp.get_json()
            assert body["status"] == status
            if error is not None:
                assert body["error"] == error
            assert resp.headers["Cache-Control"] == "no-store"
            if status == 401:
                assert resp.headers["WWW-Authenticate"] == 'Bearer realm="timkiem write"'
            else:
                assert "WWW-Authenticate" not in resp.headers
    assert rejected == [status] * 3
    assert journal_counts(index_dir) == dict.fromkeys(journal_counts(index_dir), 0)


def test_a_non_ascii_token_is_compared_as_utf8(index_dir: Path) -> None:
    app = make_app(index_dir, WRITE_TOKEN=TOKEN)
    try:
        client = app.test_client()
        # HTTP headers arrive as Latin-1: a UTF-8 token comes as its bytes.
        raw = TOKEN.encode("utf-8").decode("latin-1")
        resp = client.get("/api/tasks/1", headers={"Authorization": f"Bearer {raw}"})
        assert resp.get_json() == {"error": "no task 1", "status": 404}
        wrong = "khoá-ghi-42".encode().decode("latin-1")  # the other tone placement
        resp = client.get("/api/tasks/1", headers={"Authorization": f"Bearer {wrong}"})
        assert resp.status_code == 403
    finally:
        get_applier(app).stop()  # type: ignore[union-attr]


# -- rejected requests ------------------------------------------------------------------


def _with(**changes: Any) -> dict[str, Any]:
    out = {**HOA_BAN, **changes}
    return {k: v for k, v in out.items() if v is not ...}


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (_with(id=...), "article.id: required"),
        (_with(text=...), "article.text: required"),
        (_with(text=None), "article.text: required"),
        (_with(id=123), "article.id: must be a string, got number"),
        (
            _with(id="bài/1"),
            f"article.id: {RULE}, got 'bài/1'",
        ),
        (_with(id="."), f"article.id: {RULE}, got '.'"),
        (_with(id=".."), f"article.id: {RULE}, got '..'"),
        (
            _with(id="x" * 129),
            f"article.id: {RULE}, got '{'x' * 129}'",
        ),
        (_with(text=" \n "), "article.text: must not be empty"),
        (_with(text=["đoạn 1"]), "article.text: must be a string, got array"),
        (_with(title=7), "article.title: must be a string, got number"),
        (_with(author={"name": "A"}), "article.author: must be a string, got object"),
        (_with(source=True), "article.source: must be a string, got boolean"),
        (
            _with(date="10/03/2024"),
            "article.date: must be a date YYYY-MM-DD or an ISO 8601 date-time, got '10/03/2024'",
        ),
        (
            _with(date="2024-02-30"),
            "article.date: must be a date YYYY-MM-DD or an ISO 8601 date-time, got '2024-02-30'",
        ),
        (
            _with(url="baodienbien.vn/a"),
            "article.url: must be an absolute http(s) URL, got 'baodienbien.vn/a'",
        ),
        (
            _with(url="javascript:alert(1)"),
            "article.url: must be an absolute http(s) URL, got 'javascript:alert(1)'",
        ),
        (
            _with(url="https://baodienbien.vn/a\nSet-Cookie: x=1"),
            "article.url: must not hold spaces or control characters (percent-encode them, "
            "as %20 or %0A), got 'https://baodienbien.vn/a\\nSet-Cookie: x=1'",
        ),
        (
            _with(url="https://baodienbien.vn/a\x00b"),
            "article.url: must not hold spaces or control characters (percent-encode them, "
            "as %20 or %0A), got 'https://baodienbien.vn/a\\x00b'",
        ),
        (
            _with(url="https://baodienbien.vn/\u202egpj.exe"),
            "article.url: must not hold spaces or control characters (percent-encode them, "
            "as %20 or %0A), got 'https://baodienbien.vn/\\u202egpj.exe'",
        ),
        (
            _with(url="https://baodienbien.vn/a\tb"),
            "article.url: must not hold spaces or control characters (percent-encode them, "
            "as %20 or %0A), got 'https://baodienbien.vn/a\\tb'",
        ),
        (
            _with(url="https://baodienbien.vn\\@evil.example/"),
            "article.url: must not hold a backslash (write / or %5C), "
            "got 'https://baodienbien.vn\\\\@evil.example/'",
        ),
        (
            _with(url="https://user@/a"),
            "article.url: must be an absolute http(s) URL, got 'https://user@/a'",
        ),
        (
            _with(url="https://baodienbien.vn:99999/a"),
            "article.url: must be an absolute http(s) URL, got 'https://baodienbien.vn:99999/a'",
        ),
        (
            _with(url="https://[::1/a"),
            "article.url: must be an absolute http(s) URL, got 'https://[::1/a'",
        ),
        (
            _with(url="HTTPS://baodienbien.vn/a?"),
            "article.url: is not written as a URL parser reads it back "
            "('https://baodienbien.vn/a'), got 'HTTPS://baodienbien.vn/a?'",
        ),
        (
            _with(body="…"),
            "article.body: unknown field (accepted: id, title, text, date, author, url, source)",
        ),
        ([], "body: the array holds no article"),
        ("hoa ban", "body: must be a JSON object or an array of objects, got string"),
        ([HOA_BAN, "x"], "articles[1]: must be an object, got string"),
        (
            [{**HOA_BAN, "id": f"a{i}"} for i in range(3)] + [_with(id=...)],
            "articles[3].id: required",
        ),
        (
            [HOA_BAN, {**HOA_BAN, "id": "khac"}, HOA_BAN],
            "articles[2].id: 'hoa-ban-2024' is also articles[0]; send each article once",
        ),
    ],
)
def test_a_bad_article_rejects_the_whole_request_naming_it(
    write_client, index_dir: Path, body: Any, error: str
) -> None:
    resp = post(write_client, body)
    assert resp.status_code == 400
    assert resp.get_json() == {"error": error, "status": 400}
    assert journal_counts(index_dir) == dict.fromkeys(journal_counts(index_dir), 0)
    assert search(write_client, "Mường Phăng")["total"] == 0


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (
            b'{"id": "a", "text": "x"',
            "body: invalid JSON: Expecting ',' delimiter (line 1, column 24)",
        ),
        (b"", "body: invalid JSON: Expecting value (line 1, column 1)"),
        (b'{"id": "a", "text": "\xff"}', "body: invalid JSON: not UTF-8"),
        (b"[" * 100_000 + b"]" * 100_000, "body: invalid JSON: nested too deeply"),
        (
            b'{"id": "a", "text": 1' + b"0" * 5000 + b"}",
            "body: invalid JSON: a number has too many digits",
        ),
        (
            b'{"id": "a", "text": "x\\ud800y"}',
            "body: invalid JSON: a string holds a lone surrogate",
        ),
        (
            b'[{"id": "a", "title": "\\udfff"}]',
            "body: invalid JSON: a string holds a lone surrogate",
        ),
    ],
)
def test_invalid_json_is_400(write_client, index_dir: Path, data: bytes, error: str) -> None:
    resp = write_client.post(
        "/api/articles", data=data, content_type="application/json", headers=bearer()
    )
    assert resp.status_code == 400
    assert resp.get_json() == {"error": error, "status": 400}
    assert journal_counts(index_dir)["enqueued"] == 0


def test_a_body_that_is_not_json_is_415(write_client, index_dir: Path) -> None:
    resp = write_client.post(
        "/api/articles", data=json.dumps(HOA_BAN), content_type="text/plain", headers=bearer()
    )
    assert resp.status_code == 415
    assert resp.get_json() == {
        "error": "Send the articles as JSON: Content-Type: application/json",
        "status": 415,
    }


def test_a_body_over_the_limit_is_413(index_dir: Path) -> None:
    app = make_app(index_dir, WRITE_MAX_BYTES=1000)
    try:
        client = app.test_client()
        small = {**HOA_BAN, "text": "ngắn"}
        big = {**HOA_BAN, "text": "dài " * 300}
        expected = {
            "error": "The request body is over the limit of 1,000 bytes (WRITE_MAX_BYTES).",
            "status": 413,
        }
        resp = post(client, big)
        assert resp.status_code == 413
        assert resp.get_json() == expected
        # Without a Content-Length (chunked, which waitress hands over terminated), reading
        # stops at the limit.
        resp = client.post(
            "/api/articles",
            input_stream=io.BytesIO(json.dumps(big).encode()),
            content_type="application/json",
            headers={**bearer(), "Transfer-Encoding": "chunked"},
            environ_overrides={"wsgi.input_terminated": True},
        )
        assert resp.status_code == 413
        assert resp.get_json() == expected
        assert journal_counts(index_dir)["enqueued"] == 0
        assert post(client, small).status_code == 202
    finally:
        get_applier(app).stop()  # type: ignore[union-attr]


def test_a_bad_id_to_delete_is_400(write_client) -> None:
    resp = write_client.delete("/api/articles/b%C3%A0i", headers=bearer())
    assert resp.status_code == 400
    assert resp.get_json() == {"error": f"id: {RULE}, got 'bài'", "status": 400}
    resp = write_client.delete("/api/articles/..", headers=bearer())
    assert resp.status_code in (400, 404, 405)
    resp = write_client.delete("/api/articles/...", headers=bearer())
    assert resp.get_json() == {"error": f"id: {RULE}, got '...'", "status": 400}


# JSON text as a client may send it: any code point (lone surrogates too, escaped as JSON
# does), integers of any length, nesting of any depth.
_json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**300), max_value=10**300)
    | st.floats(allow_nan=False)
    | st.text(st.characters(codec=None, categories=None), max_size=20)
)
_json_values = st.recursive(
    _json_scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from(["id", "title", "text", "url", "date", "x"]), inner)
    ),
    max_leaves=12,
)


def _deep(depth: int) -> bytes:
    return b'{"id": "a", "text": ' + b"[" * depth + b"]" * depth + b"}"


def _long_number(digits: int) -> bytes:
    return b'[{"id": "a", "text": "x", "date": ' + b"7" * digits + b"}]"


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    body=_json_values
    | st.integers(1, 200_000).map(_deep)
    | st.integers(1, 20_000).map(_long_number)
)
def test_any_json_body_is_answered_in_the_error_shape(write_client, body: Any) -> None:
    data = body if isinstance(body, bytes) else json.dumps(body).encode("ascii")
    resp = write_client.post(
        "/api/articles", data=data, content_type="application/json", headers=bearer()
    )
    assert resp.status_code in (202, 400, 413), resp.get_data(as_text=True)[:300]
    if resp.status_code != 202:
        assert set(resp.get_json()) == {"error", "status"}


@pytest.mark.parametrize("task_id", ["999", "99999999999999999999", str(2**63)])
def test_an_unknown_task_is_404(write_client, task_id: str) -> None:
    resp = write_client.get(f"/api/tasks/{task_id}", headers=bearer())
    assert resp.status_code == 404
    assert resp.get_json() == {"error": f"no task {task_id}", "status": 404}


# -- accepted writes --------------------------------------------------------------------


def test_a_posted_article_is_applied_and_searchable(write_app: Flask, index_dir: Path) -> None:
    client = write_app.test_client()
    assert search(client, "Mường Phăng")["total"] == 0
    files_before = Engine(index_dir).doc_count()

    resp = post(client, HOA_BAN)
    assert resp.status_code == 202
    assert resp.get_json() == {"task": 1, "status": "enqueued", "articles": 1}
    assert resp.headers["Location"] == "/api/tasks/1"

    task = wait_for(write_app, 1)
    assert task["status"] == "succeeded"
    assert set(task) == {
        "task",
        "status",
        "type",
        "articles",
        "enqueued_at",
        "started_at",
        "finished_at",
    }
    assert (task["task"], task["type"], task["articles"]) == (1, "upsert", 1)
    stamps = [task["enqueued_at"], task["started_at"], task["finished_at"]]
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", s) for s in stamps), stamps
    assert stamps == sorted(stamps)

    found = search(client, "hoa ban muong phang")
    assert found["total"] == 1
    hit = found["results"][0]
    assert {k: hit[k] for k in ("id", "title", "date", "author", "source", "url")} == {
        "id": "hoa-ban-2024",
        "title": "Lễ hội hoa ban Điện Biên",
        "date": "2024-03-10",
        "author": "Lò Văn Pọm",
        "source": "Báo Điện Biên",
        "url": "https://baodienbien.example.vn/le-hoi-hoa-ban",
    }
    assert "<mark>Mường Phăng</mark>" in hit["snippet"]
    # The file articles are all still there.
    assert Engine(index_dir).doc_count() == files_before + 1
    assert search(client, "Bắc Kạn")["results"][0]["id"] == BAC_KAN


def test_posting_again_replaces_and_delete_removes(write_app: Flask, index_dir: Path) -> None:
    client = write_app.test_client()
    files_before = Engine(index_dir).doc_count()
    assert (
        post(client, [HOA_BAN, {"id": "lua-moi", "text": "Giá lúa mới tăng nhẹ."}]).status_code
        == 202
    )
    assert wait_for(write_app, 1)["status"] == "succeeded"
    assert Engine(index_dir).doc_count() == files_before + 2

    changed = {
        **HOA_BAN,
        "title": "Hồ Pá Khoang mùa xuân",
        "text": "Hoa đào nở quanh hồ Pá Khoang.",
    }
    assert post(client, changed).get_json() == {"task": 2, "status": "enqueued", "articles": 1}
    assert wait_for(write_app, 2)["status"] == "succeeded"
    assert search(client, "Mường Phăng")["total"] == 0
    assert [h["id"] for h in search(client, "Pá Khoang")["results"]] == ["hoa-ban-2024"]
    assert Engine(index_dir).doc_count() == files_before + 2

    resp = client.delete("/api/articles/hoa-ban-2024", headers=bearer())
    assert resp.status_code == 202
    assert resp.get_json() == {"task": 3, "status": "enqueued", "articles": 1}
    task = wait_for(write_app, 3)
    assert (task["status"], task["type"], task["articles"]) == ("succeeded", "delete", 1)
    assert search(client, "Pá Khoang")["total"] == 0
    assert search(client, "giá lúa mới")["total"] == 1
    assert Engine(index_dir).doc_count() == files_before + 1


def test_a_post_larger_than_a_batch_is_applied_in_batches(index_dir: Path) -> None:
    """25 articles with WRITE_BATCH_ARTICLES=10: the applier (in its own processes, as a
    server runs it) builds three generations of at most 10, and the task is done after the
    last; every article is searchable."""
    app = make_app(index_dir, WRITE_BATCH_ARTICLES=10)
    try:
        applier = get_applier(app)
        assert applier is not None and applier.max_articles == 10
        client = app.test_client()
        files_before = Engine(index_dir).doc_count()
        posted = [
            {"id": f"bai-{i:02}", "text": f"Bản tin số {i} về mùa hoa ban."} for i in range(25)
        ]
        resp = post(client, posted)
        assert resp.get_json() == {"task": 1, "status": "enqueued", "articles": 25}
        task = wait_for(app, 1)
        assert (task["status"], task["articles"]) == ("succeeded", 25)
        engine = Engine(index_dir)
        assert engine.doc_count() == files_before + 25
        assert all(engine.article(a["id"]) is not None for a in posted)
        with sqlite3.connect(index_dir / "journal.sqlite3") as db:
            assert db.execute("SELECT applied, payload FROM tasks").fetchall() == [(25, None)]
    finally:
        get_applier(app).stop()  # type: ignore[union-attr]


@pytest.mark.parametrize("value", [0, -5])
def test_a_batch_of_no_article_is_refused(index_dir: Path, value: int) -> None:
    with pytest.raises(SettingError, match=f"WRITE_BATCH_ARTICLES must be at least 1, got {value}"):
        make_app(index_dir, WRITE_BATCH_ARTICLES=value)


def test_delete_touches_only_articles_written_through_the_api(
    write_app: Flask, index_dir: Path
) -> None:
    client = write_app.test_client()
    before = Engine(index_dir).doc_count()
    assert client.delete(f"/api/articles/{BAC_KAN}", headers=bearer()).status_code == 202
    assert client.delete("/api/articles/khong-co", headers=bearer()).status_code == 202
    assert wait_for(write_app, 1)["status"] == "succeeded"
    assert wait_for(write_app, 2)["status"] == "succeeded"
    assert Engine(index_dir).doc_count() == before
    assert search(client, "Bắc Kạn")["results"][0]["id"] == BAC_KAN


# -- durability against a real server -----------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _request(url: str, *, method: str = "GET", body: Any = None) -> tuple[int, Any]:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method, headers=bearer())
    if data is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


class Server:
    """``timkiem serve`` in a subprocess, with the write API on."""

    def __init__(self, index_dir: Path) -> None:
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "from indexer.cli import main; main()",
                "serve",
                "--port",
                str(self.port),
                "--threads",
                "4",
                "--index-dir",
                str(index_dir),
            ],
            cwd=ROOT,
            env={
                **os.environ,
                "PYTHONPATH": str(ROOT),
                "TIMKIEM_WRITE_TOKEN": ASCII_TOKEN,
                "TIMKIEM_ANALYTICS": "off",
            },
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while True:
            assert self.proc.poll() is None, "the server stopped"
            try:
                if self.get("/api/search?q=x")[0] == 200:
                    return
            except OSError:
                pass
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.1)

    def get(self, path: str) -> tuple[int, Any]:
        return _request(self.base + path)

    def post(self, path: str, body: Any) -> tuple[int, Any]:
        return _request(self.base + path, method="POST", body=body)

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def wait_for(self, task_id: int) -> dict[str, Any]:
        deadline = time.monotonic() + 120
        while True:
            status, task = self.get(f"/api/tasks/{task_id}")
            assert status == 200, task
            if task["status"] in ("succeeded", "failed"):
                return task
            assert time.monotonic() < deadline, task
            time.sleep(0.1)


@pytest.mark.parametrize("index_busy", [False, True], ids=["at-once", "index-busy"])
def test_kill_9_after_202_loses_nothing_and_applies_once(index_dir: Path, index_busy: bool) -> None:
    """kill -9 right after the 202: the restarted server applies the write, once. With the
    index busy (another writer holds its lock) the write cannot have been applied before the
    kill, so the restart is what applies it."""
    files_before = Engine(index_dir).doc_count()
    server = Server(index_dir)
    try:
        if index_busy:
            with write_lock(index_dir):
                status, body = server.post("/api/articles", HOA_BAN)
                server.kill()
                # Nothing can have been applied while the lock was held.
                task = Journal(index_dir).get(1)
                assert task is not None and task.status in ("enqueued", "processing")
                assert Engine(index_dir).doc_count() == files_before
        else:
            status, body = server.post("/api/articles", HOA_BAN)
            server.kill()
    finally:
        if server.proc.poll() is None:
            server.kill()
    assert (status, body) == (202, {"task": 1, "status": "enqueued", "articles": 1})

    server = Server(index_dir)
    try:
        assert server.wait_for(1)["status"] == "succeeded"
        status, found = server.get("/api/search?q=muong+phang")
        assert status == 200
        assert [h["id"] for h in found["results"]] == ["hoa-ban-2024"]
        assert found["total"] == 1
        # A second write after the restart gets the next task id.
        assert server.post("/api/articles", {"id": "lua", "text": "Giá lúa mới."})[1]["task"] == 2
        assert server.wait_for(2)["status"] == "succeeded"
    finally:
        server.kill()
    assert Engine(index_dir).doc_count() == files_before + 2
    assert Journal(index_dir).counts() == {
        "enqueued": 0,
        "processing": 0,
        "succeeded": 2,
        "failed": 0,
    }

"""The server: worker processes answer searches, and each follows a new index generation."""

from __future__ import annotations

import json
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from indexer import Article, build_index
from tests.browser import closed_port_url
from tests.conftest import dated_articles
from tests.serving import server_process
from webui import create_app, server

# A word no article of dated_articles() holds, typed without accents.
GIRAFFE_QUERY = "huou"
GIRAFFE = Article(
    id="giraffe",
    title="Hươu cao cổ về vườn thú",
    body="Vườn thú đón hai con hươu cao cổ từ châu Phi.",
    path="new/giraffe.txt",
)

# The server in its own process, as `timkiem serve` runs it; requests are logged with the
# answering process's id, so a test can tell the workers apart.
SERVE = """
import sys
from webui import create_app
from webui.server import serve

index_dir, port, workers, access_log = sys.argv[1:5]
serve(
    lambda: create_app({"INDEX_DIR": index_dir, "ANALYTICS": False}),
    host="127.0.0.1",
    port=int(port),
    workers=int(workers),
    threads=2,
    options={"accesslog": access_log, "access_log_format": "%(p)s %(q)s"},
)
"""


@contextmanager
def running_server(index_dir: Path, workers: int, access_log: Path) -> Iterator[str]:
    url = closed_port_url()
    port = url.rsplit(":", 1)[1]
    with server_process(SERVE, [str(index_dir), port, str(workers), str(access_log)], url):
        yield url


def search(url: str, query: str, **extra: str) -> dict[str, Any]:
    """One search on a new connection (so any worker may take it)."""
    address = f"{url}/api/search?{urlencode({'q': query, **extra})}"
    with urllib.request.urlopen(address, timeout=60) as response:
        return json.load(response)


def answering_process(access_log: Path, probe: str) -> str:
    """The id of the process that answered the request tagged ``probe`` (its access log
    line is written just after the answer)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        for line in access_log.read_text(encoding="utf-8").splitlines():
            pid, _, query = line.partition(" ")
            if f"probe={probe}" in query.split("&"):
                return pid
        time.sleep(0.05)
    raise AssertionError(f"request {probe} is not in the access log")


def totals_by_process(url: str, access_log: Path, label: str) -> dict[str, set[int]]:
    """Searches for GIRAFFE_QUERY until two processes have answered: each process's totals."""
    seen: dict[str, set[int]] = {}
    for i in range(300):
        probe = f"{label}{i}"
        total = search(url, GIRAFFE_QUERY, probe=probe)["total"]
        seen.setdefault(answering_process(access_log, probe), set()).add(total)
        if len(seen) >= 2:
            break
    return seen


def test_every_worker_answers_and_follows_a_new_generation(tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    build_index(dated_articles(), index_dir, workers=1)
    access_log = tmp_path / "access.log"
    with running_server(index_dir, 2, access_log) as url:
        before = totals_by_process(url, access_log, "before")
        assert list(before.values()) == [{0}, {0}]  # two workers, neither knows the giraffe
        # A new generation is published while both workers hold the old one open.
        build_index([*dated_articles(), GIRAFFE], index_dir, rebuild=True, workers=1)
        after = totals_by_process(url, access_log, "after")
        assert list(after.values()) == [{1}, {1}]
        assert after.keys() == before.keys()  # the same workers, not restarted ones
        hit = search(url, GIRAFFE_QUERY)["results"][0]
        assert (hit["id"], hit["title"]) == ("giraffe", "Hươu cao cổ về vườn thú")


def test_one_worker_is_one_process_that_also_follows_a_new_generation(tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    build_index(dated_articles(), index_dir, workers=1)
    with running_server(index_dir, 1, tmp_path / "access.log") as url:
        assert search(url, GIRAFFE_QUERY)["total"] == 0
        assert search(url, "dân vận khéo")["total"] == 3
        build_index([*dated_articles(), GIRAFFE], index_dir, rebuild=True, workers=1)
        assert search(url, GIRAFFE_QUERY)["total"] == 1
    assert not (tmp_path / "access.log").exists()  # waitress, not gunicorn, answered


def test_without_fork_one_waitress_process_serves(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Where worker processes cannot be forked (Windows), --workers falls back to waitress."""
    import waitress

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(server, "can_fork", lambda: False)
    monkeypatch.setattr(waitress, "serve", lambda app, **kwargs: calls.append(kwargs))
    app = create_app({"TESTING": True, "INDEX_DIR": str(tmp_path), "ANALYTICS": False})
    server.serve(lambda: app, port=8123, workers=4, threads=3)
    [call] = calls
    assert (call["host"], call["port"], call["threads"], call["ident"]) == (
        "127.0.0.1",
        8123,
        3,
        "timkiem",
    )


@pytest.mark.parametrize(
    ("host", "address"),
    [("127.0.0.1", "127.0.0.1:8000"), ("0.0.0.0", "0.0.0.0:8000"), ("::1", "[::1]:8000")],
)
def test_bind_address(host: str, address: str) -> None:
    assert server.bind_address(host, 8000) == address

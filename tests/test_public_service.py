"""The public service on both servers alike: waitress (one worker) and gunicorn (two).

Each scenario runs against the real server in its own process, as `timkiem serve` starts it:
a proxy in front (TRUSTED_PROXIES), requests too large for the limits, too many filters, and
a port already taken.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest

from indexer import MAX_SOURCES, build_index
from tests.browser import closed_port_url
from tests.conftest import ROOT, dated_articles
from tests.serving import server_process
from webui.limits import MAX_BODY_BYTES, MAX_HEADER_BYTES, MAX_URL_BYTES

SERVE = """
import json, sys
from webui import create_app
from webui.server import serve

config, port, workers = json.loads(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
serve(lambda: create_app(config), host="127.0.0.1", port=port, workers=workers, threads=2)
"""

SERVERS = {"waitress": 1, "gunicorn": 2}


@pytest.fixture(scope="module", params=sorted(SERVERS))
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A server trusting 127.0.0.1 as its proxy, with a small rate limit to count against."""
    index_dir = tmp_path_factory.mktemp(f"public-{request.param}") / "index"
    build_index(dated_articles(), index_dir, workers=1)
    config = {
        "INDEX_DIR": str(index_dir),
        "ANALYTICS": False,
        "TRUSTED_PROXIES": "127.0.0.1",
        "RATE_LIMIT": "4 per minute",
    }
    url = closed_port_url()
    args = [json.dumps(config), url.rsplit(":", 1)[1], str(SERVERS[request.param])]
    with server_process(SERVE, args, url):
        yield url


_clients = iter(range(1, 1_000_000))


def a_client() -> str:
    """A client address never used before in this run (each has its own rate-limit count)."""
    n = next(_clients)
    return f"198.51.{n // 250}.{n % 250 + 1}"


def get(url: str, path: str, headers: dict[str, str] | None = None) -> tuple[int, dict, bytes]:
    """(status, headers, body) of one GET, from a new client unless ``headers`` says."""
    request = urllib.request.Request(
        url + path, headers={"X-Forwarded-For": a_client(), **(headers or {})}
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as err:
        with err:
            return err.code, dict(err.headers), err.read()


def raw_exchange(url: str, head: str, timeout: float = 30) -> bytes:
    """Send ``head`` (a request line and headers, no body) and read the answer's first bytes."""
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=timeout) as sock:
        sock.sendall(head.encode("latin-1"))
        return sock.recv(65536)


# --- behind a proxy (TRUSTED_PROXIES) ----------------------------------------------------


def test_a_trusted_proxy_gives_each_reader_a_rate_limit_of_their_own(server: str) -> None:
    reader, other = a_client(), a_client()
    statuses = [get(server, "/api/search?q=dan", {"X-Forwarded-For": reader})[0] for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]
    # Another reader behind the same proxy is not held back by the first one's requests.
    assert get(server, "/api/search?q=dan", {"X-Forwarded-For": other})[0] == 200


def test_a_trusted_proxy_tells_the_scheme_and_host_of_links(server: str) -> None:
    headers = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "tim.example.gov.vn"}
    status, _, body = get(server, "/widget", headers)
    assert status == 200
    assert "https://tim.example.gov.vn/widget.js" in body.decode()


def test_no_server_believes_a_scheme_by_itself(tmp_path: Path) -> None:
    """gunicorn alone would believe X-Forwarded-Proto from 127.0.0.1; the app decides."""
    from webui.server import gunicorn_settings, waitress_settings

    assert gunicorn_settings("127.0.0.1", 8000, 2, 2)["forwarded_allow_ips"] == ""
    assert gunicorn_settings("127.0.0.1", 8000, 2, 2)["secure_scheme_headers"] == {}
    assert waitress_settings({})["clear_untrusted_proxy_headers"] is False


# --- limits ------------------------------------------------------------------------------


def test_an_address_over_the_limit_is_refused_with_414(server: str) -> None:
    long_query = "a" * (MAX_URL_BYTES + 10)
    status, _, body = get(server, "/api/search?" + urlencode({"q": long_query}))
    assert status == 414
    assert json.loads(body)["status"] == 414
    status, _, body = get(server, "/?" + urlencode({"q": long_query}))
    assert status == 414
    assert "Địa chỉ quá dài" in body.decode()


def test_a_far_longer_request_line_is_refused_by_the_server_itself(server: str) -> None:
    answer = raw_exchange(server, f"GET /?q={'a' * 100_000} HTTP/1.1\r\nHost: x\r\n\r\n")
    assert answer.split(b" ", 2)[1] in (b"414", b"431")


def test_headers_over_the_limit_are_refused_with_431(server: str) -> None:
    many = {f"X-Filler-{i}": "x" * 1000 for i in range(MAX_HEADER_BYTES // 1000 + 2)}
    status, _, body = get(server, "/api/search?q=dan", many)
    assert status == 431
    assert json.loads(body)["status"] == 431


def test_a_large_body_is_refused_before_it_is_sent(server: str) -> None:
    """413 comes back on the headers alone: the server does not wait for 100 MB."""
    head = (
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"
        f"X-Forwarded-For: {a_client()}\r\nContent-Length: 100000000\r\n\r\n"
    )
    answer = raw_exchange(server, head, timeout=20)
    assert answer.split(b" ", 2)[1] == b"413"


def test_a_small_body_is_still_answered_by_the_route(server: str) -> None:
    head = (
        "POST / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
        f"X-Forwarded-For: {a_client()}\r\nContent-Length: {MAX_BODY_BYTES // 2}\r\n\r\n"
    )
    parts = urlsplit(server)
    with socket.create_connection((parts.hostname, parts.port), timeout=30) as sock:
        sock.sendall(head.encode() + b"x" * (MAX_BODY_BYTES // 2))
        assert sock.recv(65536).split(b" ", 2)[1] == b"405"


def test_too_many_sources_are_refused_with_400(server: str) -> None:
    sources = [("source", f"Báo {i}") for i in range(MAX_SOURCES + 1)]
    status, _, body = get(server, "/api/search?" + urlencode([("q", "dan"), *sources]))
    assert status == 400
    error = json.loads(body)
    assert error["status"] == 400 and "source" in error["error"]
    status, _, body = get(server, "/?" + urlencode([("q", "dan"), *sources]))
    assert status == 400
    assert f"tối đa {MAX_SOURCES} nguồn" in body.decode()
    status, _, _ = get(server, "/?" + urlencode([("q", "dan"), *sources[:MAX_SOURCES]]))
    assert status == 200


# --- a port already taken ----------------------------------------------------------------


@pytest.mark.parametrize("workers", sorted(SERVERS.values()))
def test_serve_on_a_busy_port_says_so_and_names_the_flag(seed_index: Path, workers: int) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {k: v for k, v in os.environ.items() if not k.startswith("TIMKIEM_")}
        env.update(PYTHONPATH=str(ROOT), TIMKIEM_ANALYTICS="off")
        command = [sys.executable, "-m", "indexer.cli", "serve", "--port", str(port)]
        command += ["--workers", str(workers), "--index-dir", str(seed_index)]
        result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "Serving" not in result.stdout
    [line] = result.stderr.strip().splitlines()
    assert f"port {port} is already in use" in line and "--port" in line

"""A ``timkiem serve`` for a benchmark: a free loopback port, the command, starting and
stopping it, and waiting for its first answer."""

from __future__ import annotations

import contextlib
import http.client
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

from benchmarks.harness.data import REPO_ROOT
from benchmarks.harness.processes import checkout_timkiem


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_command(
    index_dir: str, port: int, workers: int | None = None, checkout: bool = False
) -> list[str]:
    """``timkiem serve`` as installed, else (or with ``checkout``: whatever is installed) the
    same command from this checkout's code."""
    exe = None if checkout else shutil.which("timkiem")
    head = [exe] if exe else checkout_timkiem()
    cmd = [*head, "serve", "--index-dir", index_dir, "--port", str(port), "--host", "127.0.0.1"]
    return cmd + (["--workers", str(workers)] if workers else [])


def search_path(query: str) -> str:
    """The API request of one query: "/api/search?q=b%C3%A1c+s%C4%A9"."""
    return "/api/search?" + urllib.parse.urlencode({"q": query})


def wait_first_answer(
    host: str,
    port: int,
    path: str,
    proc: subprocess.Popen | None,
    timeout: float,
    started: float,
) -> dict[str, float]:
    """Seconds from ``started`` until the port answers at all, and until ``path`` answers 200."""
    firsts: dict[str, float] = {}
    while time.perf_counter() - started < timeout:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"the server exited with status {proc.returncode}")
        try:
            conn = http.client.HTTPConnection(host, port, timeout=timeout)
            conn.request("GET", path)
            resp = conn.getresponse()
            resp.read()
            conn.close()
        except OSError:
            time.sleep(0.02)
            continue
        firsts.setdefault("first_response_s", round(time.perf_counter() - started, 3))
        if resp.status == 200:
            firsts["first_search_s"] = round(time.perf_counter() - started, 3)
            return firsts
        time.sleep(0.02)
    raise RuntimeError(f"no answer from {host}:{port} within {timeout:.0f} s")


@contextlib.contextmanager
def running_server(
    cmd: list[str], env: dict[str, str] | None = None
) -> Iterator[tuple[subprocess.Popen, float, Path]]:
    """The server process, the moment it was started, and its log; stopped on exit. ``env``:
    settings for this server only, over the environment's."""
    with tempfile.TemporaryDirectory(prefix="timkiem-serve-") as tmp:
        log_path = Path(tmp) / "server.log"
        with open(log_path, "wb") as log_fh:
            started = time.perf_counter()
            # Every client is on 127.0.0.1: the per-address rate limits would measure
            # themselves. TIMKIEM_RATE_LIMIT in the environment still wins (to load-test them).
            full_env = {"TIMKIEM_RATE_LIMIT": "off", **os.environ, **(env or {})}
            proc = subprocess.Popen(
                cmd, cwd=REPO_ROOT, stdout=log_fh, stderr=subprocess.STDOUT, env=full_env
            )
            try:
                yield proc, started, log_path
            finally:
                proc.terminate()
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()

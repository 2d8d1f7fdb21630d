"""A web server in a process of its own, as `timkiem serve` runs it, for the tests that need
the real thing (waitress or gunicorn, not the Flask test client)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from tests.conftest import ROOT


@contextmanager
def server_process(script: str, args: list[str], url: str) -> Iterator[subprocess.Popen]:
    """Run the Python ``script`` with ``args`` (it serves on ``url``) until it answers a
    search, any answer at all; stopped on exit."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-c", script, *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 120
        while True:  # wait until it answers
            try:
                urllib.request.urlopen(url + "/api/search?q=", timeout=10).close()
                break
            except urllib.error.HTTPError:
                break  # an answer (a rate limit, say): it serves
            except OSError:
                if proc.poll() is not None:
                    pytest.fail(f"the server exited: {proc.stderr.read().decode()}")  # type: ignore[union-attr]
                assert time.monotonic() < deadline, "the server never answered"
                time.sleep(0.2)
        yield proc
    finally:
        proc.terminate()
        proc.wait(timeout=60)
        proc.stderr.close()  # type: ignore[union-attr]

"""The write API from a benchmark: a token, a keep-alive client, a word to find each post by,
and the wait for a server that answers searches."""

from __future__ import annotations

import http.client
import json
import secrets
import time
from pathlib import Path
from typing import Any

from benchmarks.harness.server import search_path

TOKEN = secrets.token_hex(16)
LETTERS = "bcdfghklmnpqrstvx"
# What a server with the write API on needs beside the index (the search log off: it is not
# what is measured).
WRITE_ENV = {"TIMKIEM_WRITE_TOKEN": TOKEN, "TIMKIEM_ANALYTICS": "off"}


def marker_word(i: int, tail: str = "") -> str:
    """A word no article holds: "tkw" and ``i`` in consonants, then ``tail``."""
    out = ""
    n = i
    while True:
        out += LETTERS[n % len(LETTERS)]
        n //= len(LETTERS)
        if not n:
            break
    return "tkw" + out + tail


class Api:
    """A keep-alive connection to the server, with the write token."""

    def __init__(self, port: int, timeout: float = 60) -> None:
        self.port = port
        self.timeout = timeout
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)

    def call(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        headers = {"Authorization": f"Bearer {TOKEN}"}
        data = None
        if body is not None:
            data = json.dumps(body, ensure_ascii=False).encode("utf-8")
            headers["Content-Type"] = "application/json"
        try:
            self.conn.request(method, path, body=data, headers=headers)
            resp = self.conn.getresponse()
            return resp.status, json.loads(resp.read() or b"null")
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
            raise

    def close(self) -> None:
        self.conn.close()


def wait_ready(api: Api, proc: Any, server_log: Path, timeout: float = 300) -> None:
    """Wait until the server answers a search; its log's end if it stops or never does."""
    deadline = time.perf_counter() + timeout
    while True:
        try:
            if api.call("GET", search_path("dân vận"))[0] == 200:
                return
        except (OSError, http.client.HTTPException):
            pass
        if proc.poll() is not None or time.perf_counter() > deadline:
            raise RuntimeError(server_log.read_text(errors="replace")[-2000:])
        time.sleep(0.05)

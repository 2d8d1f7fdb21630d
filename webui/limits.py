"""How large a request may be: its address, its headers, its body; the same under both servers.

A request over a limit is refused before any work is done for it, in the app's two shapes
(the JSON error under ``/api/``, a page in Vietnamese elsewhere):

- an address (path and query) over ``MAX_URL_BYTES`` → ``414``;
- headers over ``MAX_HEADER_BYTES`` in all → ``431``;
- a body over ``MAX_BODY_BYTES`` → ``413``, read no further: only the write API takes a
  larger one (up to ``WRITE_MAX_BYTES``), and it checks its own limit.

The servers keep their own, wider walls in front of these (``server_limits``): gunicorn reads a
request line of at most 8,190 bytes (longer: its own 414), 100 header fields of 8,190 bytes
each (more: its own 431); waitress reads at most 64 KiB of request line and headers (more:
its own 431) and refuses a body longer than the app takes with 413 before reading it, since it
reads a whole body before the app sees the request.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask, request
from werkzeug.exceptions import (
    RequestEntityTooLarge,
    RequestHeaderFieldsTooLarge,
    RequestURITooLarge,
)

MAX_URL_BYTES = 8_000  # path and query, as sent
MAX_HEADER_BYTES = 32_768  # names and values of every header
MAX_BODY_BYTES = 16_384  # of any request but a write API POST
WRITE_PATH = "/api/articles"

# The servers' own walls, wider than the app's limits so the app answers first.
GUNICORN_REQUEST_LINE = 8_190  # the largest gunicorn allows
GUNICORN_HEADER_FIELDS = 100
GUNICORN_HEADER_FIELD_BYTES = 8_190
WAITRESS_HEADER_BYTES = 65_536  # request line and headers


def body_limit(config: Mapping[str, Any]) -> int:
    """The largest body the app takes at all: the write API's limit when it is on."""
    if str(config.get("WRITE_TOKEN") or "").strip():
        return max(MAX_BODY_BYTES, int(config["WRITE_MAX_BYTES"]))
    return MAX_BODY_BYTES


def server_limits(server: str, config: Mapping[str, Any]) -> dict[str, int]:
    """The keyword settings of ``server`` ("gunicorn" or "waitress") for its own walls."""
    if server == "gunicorn":
        return {
            "limit_request_line": GUNICORN_REQUEST_LINE,
            "limit_request_fields": GUNICORN_HEADER_FIELDS,
            "limit_request_field_size": GUNICORN_HEADER_FIELD_BYTES,
        }
    return {
        "max_request_header_size": WAITRESS_HEADER_BYTES,
        "max_request_body_size": body_limit(config),
    }


def _url_bytes(environ: Mapping[str, Any]) -> int:
    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if raw:
        return len(raw)
    query = environ.get("QUERY_STRING", "")
    return len(environ.get("PATH_INFO", "")) + (len(query) + 1 if query else 0)


def _header_bytes(environ: Mapping[str, Any]) -> int:
    size = 0
    for key, value in environ.items():
        if key.startswith("HTTP_") or key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            size += len(key) - 3 + len(str(value))  # "Name: value" less the "HTTP_" plus ": "
    return size


def check_request_size() -> None:
    """``before_request``: refuse a request over a limit (414, 431 or 413)."""
    environ = request.environ
    if _url_bytes(environ) > MAX_URL_BYTES:
        raise RequestURITooLarge(
            f"The address is over the limit of {MAX_URL_BYTES:,} bytes: "
            "ask with fewer words or filters."
        )
    if _header_bytes(environ) > MAX_HEADER_BYTES:
        raise RequestHeaderFieldsTooLarge(
            f"The request headers are over the limit of {MAX_HEADER_BYTES:,} bytes."
        )
    length = request.content_length
    if length is not None and length > MAX_BODY_BYTES:
        writes = request.method == "POST" and request.path.rstrip("/") == WRITE_PATH
        if not writes:
            raise RequestEntityTooLarge(
                f"The request body is over the limit of {MAX_BODY_BYTES:,} bytes."
            )


def init_app(app: Flask) -> None:
    """Check every request's size before anything else is done for it; a body without a
    Content-Length (chunked) is read no further than the limit either."""
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    app.before_request_funcs.setdefault(None, []).insert(0, check_request_size)

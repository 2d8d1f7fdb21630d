"""Rate limits per client address (Flask-Limiter), on by default.

``RATE_LIMIT`` (default ``20 per second; 300 per minute``) counts every request one address
makes to the pages and the API together; static files (and the favicon), ``widget.js`` and
the health checks are not counted. A reader typing into the widget makes at most a few
requests a second (searches are debounced), so only a flood meets the limit.
``RATE_LIMIT_ADMIN`` (default ``5 per minute; 30 per hour``) counts only wrong tokens, the
admin token's and the write token's apart: past it that address may not guess that token
again until the period is over (429), while a request with the right token is never refused
by it (only by ``RATE_LIMIT``), so guesses from a CMS's or an operator's address never lock
the right token out. ``RATE_LIMIT=off`` turns both off (for benchmarks and load tests).

Over a limit the answer is ``429 Too Many Requests`` with ``Retry-After`` (seconds), in the
API's error shape under ``/api/`` and for ``*.json``. The client address is
``request.remote_addr``: the peer, or what a trusted proxy says (``webui.hosts``); an IPv6
client is counted by its /64 network, which one household or phone usually holds whole.

Counters live in ``RATE_LIMIT_STORAGE``: by default a SQLite file in the index directory
(``webui.sqlite_limits``), which every server process on the machine shares, so the limits
hold per address however many processes serve. If that storage fails, each process falls
back to counting in its own memory and says so in its log; a request is never refused or
failed because of the storage.
"""

from __future__ import annotations

import ipaddress
import os
import time
from collections.abc import Callable
from pathlib import Path

from flask import Blueprint, Flask, Response, current_app, jsonify, request
from flask_limiter import Limiter, RateLimitExceeded
from limits import parse_many

from . import sqlite_limits  # noqa: F401  (registers the sqlite:// storage scheme)
from .errors import BY_STATUS, Explanation, error_page

_EXTENSION = "timkiem.limiter"
STORAGE_FILE = "ratelimit.sqlite3"
OFF = {"", "off", "0", "false", "no", "none"}
# Cheap to serve, and fetched with every page or by monitoring: never counted.
EXEMPT_ENDPOINTS = frozenset(
    {
        "static",
        "views.favicon",
        "widget.script",
        "health.healthz",
        "health.readyz",
        "metrics.metrics",
    }
)
_LIMIT_HEADERS = ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "Retry-After")

MESSAGE = "Too many requests from this address; try again in {seconds} s (see Retry-After)."
MESSAGE_VI = (
    "Bạn đã gửi quá nhiều yêu cầu trong thời gian ngắn. Xin thử lại sau {seconds} giây nữa."
)


def limits_setting(value: object, name: str = "RATE_LIMIT") -> str | None:
    """A limits setting as Flask-Limiter takes it, None when off.

    >>> limits_setting("20 per second; 300 per minute"), limits_setting("off")
    ('20 per second; 300 per minute', None)

    Raises ValueError naming the setting when the value cannot be read.
    """
    if value is None or value is False:
        return None
    text = str(value).strip()
    if text.lower() in OFF:
        return None
    try:
        parse_many(text)
    except ValueError:
        raise ValueError(
            f"{name}: {text!r} is not a list of limits such as '20 per second; 300 per minute'"
            " (or off)"
        ) from None
    return text


def client_key() -> str:
    """The address a request is counted under: IPv4 as is, IPv6 by its /64 network."""
    address = request.remote_addr or "unknown"
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 6 and ip.ipv4_mapped is None:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip.ipv4_mapped or ip) if ip.version == 6 else str(ip)


def storage_uri(app: Flask) -> str:
    """``RATE_LIMIT_STORAGE``, or the SQLite file in the index directory."""
    configured = str(app.config.get("RATE_LIMIT_STORAGE") or "").strip()
    if configured:
        return configured
    return "sqlite://" + os.path.abspath(Path(app.config["INDEX_DIR"]) / STORAGE_FILE)


def _exempt() -> bool:
    return request.endpoint in EXEMPT_ENDPOINTS or request.method == "OPTIONS"


def _retry_after(response: Response) -> int:
    try:
        return max(1, int(response.headers.get("Retry-After", "1")))
    except ValueError:
        return 1


def tidy_limit_headers(response: Response) -> Response:
    """``after_request`` hook (run after Flask-Limiter's): the limit headers only on a 429,
    where ``Retry-After`` is at least 1 s. Other answers carry none: a shared cache must not
    hand one client's remaining count to the next."""
    if response.status_code == 429:
        response.headers["Retry-After"] = str(_retry_after(response))
        return response
    for name in _LIMIT_HEADERS:
        response.headers.pop(name, None)
    return response


def too_many_requests(exc: RateLimitExceeded) -> tuple[Response, int] | tuple[str, int]:
    """The 429 answer: the API's error shape under /api/ and for *.json, a page elsewhere.

    (Retry-After is added afterwards by Flask-Limiter; the message says the same.)
    """
    limiter = get_limiter()
    seconds = 1
    if limiter is not None and limiter.current_limit is not None:
        seconds = max(1, int(limiter.current_limit.reset_at - time.time()))
    if request.path.startswith("/api/") or request.path.endswith(".json"):
        return jsonify({"error": MESSAGE.format(seconds=seconds), "status": 429}), 429
    explanation = Explanation(BY_STATUS[429].heading, MESSAGE_VI.format(seconds=seconds))
    return error_page(429, explanation), 429


def get_limiter(app: Flask | None = None) -> Limiter | None:
    """The app's limiter, None when rate limits are off."""
    return (app or current_app).extensions.get(_EXTENSION)


#: A blueprint that asks for a token, and how to tell that a request carries the right one.
TokenGuard = tuple[Blueprint, Callable[[], bool]]


def _wrong_token_limit(
    limiter: Limiter, limits: str, kind: str, blueprint: Blueprint, right_token: Callable[[], bool]
) -> None:
    """Count the 403s of ``blueprint`` (wrong tokens) per address under a scope of their own;
    past ``limits`` a guess is answered 429, but a right token is exempt: the lockout stops
    guessing, never the owner of the token."""
    limiter.shared_limit(
        limits,
        scope=f"{kind}-token",
        deduct_when=lambda response: response.status_code == 403,
        exempt_when=lambda: request.method == "OPTIONS" or right_token(),
    )(blueprint)


def init_app(app: Flask, **token_guards: TokenGuard) -> None:
    """Limit every request per address, and wrong tokens (403) on the blueprints that ask
    for one, each kind counted apart: ``admin=(admin.bp, admin.right_token)``."""
    general = limits_setting(app.config.get("RATE_LIMIT"))
    app.extensions[_EXTENSION] = None
    if general is None:
        return
    admin_limits = limits_setting(app.config.get("RATE_LIMIT_ADMIN"), "RATE_LIMIT_ADMIN")
    app.after_request(tidy_limit_headers)  # before the limiter's hook, so it runs after it
    limiter = Limiter(
        key_func=client_key,
        application_limits=[general],
        application_limits_exempt_when=_exempt,
        headers_enabled=True,
        retry_after="delta-seconds",
        storage_uri=storage_uri(app),
        strategy="fixed-window",
        key_prefix="timkiem",
        swallow_errors=True,
        in_memory_fallback_enabled=True,
    )
    if admin_limits is not None:
        for kind, (blueprint, right_token) in token_guards.items():
            _wrong_token_limit(limiter, admin_limits, kind, blueprint, right_token)
    limiter.init_app(app)
    app.register_error_handler(RateLimitExceeded, too_many_requests)
    app.extensions[_EXTENSION] = limiter

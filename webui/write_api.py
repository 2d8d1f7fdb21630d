"""The write API: a CMS adds, replaces and deletes articles as it publishes them.

On only when ``WRITE_TOKEN`` is set (``init_app`` then registers the blueprint and starts the
applier); otherwise these paths do not exist and answer 404.

    POST   /api/articles        one article object or an array of them → 202 and a task
    DELETE /api/articles/<id>   → 202 and a task
    GET    /api/tasks/<task>    → the task's status

Every request needs ``Authorization: Bearer WRITE_TOKEN``: none gets 401, a wrong one 403, and
both send :data:`write_token_rejected` (a rate limiter counts failed tokens with it). A 202
means the write is journaled and on disk (``indexer.live.journal``); a background thread applies
it (``indexer.live.applier``) and the search engine picks up the new generation by itself. A
request that is rejected (400 invalid JSON or article, 413 too large, 415 not JSON) is not
journaled at all. Errors have the API's shape ``{"error": "…", "status": N}``.
"""

from __future__ import annotations

import hmac
import json
import re
from typing import Any, NoReturn

from blinker import Namespace
from flask import Blueprint, Flask, Response, current_app, jsonify, request, url_for
from werkzeug.exceptions import (
    BadRequest,
    Forbidden,
    NotFound,
    RequestEntityTooLarge,
    Unauthorized,
    UnsupportedMediaType,
)
from werkzeug.sansio.response import WWWAuthenticate

from indexer import Applier, Journal, SettingError, Task, check_id, posted_articles

_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")

bp = Blueprint("write_api", __name__, url_prefix="/api")

_EXTENSION = "timkiem.writes"

_signals = Namespace()
#: Sent with the app as sender and ``status=401`` (no token) or ``status=403`` (a wrong one)
#: each time a write request is refused for its token: connect a counter or a rate limiter.
write_token_rejected = _signals.signal("timkiem-write-token-rejected")


def init_app(app: Flask) -> None:
    """Turn the write API on when ``WRITE_TOKEN`` is set: routes, journal, applier thread."""
    if not _configured_token(app):
        return
    batch = int(app.config["WRITE_BATCH_ARTICLES"])
    if batch < 1:
        raise SettingError(f"WRITE_BATCH_ARTICLES must be at least 1, got {batch}")
    journal = Journal(app.config["INDEX_DIR"])
    applier = Applier(journal, isolated=True, max_articles=batch)
    app.extensions[_EXTENSION] = applier
    app.register_blueprint(bp)
    applier.start()  # applies at once whatever an earlier run journaled and did not apply


def get_applier(app: Flask | None = None) -> Applier | None:
    """The app's applier (its ``journal`` too), None when the write API is off."""
    return (app or current_app).extensions.get(_EXTENSION)


def _configured_token(app: Flask) -> str:
    return str(app.config.get("WRITE_TOKEN") or "").strip()


def _applier() -> Applier:
    applier = get_applier()
    assert applier is not None  # the routes exist only when it does
    return applier


def _reject_token(message: str, status: int) -> NoReturn:
    write_token_rejected.send(current_app._get_current_object(), status=status)  # type: ignore[attr-defined]
    if status == 401:
        challenge = WWWAuthenticate("bearer", {"realm": "timkiem write"})
        raise Unauthorized(message, www_authenticate=challenge)
    raise Forbidden(message)


def _header_bytes(value: str) -> bytes:
    """A header value's bytes as sent (WSGI hands them over decoded as Latin-1), so a
    token with Vietnamese letters sent as UTF-8 matches."""
    try:
        return value.encode("latin-1")
    except UnicodeEncodeError:
        return value.encode("utf-8")


def _given_token() -> str | None:
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    given = given.strip()
    return given if scheme.lower() == "bearer" and given else None


def _is_right(given: str) -> bool:
    expected = _configured_token(current_app).encode("utf-8")
    return hmac.compare_digest(_header_bytes(given), expected)


def right_token() -> bool:
    """Whether this request carries the write token (the rate limit of wrong tokens never
    refuses it)."""
    given = _given_token()
    return given is not None and _is_right(given)


@bp.before_request
def authorise() -> None:
    """Every write API request carries the token, checked in constant time."""
    given = _given_token()
    if given is None:
        _reject_token("This API needs the write token: Authorization: Bearer TOKEN", 401)
    if not _is_right(given):
        _reject_token("Wrong write token.", 403)


@bp.after_request
def private(response: Response) -> Response:
    if request.blueprint == bp.name:
        response.headers["Cache-Control"] = "no-store"
    return response


def _json_body() -> Any:
    """The request's JSON, within ``WRITE_MAX_BYTES``; refused with 413/415/400 otherwise."""
    limit = int(current_app.config["WRITE_MAX_BYTES"])
    too_large = f"The request body is over the limit of {limit:,} bytes (WRITE_MAX_BYTES)."
    if request.content_length is not None and request.content_length > limit:
        raise RequestEntityTooLarge(too_large)
    if not request.is_json:
        raise UnsupportedMediaType("Send the articles as JSON: Content-Type: application/json")
    # A body without a Content-Length (chunked) is read up to one byte past the limit.
    request.max_content_length = limit + 1
    try:
        raw = request.get_data(cache=False)
    except RequestEntityTooLarge:
        raise RequestEntityTooLarge(too_large) from None
    if len(raw) > limit:
        raise RequestEntityTooLarge(too_large)
    try:
        body = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise BadRequest("body: invalid JSON: not UTF-8") from None
    except json.JSONDecodeError as exc:
        message = f"body: invalid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        raise BadRequest(message) from None
    except ValueError:  # an integer of more digits than Python converts
        raise BadRequest("body: invalid JSON: a number has too many digits") from None
    except RecursionError:
        raise BadRequest("body: invalid JSON: nested too deeply") from None
    # JSON may escape half a UTF-16 pair ("\ud800"), which no UTF-8 text can hold; only a
    # body with such an escape is checked.
    if _SURROGATE_ESCAPE.search(raw):
        try:
            json.dumps(body, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            raise BadRequest("body: invalid JSON: a string holds a lone surrogate") from None
        except RecursionError:
            raise BadRequest("body: invalid JSON: nested too deeply") from None
    return body


def _accepted(task: Task) -> tuple[Response, int]:
    _applier().notify()
    response = jsonify({"task": task.id, "status": task.status, "articles": task.articles})
    response.headers["Location"] = url_for("write_api.task_status", task_id=task.id)
    return response, 202


@bp.post("/articles")
def post_articles() -> tuple[Response, int]:
    """Add or replace articles (by id): journaled, then applied in the background."""
    articles = posted_articles(_json_body())
    return _accepted(_applier().journal.enqueue_upsert(articles))


@bp.delete("/articles/<doc_id>")
def delete_article(doc_id: str) -> tuple[Response, int]:
    """Delete an article written through this API (an unknown id deletes nothing)."""
    return _accepted(_applier().journal.enqueue_delete([check_id(doc_id)]))


@bp.get("/tasks/<int:task_id>")
def task_status(task_id: int) -> Response:
    # Task ids are SQLite integers: a larger number names no task (and would overflow).
    task = _applier().journal.get(task_id) if task_id < 2**63 else None
    if task is None:
        raise NotFound(f"no task {task_id}")
    return jsonify(task.to_dict())

"""Health checks for load balancers and orchestrators: ``/healthz`` and ``/readyz``.

``/healthz`` answers as long as the process does (liveness). ``/readyz`` says whether it can
search (readiness): ``{"status": "ready", "generation": "…", "articles": 84632}``, or ``503``
with ``"status": "not ready"`` while no index is loaded (none built yet, or one of an older
format). Neither is rate-limited, logged or cached.
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from indexer import TimkiemError

from .engine import get_engine

bp = Blueprint("health", __name__)

NOT_READY = "no index is loaded: build one with timkiem index"


def _uncached(response: Response) -> Response:
    response.cache_control.no_store = True
    return response


@bp.get("/healthz")
def healthz() -> Response:
    """The process is up and answering."""
    return _uncached(jsonify({"status": "ok"}))


@bp.get("/readyz")
def readyz() -> Response | tuple[Response, int]:
    """The index is loaded: its generation and article count; 503 until it is."""
    try:
        engine = get_engine()
        body = {"status": "ready", "generation": engine.generation, "articles": engine.doc_count()}
    except (TimkiemError, OSError):  # no index, an old format, or files gone mid-swap
        body = {"status": "not ready", "generation": None, "articles": 0, "reason": NOT_READY}
        return _uncached(jsonify(body)), 503
    return _uncached(jsonify(body))

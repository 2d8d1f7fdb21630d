"""The JSON API. Every error has one shape, ``{"error": "…", "status": N}`` (see errors.py)."""

from __future__ import annotations

import json

from flask import Blueprint, Response, abort, current_app, jsonify, request

from indexer import QueryError

from . import analytics, metrics
from .engine import get_engine
from .params import search_params

bp = Blueprint("api", __name__, url_prefix="/api")


def _paths() -> bool:
    """Whether results show their file's path: the API answers every site, so only when
    the operator turns ``API_PATHS`` on."""
    return bool(current_app.config["API_PATHS"])


@bp.get("/search")
def search() -> Response:
    """Ranked results for ``q``, one page: what the search page shows, as JSON."""
    params = search_params(request.args, current_app.config["PER_PAGE"])
    page = get_engine().search(params.q, **params.search_kwargs())
    analytics.record(page, "api")
    metrics.record_search(page, "api")
    response = jsonify(page.to_dict(paths=_paths()))
    # Short enough that a new index generation shows within a minute.
    response.cache_control.public = True
    response.cache_control.max_age = 60
    return response


@bp.get("/related/<doc_id>")
def related(doc_id: str) -> Response:
    """Up to 5 articles like ``doc_id`` (the article view's "Bài liên quan"), as hits."""
    hits = get_engine().related(doc_id)
    if hits is None:
        abort(404, f"no article with id {doc_id!r}")
    response = jsonify({"id": doc_id, "results": [h.to_dict(paths=_paths()) for h in hits]})
    response.cache_control.public = True
    response.cache_control.max_age = 60
    return response


@bp.get("/suggest")
def completions() -> Response:
    """Autocomplete: completions of the prefix ``q`` at the public ``/api/suggest`` URL,
    ``{"query", "suggestions"}``, or with ``format=opensearch`` the OpenSearch suggestions
    array browsers read."""
    q = request.args.get("q", "")
    fmt = request.args.get("format", "json")
    if fmt not in ("json", "opensearch"):
        raise QueryError(f"format must be json or opensearch, got {fmt!r}", param="format")
    found = get_engine().complete(q)
    if fmt == "opensearch":
        response = current_app.response_class(
            json.dumps([q, found], ensure_ascii=False),
            mimetype="application/x-suggestions+json",
        )
    else:
        response = jsonify({"query": q, "suggestions": found})
    response.cache_control.public = True
    response.cache_control.max_age = 300
    return response

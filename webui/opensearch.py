"""Browser integration: the OpenSearch description, so a browser offers timkiem as a search
engine (with suggestions as the reader types in the address bar).

Every page links it with ``<link rel="search" type="application/opensearchdescription+xml">``.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, render_template

from .hosts import absolute_url_for

bp = Blueprint("opensearch", __name__)

MIMETYPE = "application/opensearchdescription+xml"
SHORT_NAME_CHARS = 16  # OpenSearch 1.1: ShortName is at most 16 characters


@bp.get("/opensearch.xml")
def description() -> Response:
    """The OpenSearch 1.1 description, with absolute URLs of this server (``PUBLIC_URL``;
    without it the description is built from the request's host and cached privately)."""
    home = absolute_url_for("views.search_page")
    completions = absolute_url_for("api.completions")
    xml = render_template(
        "opensearch.xml",
        short_name=current_app.config["SITE_NAME"][:SHORT_NAME_CHARS],
        search_url=home + "?q={searchTerms}",
        completions_url=completions + "?q={searchTerms}&format=opensearch",
        self_url=absolute_url_for("opensearch.description"),
        home=home,
    )
    response = Response(xml, mimetype=MIMETYPE)
    response.cache_control.public = True
    response.cache_control.max_age = 86400
    return response

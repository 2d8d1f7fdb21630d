"""HTML pages: the search page and the article view. Both work without JavaScript."""

from __future__ import annotations

from datetime import date

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    render_template,
    request,
    send_from_directory,
)
from markupsafe import Markup

from indexer import TimkiemError

from . import analytics, metrics
from .engine import get_engine
from .links import PageLinks, dmy
from .params import search_params

bp = Blueprint("views", __name__)

FAVICON_MAX_AGE = 7 * 24 * 3600  # a week: the icon hardly ever changes

WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")


@bp.app_template_filter("vn_date")
def vn_date(iso: str | None) -> str:
    """ "2022-04-05" → "Thứ Ba, 05/04/2022", the way Vietnamese pages write dates."""
    try:
        day = date.fromisoformat((iso or "")[:10])
    except ValueError:
        return iso or ""
    return f"{WEEKDAYS[day.weekday()]}, {dmy(day.isoformat())}"


@bp.app_template_filter("vn_number")
def vn_number(n: int) -> str:
    """17416 → "17.416": Vietnamese groups thousands with dots (every count on every page)."""
    return f"{int(n):,}".replace(",", ".")


@bp.get("/")
def search_page() -> str:
    params = search_params(request.args, current_app.config["PER_PAGE"])
    if not params.q.strip() and params.filters.is_empty():
        return render_template("search.html", q=params.q, result=None, examples=examples())
    result = get_engine().search(params.q, **params.search_kwargs())
    analytics.record(result, "page")
    metrics.record_search(result, "page")
    hits = [(hit, Markup(hit.snippet)) for hit in result.hits]  # snippets are escaped + <mark>
    links = PageLinks(params, current_app.config["PER_PAGE"])
    return render_template("search.html", q=params.q, result=result, hits=hits, links=links)


@bp.get("/article/<doc_id>")
def article_page(doc_id: str) -> str:
    q = request.args.get("q", "")
    engine = get_engine()
    article = engine.article(doc_id)
    if article is None:
        abort(404)
    paragraphs = [Markup(p) for p in engine.highlight_article(article, q)]
    related = engine.related(doc_id) or []
    return render_template(
        "article.html", q=q, article=article, paragraphs=paragraphs, related=related
    )


def examples() -> list[str]:
    """The home page's example queries, from the collection itself; none while there is no
    index to search."""
    try:
        return get_engine().examples()
    except TimkiemError:
        return []


@bp.get("/favicon.ico")
def favicon() -> Response:
    """The site's icon where browsers look for it (every page links it too)."""
    assert current_app.static_folder is not None
    return send_from_directory(
        current_app.static_folder,
        "favicon.ico",
        mimetype="image/vnd.microsoft.icon",
        max_age=FAVICON_MAX_AGE,
    )

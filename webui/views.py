"""HTML pages: the search page and the article view. Both work without JavaScript."""

from __future__ import annotations

from datetime import date

import numpy as np
from flask import Blueprint, abort, current_app, render_template, request
from markupsafe import Markup

from indexer import Engine, TimkiemError

from . import analytics, metrics
from .engine import get_engine
from .links import PageLinks, dmy
from .params import search_params

bp = Blueprint("views", __name__)

EXAMPLES = 3  # example queries on the home page
EXAMPLE_CANDIDATES = 500  # the most frequent phrases they are picked from
_EXAMPLES = "timkiem.examples"

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
    """The home page's example queries, from the collection itself (``pick_examples``), made
    once per index generation; none while there is no index to search."""
    try:
        engine = get_engine()
        generation = engine.generation
    except TimkiemError:
        return []
    cached = current_app.extensions.get(_EXAMPLES)
    if cached is None or cached[0] != generation:
        cached = current_app.extensions[_EXAMPLES] = (generation, pick_examples(engine))
    return cached[1]


def pick_examples(engine: Engine, n: int = EXAMPLES) -> list[str]:
    """Up to ``n`` queries that find articles in this index: its most frequent phrases of
    two or three syllables, no two sharing a word; the first typed without accents (to show
    that it works), the last as an exact phrase in quotes: ``["cong tac", "dân vận",
    '"cán bộ"']``."""
    counts = engine.current().phrase_counts
    docs = counts.docs
    if len(docs) > EXAMPLE_CANDIDATES:
        top = np.argpartition(-docs, EXAMPLE_CANDIDATES)[:EXAMPLE_CANDIDATES]
    else:
        top = np.arange(len(docs))
    ranked = sorted(top.tolist(), key=lambda i: (-int(docs[i]), -counts.forms[i].count(" "), i))
    picked: list[str] = []
    words: set[str] = set()
    for i in ranked:
        form, folded = counts.forms[i], counts.keys[i]
        if " " not in form or words & set(folded.split(" ")) or not form.replace(" ", "").isalpha():
            continue
        query = folded if not picked else f'"{form}"' if len(picked) == n - 1 else form
        if engine.search(query, per_page=1, snippets=False).total:
            picked.append(query)
            words.update(folded.split(" "))
            if len(picked) == n:
                break
    return picked

"""The embeddable search widget: ``/widget.js``, the ``/embed`` iframe page, the ``/widget``
page for site owners, and the CORS headers that let other sites call the read-only search API.

A site owner pastes two lines and gets timkiem's search on their own pages::

    <script src="https://SEARCH-HOST/widget.js" defer></script>
    <timkiem-search placeholder="Tìm kiếm bài viết…"></timkiem-search>
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    render_template,
    request,
    send_file,
)

from . import security
from .hosts import absolute_url_for, base_url
from .params import whole_number

bp = Blueprint("widget", __name__)

SCRIPT = Path(__file__).parent / "static" / "widget" / "widget.js"
# widget.js has a fixed URL (that is the point of the snippet), so caches keep it an hour and
# revalidate with its ETag: a new version reaches every site within the hour.
SCRIPT_MAX_AGE = 3600
SCRIPT_PATHS = ("/widget.js", "/static/widget/widget.js")
# Only these read-only endpoints answer other sites' browsers; every other page keeps the
# browser's same-origin protection.
CORS_PATHS = ("/api/search", "/api/suggest", *SCRIPT_PATHS)
CORS_PREFIXES = ("/api/related/",)
PREFLIGHT_MAX_AGE = 86400


@dataclass(frozen=True)
class Option:
    """One attribute of ``<timkiem-search>`` (also a query parameter of ``/embed``)."""

    name: str
    default: str
    help: str
    choices: tuple[str, ...] = ()
    kind: str = "text"  # text, int, url or choice
    low: int = 1  # the range of an int option
    high: int = 20
    embed: bool = True  # also a parameter of /embed


# The options table: the /widget page documents it and /embed accepts it; a test checks that
# widget.js reads each one.
OPTIONS: tuple[Option, ...] = (
    Option("placeholder", "Tìm kiếm bài viết…", "Chữ gợi ý trong ô tìm kiếm."),
    Option("results", "5", "Số kết quả hiện khi gõ (1–20).", kind="int"),
    Option("lang", "vi", "Ngôn ngữ giao diện: vi hoặc en.", ("vi", "en"), "choice"),
    Option(
        "results-page",
        "trang / của máy chủ tìm kiếm",
        "Trang kết quả đầy đủ; liên kết “Xem tất cả kết quả” thêm ?q=… vào địa chỉ này.",
        kind="url",
    ),
    Option(
        "api",
        "máy chủ của widget.js",
        "Địa chỉ máy chủ timkiem, khi khác nơi tải widget.js (không dùng với iframe /embed: "
        "trang đó luôn tìm trên máy chủ của chính nó).",
        kind="url",
        embed=False,
    ),
    Option(
        "theme",
        "auto",
        "auto theo chế độ sáng/tối của máy người đọc; light hoặc dark để cố định.",
        ("auto", "light", "dark"),
        "choice",
    ),
    Option(
        "target",
        "(cùng cửa sổ)",
        "Nơi mở bài viết: _blank (thẻ mới), _top (cả trang, khi widget nằm trong iframe).",
        ("_self", "_blank", "_top", "_parent"),
        "choice",
    ),
)


@dataclass(frozen=True)
class ThemeVar:
    name: str
    light: str
    dark: str
    help: str


THEME_VARS: tuple[ThemeVar, ...] = (
    ThemeVar("--timkiem-accent", "#0b5cad", "#8ab8ff", "Màu nhấn: tiêu đề, ô đang chọn."),
    ThemeVar("--timkiem-bg", "#fff", "#181c22", "Nền ô tìm kiếm và bảng kết quả."),
    ThemeVar("--timkiem-fg", "#1b2129", "#e7eaef", "Màu chữ."),
    ThemeVar("--timkiem-muted", "#5b6573", "#a5aebb", "Chữ phụ: ngày, số kết quả, chữ gợi ý."),
    ThemeVar("--timkiem-border", "#d7dde5", "#3a424e", "Viền."),
    ThemeVar("--timkiem-mark", "#ffeb99", "#5e4b00", "Nền của từ khớp với truy vấn."),
    ThemeVar("--timkiem-active", "#eef4fb", "#232a34", "Nền của kết quả đang chọn hoặc di chuột."),
    ThemeVar("--timkiem-error", "#a4262c", "#ffb3b0", "Chữ báo lỗi."),
    ThemeVar("--timkiem-font", "system-ui, …", "", "Phông chữ."),
    ThemeVar("--timkiem-font-size", "16px", "", "Cỡ chữ (16px tránh iPhone tự phóng to khi gõ)."),
    ThemeVar("--timkiem-radius", "10px", "", "Bo góc."),
    ThemeVar("--timkiem-shadow", "(bóng mờ)", "", "Bóng của bảng kết quả."),
    ThemeVar("--timkiem-panel-height", "min(70vh, 560px)", "", "Chiều cao tối đa bảng kết quả."),
)


def allowed_origins(setting: str | Iterable[str] | None) -> frozenset[str] | None:
    """The origins ``CORS_ORIGINS`` allows, normalised; None means any origin.

    ``"*"`` → None; ``"https://a.vn, https://b.vn/"`` → {"https://a.vn", "https://b.vn"};
    an empty setting allows no other site.
    """
    items = setting.split(",") if isinstance(setting, str) else list(setting or ())
    origins = {item.strip().rstrip("/").lower() for item in items} - {""}
    return None if "*" in origins else frozenset(origins)


def _is_cors_path(path: str) -> bool:
    return path in CORS_PATHS or path.startswith(CORS_PREFIXES)


def add_cors_headers(response: Response) -> Response:
    """``after_request`` hook: CORS headers on the read-only search endpoints, nothing else.

    No credentials are ever allowed, so a browser sends no cookies with these requests.
    """
    if not _is_cors_path(request.path):
        return response
    allowed = allowed_origins(current_app.config.get("CORS_ORIGINS", "*"))
    origin = request.headers.get("Origin")
    if allowed is None:
        response.headers["Access-Control-Allow-Origin"] = "*"
    else:
        response.vary.add("Origin")  # the answer differs by Origin: caches must key on it
        if origin and origin.rstrip("/").lower() in allowed:
            response.headers["Access-Control-Allow-Origin"] = origin
    if request.method == "OPTIONS" and "Access-Control-Allow-Origin" in response.headers:
        response.headers["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
        asked = request.headers.get("Access-Control-Request-Headers")
        if asked:
            response.headers["Access-Control-Allow-Headers"] = asked
            response.vary.add("Access-Control-Request-Headers")
        response.headers["Access-Control-Max-Age"] = str(PREFLIGHT_MAX_AGE)
    if request.path in SCRIPT_PATHS and response.status_code in (200, 304):
        response.cache_control.no_cache = None
        response.cache_control.public = True
        response.cache_control.max_age = SCRIPT_MAX_AGE
        # Loadable by pages that require CORP (Cross-Origin-Embedder-Policy: require-corp).
        response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
        response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.get("/widget.js")
def script() -> Response:
    """The widget itself; the same file as /static/widget/widget.js."""
    return send_file(SCRIPT, mimetype="text/javascript", max_age=SCRIPT_MAX_AGE, conditional=True)


_HOST_RE = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*")


def url_origin(value: str) -> str | None:
    """The origin (``https://host[:port]``) of an absolute http(s) URL, rebuilt from its
    parsed parts, or None when it is not one: no user info, no characters a host cannot
    hold (";", spaces, quotes), a port in range. The origin is what goes into headers."""
    if any(c.isspace() or ord(c) < 0x21 for c in value) or "\\" in value:
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https"):
        return None
    try:
        host, port = parts.hostname or "", parts.port
    except ValueError:  # a port that is not a number in range
        return None
    if parts.netloc.lower() != host + (f":{port}" if port is not None else ""):
        return None  # user info, an empty port, anything the parser left aside
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return None
    if not _HOST_RE.fullmatch(host):
        return None
    return f"{parts.scheme}://{host}" + (f":{port}" if port is not None else "")


def _is_local_path(value: str) -> bool:
    """A path on this host: never javascript:, //elsewhere or a backslash."""
    return value.startswith("/") and not value.startswith("//") and "\\" not in value


def results_page_allowed(value: str, origins: frozenset[str] | None) -> bool:
    """A results page the no-JavaScript form may send a reader's query to: a path on this
    host, or a page of a site ``CORS_ORIGINS`` names (never any site, even with ``*``)."""
    if _is_local_path(value):
        return True
    origin = url_origin(value)
    return origin is not None and origins is not None and origin in origins


def embed_attributes(args: Mapping[str, str]) -> dict[str, str]:
    """The ``/embed`` query parameters that are valid widget options, as element attributes.

    Invalid values are dropped (the widget then uses its default), so a crafted link to
    /embed cannot turn an option into a ``javascript:`` link on this host. There is no
    ``api`` option here: the page searches its own server, never one a link names.
    """
    attrs: dict[str, str] = {"target": "_top"}  # inside an iframe, open articles in the page
    origins = allowed_origins(current_app.config.get("CORS_ORIGINS", "*"))
    for option in OPTIONS:
        if not option.embed:
            continue
        value = (args.get(option.name) or "").strip()
        if not value:
            continue
        if option.kind == "int":
            number = whole_number(value)  # ASCII digits only: "²", "①", "٣" are dropped
            if number is not None and option.low <= number <= option.high:
                attrs[option.name] = str(number)
        elif option.kind == "choice":
            if value in option.choices:
                attrs[option.name] = value
        elif option.kind == "url":
            if len(value) <= 2000 and results_page_allowed(value, origins):
                attrs[option.name] = value
        else:
            attrs[option.name] = value[:200]
    return attrs


@bp.get("/embed")
def embed() -> Response:
    """A page holding only the widget, for an ``<iframe>`` where scripts are not allowed.

    The sites allowed to use the search (``CORS_ORIGINS``) may frame it; the no-JavaScript
    form may be sent to the ``results-page`` given.
    """
    attrs = embed_attributes(request.args)
    security.allow_framing(allowed_origins(current_app.config.get("CORS_ORIGINS", "*")))
    origin = url_origin(attrs.get("results-page", ""))
    if origin is not None:  # rebuilt from the parsed URL: nothing of the request verbatim
        security.allow("form-action", origin)
    return Response(render_template("embed.html", attrs=attrs), mimetype="text/html")


@bp.get("/widget")
def guide() -> str:
    """The page for site owners: the snippet to copy, the options, theming and a live demo."""
    allowed = allowed_origins(current_app.config.get("CORS_ORIGINS", "*"))
    script_url = absolute_url_for("widget.script")
    embed_url = absolute_url_for("widget.embed")
    return render_template(
        "widget_page.html",
        script_snippet=(
            f'<script src="{script_url}" defer></script>\n'
            '<timkiem-search placeholder="Tìm kiếm bài viết…"></timkiem-search>'
        ),
        iframe_snippet=(
            f'<iframe src="{embed_url}" title="Tìm kiếm bài viết"\n'
            '        style="width: 100%; height: 480px; border: 0" loading="lazy"></iframe>'
        ),
        options=OPTIONS,
        theme_vars=THEME_VARS,
        allowed=allowed,
        script_size=SCRIPT.stat().st_size,
        server_url=base_url(),
        search_api_url=absolute_url_for("api.search"),
    )


def init_app(app: Flask) -> None:
    """Add the widget to the app: its routes, and CORS headers on the search endpoints."""
    if bp.name in app.blueprints:  # already added: keep one after_request hook
        return
    app.register_blueprint(bp)
    app.after_request(add_cors_headers)

"""The app's one error path: every failure becomes the JSON error shape or a Vietnamese page.

Under ``/api/`` and for paths ending in ``.json`` the answer is ``{"error": "…", "status": N}``;
everywhere else it is ``error.html``: the site's header and search box, and a Vietnamese
explanation about the articles, never a path or a stack trace. A ``TimkiemError`` answers
with its class's ``status``; a server-side one (5xx) goes to the log with its fix for the
operator. An unexpected exception is logged with its traceback by Flask and answered 500.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, Response, current_app, jsonify, render_template, request, url_for
from werkzeug.exceptions import HTTPException

from indexer import (
    MAX_SOURCES,
    AnalyticsUnreadableError,
    IndexMissingError,
    IndexVersionError,
    QueryError,
    TimkiemError,
)

from .links import dmy
from .params import NumberError
from .views import vn_number


@dataclass(frozen=True)
class Explanation:
    """What the reader reads on an error page: a heading and a sentence or two."""

    heading: str
    message: str


NOT_READY = Explanation(
    "Tìm kiếm chưa sẵn sàng",
    "Kho bài viết đang được chuẩn bị nên chưa tìm được. Vui lòng quay lại sau ít phút.",
)

BY_STATUS = {
    400: Explanation("Yêu cầu không hợp lệ", "Địa chỉ này có tham số không hợp lệ."),
    401: Explanation("Cần mã truy cập", "Trang này chỉ dành cho người quản trị trang."),
    403: Explanation("Không được phép", "Trang này chỉ dành cho người quản trị trang."),
    404: Explanation(
        "Không tìm thấy trang",
        "Không có trang nào ở địa chỉ này. Hãy tìm bài viết bằng ô tìm kiếm ở trên.",
    ),
    405: Explanation(
        "Không làm được thao tác này",
        "Trang này chỉ để xem, không nhận dữ liệu gửi lên. Hãy tìm bằng ô tìm kiếm ở trên.",
    ),
    413: Explanation("Yêu cầu quá lớn", "Dữ liệu gửi lên quá lớn, máy chủ không nhận."),
    414: Explanation(
        "Địa chỉ quá dài",
        "Địa chỉ này quá dài. Hãy tìm với ít từ khóa hoặc ít bộ lọc hơn.",
    ),
    429: Explanation(
        "Quá nhiều yêu cầu",
        "Có quá nhiều yêu cầu trong một thời gian ngắn. Vui lòng đợi một lát rồi thử lại.",
    ),
    500: Explanation(
        "Đã có lỗi", "Máy chủ gặp lỗi khi xử lý yêu cầu này. Vui lòng thử lại sau ít phút."
    ),
    431: Explanation("Yêu cầu quá lớn", "Yêu cầu gửi kèm quá nhiều dữ liệu, máy chủ không nhận."),
    503: Explanation(
        "Tạm thời chưa phục vụ được", "Máy chủ đang bận hoặc đang bảo trì. Vui lòng thử lại sau."
    ),
}

BY_ERROR: dict[type[TimkiemError], Explanation] = {
    IndexMissingError: NOT_READY,
    IndexVersionError: NOT_READY,
    AnalyticsUnreadableError: Explanation(
        "Chưa đọc được thống kê",
        "Không đọc được nhật ký tìm kiếm. Cách khắc phục có trong nhật ký của máy chủ.",
    ),
}

ARTICLE_NOT_FOUND = Explanation(
    "Không tìm thấy bài viết",
    "Không có bài viết này trong kho bài viết; có thể bài đã được gỡ. "
    "Hãy tìm bài khác bằng ô tìm kiếm ở trên.",
)

# Each request parameter in the reader's words: what it is, and what it takes.
PARAMS = {
    "page": ("Số trang", None),
    "per_page": ("Số kết quả mỗi trang", None),
    "days": ("Số ngày", None),
    "limit": ("Số dòng mỗi bảng", None),
    "sort": ("Cách sắp xếp", "relevance (liên quan nhất), newest (mới nhất) hoặc oldest (cũ nhất)"),
    "year": ("Năm", "một năm như 2021, hoặc unknown (bài không rõ ngày)"),
    "from": ("Ngày bắt đầu", "một ngày viết theo dạng năm-tháng-ngày, như 2022-04-05"),
    "to": ("Ngày kết thúc", "một ngày viết theo dạng năm-tháng-ngày, như 2022-04-05"),
    "q": ("Từ khóa", "một đoạn chữ ngắn hơn"),
}


def wants_json() -> bool:
    """Whether this request is answered with the JSON error shape."""
    return request.path.startswith("/api/") or request.path.endswith(".json")


def explain_query_error(exc: QueryError) -> str:
    """ "Số trang “abc” không hợp lệ: cần một số nguyên từ 1 đến 1.000." """
    if exc.param == "from-to":
        start, end = (request.args.get(name, "").strip() for name in ("from", "to"))
        return (
            f"Ngày bắt đầu ({dmy(start)}) sau ngày kết thúc ({dmy(end)}). "
            "Hãy chọn ngày bắt đầu trước ngày kết thúc."
        )
    if exc.param == "source":
        return (
            f"Chỉ lọc được theo tối đa {MAX_SOURCES} nguồn cùng lúc. Hãy bỏ bớt nguồn rồi tìm lại."
        )
    if exc.param not in PARAMS:
        return BY_STATUS[400].message
    label, takes = PARAMS[exc.param]
    if isinstance(exc, NumberError):
        takes = f"một số nguyên từ {vn_number(exc.low)} đến {vn_number(exc.high)}"
    value = request.args.get(exc.param, "")
    return f"{label} “{value}” không hợp lệ: cần {takes}."


def _retry_url(exc: Exception) -> str | None:
    """The search page without the parameter at fault, when that is where the reader was."""
    if request.endpoint != "views.search_page" or not isinstance(exc, QueryError):
        return None
    args = request.args.copy()
    for name in (exc.param or "").split("-"):
        args.poplist(name)
    args.poplist("page")
    return url_for("views.search_page", **args.to_dict(flat=False))


def error_page(status: int, explanation: Explanation, retry_url: str | None = None) -> Response:
    html = render_template(
        "error.html",
        status=status,
        heading=explanation.heading,
        message=explanation.message,
        q=request.args.get("q", ""),
        retry_url=retry_url,
    )
    return Response(html, status=status, mimetype="text/html")


def handle_timkiem_error(exc: TimkiemError) -> Response:
    status = exc.status
    if status >= 500:
        current_app.logger.error("%s %s: %s", request.method, request.path, exc)
    if wants_json():
        response = jsonify({"error": exc.public_message, "status": status})
        response.status_code = status
        return response
    explanation = BY_ERROR.get(type(exc)) or BY_STATUS.get(status) or BY_STATUS[500]
    if isinstance(exc, QueryError):
        explanation = Explanation(explanation.heading, explain_query_error(exc))
    return error_page(status, explanation, _retry_url(exc))


def handle_http_error(exc: HTTPException) -> Response:
    """Werkzeug's errors (404, 405, …, and the 500 Flask makes of an unexpected exception,
    already logged with its traceback) in the app's two shapes, with their headers
    (``Allow``, ``WWW-Authenticate``)."""
    status = exc.code or 500
    headers = [(k, v) for k, v in exc.get_headers() if k.lower() != "content-type"]
    if wants_json():
        response = jsonify({"error": exc.description or exc.name, "status": status})
        response.status_code = status
    else:
        if status == 404 and request.endpoint == "views.article_page":
            explanation = ARTICLE_NOT_FOUND
        else:
            fallback = BY_STATUS[500] if status >= 500 else BY_STATUS[400]
            explanation = BY_STATUS.get(status, fallback)
        response = error_page(status, explanation)
    response.headers.extend(headers)
    return response


def init_app(app: Flask) -> None:
    app.register_error_handler(TimkiemError, handle_timkiem_error)
    app.register_error_handler(HTTPException, handle_http_error)

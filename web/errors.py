"""Errors as pages for people and as RFC 9457 ``application/problem+json`` for the API.

A problem carries ``type`` (``urn:tdkt:problem:<code>``, one per ``code``), ``title`` (what
kind of problem), ``status``, ``detail`` (this occurrence, for people), ``code`` and, for bad
data or parameters, ``fields`` (name → message). Titles and messages pass through gettext, so
they come out in the request's language (``Accept-Language`` on the API, web.i18n).
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, json, render_template, request
from flask_babel import lazy_gettext as _l
from flask_limiter.errors import RateLimitExceeded
from werkzeug.exceptions import BadRequest, HTTPException

from engine.errors import EngineError, ValidationFailed
from web.i18n import translate


class BadInput(BadRequest):
    """A 400 whose description is written for people: shown as is on the page and in the API."""

    def __init__(self, message: str) -> None:
        super().__init__(description=message)


def wants_json() -> bool:
    return request.path.startswith("/api/")


PROBLEM_TYPE = "urn:tdkt:problem:{code}"
PROBLEM_MEDIA_TYPE = "application/problem+json"
#: What kind of problem each status is (a problem's ``title``).
PROBLEM_TITLES = {
    400: _l("Yêu cầu không hợp lệ"),
    401: _l("Chưa xác thực"),
    403: _l("Không có quyền"),
    404: _l("Không tìm thấy"),
    405: _l("Phương thức không được hỗ trợ"),
    409: _l("Xung đột trạng thái"),
    412: _l("Đối tượng đã thay đổi (If-Match không khớp)"),
    413: _l("Yêu cầu quá lớn"),
    415: _l("Kiểu nội dung không được hỗ trợ"),
    422: _l("Dữ liệu không hợp lệ"),
    429: _l("Quá nhiều yêu cầu"),
    500: _l("Lỗi máy chủ"),
    503: _l("Dịch vụ tạm ngừng"),
}
#: The challenge a 401 carries (RFC 6750); an expired or unknown token adds error="invalid_token".
BEARER_CHALLENGE = 'Bearer realm="tdkt"'


def problem(
    status: int,
    code: str,
    detail: str,
    fields: dict[str, str] | None = None,
    headers: list[tuple[str, str]] | None = None,
) -> Response:
    """Return an ``application/problem+json`` response, title and messages translated."""
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE.format(code=code),
        "title": str(PROBLEM_TITLES.get(status) or status),
        "status": status,
        "detail": translate(detail) if detail else "",
        "code": code,
    }
    if fields:
        body["fields"] = {name: translate(message) for name, message in fields.items()}
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM_MEDIA_TYPE)
    for name, value in headers or []:
        response.headers[name] = value
    if status == 401 and "WWW-Authenticate" not in response.headers:
        response.headers["WWW-Authenticate"] = BEARER_CHALLENGE
    return response


_HTTP_MESSAGES = {
    400: _l("Yêu cầu không hợp lệ."),
    401: _l("Cần đăng nhập hoặc mã truy cập (token)."),
    403: _l("Bạn không có quyền thực hiện thao tác này."),
    404: _l("Không tìm thấy trang hoặc đối tượng yêu cầu."),
    405: _l("Phương thức không được hỗ trợ."),
    409: _l("Đối tượng đã thay đổi."),
    413: _l("Tệp hoặc yêu cầu quá lớn."),
    429: _l("Thao tác quá nhiều lần, vui lòng thử lại sau."),
}


def _exception_headers(exc: HTTPException) -> list[tuple[str, str]]:
    """Return the headers ``exc`` would send (e.g. ``Allow`` on a 405) but its content type."""
    return [
        (name, value)
        for name, value in exc.get_headers()
        if name.lower() not in ("content-type", "content-length")
    ]


def init_app(app: Flask) -> None:
    @app.errorhandler(EngineError)
    def _engine_error(exc: EngineError) -> Any:
        # The engine writes Vietnamese marked for the catalogue: shown in the reader's language.
        message = translate(exc.message)
        if wants_json():
            fields = exc.field_errors if isinstance(exc, ValidationFailed) else None
            return problem(exc.http_status, exc.code, exc.message, fields)
        return render_template(
            "error.html", status=exc.http_status, message=message
        ), exc.http_status

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> Any:
        status = exc.code or 500
        if isinstance(exc, BadInput) or (
            isinstance(exc, RateLimitExceeded) and exc.limit.error_message
        ):
            # A bad input's own message, or the limit's own words (the log-in's, web.auth).
            message = str(exc.description)
        else:
            message = str(_HTTP_MESSAGES.get(status) or exc.description or "")
        if wants_json():
            code = (exc.name or "error").lower().replace(" ", "_")
            # Keep what the exception says beyond its page: Allow on a 405, WWW-Authenticate,
            # Retry-After.
            return problem(status, code, message, headers=_exception_headers(exc))
        if status == 400 and "CSRF" in (exc.description or ""):
            message = str(_l("Phiên làm việc đã hết hạn; hãy tải lại trang và thử lại."))
        response = exc.get_response()
        response.set_data(render_template("error.html", status=status, message=message))
        response.mimetype = "text/html"
        return response

"""Errors as pages for people and as ``{"error": {"code", "message"}}`` for the API."""

from __future__ import annotations

from typing import Any

from flask import Flask, render_template, request
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


def json_error(
    status: int, code: str, message: str, fields: dict[str, str] | None = None
) -> tuple[dict[str, Any], int]:
    error: dict[str, Any] = {"code": code, "message": message}
    if fields:
        error["fields"] = fields
    return {"error": error}, status


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
            fields = (
                {name: translate(text) for name, text in exc.field_errors.items()}
                if isinstance(exc, ValidationFailed)
                else None
            )
            return json_error(exc.http_status, exc.code, message, fields)
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
            body, _ = json_error(status, code, message)
            # Keep what the exception says beyond its page: Allow on a 405, WWW-Authenticate,
            # Retry-After.
            return body, status, _exception_headers(exc)
        if status == 400 and "CSRF" in (exc.description or ""):
            message = str(_l("Phiên làm việc đã hết hạn; hãy tải lại trang và thử lại."))
        response = exc.get_response()
        response.set_data(render_template("error.html", status=status, message=message))
        response.mimetype = "text/html"
        return response

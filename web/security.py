"""Response headers and the CSRF policy: every form is checked, token API requests are not."""

from __future__ import annotations

from flask import Flask, request
from flask_login import current_user
from flask_wtf.csrf import CSRFProtect
from werkzeug.wrappers import Response

# bpmn-js sets style attributes on the SVG it draws, hence 'unsafe-inline' for styles only.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)


def is_token_request() -> bool:
    """Return whether this is an API request authenticated by a bearer token (no cookies used)."""
    return request.path.startswith("/api/") and request.headers.get("Authorization", "").startswith(
        "Bearer "
    )


def init_app(app: Flask, csrf: CSRFProtect) -> None:
    # CSRFProtect checks every unsafe request itself unless told not to; we call it ourselves so
    # that a bearer-token API request, which carries no cookie to forge, is the only exception.
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False

    @app.before_request
    def _csrf_unless_token() -> None:
        if request.method not in ("POST", "PUT", "PATCH", "DELETE") or is_token_request():
            return
        if request.path.startswith("/api/") and not current_user.is_authenticated:
            return  # no cookie session to ride on: the API answers 401 itself
        csrf.protect()

    @app.after_request
    def _headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response

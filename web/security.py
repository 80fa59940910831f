"""Response headers and the CSRF policy: every form is checked, token API requests are not.

Headers on every response: the content security policy, no sniffing, no framing, same-origin
referrers. ``Cache-Control: no-store`` on whatever a signed-in user (or an API token) is
answered, so no browser or proxy keeps a page of someone's dossiers after log-out; static files
stay cacheable. ``Strict-Transport-Security`` when the site is served over https: the public
URL (``TDKT_BASE_URL``) starts with ``https://`` (what a deployment behind a TLS-terminating
proxy has, where the request itself arrives over http) or the request itself is secure.
"""

from __future__ import annotations

from flask import Flask, g, request
from flask_login import current_user
from flask_wtf.csrf import CSRFProtect
from werkzeug.wrappers import Response

from web.context import runtime

# bpmn-js sets style attributes on the SVG it draws, hence 'unsafe-inline' for styles only.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)


#: One year, the usual HSTS lifetime; subdomains are left alone (other sites of the agency's
#: domain may still be served over http).
STRICT_TRANSPORT_SECURITY = "max-age=31536000"


def is_token_request() -> bool:
    """Return whether this is an API request authenticated by a bearer token (no cookies used)."""
    return request.path.startswith("/api/") and request.headers.get("Authorization", "").startswith(
        "Bearer "
    )


def _carries_user_data() -> bool:
    """Whether this response is for a signed-in user or an API caller (not a static file)."""
    if request.endpoint == "static":
        return False
    if request.path.startswith("/api/") or g.get("api_user") is not None:
        return True
    return bool(current_user.is_authenticated)


def served_over_https() -> bool:
    """Whether this site is served over https: its public URL says so, or this request is."""
    base_url = runtime().settings.base_url or ""
    return base_url.startswith("https://") or request.is_secure


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
        if served_over_https():
            response.headers.setdefault("Strict-Transport-Security", STRICT_TRANSPORT_SECURITY)
        if _carries_user_data():
            # Replaces what send_file or a view set: a user's page is never stored.
            response.headers["Cache-Control"] = "no-store"
        return response

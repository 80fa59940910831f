"""The Flask application factory."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from flask import Flask, redirect, url_for
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wrappers import Response

from engine import logs
from engine.config import Settings, load_settings
from engine.db import DatabaseUnavailable, check_connection
from engine.domain import sessions
from engine.redis_service import RedisUnavailable, client_url
from engine.runtime import Runtime
from tasks.health import last_heartbeat
from tasks.worker import build_celery_runtime
from web import (
    admin,
    api,
    auth,
    awards,
    ballots,
    council,
    dashboard,
    documents,
    dossiers,
    errors,
    i18n,
    inbox,
    inputs,
    nav,
    notifications,
    ops,
    saved_filters,
    security,
    start,
)
from web.context import close_session, db, runtime
from web.extensions import babel, csrf, limiter, login_manager


def create_app(
    config_override: dict[str, Any] | None = None, settings: Settings | None = None
) -> Flask:
    """Build the web application; ``config_override`` is applied last (tests use it)."""
    settings = settings or load_settings()
    # The web queues e-mails after commit; it never waits on the broker (tasks.notify).
    rt, celery = build_celery_runtime(settings)
    app = Flask(__name__)
    if settings.trusted_proxies:
        # Only the hops we run append to X-Forwarded-For/-Proto/-Host; a client's own header
        # is never read. Proto and host make url_for and secure cookies see https behind TLS.
        hops = settings.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    secure = bool(settings.base_url and settings.base_url.startswith("https://"))
    app.config.update(
        SECRET_KEY=settings.resolved_secret_key(),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=secure,
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SECURE=secure,
        REMEMBER_COOKIE_SAMESITE="Lax",
        RATELIMIT_STORAGE_URI=limits_storage_uri(rt.redis_url),
        # A down Redis must not hang log-ins: give up fast and fall back to memory.
        RATELIMIT_STORAGE_OPTIONS={"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        RATELIMIT_HEADERS_ENABLED=True,
        MAX_CONTENT_LENGTH=settings.upload_max_mb * 1024 * 1024,
        BABEL_DEFAULT_LOCALE="vi",
        BABEL_DEFAULT_TIMEZONE="Asia/Ho_Chi_Minh",
        WTF_CSRF_TIME_LIMIT=None,
    )
    app.config.update(config_override or {})
    app.extensions["tdkt"] = rt
    logs.configure(settings.log_level, settings.log_format)
    ops.init_app(app)  # first: the request id and the clock start before any other hook

    inputs.register_converters(app)  # before the blueprints: their <int:...> rules use it
    inputs.init_app(app)
    csrf.init_app(app)
    security.init_app(app, csrf)
    babel.init_app(app, locale_selector=i18n.select_locale)
    login_manager.init_app(app)
    limiter.init_app(app)
    i18n.init_app(app)
    # The navigation's counters: open tasks (nav itself) and unread notifications.
    nav.init_app(app, counters=(notifications.unread_counter,))
    errors.init_app(app)
    app.extensions["celery"] = celery
    app.register_blueprint(auth.bp)
    app.register_blueprint(inbox.bp)
    app.register_blueprint(saved_filters.bp)
    app.register_blueprint(dossiers.bp)
    app.register_blueprint(ballots.bp)
    app.register_blueprint(council.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(dashboard.bp)
    app.register_blueprint(documents.bp)
    app.register_blueprint(awards.bp)
    app.register_blueprint(notifications.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(start.bp)
    app.teardown_appcontext(close_session)

    @app.before_request
    def _fresh_calendar() -> None:
        # An administrator's calendar change made in another process reaches this one within
        # a minute; due dates computed here then count the same working days.
        rt.refresh_calendar_if_stale()

    @app.get("/")
    def index() -> Response:
        if current_user.is_authenticated:
            return redirect(url_for("inbox.inbox", box="mine"))
        return redirect(url_for("auth.login"))

    @app.get("/healthz")
    def healthz() -> tuple[dict[str, object], int]:
        return _health(rt)

    return app


def _health(rt: Runtime) -> tuple[dict[str, object], int]:
    """Report the database, Redis and how long ago a worker last ran a beat-scheduled task."""
    report: dict[str, object] = {"database": "ok", "redis": "ok", "worker_last_seen_seconds": None}
    try:
        check_connection(rt.engine)
    except DatabaseUnavailable as exc:
        report["database"] = str(exc)
    try:
        seen = last_heartbeat(rt.redis_url)
    except RedisUnavailable as exc:
        report["redis"] = str(exc)
    else:
        report["worker_last_seen_seconds"] = None if seen is None else round(time.time() - seen, 1)
    healthy = report["database"] == "ok" and report["redis"] == "ok"
    report["status"] = "ok" if healthy else "degraded"
    return report, 200 if healthy else 503


def limits_storage_uri(redis_url: str) -> str:
    """Return the Redis URL in the form the ``limits`` package expects (unix sockets differ)."""
    url = client_url(redis_url)
    return "redis+unix://" + url.removeprefix("unix://") if url.startswith("unix://") else url


def _load_user(cookie_id: str) -> object | None:
    """Accept the cookie only while its server-side session is open and its user active."""
    parsed = auth.parse_id(cookie_id)
    if parsed is None:
        return None
    user_id, token = parsed
    idle = timedelta(minutes=runtime().settings.session_idle_minutes)
    user = sessions.authenticate(db(), user_id, token, idle=idle)
    return auth.LoginUser(user, token) if user is not None else None


login_manager.user_loader(_load_user)

"""The Flask application factory."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, g, redirect, url_for
from flask_babel import Babel
from flask_babel import lazy_gettext as _l
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, current_user
from flask_wtf import CSRFProtect
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from engine.config import Settings, load_settings
from engine.models import User
from engine.runtime import Runtime, build_runtime

csrf = CSRFProtect()
babel = Babel()
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = _l("Vui lòng đăng nhập để tiếp tục.")
login_manager.login_message_category = "info"
#: Rate limits (failed log-ins); storage is Redis, in memory while Redis is unreachable.
limiter = Limiter(get_remote_address, in_memory_fallback_enabled=True)


def create_app(
    config_override: dict[str, Any] | None = None, settings: Settings | None = None
) -> Flask:
    """Build the web application; ``config_override`` is applied last (tests use it)."""
    settings = settings or load_settings()
    rt = build_runtime(settings)
    app = Flask(__name__)
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
    logging.basicConfig(level=settings.log_level)

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
        nav,
        notifications,
        security,
    )

    csrf.init_app(app)
    security.init_app(app, csrf)
    babel.init_app(app, locale_selector=i18n.select_locale)
    login_manager.init_app(app)
    limiter.init_app(app)
    i18n.init_app(app)
    nav.init_app(app)
    errors.init_app(app)

    from tasks.celery_app import init_celery

    # The web queues e-mails after commit; it never waits on the broker (engine.notify).
    init_celery(app)
    app.register_blueprint(auth.bp)
    app.register_blueprint(inbox.bp)
    app.register_blueprint(dossiers.bp)
    app.register_blueprint(ballots.bp)
    app.register_blueprint(council.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(dashboard.bp)
    app.register_blueprint(documents.bp)
    app.register_blueprint(awards.bp)
    app.register_blueprint(notifications.bp)
    app.register_blueprint(admin.bp)
    app.teardown_appcontext(_close_session)

    @app.before_request
    def _fresh_calendar() -> None:
        # An administrator's calendar change made in another process reaches this one within
        # a minute; due dates computed here then count the same working days.
        from engine import hooks

        hooks.refresh_calendar_if_stale(rt.session_factory)

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
    import time

    from engine.db import DatabaseUnavailable, check_connection
    from engine.redis_service import RedisUnavailable
    from tasks.health import last_heartbeat

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


def runtime() -> Runtime:
    """Return the current application's runtime."""
    from flask import current_app

    rt: Runtime = current_app.extensions["tdkt"]
    return rt


def db() -> Session:
    """Return this request's database session (one per request, closed at teardown)."""
    if "db_session" not in g:
        g.db_session = runtime().session_factory()
    session: Session = g.db_session
    return session


def _close_session(_exc: BaseException | None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()


def limits_storage_uri(redis_url: str) -> str:
    """Return the Redis URL in the form the ``limits`` package expects (unix sockets differ)."""
    from engine.redis_service import client_url

    url = client_url(redis_url)
    return "redis+unix://" + url.removeprefix("unix://") if url.startswith("unix://") else url


@login_manager.user_loader
def _load_user(user_id: str) -> object | None:
    from web.auth import LoginUser

    user = db().get(User, int(user_id))
    return LoginUser(user) if user is not None and user.active else None

"""The Flask application factory."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, g, redirect, url_for
from flask_babel import Babel
from flask_login import LoginManager
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
login_manager.login_message = "Vui lòng đăng nhập để tiếp tục."
login_manager.login_message_category = "info"

LANGUAGES = ("vi", "en")


def create_app(
    config_override: dict[str, Any] | None = None, settings: Settings | None = None
) -> Flask:
    """Build the web application; ``config_override`` is applied last (tests use it)."""
    settings = settings or load_settings()
    rt = build_runtime(settings)
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=settings.resolved_secret_key(),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=bool(settings.base_url and settings.base_url.startswith("https://")),
        REMEMBER_COOKIE_HTTPONLY=True,
        MAX_CONTENT_LENGTH=settings.upload_max_mb * 1024 * 1024,
        BABEL_DEFAULT_LOCALE="vi",
        BABEL_DEFAULT_TIMEZONE="Asia/Ho_Chi_Minh",
        WTF_CSRF_TIME_LIMIT=None,
    )
    app.config.update(config_override or {})
    app.extensions["tdkt"] = rt
    logging.basicConfig(level=settings.log_level)

    csrf.init_app(app)
    babel.init_app(app, locale_selector=_select_locale)
    login_manager.init_app(app)

    from tasks.celery_app import init_celery
    from web import auth, notifications

    # The web queues e-mails after commit; it never waits on the broker (engine.notify).
    init_celery(app)
    app.register_blueprint(auth.bp)
    app.register_blueprint(notifications.bp)
    app.teardown_appcontext(_close_session)

    @app.get("/")
    def index() -> Response:
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


def _select_locale() -> str | None:
    from flask import request, session

    chosen = session.get("lang")
    if chosen in LANGUAGES:
        return str(chosen)
    return request.accept_languages.best_match(LANGUAGES) or "vi"


@login_manager.user_loader
def _load_user(user_id: str) -> object | None:
    from web.auth import LoginUser

    user = db().get(User, int(user_id))
    return LoginUser(user) if user is not None and user.active else None

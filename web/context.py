"""What a view reads from the request's context: the runtime and this request's session."""

from __future__ import annotations

from flask import current_app, g
from sqlalchemy.orm import Session

from engine.runtime import Runtime


def runtime() -> Runtime:
    """Return the current application's runtime."""
    rt: Runtime = current_app.extensions["tdkt"]
    return rt


def db() -> Session:
    """Return this request's database session (one per request, closed at teardown)."""
    if "db_session" not in g:
        g.db_session = runtime().session_factory()
    session: Session = g.db_session
    return session


def close_session(_exc: BaseException | None) -> None:
    """Close the request's session at teardown (what it did not commit is rolled back)."""
    session = g.pop("db_session", None)
    if session is not None:
        session.close()

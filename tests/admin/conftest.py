"""Admin page fixtures: the web world (one person per role) plus an administrator."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session, sessionmaker

from engine import specs, spiff
from engine.calendar import WorkingCalendar
from engine.models import User
from tests import factories
from tests.web import conftest as web
from tests.web.conftest import World, csrf_token, sign_in

__all__ = ["World", "csrf_token", "post", "sign_in"]

#: The web tests' organisation: units A, B, C, one person per role, a dossier with an open task.
world = web.world


@pytest.fixture(autouse=True)
def _fresh_engine_state() -> Iterator[None]:
    """No parsed spec (ids restart after each reset) and no calendar survives a test."""
    specs.clear_cache()
    yield
    specs.clear_cache()
    spiff.set_calendar(WorkingCalendar())


@pytest.fixture
def admin_user(world: World, session_factory: sessionmaker[Session]) -> User:
    with session_factory() as s, s.begin():
        user = factories.user(s, "admin", unit=world.unit_a, roles=(("admin", None),))
        s.expunge(user)
    world.users["admin"] = user
    return user


def post(client: FlaskClient, url: str, data: dict[str, object] | None = None, **kwargs: object):  # type: ignore[no-untyped-def]
    """POST a form with the session's CSRF token."""
    return client.post(url, data={"csrf_token": csrf_token(client), **(data or {})}, **kwargs)

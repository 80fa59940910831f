"""Admin page fixtures: the admin world (one person per role) plus an administrator."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session, sessionmaker
from werkzeug.test import TestResponse

from engine.models import User
from tests.common import people
from tests.common.worlds import World, admin_world
from tests.web.conftest import csrf_token, sign_in

__all__ = ["csrf_token", "post", "sign_in"]


@pytest.fixture
def world(app: Flask, session_factory: sessionmaker[Session]) -> World:
    """Units A, B, C, one person per role, and a dossier of unit A with an open task."""
    with session_factory() as s, s.begin():
        built = admin_world(s)
        s.expunge_all()
    return built


@pytest.fixture
def admin_user(world: World, session_factory: sessionmaker[Session]) -> User:
    with session_factory() as s, s.begin():
        user = people.user(s, "admin", unit=world.unit_a, roles=("admin",))
        s.expunge(user)
    world.users["admin"] = user
    return user


def post(
    client: FlaskClient, url: str, data: Mapping[str, object] | None = None, **kwargs: Any
) -> TestResponse:
    """POST a form with the session's CSRF token."""
    return client.post(url, data={"csrf_token": csrf_token(client), **(data or {})}, **kwargs)

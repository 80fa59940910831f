"""Admin page fixtures: the web world (one person per role) plus an administrator."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session, sessionmaker

from engine.models import Dossier, HumanTask, OrgUnit, User
from engine.unit_of_work import unit_of_work
from tests import factories
from tests.web.conftest import csrf_token, sign_in

__all__ = ["World", "csrf_token", "post", "sign_in"]


@dataclass
class World:
    """Unit A's dossier with an open unit-review task, and one person per role."""

    unit_a: OrgUnit
    unit_b: OrgUnit
    dossier: Dossier
    task: HumanTask
    users: dict[str, User]


@pytest.fixture
def world(app: Flask, session_factory: sessionmaker[Session]) -> World:
    """Units A, B, C, one person per role, and a dossier of unit A with an open task."""
    with unit_of_work(session_factory) as s:
        a = factories.unit(s, "A", "Phòng A")
        b = factories.unit(s, "B", "Phòng B")
        c = factories.unit(s, "C", "Phòng C")
        users = {
            "clerk_a": factories.user(s, "clerk_a", unit=a, roles=(("unit_clerk", a),)),
            "clerk_b": factories.user(s, "clerk_b", unit=b, roles=(("unit_clerk", b),)),
            "head_a": factories.user(s, "head_a", unit=a, roles=(("unit_head", a),)),
            "head_b": factories.user(s, "head_b", unit=b, roles=(("unit_head", b),)),
            "secretariat": factories.user(s, "secretariat", unit=c, roles=(("secretariat", None),)),
            "council": factories.user(s, "council", unit=c, roles=(("council_member", None),)),
            "director": factories.user(s, "director", unit=c, roles=(("director", None),)),
            "outsider": factories.user(s, "outsider", unit=c),
        }
        dossier = factories.dossier(s, a, nominee_name="Nguyễn Văn Hùng")
        task = factories.task(s, dossier)
        s.expunge_all()
    return World(a, b, dossier, task, users)


@pytest.fixture
def admin_user(world: World, session_factory: sessionmaker[Session]) -> User:
    with unit_of_work(session_factory) as s:
        user = factories.user(s, "admin", unit=world.unit_a, roles=(("admin", None),))
        s.expunge(user)
    world.users["admin"] = user
    return user


def post(client: FlaskClient, url: str, data: dict[str, object] | None = None, **kwargs: object):  # type: ignore[no-untyped-def]
    """POST a form with the session's CSRF token."""
    return client.post(url, data={"csrf_token": csrf_token(client), **(data or {})}, **kwargs)

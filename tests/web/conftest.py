"""Web fixtures: a small organisation with every role, sign-in helpers, the fake operations."""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session, sessionmaker

import engine
from engine.models import Dossier, HumanTask, OrgUnit, User
from tests import factories
from tests.web import fake_operations


@dataclass
class World:
    """Unit A's dossier with an open unit-review task, and one person per role."""

    unit_a: OrgUnit
    unit_b: OrgUnit
    dossier: Dossier
    task: HumanTask
    users: dict[str, User]


ROLE_NAMES = (
    "clerk_a",
    "clerk_b",
    "head_a",
    "head_b",
    "secretariat",
    "council",
    "director",
    "outsider",
)


@pytest.fixture
def world(app: Flask, session_factory: sessionmaker[Session]) -> World:
    with session_factory() as s, s.begin():
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
        factories.audit(s, dossier, "task_completed", element_id="prepare", actor=users["clerk_a"])
        s.expunge_all()
    return World(a, b, dossier, task, users)


def sign_in(client: FlaskClient, user: User) -> None:
    """Sign ``user`` in on ``client`` (the log-in form itself is tested in test_login.py)."""
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)
        session["_fresh"] = True


def csrf_token(client: FlaskClient) -> str:
    """Return the CSRF token of the client's session, read from a page's meta tag."""
    page = client.get("/login").get_data(as_text=True)
    match = re.search(r'<meta name="csrf-token" content="([^"]+)"', page)
    assert match
    return match.group(1)


@pytest.fixture
def fake_ops(monkeypatch: pytest.MonkeyPatch) -> object:
    """Install the stand-in ``engine.operations`` for one test."""
    monkeypatch.setitem(sys.modules, "engine.operations", fake_operations)
    monkeypatch.setattr(engine, "operations", fake_operations, raising=False)
    fake_operations.calls.clear()
    return fake_operations

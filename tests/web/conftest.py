"""Web fixtures on the real engine: the demo agency with the procedure deployed, one person per
role, a dossier of unit A waiting for its unit review, and sign-in helpers."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from engine.demo import load_demo_dossiers
from engine.domain import sessions
from engine.models import Dossier, OrgUnit, User
from tests.common.procedure import Procedure, deployed
from tests.common.worlds import World

#: Who plays each role of the permission matrix, from the demo agency. Unit A is Phòng Quản lý
#: Khoa học, unit B Phòng Quản lý Công nghệ; the council member and unit B's head hold no other
#: agency-wide role, so they show what their role alone allows.
ROLE_USERS = {
    "clerk_a": "vanthu.qlkh",
    "clerk_b": "vanthu.qlcn",
    "head_a": "truongphong.qlkh",
    "head_b": "truongphong.qlcn",
    "secretariat": "thuky",
    "council": "phogiamdoc",
    "director": "giamdoc",
    "outsider": "cb002",
}
ROLE_NAMES = tuple(ROLE_USERS)
NOMINEE = "Lục Thu Hà"  # cb004, staff of unit A


def _unit(session: Session, code: str) -> OrgUnit:
    return session.scalars(select(OrgUnit).where(OrgUnit.code == code)).one()


@pytest.fixture
def procedure(app: Flask, session_factory: sessionmaker[Session]) -> Iterator[Procedure]:
    with deployed(session_factory) as built:
        yield built


@pytest.fixture
def world(procedure: Procedure, session_factory: sessionmaker[Session]) -> World:
    """Unit A's dossier with its unit-review task open, and one person per role."""
    dossier_id = procedure.file("vanthu.qlkh", "cb004", "LDTT")
    procedure.prepare(dossier_id)
    task = procedure.open_task("unit_review", dossier_id)
    users = {role: procedure.user(name) for role, name in ROLE_USERS.items()}
    with session_factory() as s:
        a, b = _unit(s, "QLKH"), _unit(s, "QLCN")
        dossier = s.get(Dossier, dossier_id)
        assert dossier is not None
        s.expunge_all()
    return World({"A": a, "B": b}, users, dossier_row=dossier, task_row=task, driver=procedure)


def sign_in(client: FlaskClient, user: User) -> str:
    """Sign ``user`` in on ``client`` with a new server-side session and return its token (the
    log-in form itself is tested in test_login.py)."""
    factory = client.application.extensions["tdkt"].session_factory
    with factory() as db_session:
        token = sessions.start(db_session, user)
    with client.session_transaction() as session:
        session["_user_id"] = f"{user.id}:{token}"
        session["_fresh"] = True
    return token


def csrf_token(client: FlaskClient) -> str:
    """Return the CSRF token of the client's session, read from a page's meta tag."""
    page = client.get("/login").get_data(as_text=True)
    match = re.search(r'<meta name="csrf-token" content="([^"]+)"', page)
    assert match
    return match.group(1)


@pytest.fixture
def busy_agency(app: Flask, session_factory: sessionmaker[Session]) -> Iterator[Procedure]:
    """The demo agency with its demo dossiers and a council session whose members have ballots
    to cast, so that every inbox has a task and the council pages have a session."""
    with deployed(session_factory, tick=True) as procedure:
        load_demo_dossiers(session_factory)  # only into a campaign without dossiers: first
        with session_factory() as s:  # a member of unit A's staff the demo filed nothing for
            nominee = s.scalars(
                select(User.username)
                .join(OrgUnit, OrgUnit.id == User.unit_id)
                .where(OrgUnit.code == "QLKH", User.username.like("cb%"))
                .where(~select(Dossier.id).where(Dossier.nominee_user_id == User.id).exists())
                .order_by(User.username)
            ).first()
        assert nominee is not None
        dossier_id = procedure.file("vanthu.qlkh", nominee, "LDTT")
        procedure.to_council(dossier_id)
        procedure.end_posting()
        procedure.open_sitting([dossier_id])
        yield procedure

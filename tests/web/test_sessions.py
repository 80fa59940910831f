"""Browser sessions live on the server: a copied cookie stops working once its session ends."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from alembic import command
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import inspect, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from engine import admin
from engine.db import make_engine
from engine.domain import sessions
from engine.errors import Forbidden
from engine.migrate import alembic_config, upgrade
from engine.models import AuditEvent, User, UserSession
from engine.models.base import utcnow
from engine.unit_of_work import unit_of_work
from tests.common import people
from tests.common.base import PASSWORD

INBOX = "/tasks/mine"


@pytest.fixture
def users(app: Flask, session_factory: sessionmaker[Session]) -> dict[str, User]:
    """An administrator and two staff without roles (so nothing stops their deactivation)."""
    with session_factory() as s:
        with unit_of_work(s):
            made = {
                "admin": people.user(s, "quantri", roles=("admin",)),
                "nhanvien": people.user(s, "nhanvien"),
                "khac": people.user(s, "khac"),
            }
        s.expunge_all()
    return made


def _csrf(page: str) -> str:
    match = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page)
    assert match, "the page carries a CSRF token"
    return match.group(1)


def _log_in(app: Flask, username: str) -> FlaskClient:
    """A new browser that signed in through the log-in form."""
    browser = app.test_client()
    token = _csrf(browser.get("/login").get_data(as_text=True))
    response = browser.post(
        "/login", data={"username": username, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302, "signed in"
    return browser


def _copy(app: Flask, browser: FlaskClient) -> FlaskClient:
    """Another browser holding a copy of ``browser``'s session cookie (a stolen cookie)."""
    cookie = browser.get_cookie("session")
    assert cookie is not None
    thief = app.test_client()
    thief.set_cookie("session", cookie.value)
    return thief


def _signed_in(browser: FlaskClient) -> bool:
    response = browser.get(INBOX)
    if response.status_code == 200:
        return True
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
    return False


def test_a_copied_cookie_stops_working_after_log_out(app: Flask, users: dict[str, User]) -> None:
    browser = _log_in(app, "nhanvien")
    thief = _copy(app, browser)
    assert _signed_in(thief), "a copy works while the session is open"
    token = _csrf(browser.get(INBOX).get_data(as_text=True))
    assert browser.post("/logout", data={"csrf_token": token}).status_code == 302
    assert not _signed_in(thief)
    assert not _signed_in(browser)


def test_log_out_ends_only_its_own_session(app: Flask, users: dict[str, User]) -> None:
    laptop, phone = _log_in(app, "nhanvien"), _log_in(app, "nhanvien")
    laptop.post("/logout", data={"csrf_token": _csrf(laptop.get(INBOX).get_data(as_text=True))})
    assert not _signed_in(laptop)
    assert _signed_in(phone)


def test_logging_in_again_after_log_out_works(app: Flask, users: dict[str, User]) -> None:
    browser = _log_in(app, "nhanvien")
    browser.post("/logout", data={"csrf_token": _csrf(browser.get(INBOX).get_data(as_text=True))})
    assert _signed_in(_log_in(app, "nhanvien"))


def test_a_cookie_from_before_server_sessions_is_refused(
    app: Flask, client: FlaskClient, users: dict[str, User]
) -> None:
    with client.session_transaction() as session:
        session["_user_id"] = str(users["nhanvien"].id)
        session["_fresh"] = True
    assert not _signed_in(client)


def test_a_token_of_another_users_session_is_refused(
    app: Flask, client: FlaskClient, users: dict[str, User]
) -> None:
    theirs = _log_in(app, "khac")
    cookie_id = _cookie_id(theirs)
    token = cookie_id.partition(":")[2]
    with client.session_transaction() as session:
        session["_user_id"] = f"{users['nhanvien'].id}:{token}"
        session["_fresh"] = True
    assert not _signed_in(client)


def _cookie_id(browser: FlaskClient) -> str:
    with browser.session_transaction() as session:
        value: str = session["_user_id"]
    return value


def test_the_server_keeps_only_a_hash_of_the_token(
    app: Flask, users: dict[str, User], session_factory: sessionmaker[Session]
) -> None:
    browser = _log_in(app, "nhanvien")
    user_id, _, token = _cookie_id(browser).partition(":")
    with session_factory() as s:
        (row,) = s.scalars(select(UserSession).where(UserSession.user_id == int(user_id)))
    assert row.token_hash == sessions.hash_token(token) != token
    assert row.ended_at is None
    assert row.user_agent


def test_deactivation_ends_the_users_open_sessions(
    app: Flask, users: dict[str, User], session_factory: sessionmaker[Session]
) -> None:
    browser = _log_in(app, "nhanvien")
    assert _signed_in(browser)
    with session_factory() as s:
        admin.deactivate_user(s, s.get_one(User, users["admin"].id), users["nhanvien"].id)
    assert not _signed_in(browser)
    # The session is over, not merely hidden while the account is inactive: it stays signed
    # out even if the account comes back.
    with session_factory() as s, unit_of_work(s):
        s.get_one(User, users["nhanvien"].id).active = True
    assert not _signed_in(browser)
    assert _signed_in(_log_in(app, "nhanvien"))


def test_a_password_reset_ends_the_users_open_sessions(
    app: Flask, users: dict[str, User], session_factory: sessionmaker[Session]
) -> None:
    browser, other = _log_in(app, "nhanvien"), _log_in(app, "khac")
    with session_factory() as s:
        boss = s.get_one(User, users["admin"].id)
        admin.reset_password(s, boss, users["nhanvien"].id, "mat-khau-moi-1")
    assert not _signed_in(browser)
    assert _signed_in(other)


def test_sign_out_everywhere_ends_every_session_of_that_user_only(
    app: Flask, users: dict[str, User], session_factory: sessionmaker[Session]
) -> None:
    laptop, phone, other = (
        _log_in(app, "nhanvien"),
        _log_in(app, "nhanvien"),
        _log_in(app, "khac"),
    )
    boss = _log_in(app, "quantri")
    page = boss.get(f"/admin/users/{users['nhanvien'].id}")
    assert page.status_code == 200
    assert "Đăng xuất khỏi mọi nơi" in page.get_data(as_text=True)
    response = boss.post(
        f"/admin/users/{users['nhanvien'].id}/sessions/end",
        data={"csrf_token": _csrf(page.get_data(as_text=True))},
    )
    assert response.status_code == 302
    assert not _signed_in(laptop)
    assert not _signed_in(phone)
    assert _signed_in(other), "another user's session stays"
    assert _signed_in(boss), "the administrator's own session stays"
    with session_factory() as s:
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "sessions_ended")).one()
    assert event.summary == {"user_id": users["nhanvien"].id, "sessions_ended": 2}


def test_sign_out_everywhere_needs_the_csrf_token(app: Flask, users: dict[str, User]) -> None:
    victim = _log_in(app, "nhanvien")
    boss = _log_in(app, "quantri")
    response = boss.post(f"/admin/users/{users['nhanvien'].id}/sessions/end")
    assert response.status_code == 400
    assert _signed_in(victim)


def test_sign_out_everywhere_is_refused_to_non_administrators(
    app: Flask, users: dict[str, User], session_factory: sessionmaker[Session]
) -> None:
    victim = _log_in(app, "khac")
    intruder = _log_in(app, "nhanvien")
    token = _csrf(intruder.get(INBOX).get_data(as_text=True))
    response = intruder.post(
        f"/admin/users/{users['khac'].id}/sessions/end", data={"csrf_token": token}
    )
    assert response.status_code == 403
    assert _signed_in(victim)
    with session_factory() as s, pytest.raises(Forbidden):
        admin.sign_out_everywhere(s, s.get_one(User, users["nhanvien"].id), users["khac"].id)


def test_last_seen_is_written_at_most_once_a_minute(
    users: dict[str, User], session_factory: sessionmaker[Session]
) -> None:
    user_id = users["nhanvien"].id
    with session_factory() as s:
        token = sessions.start(s, s.get_one(User, user_id))
        row = s.scalars(select(UserSession).where(UserSession.user_id == user_id)).one()
        first_seen = row.last_seen_at
        assert sessions.authenticate(s, user_id, token) is not None
        assert row.last_seen_at == first_seen, "no write within the minute"
        with unit_of_work(s):
            row.last_seen_at = first_seen - timedelta(minutes=2)
        assert sessions.authenticate(s, user_id, token) is not None
    with session_factory() as s:
        stored = s.get_one(UserSession, row.id).last_seen_at
    assert stored > first_seen - timedelta(minutes=1)


def test_an_ended_session_or_an_inactive_user_does_not_authenticate(
    users: dict[str, User], session_factory: sessionmaker[Session]
) -> None:
    user_id = users["nhanvien"].id
    with session_factory() as s:
        token = sessions.start(s, s.get_one(User, user_id))
        assert sessions.authenticate(s, user_id, token) is not None
        assert sessions.authenticate(s, user_id + 1, token) is None
        assert sessions.authenticate(s, user_id, token + "x") is None
        sessions.end(s, token)
        assert sessions.authenticate(s, user_id, token) is None
        again = sessions.start(s, s.get_one(User, user_id))
        with unit_of_work(s):
            s.get_one(User, user_id).active = False
        assert sessions.authenticate(s, user_id, again) is None


def test_the_migration_applies_and_reverts_on_a_fresh_sqlite_database(tmp_path: Path) -> None:
    engine = make_engine(make_url(f"sqlite:///{tmp_path / 'fresh.sqlite3'}"))
    try:
        upgrade(engine, "0009")
        assert "user_session" not in inspect(engine).get_table_names()
        upgrade(engine)
        inspector = inspect(engine)
        assert "user_session" in inspector.get_table_names()
        assert "ix_user_session_user_id" in {
            i["name"] for i in inspector.get_indexes("user_session")
        }
        assert ["token_hash"] in [
            u["column_names"] for u in inspector.get_unique_constraints("user_session")
        ]
        with engine.begin() as connection:
            config = alembic_config(engine)
            config.attributes["connection"] = connection
            command.downgrade(config, "0009")
        assert "user_session" not in inspect(engine).get_table_names()
    finally:
        engine.dispose()


def test_a_session_unused_too_long_ends_by_itself(
    app: Flask, users: dict[str, User], session_factory: sessionmaker[Session]
) -> None:
    browser = _log_in(app, "nhanvien")
    assert _signed_in(browser)
    idle = app.extensions["tdkt"].settings.session_idle_minutes
    with session_factory() as s, unit_of_work(s):
        mine = select(UserSession).where(UserSession.user_id == users["nhanvien"].id)
        for row in s.scalars(mine):
            row.last_seen_at = row.last_seen_at - timedelta(minutes=idle + 1)
    assert not _signed_in(browser)
    with session_factory() as s:
        (row,) = s.scalars(select(UserSession).where(UserSession.user_id == users["nhanvien"].id))
        assert row.ended_at is not None, "the idle session is ended, not only refused"


def test_old_ended_sessions_are_deleted_at_the_next_log_in(
    app: Flask, users: dict[str, User], session_factory: sessionmaker[Session]
) -> None:
    first = _log_in(app, "nhanvien")
    first.post("/logout", data={"csrf_token": _csrf(first.get(INBOX).get_data(as_text=True))})
    user_id = users["nhanvien"].id
    with session_factory() as s, unit_of_work(s):
        (row,) = s.scalars(select(UserSession).where(UserSession.user_id == user_id))
        long_ago = utcnow() - sessions.KEEP_ENDED - timedelta(days=1)
        row.ended_at = row.last_seen_at = long_ago
    _log_in(app, "nhanvien")
    with session_factory() as s:
        rows = s.scalars(select(UserSession).where(UserSession.user_id == user_id)).all()
    assert len(rows) == 1
    assert rows[0].ended_at is None

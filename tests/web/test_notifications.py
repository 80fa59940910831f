"""The bell, the notification list and the administrators' failed e-mails page."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session, sessionmaker
from werkzeug.security import generate_password_hash

from engine import notify
from engine.models import Outbox, User
from engine.models.base import utcnow
from engine.unit_of_work import unit_of_work
from tests.common import notify as notify_rows
from tests.common.worlds import World
from tests.notify_helpers import outbox

PASSWORD = "mat-khau-thu"


def _csrf(page: str) -> str:
    match = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page)
    assert match, "the page carries a CSRF token"
    return match.group(1)


def _login(client: FlaskClient, session_factory: sessionmaker[Session], user: User) -> None:
    with unit_of_work(session_factory) as s:
        s.get_one(User, user.id).password_hash = generate_password_hash(PASSWORD)
    token = _csrf(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login", data={"username": user.username, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302


def _failed_email(session_factory: sessionmaker[Session], org: World) -> int:
    with unit_of_work(session_factory) as s:
        notify_rows.task(s, created_at=utcnow(), due_at=None, candidate_role="secretariat")
    with unit_of_work(session_factory) as s:
        row = s.get_one(Outbox, outbox(session_factory)[0].id)
        row.status, row.attempts, row.last_error = "failed", 8, "SMTPDataError: 554 rejected"
        return row.id


def test_bell_counts_unread_and_the_list_shows_them(
    app: Flask,
    client: FlaskClient,
    session_factory: sessionmaker[Session],
    org: World,
) -> None:
    with unit_of_work(session_factory) as s:
        notify_rows.task(s, created_at=utcnow(), due_at=None, candidate_role="secretariat")
    _login(client, session_factory, org.secretary)
    page = client.get("/notifications").get_data(as_text=True)
    assert '<span class="nav-badge" aria-hidden="true">1</span>' in page
    # The kind and the task's name (a notice names its task, and its dossier when it has one).
    assert ">Việc mới</span>" in page
    assert "<strong>Bình xét tại đơn vị</strong>" in page
    token = _csrf(page)
    response = client.post("/notifications/read-all", data={"csrf_token": token})
    assert response.status_code == 302
    page = client.get("/notifications").get_data(as_text=True)
    # The bell's badge is gone; the group-tasks badge beside it still counts the open task.
    assert '<span class="nav-badge" aria-hidden="true">' not in page


def test_opening_a_notification_marks_it_read_and_follows_its_link(
    app: Flask, client: FlaskClient, session_factory: sessionmaker[Session], org: World
) -> None:
    with unit_of_work(session_factory) as s:
        task = notify_rows.task(s, created_at=utcnow(), due_at=None, candidate_role="secretariat")
    with session_factory() as s:
        (note,) = notify.recent(s, org.secretary.id)
    _login(client, session_factory, org.clerk_a)
    token = _csrf(client.get("/notifications").get_data(as_text=True))
    assert (
        client.post(f"/notifications/{note.id}/open", data={"csrf_token": token}).status_code == 404
    )
    client.post("/logout", data={"csrf_token": token})
    _login(client, session_factory, org.secretary)
    response = client.post(f"/notifications/{note.id}/open", data={"csrf_token": token})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/tasks/{task.id}")
    with session_factory() as s:
        assert notify.unread_count(s, org.secretary.id) == 0


def test_a_user_chooses_the_daily_digest(
    app: Flask, client: FlaskClient, session_factory: sessionmaker[Session], org: World
) -> None:
    _login(client, session_factory, org.clerk_a)
    token = _csrf(client.get("/notifications").get_data(as_text=True))
    client.post("/notifications/email-mode", data={"email_mode": "digest", "csrf_token": token})
    with session_factory() as s:
        assert s.get_one(User, org.clerk_a.id).email_mode == "digest"


def test_the_language_switch_is_kept_on_the_user_and_follows_them_to_a_new_browser(
    app: Flask, session_factory: sessionmaker[Session], org: World
) -> None:
    """Picking EN with the switch is kept on the user (their e-mails follow it); a browser that
    asks for Vietnamese then shows the user's choice; before any choice Accept-Language decides."""
    first = app.test_client()
    _login(first, session_factory, org.clerk_a)
    page = first.get("/notifications", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="en">' in page  # nobody chose: the browser's language
    with session_factory() as s:
        assert s.get_one(User, org.clerk_a.id).language is None
    assert first.get("/lang/en?next=/notifications").status_code == 302
    with session_factory() as s:
        assert s.get_one(User, org.clerk_a.id).language == "en"
    second = app.test_client()
    _login(second, session_factory, org.clerk_a)
    page = second.get("/notifications", headers={"Accept-Language": "vi"}).get_data(as_text=True)
    assert '<html lang="en">' in page
    assert "Language of pages and e-mails" in page


def test_a_user_sets_the_language_of_their_emails_on_the_notifications_page(
    app: Flask, client: FlaskClient, session_factory: sessionmaker[Session], org: World
) -> None:
    _login(client, session_factory, org.clerk_a)
    page = client.get("/notifications").get_data(as_text=True)
    assert "Ngôn ngữ của giao diện và thư điện tử" in page
    token = _csrf(page)
    bad = client.post("/notifications/language", data={"language": "fr", "csrf_token": token})
    assert bad.status_code == 422
    assert "Chọn một ngôn ngữ." in bad.get_data(as_text=True)
    with session_factory() as s:
        assert s.get_one(User, org.clerk_a.id).language is None
    client.post("/notifications/language", data={"language": "en", "csrf_token": token})
    with session_factory() as s:
        assert s.get_one(User, org.clerk_a.id).language == "en"
    page = client.get("/notifications").get_data(as_text=True)
    assert '<html lang="en">' in page
    assert "Your e-mails are written in the language you chose." in page


def test_failed_emails_are_listed_for_administrators_and_can_be_retried(
    app: Flask,
    client: FlaskClient,
    session_factory: sessionmaker[Session],
    org: World,
    email_on: notify.NotifyConfig,
) -> None:
    outbox_id = _failed_email(session_factory, org)
    _login(client, session_factory, org.admin)
    page = client.get("/admin/outbox/failed").get_data(as_text=True)
    assert "SMTPDataError: 554 rejected" in page
    assert client.post(f"/admin/outbox/{outbox_id}/retry").status_code == 400  # no CSRF token
    response = client.post(f"/admin/outbox/{outbox_id}/retry", data={"csrf_token": _csrf(page)})
    assert response.status_code == 302
    (row,) = outbox(session_factory)
    assert (row.status, row.attempts) == ("pending", 0)


def test_the_failed_emails_page_refuses_everyone_but_administrators(
    app: Flask,
    client: FlaskClient,
    session_factory: sessionmaker[Session],
    org: World,
    email_on: notify.NotifyConfig,
) -> None:
    outbox_id = _failed_email(session_factory, org)
    assert client.get("/admin/outbox/failed").status_code == 302  # to the log-in page
    _login(client, session_factory, org.secretary)
    assert client.get("/admin/outbox/failed").status_code == 403
    token = _csrf(client.get("/notifications").get_data(as_text=True))
    retry = client.post(f"/admin/outbox/{outbox_id}/retry", data={"csrf_token": token})
    assert retry.status_code == 403
    assert outbox(session_factory)[0].status == "failed"

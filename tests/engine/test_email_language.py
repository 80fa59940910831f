"""E-mails and in-app notifications are written in their recipient's language: the one the user
chose (``app_user.language``), else Vietnamese."""

from __future__ import annotations

from email.message import EmailMessage

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from engine import events, notify
from engine.models import Notification, Outbox, User
from engine.models.base import utcnow
from engine.notify.outbox import build_message
from engine.unit_of_work import unit_of_work
from tests.common import notify as notify_rows
from tests.common.worlds import World
from tests.notify_helpers import local
from tests.web.page_text import data_texts, leaks


def _choose(factory: sessionmaker[Session], user_id: int, language: str) -> None:
    with factory() as s:
        notify.set_language(s, user_id, language)


def _emails(factory: sessionmaker[Session], user_id: int) -> list[EmailMessage]:
    with factory() as s:
        rows = s.scalars(
            select(Outbox.id).where(Outbox.user_id == user_id, Outbox.channel == "email")
        )
        return [build_message(s, i, "tdkt@example.org", f"<{i}@example.org>") for i in rows]


def _text(message: EmailMessage) -> tuple[str, str, str]:
    plain = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert plain is not None
    assert html is not None
    return str(message["Subject"]), plain.get_content(), html.get_content()


def _vietnamese_left(factory: sessionmaker[Session], *texts: str) -> set[str]:
    lines = [line for text in texts for line in text.splitlines() if line.strip()]
    return {str(leak) for leak in leaks(lines, data_texts(factory), english=True)}


def _ready_task(factory: sessionmaker[Session], org: World, role: str) -> tuple[int, int]:
    with unit_of_work(factory) as s:
        dossier = notify_rows.dossier(s, org.unit_a.id)
        task = notify_rows.task(
            s,
            created_at=local(2026, 3, 2, 9),
            due_at=local(2026, 3, 9, 23),
            dossier_id=dossier.id,
            candidate_role=role,
            candidate_unit_id=org.unit_a.id,
        )
        return dossier.id, task.id


def test_an_english_user_gets_an_english_email_naming_the_dossier_a_vietnamese_user_not(
    session_factory: sessionmaker[Session], org: World, email_on: notify.NotifyConfig
) -> None:
    _choose(session_factory, org.head_a.id, "en")
    _choose(session_factory, org.clerk_a.id, "vi")
    head_dossier, _ = _ready_task(session_factory, org, "unit_head")
    clerk_dossier, _ = _ready_task(session_factory, org, "unit_clerk")

    (english,) = _emails(session_factory, org.head_a.id)
    subject, plain, html = _text(english)
    assert subject.startswith("[TĐKT] New task: Unit review — Hoàng Thị Lan, ")
    assert subject.endswith(f"(#{head_dossier})")
    assert f"Dossier #{head_dossier}: Hoàng Thị Lan — " in plain
    assert "Due: end of 09/03/2026" in plain
    assert plain.startswith(f"Dear {org.head_a.full_name},")
    assert "View and handle" in html
    assert '<html lang="en">' in html
    assert not _vietnamese_left(session_factory, subject, plain, html)
    # The in-app notification (its stored subject and body) is the recipient's language too.
    with session_factory() as s:
        (note,) = s.scalars(select(Notification).where(Notification.user_id == org.head_a.id))
        assert note.subject == subject

    (vietnamese,) = _emails(session_factory, org.clerk_a.id)
    subject, plain, html = _text(vietnamese)
    assert subject.startswith("[TĐKT] Việc mới cần xử lý: Bình xét tại đơn vị — Hoàng Thị Lan")
    assert subject.endswith(f"(#{clerk_dossier})")
    assert f"Hồ sơ #{clerk_dossier}: Hoàng Thị Lan — " in plain
    assert plain.startswith(f"Kính gửi đồng chí {org.clerk_a.full_name},")
    assert '<html lang="vi">' in html


def test_returned_decided_and_digest_emails_follow_the_recipients_language(
    session_factory: sessionmaker[Session], org: World, email_on: notify.NotifyConfig
) -> None:
    _choose(session_factory, org.clerk_a.id, "en")
    with unit_of_work(session_factory) as s:
        d = notify_rows.dossier(s, org.unit_a.id)
        t = notify_rows.task(s, created_at=utcnow(), due_at=None, dossier_id=d.id, publish=False)
        events.publish(s, [events.DossierReturned(d.id, t.id, "Thiếu biên bản họp")])
        events.publish(s, [events.DossierDecided(d.id, "awarded")])
    returned, decided = _emails(session_factory, org.clerk_a.id)
    subject, plain, html = _text(returned)
    assert subject.startswith(f"[TĐKT] Dossier #{d.id} returned for completion")
    assert "Reason: Thiếu biên bản họp" in plain  # the reviewer's own words stay as written
    subject, plain, html = _text(decided)
    assert subject.startswith("[TĐKT] Dossier result")
    assert subject.endswith(": awarded")
    leftover = _vietnamese_left(session_factory, subject, plain, html)
    assert not leftover, leftover

    with unit_of_work(session_factory) as s:
        s.get_one(User, org.clerk_a.id).email_mode = "digest"
    _ready_task(session_factory, org, "unit_clerk")
    assert notify.build_digests(session_factory, local(2026, 12, 31, 23, 59)) == 1
    digest = _emails(session_factory, org.clerk_a.id)[-1]
    subject, plain, html = _text(digest)
    assert subject.startswith("[TĐKT] 1 notifications of ")
    assert "TĐKT Flow notifications of" in plain
    assert not _vietnamese_left(session_factory, subject, plain, html)


def test_the_language_switch_keeps_the_users_choice_for_their_emails(
    session_factory: sessionmaker[Session], org: World
) -> None:
    with session_factory() as s:
        assert s.get_one(User, org.head_a.id).language is None
        assert notify.core.language_of(s.get_one(User, org.head_a.id)) == "vi"
    _choose(session_factory, org.head_a.id, "en")
    with session_factory() as s:
        assert s.get_one(User, org.head_a.id).language == "en"

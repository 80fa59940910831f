"""E-mail parts: the HTML part escapes every interpolated value, the text part keeps them as
written (a name or subject with markup must never become markup in a mail client)."""

from __future__ import annotations

from types import SimpleNamespace

from sqlalchemy.orm import Session, sessionmaker

from engine import notify
from engine.models import Notification, Outbox
from engine.models.base import utcnow
from engine.notify.core import compose, templates
from engine.notify.outbox import build_message
from engine.unit_of_work import unit_of_work
from tests.common import notify as notify_rows
from tests.common.worlds import World

NAME = "<script>alert(1)</script>"
SUBJECT = "Hồ sơ <b>đậm</b> & cần xem"
BODY = 'Nội dung <img src=x onerror="alert(2)">\nDòng hai'
LINK = 'https://tdkt.example/tasks/1?a=1&b="x"'


def _rows(session_factory: sessionmaker[Session], digest: bool) -> int:
    """One notification to a user named NAME; return the outbox id of its e-mail."""
    now = utcnow()
    with unit_of_work(session_factory) as s:
        user = notify_rows.user(s, NAME)
        s.flush()
        note = Notification(
            user_id=user.id, kind="task_ready", subject=SUBJECT, body=BODY, link=LINK
        )
        s.add(note)
        s.flush()
        mail = Outbox(
            user_id=user.id,
            channel="email",
            status="pending",
            dedupe_key=f"test:{note.id}",
            next_attempt_at=now,
            created_at=now,
        )
        if not digest:
            mail.notification_id = note.id
        s.add(mail)
        s.flush()
        if digest:
            s.add(
                Outbox(
                    notification_id=note.id,
                    user_id=user.id,
                    channel="digest",
                    status="sent",
                    dedupe_key=f"n{note.id}",
                    next_attempt_at=now,
                    created_at=now,
                    digest_id=mail.id,
                )
            )
        return mail.id


def _parts(session_factory: sessionmaker[Session], outbox_id: int) -> tuple[str, str]:
    with session_factory() as s:
        message = build_message(s, outbox_id, "tdkt@localhost", "<m@localhost>")
    html = message.get_body(preferencelist=("html",))
    text = message.get_body(preferencelist=("plain",))
    assert html is not None
    assert text is not None
    return str(html.get_content()), str(text.get_content())


def _assert_html_escaped_text_unchanged(html: str, text: str) -> None:
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>" not in html
    assert "&lt;b&gt;đậm&lt;/b&gt; &amp; cần xem" in html
    assert "<img" not in html
    assert "&lt;img src=x onerror=" in html
    assert 'href="https://tdkt.example/tasks/1?a=1&amp;b=&#34;x&#34;"' in html
    assert "Dòng hai" in html
    # The text part is plain text: every value as written.
    assert NAME in text
    assert BODY.split("\n")[0] in text
    assert LINK in text


def test_html_email_escapes_name_subject_body_and_link(
    session_factory: sessionmaker[Session], org: World, email_on: notify.NotifyConfig
) -> None:
    html, text = _parts(session_factory, _rows(session_factory, digest=False))
    _assert_html_escaped_text_unchanged(html, text)
    assert "<title>Hồ sơ &lt;b&gt;đậm&lt;/b&gt; &amp; cần xem</title>" in html


def test_html_digest_escapes_name_subject_body_and_link(
    session_factory: sessionmaker[Session], org: World, email_on: notify.NotifyConfig
) -> None:
    html, text = _parts(session_factory, _rows(session_factory, digest=True))
    _assert_html_escaped_text_unchanged(html, text)
    assert SUBJECT in text


def test_notification_text_is_composed_unescaped(
    session_factory: sessionmaker[Session], org: World
) -> None:
    """Subjects and bodies come from the .txt templates: plain text, nothing escaped."""
    task = SimpleNamespace(name="<b>Bình xét</b> & duyệt", assignee_id=None)
    subject, body = compose(
        "task_ready", user=org.head_a, link=LINK, task=task, dossier=None, due=""
    )
    assert subject == "[TĐKT] Việc mới cần xử lý: <b>Bình xét</b> & duyệt"
    assert "Việc: <b>Bình xét</b> & duyệt" in body


def test_html_templates_escape_and_text_templates_do_not() -> None:
    """The one environment's policy: autoescape for .html (and anything unknown), not .txt."""
    env = templates()
    assert env.from_string("{{ v }}").render(v="<i>") == "&lt;i&gt;"
    policy = env.autoescape
    assert callable(policy)
    assert policy("message.html")
    assert policy("digest.html")
    assert policy("new.xml")
    assert not policy("message.txt")
    assert not policy("_task.txt")

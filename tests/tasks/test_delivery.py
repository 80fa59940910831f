"""E-mail delivery from the outbox to a real SMTP server on loopback."""

from __future__ import annotations

import re
import threading
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from engine import notify
from engine.config import Settings
from engine.db import make_session_factory
from engine.models import Outbox
from engine.notify.outbox import MailSettings, claim, deliver
from engine.runtime import build_wiring, listen
from engine.unit_of_work import unit_of_work
from engine.wiring import Wiring
from tests.common import notify as notify_rows
from tests.common.worlds import World
from tests.notify_helpers import BASE_URL, Inbox, local, outbox, text_of

NOW = local(2026, 3, 2, 9)


def _mail(port: int, **kw: Any) -> MailSettings:
    return MailSettings(
        host="127.0.0.1", port=port, mail_from="tdkt@sokhcn.caobang.gov.vn", timeout_seconds=5, **kw
    )


def _ready_task(session_factory: sessionmaker[Session], org: World) -> int:
    with time_machine.travel(NOW, tick=False), unit_of_work(session_factory) as s:
        d = notify_rows.dossier(s, org.unit_a.id)
        return notify_rows.task(
            s,
            created_at=NOW,
            due_at=NOW + timedelta(days=7),
            candidate_role="unit_head",
            candidate_unit_id=org.unit_a.id,
            dossier_id=d.id,
        ).id


def test_pending_email_is_sent_once_in_vietnamese_with_the_task_link(
    session_factory: sessionmaker[Session],
    org: World,
    email_on: notify.NotifyConfig,
    smtp: tuple[Inbox, int],
) -> None:
    inbox, port = smtp
    task_id = _ready_task(session_factory, org)
    assert notify.deliver_due(session_factory, _mail(port), NOW)["sent"] == 1
    assert notify.deliver_due(session_factory, _mail(port), NOW)["sent"] == 0
    (message,) = inbox.messages
    # The subject names the dossier: nominee, title and number.
    subject = str(message["Subject"])
    assert subject.startswith("[TĐKT] Việc mới cần xử lý: Bình xét tại đơn vị — Hoàng Thị Lan, ")
    assert re.search(r" \(#\d+\)$", subject)
    assert message["To"] == f"Lương Văn Minh <{org.head_a.email}>"
    assert f"{BASE_URL}/tasks/{task_id}" in text_of(message)
    html = message.get_body(preferencelist=("html",))
    assert html is not None
    assert f'href="{BASE_URL}/tasks/{task_id}"' in html.get_content()
    (row,) = outbox(session_factory)
    assert (row.status, row.attempts, row.sent_at) == ("sent", 1, NOW)
    assert message["Message-ID"] == row.message_id


def test_two_sweeps_at_once_send_each_email_once(
    session_factory: sessionmaker[Session],
    org: World,
    email_on: notify.NotifyConfig,
    smtp: tuple[Inbox, int],
) -> None:
    inbox, port = smtp
    for _ in range(5):
        _ready_task(session_factory, org)
    start = threading.Barrier(2)

    def sweep() -> None:
        start.wait()
        notify.deliver_due(session_factory, _mail(port), NOW)

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(inbox.messages) == 5
    assert len({m["Message-ID"] for m in inbox.messages}) == 5


def test_a_refused_email_is_retried_with_backoff_then_marked_failed(
    session_factory: sessionmaker[Session],
    org: World,
    email_on: notify.NotifyConfig,
    smtp: tuple[Inbox, int],
) -> None:
    inbox, port = smtp
    inbox.reply = "451 4.3.0 Try again later"
    mail = _mail(port, max_attempts=3, retry_seconds=60)
    _ready_task(session_factory, org)
    assert notify.deliver_due(session_factory, mail, NOW) == {
        "sent": 0,
        "retry": 1,
        "failed": 0,
        "lost": 0,
    }
    (row,) = outbox(session_factory)
    assert (row.status, row.attempts, row.next_attempt_at) == (
        "pending",
        1,
        NOW + timedelta(seconds=60),
    )
    assert notify.deliver_due(session_factory, mail, NOW + timedelta(seconds=59))["retry"] == 0
    notify.deliver_due(session_factory, mail, NOW + timedelta(seconds=60))
    (row,) = outbox(session_factory)
    assert row.next_attempt_at == NOW + timedelta(seconds=60 + 120)
    assert notify.deliver_due(session_factory, mail, NOW + timedelta(hours=1))["failed"] == 1
    (row,) = outbox(session_factory)
    assert (row.status, row.attempts) == ("failed", 3)
    assert "451" in (row.last_error or "")

    with unit_of_work(session_factory) as s:
        assert [o.id for o, _ in notify.failed_messages(s)] == [row.id]
        assert notify.retry_failed(s, row.id, NOW + timedelta(hours=2))
    inbox.reply = None
    assert notify.deliver_due(session_factory, mail, NOW + timedelta(hours=2))["sent"] == 1
    assert len(inbox.messages) == 1


def test_a_permanent_refusal_fails_at_once(
    session_factory: sessionmaker[Session],
    org: World,
    email_on: notify.NotifyConfig,
    smtp: tuple[Inbox, int],
) -> None:
    inbox, port = smtp
    inbox.reply = "550 5.1.1 Mailbox unavailable"
    _ready_task(session_factory, org)
    assert notify.deliver_due(session_factory, _mail(port), NOW)["failed"] == 1


def test_a_claim_whose_worker_died_is_sent_again_with_the_same_message_id(
    session_factory: sessionmaker[Session],
    org: World,
    email_on: notify.NotifyConfig,
    smtp: tuple[Inbox, int],
) -> None:
    inbox, port = smtp
    mail = _mail(port, lease_seconds=300)
    _ready_task(session_factory, org)
    (dead,) = claim(session_factory, NOW, 300, "sokhcn.caobang.gov.vn")  # then the worker dies
    assert notify.deliver_due(session_factory, mail, NOW + timedelta(seconds=299))["sent"] == 0
    assert notify.deliver_due(session_factory, mail, NOW + timedelta(seconds=300))["sent"] == 1
    (message,) = inbox.messages
    assert message["Message-ID"] == dead.message_id
    # The dead worker, were it only slow, cannot record over the newer claim.
    assert deliver(session_factory, mail, dead, NOW + timedelta(seconds=301)) == "lost"
    assert len(inbox.messages) == 2  # its own send went out: the window the module explains
    (row,) = outbox(session_factory)
    assert (row.status, row.attempts) == ("sent", 2)


def test_new_emails_are_handed_over_only_after_commit(
    clean_db: Engine, settings: Settings, org: World, email_on: notify.NotifyConfig
) -> None:
    handed: list[list[int]] = []
    session_factory = _factory_with(clean_db, build_wiring(settings, dispatchers=[handed.append]))
    with pytest.raises(RuntimeError), unit_of_work(session_factory) as s:  # noqa: PT012
        notify_rows.task(s, created_at=NOW, due_at=None, candidate_role="secretariat")
        assert handed == []
        raise RuntimeError("rolled back")
    assert handed == []
    _ready_task(session_factory, org)
    assert handed == [[row.id for row in outbox(session_factory)]]


def _factory_with(engine: Engine, wiring: Wiring) -> sessionmaker[Session]:
    factory = make_session_factory(engine, wiring)
    listen(factory)
    return factory


def test_a_broker_failure_is_logged_and_the_sweep_sends_later(
    clean_db: Engine,
    settings: Settings,
    org: World,
    email_on: notify.NotifyConfig,
    smtp: tuple[Inbox, int],
    caplog: pytest.LogCaptureFixture,
) -> None:
    inbox, port = smtp

    def broker_down(ids: list[int]) -> None:
        raise ConnectionError("Error 111 connecting to redis:6379. Connection refused.")

    session_factory = _factory_with(clean_db, build_wiring(settings, dispatchers=[broker_down]))
    _ready_task(session_factory, org)  # the step commits regardless
    assert "could not enqueue delivery" in caplog.text
    assert [r.status for r in outbox(session_factory)] == ["pending"]
    assert notify.deliver_due(session_factory, _mail(port), NOW)["sent"] == 1
    assert len(inbox.messages) == 1


def test_digest_email_lists_every_item(
    session_factory: sessionmaker[Session],
    org: World,
    email_on: notify.NotifyConfig,
    smtp: tuple[Inbox, int],
) -> None:
    inbox, port = smtp
    with unit_of_work(session_factory) as s:
        s.get_one(type(org.head_a), org.head_a.id).email_mode = "digest"
    first, second = _ready_task(session_factory, org), _ready_task(session_factory, org)
    assert notify.build_digests(session_factory, local(2026, 3, 3, 7, 5)) == 1
    assert notify.deliver_due(session_factory, _mail(port), local(2026, 3, 3, 7, 5))["sent"] == 1
    (message,) = inbox.messages
    assert message["Subject"] == "[TĐKT] Tổng hợp 2 thông báo ngày 03/03/2026"
    body = text_of(message)
    assert f"/tasks/{first}" in body
    assert f"/tasks/{second}" in body
    assert {r.status for r in outbox(session_factory)} == {"sent"}
    assert isinstance(outbox(session_factory)[0], Outbox)

"""A real Celery worker process, a real Redis and a real SMTP server on loopback.

The test process writes tasks and queues jobs through Redis; the worker (``python -m web.cli
worker``) shares the database (the SQLite file, or PostgreSQL in CI) and sends e-mail to an
aiosmtpd server started here. Waiting on other processes is polling with a deadline.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy.orm import Session, sessionmaker

from engine import notify
from engine.calendar import load_calendar
from engine.config import Settings
from engine.models.base import utcnow
from engine.runtime import build_wiring
from engine.unit_of_work import unit_of_work
from engine.wiring import Wiring
from tasks.notify import enqueue_delivery
from tests.common import notify as notify_rows
from tests.common.worlds import World
from tests.notify_helpers import BASE_URL, Inbox, free_port, outbox, text_of

pytestmark = pytest.mark.slow

LEASE_SECONDS = 15


def _wait_for(what: str, check: Callable[[], bool], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


class Worker:
    """``python -m web.cli worker`` in its own process group, with the test's settings."""

    def __init__(self, settings: Settings, smtp_port: int, log: Path) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("TDKT_")}
        env.update(
            TDKT_DATA_DIR=str(settings.data_dir),
            TDKT_DATABASE_URL=str(settings.database_url),
            TDKT_REDIS_URL=str(settings.redis_url),
            TDKT_SECRET_KEY="test-secret-key",
            TDKT_DEMO="false",
            TDKT_BASE_URL=BASE_URL,
            TDKT_SMTP_HOST="127.0.0.1",
            TDKT_SMTP_PORT=str(smtp_port),
            TDKT_MAIL_FROM="tdkt@sokhcn.caobang.gov.vn",
            TDKT_MAIL_TIMEOUT_SECONDS="5",
            TDKT_MAIL_LEASE_SECONDS=str(LEASE_SECONDS),
            PYTHONUNBUFFERED="1",
        )
        self.env, self.log = env, log
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "web.cli", "worker", "--concurrency", "2"],
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def kill(self) -> None:
        """SIGKILL the worker and its pool children at once, as a crash would."""
        assert self.proc is not None
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=30)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=30)


class HeldInbox(Inbox):
    """Holds the first message at DATA until released, then refuses it (its client is gone)."""

    def __init__(self) -> None:
        super().__init__()
        self.holding = threading.Event()
        self.release = threading.Event()
        self.held_once = False

    async def handle_DATA(self, server: object, session: object, envelope: Any) -> str:
        if not self.held_once:
            self.held_once = True
            self.holding.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
            return "421 4.4.2 Connection dropped before the end of data"
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def wiring(settings: Settings) -> Wiring:
    """The test's own writes queue their e-mails after commit, as the web's and worker's do."""
    return build_wiring(settings, dispatchers=(enqueue_delivery,))


@pytest.fixture
def inbox() -> Iterator[tuple[HeldInbox, int]]:
    from aiosmtpd.controller import Controller

    handler = HeldInbox()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler, port
    handler.release.set()
    controller.stop()


@pytest.fixture
def worker(
    settings: Settings, inbox: tuple[HeldInbox, int], tmp_path: Path, app: Flask
) -> Iterator[Worker]:
    process = Worker(settings, inbox[1], tmp_path / "worker.log")
    process.start()
    yield process
    process.stop()


def _send(app: Flask, name: str) -> None:
    app.extensions["celery"].send_task(name)


def _overdue_task(session_factory: sessionmaker[Session], org: World) -> int:
    """A clerk's task created 10 days ago with 2 working days: overdue and escalated by now."""
    created = utcnow() - timedelta(days=10)
    with unit_of_work(session_factory) as s:
        d = notify_rows.dossier(s, org.unit_a.id)
        task = notify_rows.task(
            s,
            created_at=created,
            due_at=load_calendar(s).add_working_days(created, 2),
            candidate_role="unit_clerk",
            candidate_unit_id=org.unit_a.id,
            dossier_id=d.id,
            name="Chuẩn bị hồ sơ",
            publish=False,
        )
        notify.schedule_task(s, task, load_calendar(s), notify.load_ladders(s))
        return task.id


def test_overdue_task_is_emailed_once_even_when_two_sweeps_start_together(
    app: Flask,
    session_factory: sessionmaker[Session],
    org: World,
    email_on: notify.NotifyConfig,
    inbox: tuple[HeldInbox, int],
    worker: Worker,
) -> None:
    handler, _ = inbox
    handler.held_once = True  # nothing to hold here
    task_id = _overdue_task(session_factory, org)
    for _ in range(2):  # two sweeps at the same time, on a worker with two processes
        _send(app, "tasks.notify.sweep_reminders")
    _wait_for("the overdue and escalation e-mails", lambda: len(handler.messages) >= 2)
    for _ in range(2):
        _send(app, "tasks.notify.sweep_reminders")
        _send(app, "tasks.notify.deliver_outbox")
    _wait_for(
        "every outbox row sent",
        lambda: [r.status for r in outbox(session_factory)] == ["sent", "sent"],
    )
    time.sleep(1)  # let a stray duplicate arrive, were there one
    by_to = {m["To"]: m for m in handler.messages}
    assert len(handler.messages) == 2
    overdue = by_to[f"Nông Thị Hoa <{org.clerk_a.email}>"]
    escalated = by_to[f"Lương Văn Minh <{org.head_a.email}>"]
    assert str(overdue["Subject"]).startswith("[TĐKT] Quá hạn ")
    # The subject names the task and the dossier it is about.
    assert " ngày làm việc: Chuẩn bị hồ sơ — " in str(overdue["Subject"])
    assert re.search(r"\(#\d+\)$", str(overdue["Subject"]))
    assert str(escalated["Subject"]).startswith("[TĐKT] Báo cáo việc quá hạn ")
    for message in (overdue, escalated):
        assert f"{BASE_URL}/tasks/{task_id}" in text_of(message)


def test_a_worker_killed_while_sending_leads_to_exactly_one_email(
    app: Flask,
    session_factory: sessionmaker[Session],
    org: World,
    email_on: notify.NotifyConfig,
    inbox: tuple[HeldInbox, int],
    worker: Worker,
) -> None:
    handler, _ = inbox
    with unit_of_work(session_factory) as s:  # queues its delivery after commit
        notify_rows.task(s, created_at=utcnow(), due_at=None, candidate_role="secretariat")
    assert handler.holding.wait(60), "the worker started sending"
    (row,) = outbox(session_factory)
    assert (row.status, row.attempts) == ("sending", 1)
    assert row.message_id is not None
    worker.kill()
    handler.release.set()

    worker.start()
    claimed_at = time.monotonic()

    def sent() -> bool:
        _send(app, "tasks.notify.deliver_outbox")  # what beat does every 30 s
        return outbox(session_factory)[0].status == "sent"

    _wait_for("the re-sent e-mail", sent, timeout=LEASE_SECONDS + 60)
    assert time.monotonic() - claimed_at >= LEASE_SECONDS - 5  # only once the claim lapsed
    time.sleep(1)
    (message,) = handler.messages
    assert message["Message-ID"] == row.message_id
    assert str(message["Subject"]).startswith("[TĐKT] Việc mới cần xử lý: Bình xét tại đơn vị")
    (row,) = outbox(session_factory)
    assert (row.status, row.attempts) == ("sent", 2)

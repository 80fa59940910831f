"""Fixtures shared by the notification tests: e-mail switched on, a small organisation."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from engine import notify
from engine.models import Notification, Outbox
from engine.unit_of_work import unit_of_work
from tests.common.worlds import World, notify_world

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
BASE_URL = "https://tdkt.sokhcn.caobang.gov.vn"


def local(y: int, m: int, d: int, hh: int = 10, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=HCM).astimezone(UTC)


@pytest.fixture
def email_on() -> Iterator[notify.NotifyConfig]:
    """Switch e-mail on (as TDKT_SMTP_HOST would) with a fixed public URL; restore after."""
    before = notify.current_config()
    config = notify.NotifyConfig(base_url=BASE_URL, email=True, digest_hour=7)
    notify.configure(config)
    yield config
    notify.configure(before)


@pytest.fixture
def org(session_factory: sessionmaker[Session]) -> World:
    """Two units and one person per role (tests.common.worlds.notify_world)."""
    with unit_of_work(session_factory) as s:
        return notify_world(s)


def notes(session_factory: sessionmaker[Session]) -> list[tuple[str, int, int | None]]:
    """Return every notification as (kind, user id, task id), in the order written."""
    with session_factory() as s:
        rows = s.scalars(select(Notification).order_by(Notification.id))
        return [(n.kind, n.user_id, n.task_id) for n in rows]


def outbox(session_factory: sessionmaker[Session]) -> list[Outbox]:
    with session_factory() as s:
        return list(s.scalars(select(Outbox).order_by(Outbox.id)))


class Inbox:
    """An aiosmtpd handler that keeps what it accepted; ``reply`` can refuse instead."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.reply: str | None = None

    async def handle_DATA(self, server: object, session: object, envelope: Any) -> str:
        if self.reply is not None:
            return self.reply
        self.messages.append(BytesParser(policy=policy.default).parsebytes(envelope.content))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    """A real SMTP server on loopback; yields its inbox and port."""
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


def text_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())

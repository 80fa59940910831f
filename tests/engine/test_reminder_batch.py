"""The reminder sweep writes a batch set-based: however many tasks it reminds, one INSERT of
their rungs, one of their notifications, one of their e-mails and one UPDATE (executemany) of
their next reminder times; and what it writes is what reminding them one by one writes."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

import pytest
import time_machine
from sqlalchemy import delete, event, select
from sqlalchemy.orm import Session, sessionmaker

from engine import notify
from engine.calendar import WorkingCalendar
from engine.models import HumanTask, Notification, Outbox, ReminderSent
from engine.models.base import utcnow
from engine.unit_of_work import unit_of_work
from tests.common import notify as notify_rows
from tests.common.worlds import World
from tests.notify_helpers import local

CREATED = local(2026, 3, 2, 9)
LATE = local(2026, 3, 12, 8)  # every task overdue and escalated


def _tasks(factory: sessionmaker[Session], org: World, count: int) -> list[int]:
    """``count`` open tasks, five working days each: clerks' lane, head's lane, assigned."""
    due = WorkingCalendar().add_working_days(CREATED, 5)
    ids = []
    with time_machine.travel(CREATED, tick=False), unit_of_work(factory) as s:
        for i in range(count):
            lane: dict[str, Any] = [
                {"candidate_role": "unit_clerk", "candidate_unit_id": org.unit_a.id},
                {"candidate_role": "unit_head", "candidate_unit_id": org.unit_a.id},
                {
                    "candidate_role": "unit_clerk",
                    "candidate_unit_id": org.unit_a.id,
                    "assignee_id": org.clerk_a.id,
                },
            ][i % 3]
            d = notify_rows.dossier(s, org.unit_a.id)
            ids.append(
                notify_rows.task(s, created_at=CREATED, due_at=due, dossier_id=d.id, **lane).id
            )
    return ids


def _statements(factory: sessionmaker[Session], sweep: Any) -> Counter[str]:
    """Run ``sweep`` and count the statements sent to the database, by their first words."""
    seen: Counter[str] = Counter()
    engine = factory.kw["bind"]

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        words = statement.split()
        head = " ".join(words[:3] if words[0] in ("INSERT", "UPDATE") else words[:1])
        seen[head.lower()] += 1

    event.listen(engine, "before_cursor_execute", count)
    try:
        sweep()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return seen


def _written(factory: sessionmaker[Session]) -> list[Any]:
    with factory() as s:
        reminders = [
            n
            for n in s.scalars(select(Notification).order_by(Notification.id))
            if n.kind != "task_ready"
        ]
        notes = [(n.kind, n.user_id, n.task_id, n.subject, n.body) for n in reminders]
        ids = {n.id for n in reminders}
        rungs = sorted(
            (r.task_id, r.rung_key, r.fires_at, r.notified) for r in s.scalars(select(ReminderSent))
        )
        nexts = sorted((t.id, t.next_reminder_at) for t in s.scalars(select(HumanTask)))
        mails = sorted(
            (o.user_id, o.channel) for o in s.scalars(select(Outbox)) if o.notification_id in ids
        )
    return [notes, rungs, nexts, mails]


def _sweep(factory: sessionmaker[Session], at: datetime, **kw: Any) -> notify.SweepResult:
    with time_machine.travel(at, tick=False):
        return notify.run_reminder_sweep(factory, utcnow(), **kw)


@pytest.mark.parametrize("email", [False, True], ids=["in-app", "e-mail"])
@pytest.mark.parametrize("count", [3, 12])
def test_a_batch_writes_in_a_few_statements_whatever_its_size(
    session_factory: sessionmaker[Session],
    org: World,
    request: pytest.FixtureRequest,
    count: int,
    email: bool,
) -> None:
    if email:
        request.getfixturevalue("email_on")
    _tasks(session_factory, org, count)
    result: list[notify.SweepResult] = []
    seen = _statements(session_factory, lambda: result.append(_sweep(session_factory, LATE)))
    assert result[0].tasks == count
    assert result[0].sent == 2 * count
    assert seen["insert into reminder_sent"] == 1
    assert seen["update human_task set"] == 1
    postgresql = session_factory.kw["bind"].dialect.name == "postgresql"
    if not email or postgresql:
        assert seen["insert into notification"] == 1
        assert seen["insert into outbox"] == (1 if email else 0)
    else:
        # SQLite cannot return the ids of a many-row INSERT in order: SQLAlchemy sends the rows
        # whose ids the outbox needs one a statement there (PostgreSQL: one statement).
        assert seen["insert into notification"] == seen["insert into outbox"] == result[0].sent


def test_a_batch_writes_what_one_task_at_a_time_writes(
    session_factory: sessionmaker[Session], org: World, email_on: notify.NotifyConfig
) -> None:
    _tasks(session_factory, org, 6)
    _sweep(session_factory, LATE, batch=1)
    one_by_one = _written(session_factory)
    with unit_of_work(session_factory) as s:  # forget the reminders, as if never swept
        reminders = select(Notification.id).where(Notification.kind != "task_ready")
        s.execute(delete(Outbox).where(Outbox.notification_id.in_(reminders)))
        s.execute(delete(Notification).where(Notification.kind != "task_ready"))
        s.execute(delete(ReminderSent))
        for task in s.scalars(select(HumanTask)):
            notify.schedule_task(s, task, WorkingCalendar(), notify.current_ladders(s), set())
    _sweep(session_factory, LATE, batch=100)
    assert _written(session_factory) == one_by_one
    assert one_by_one[0]
    assert one_by_one[1]

"""Notifications from engine events and the reminder ladder, with time controlled."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
import time_machine
from sqlalchemy import event, select, text
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker

from engine import events, notify
from engine.admin.calendar import save_calendar_override
from engine.calendar import WorkingCalendar
from engine.models import HumanTask, Outbox, ReminderSent
from engine.models.base import utcnow
from engine.notify.ladder import Recipient, Rung, RungKind
from engine.notify.reminders import due_tasks_query
from engine.unit_of_work import unit_of_work
from tests.common import notify as notify_rows
from tests.common.worlds import World
from tests.notify_helpers import BASE_URL, local, notes, outbox


def _sweep(session_factory: sessionmaker[Session], at: datetime) -> notify.SweepResult:
    with time_machine.travel(at, tick=False):
        return notify.run_reminder_sweep(session_factory, utcnow())


def _task(
    session_factory: sessionmaker[Session], org: World, created: datetime, days: int, **kw: object
) -> int:
    due = WorkingCalendar().add_working_days(created, days)
    with time_machine.travel(created, tick=False), unit_of_work(session_factory) as s:
        d = notify_rows.dossier(s, org.unit_a.id)
        kw.setdefault("candidate_role", "unit_clerk")
        kw.setdefault("candidate_unit_id", org.unit_a.id)
        return notify_rows.task(s, created_at=created, due_at=due, dossier_id=d.id, **kw).id  # type: ignore[arg-type]


def test_ready_task_notifies_its_lane_in_its_unit_only(
    session_factory: sessionmaker[Session], org: World, email_on: notify.NotifyConfig
) -> None:
    task_id = _task(session_factory, org, local(2026, 3, 2, 9), 5, candidate_role="unit_head")
    assert notes(session_factory) == [("task_ready", org.head_a.id, task_id)]
    (row,) = outbox(session_factory)
    assert (row.channel, row.status, row.user_id) == ("email", "pending", org.head_a.id)
    with session_factory() as s:
        (note,) = notify.recent(s, org.head_a.id)
    assert note.subject.startswith(
        "[TĐKT] Việc mới cần xử lý: Bình xét tại đơn vị — Hoàng Thị Lan, "
    )
    assert note.subject.endswith(f"(#{note.dossier_id})")
    assert f"Xem hồ sơ: {BASE_URL}/dossiers/{note.dossier_id}" in note.body
    assert note.link == f"{BASE_URL}/tasks/{task_id}"
    assert "Hạn xử lý: hết ngày 09/03/2026" in note.body


def test_overdue_task_goes_due_soon_due_overdue_escalated_once_in_order(
    session_factory: sessionmaker[Session], org: World, email_on: notify.NotifyConfig
) -> None:
    # Created Monday 2/3/2026 with 5 working days: due at the end of Monday 9/3.
    task_id = _task(session_factory, org, local(2026, 3, 2, 9), 5)
    clerk, head = org.clerk_a.id, org.head_a.id
    steps = [
        (local(2026, 3, 4, 23), []),
        (local(2026, 3, 5, 8), [("due_soon", clerk)]),
        (local(2026, 3, 6, 8), []),
        (local(2026, 3, 9, 8), [("due_today", clerk)]),
        (local(2026, 3, 10, 8), [("overdue", clerk)]),
        (local(2026, 3, 11, 8), [("overdue", clerk)]),
        # Third working day overdue: the holder's reminder and the escalation to the unit head.
        (local(2026, 3, 12, 8), [("overdue", clerk), ("escalated", head)]),
    ]
    seen = 1  # task_ready
    for at, expected in steps:
        _sweep(session_factory, at)
        _sweep(session_factory, at)  # twice: nothing is sent twice
        written = notes(session_factory)[seen:]
        assert [(kind, user) for kind, user, _ in written] == expected, at
        assert all(t == task_id for _, _, t in written)
        seen += len(written)
    with session_factory() as s:
        sent = s.execute(
            select(ReminderSent.rung_key, ReminderSent.fires_at).order_by(ReminderSent.id)
        ).all()
        escalation = notify.recent(s, head, 1)[0]
    assert [k for k, _ in sent] == [
        "before_2",
        "due_day",
        "overdue_1",
        "overdue_2",
        "overdue_3",
        "escalate",
    ]
    # Recorded when each rung really came due (office opening), not when the sweep ran.
    assert sent[0][1] == local(2026, 3, 5, 7, 30)
    assert escalation.subject.startswith("[TĐKT] Báo cáo việc quá hạn 3 ngày làm việc")
    assert "Người đang xử lý: Nông Thị Hoa" in escalation.body


def test_completion_stops_the_ladder(
    session_factory: sessionmaker[Session], org: World, email_on: notify.NotifyConfig
) -> None:
    task_id = _task(session_factory, org, local(2026, 3, 2, 9), 5)
    _sweep(session_factory, local(2026, 3, 5, 8))
    with time_machine.travel(local(2026, 3, 6, 9), tick=False), unit_of_work(session_factory) as s:
        task = s.get_one(HumanTask, task_id)
        task.completed_at, task.status = utcnow(), "completed"
        events.publish(s, [events.TaskCompleted(task_id, org.clerk_a.id)])
    for day in (9, 10, 11, 12, 13, 16):
        assert _sweep(session_factory, local(2026, 3, day, 8)).sent == 0
    assert [k for k, _, _ in notes(session_factory)] == ["task_ready", "due_soon"]


def test_late_sweep_sends_the_latest_rung_once_and_records_when_each_came_due(
    session_factory: sessionmaker[Session], org: World, email_on: notify.NotifyConfig
) -> None:
    _task(session_factory, org, local(2026, 3, 2, 9), 5)
    _sweep(session_factory, local(2026, 3, 9, 8))  # due_soon and due_today: only the latter
    _sweep(session_factory, local(2026, 3, 13, 8))  # back after an outage
    assert [k for k, _, _ in notes(session_factory)] == [
        "task_ready",
        "due_today",
        "escalated",  # in firing order: the escalation came due on 12/3, overdue_4 on 13/3
        "overdue",
    ]
    with session_factory() as s:
        sent = {r.rung_key: (r.fires_at, r.notified) for r in s.scalars(select(ReminderSent))}
    assert sent["before_2"] == (local(2026, 3, 5, 7, 30), False)
    assert sent["overdue_2"] == (local(2026, 3, 11, 7, 30), False)
    assert sent["overdue_4"] == (local(2026, 3, 13, 7, 30), True)


def test_agency_lane_escalates_to_the_secretariat(
    session_factory: sessionmaker[Session], org: World, email_on: notify.NotifyConfig
) -> None:
    # A unit head's own review escalates past the unit, to the council secretariat.
    _task(session_factory, org, local(2026, 3, 2, 9), 5, candidate_role="unit_head")
    _sweep(session_factory, local(2026, 3, 12, 8))
    escalated = [(k, u) for k, u, _ in notes(session_factory) if k == "escalated"]
    assert escalated == [("escalated", org.secretary.id)]


def test_reassignment_notifies_the_new_assignee_and_the_ladder_follows_the_holder(
    session_factory: sessionmaker[Session], org: World, email_on: notify.NotifyConfig
) -> None:
    task_id = _task(session_factory, org, local(2026, 3, 2, 9), 5)
    with unit_of_work(session_factory) as s:
        second = notify_rows.user(s, "Vi Thị Thu", ("unit_clerk",), org.unit_a.id)
        s.get_one(HumanTask, task_id).assignee_id = second.id
        events.publish(s, [events.TaskAssigned(task_id, second.id, None, org.head_a.id)])
    _sweep(session_factory, local(2026, 3, 5, 8))
    assert [(k, u) for k, u, _ in notes(session_factory)][-2:] == [
        ("task_assigned", second.id),
        ("due_soon", second.id),
    ]


def test_claiming_a_task_oneself_sends_nothing(
    session_factory: sessionmaker[Session], org: World, email_on: notify.NotifyConfig
) -> None:
    task_id = _task(session_factory, org, local(2026, 3, 2, 9), 5)
    with unit_of_work(session_factory) as s:
        events.publish(s, [events.TaskAssigned(task_id, org.clerk_a.id, None, org.clerk_a.id)])
    assert [k for k, _, _ in notes(session_factory)] == ["task_ready"]


@pytest.mark.parametrize(
    ("created", "days", "due_soon_at", "overdue_at"),
    [
        # Tết 2026 (16–20/2 off): 3 days from Thu 12/2 are Fri 13, Mon 23, Tue 24.
        (local(2026, 2, 12, 9), 3, local(2026, 2, 13, 7, 30), local(2026, 2, 25, 7, 30)),
        # Tết 2027 (4–10/2 off): 3 days from Mon 1/2 are Tue 2, Wed 3, Thu 11.
        (local(2027, 2, 1, 9), 3, local(2027, 2, 2, 7, 30), local(2027, 2, 12, 7, 30)),
    ],
    ids=["tet-2026", "tet-2027"],
)
def test_tet_shifts_the_rungs(
    session_factory: sessionmaker[Session],
    org: World,
    created: datetime,
    days: int,
    due_soon_at: datetime,
    overdue_at: datetime,
) -> None:
    task_id = _task(session_factory, org, created, days)
    # Nothing during Tết, then each rung on its working day.
    _sweep(session_factory, due_soon_at)
    _sweep(session_factory, overdue_at)
    with session_factory() as s:
        fired = dict(
            s.execute(
                select(ReminderSent.rung_key, ReminderSent.fires_at).where(
                    ReminderSent.task_id == task_id
                )
            ).all()
        )
    assert fired["before_2"] == due_soon_at
    assert fired["overdue_1"] == overdue_at
    assert len(fired) == 3  # before_2, due_day, overdue_1


def test_make_up_working_saturday_moves_the_overdue_rung(
    session_factory: sessionmaker[Session], org: World, email_on: notify.NotifyConfig
) -> None:
    # Due at the end of Friday 6/3/2026; an administrator makes Saturday 7/3 a working day.
    task_id = _task(session_factory, org, local(2026, 3, 2, 9), 4)
    with unit_of_work(session_factory) as s:
        save_calendar_override(s, date(2026, 3, 7), "working", "Làm bù", org.admin.id)
        assert s.get_one(HumanTask, task_id).next_reminder_at == local(2026, 3, 4, 7, 30)
    _sweep(session_factory, local(2026, 3, 7, 8))
    assert [k for k, _, _ in notes(session_factory)][-1] == "overdue"


def test_ladder_edited_as_data_applies_to_its_task_type(
    session_factory: sessionmaker[Session], org: World, email_on: notify.NotifyConfig
) -> None:
    with unit_of_work(session_factory) as s:
        ladder = (Rung("nhac_som", -4, RungKind.REMIND, Recipient.HOLDER),)
        notify.save_ladder(s, "unit_review", ladder, org.admin.id)
    _task(session_factory, org, local(2026, 3, 2, 9), 10)  # due Monday 16/3
    _sweep(session_factory, local(2026, 3, 10, 8))
    with session_factory() as s:
        assert list(s.scalars(select(ReminderSent.rung_key))) == ["nhac_som"]


def test_a_failing_task_is_logged_and_the_others_are_sent(
    session_factory: sessionmaker[Session],
    org: World,
    email_on: notify.NotifyConfig,
    caplog: pytest.LogCaptureFixture,
) -> None:
    first = _task(session_factory, org, local(2026, 3, 2, 9), 5)
    second = _task(session_factory, org, local(2026, 3, 2, 9), 5)

    def explode(state: ORMExecuteState) -> None:
        # Writing the first task's notification fails.
        params: Any = state.parameters
        rows = params if isinstance(params, list) else [params]
        table = getattr(state.statement, "table", None)
        if getattr(table, "name", None) == "notification" and any(
            row and row.get("task_id") == first for row in rows
        ):
            raise RuntimeError("boom")

    event.listen(Session, "do_orm_execute", explode)
    try:
        result = _sweep(session_factory, local(2026, 3, 5, 8))
    finally:
        event.remove(Session, "do_orm_execute", explode)
    assert (result.tasks, result.sent, result.failed) == (2, 1, 1)
    assert f"reminders for task {first} failed" in caplog.text
    assert [(k, t) for k, _, t in notes(session_factory)][-1] == ("due_soon", second)
    # The failed task is retried by the next sweep, and sent once.
    assert _sweep(session_factory, local(2026, 3, 5, 9)).sent == 1


def test_returned_and_decided_dossiers_notify_clerks_and_nominee(
    session_factory: sessionmaker[Session], org: World, email_on: notify.NotifyConfig
) -> None:
    with unit_of_work(session_factory) as s:
        nominee = notify_rows.user(s, "Hoàng Thị Lan", (), org.unit_a.id)
        d = notify_rows.dossier(s, org.unit_a.id, nominee)
        t = notify_rows.task(s, created_at=utcnow(), due_at=None, dossier_id=d.id, publish=False)
        events.publish(s, [events.DossierReturned(d.id, t.id, "Thiếu biên bản họp")])
        events.publish(s, [events.DossierDecided(d.id, "awarded")])
    assert [(k, u) for k, u, _ in notes(session_factory)] == [
        ("dossier_returned", org.clerk_a.id),
        ("dossier_decided", org.clerk_a.id),
        ("dossier_decided", nominee.id),
    ]
    with session_factory() as s:
        returned = notify.recent(s, org.clerk_a.id)[-1]
    assert "Lý do: Thiếu biên bản họp" in returned.body
    assert returned.link == f"{BASE_URL}/dossiers/{d.id}"


def test_a_decided_dossier_tells_its_clerks_then_its_nominee_once(
    session_factory: sessionmaker[Session], org: World, email_on: notify.NotifyConfig
) -> None:
    with unit_of_work(session_factory) as s:
        nominee = notify_rows.user(s, "Hoàng Thị Lan", (), org.unit_a.id)
        clerk = notify_rows.user(s, "Vi Văn Tùng", ("unit_clerk",), org.unit_a.id)
        retired = notify_rows.user(s, "Đàm Thị Mai", (), org.unit_a.id)
        retired.active = False
        decided = notify_rows.dossier(s, org.unit_a.id, nominee)
        by_clerk = notify_rows.dossier(s, org.unit_a.id, clerk)
        by_retired = notify_rows.dossier(s, org.unit_a.id, retired)
        events.publish(s, [events.DossierDecided(decided.id, "rejected")])
        events.publish(s, [events.DossierDecided(by_clerk.id, "rejected")])
        events.publish(s, [events.DossierDecided(by_retired.id, "rejected")])
    clerks = [org.clerk_a.id, clerk.id]
    assert [u for _, u, _ in notes(session_factory)] == [*clerks, nominee.id, *clerks, *clerks]


def test_a_rolled_back_step_leaves_no_notification(
    session_factory: sessionmaker[Session], org: World, email_on: notify.NotifyConfig
) -> None:
    def failing_step() -> None:
        with unit_of_work(session_factory) as s:
            notify_rows.task(s, created_at=utcnow(), due_at=None, candidate_role="secretariat")
            raise RuntimeError("the step failed")

    with pytest.raises(RuntimeError):
        failing_step()
    assert notes(session_factory) == []
    assert outbox(session_factory) == []


def test_digest_users_get_one_email_a_day_with_every_item(
    session_factory: sessionmaker[Session], org: World, email_on: notify.NotifyConfig
) -> None:
    with unit_of_work(session_factory) as s:
        s.get_one(type(org.clerk_a), org.clerk_a.id).email_mode = "digest"
    _task(session_factory, org, local(2026, 3, 2, 9), 5)
    _task(session_factory, org, local(2026, 3, 2, 10), 5)
    with session_factory() as s:
        items = list(s.scalars(select(Outbox).where(Outbox.channel == "digest")))
    assert [i.next_attempt_at for i in items] == [local(2026, 3, 3, 7, 0)] * 2
    assert notify.build_digests(session_factory, local(2026, 3, 2, 18)) == 0
    assert notify.build_digests(session_factory, local(2026, 3, 3, 7, 1)) == 1
    assert notify.build_digests(session_factory, local(2026, 3, 3, 7, 2)) == 0
    emails = [r for r in outbox(session_factory) if r.channel == "email"]
    assert [(e.dedupe_key, e.status) for e in emails] == [
        (f"digest:{org.clerk_a.id}:2026-03-03", "pending")
    ]
    assert {r.digest_id for r in outbox(session_factory) if r.channel == "digest"} == {emails[0].id}


def test_unread_count_and_mark_read(session_factory: sessionmaker[Session], org: World) -> None:
    _task(session_factory, org, local(2026, 3, 2, 9), 5)
    _task(session_factory, org, local(2026, 3, 2, 9), 5)
    with unit_of_work(session_factory) as s:
        assert notify.unread_count(s, org.clerk_a.id) == 2
        first = notify.recent(s, org.clerk_a.id)[-1]
        assert notify.mark_read(s, org.clerk_a.id, first.id) == 1
        assert notify.mark_read(s, org.head_a.id, first.id) == 0  # not theirs
        assert notify.unread_count(s, org.clerk_a.id) == 1
    # The bell counts at most ``cap`` (UNREAD_CAP, shown "99+"): never a scan of thousands.
    _task(session_factory, org, local(2026, 3, 2, 9), 5)
    with session_factory() as s:
        assert notify.unread_count(s, org.clerk_a.id, cap=1) == 1
        assert notify.unread_count(s, org.clerk_a.id, cap=5) == 2


def test_without_email_only_in_app_notifications_are_written(
    session_factory: sessionmaker[Session], org: World
) -> None:
    _task(session_factory, org, local(2026, 3, 2, 9), 5)
    assert len(notes(session_factory)) == 1
    assert outbox(session_factory) == []


def test_the_sweep_reads_the_partial_index(session_factory: sessionmaker[Session]) -> None:
    with session_factory() as s:
        dialect = s.get_bind().dialect
        query = due_tasks_query(utcnow(), 1000)
        if dialect.name == "sqlite":
            compiled = query.compile(dialect=dialect)
            params = [str(compiled.params[name]) for name in compiled.positiontup or ()]
            rows = s.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}", tuple(params))
            plan = " ".join(str(row[-1]) for row in rows)
        else:
            # An empty test table makes a sequential scan cheapest; forbid it to see whether
            # the planner can serve the query from the partial index at all.
            s.execute(text("SET LOCAL enable_seqscan = off"))
            compiled = query.compile(dialect=dialect, compile_kwargs={"literal_binds": True})
            explained = s.execute(text(f"EXPLAIN {compiled}"))
            plan = " ".join(str(row[0]) for row in explained)
    assert "ix_human_task_open_next_reminder" in plan

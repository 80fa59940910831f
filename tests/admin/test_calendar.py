"""A calendar change recounts the due dates it affects and tells each holder once."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from engine.calendar import WorkingCalendar
from engine.models import HumanTask, Notification
from engine.unit_of_work import unit_of_work
from engine.workflow import operations
from tests.admin.conftest import post, sign_in
from tests.common.worlds import World

DATA = Path(__file__).parents[1] / "engine" / "data"
CAL = WorkingCalendar()


def _due_notices(factory: sessionmaker[Session]) -> list[Notification]:
    with factory() as s:
        return list(s.scalars(select(Notification).where(Notification.kind == "due_changed")))


def _set_task(
    factory: sessionmaker[Session], task_id: int, created: datetime, days: int
) -> datetime:
    """Make the world's task one given at ``created`` with ``days`` working days; return its due."""
    with unit_of_work(factory) as s:
        task = s.get(HumanTask, task_id)
        assert task is not None
        task.created_at, task.due_working_days = created, days
        task.due_at = CAL.add_working_days(created, days)
        return task.due_at


def test_a_day_off_inside_the_limit_moves_the_due_date_and_tells_the_holder_once(
    client: FlaskClient, world: World, session_factory: sessionmaker[Session]
) -> None:
    # Given on Monday 2/3/2026 with 5 working days: due Monday 9/3 (end of day).
    given = CAL.start_of_office_day(date(2026, 3, 2))
    due = _set_task(session_factory, world.task.id, given, 5)
    assert CAL.local_date(due) == date(2026, 3, 9)
    sign_in(client, world.users["secretariat"])
    response = post(
        client, "/admin/calendar", {"day": "2026-03-04", "kind": "off", "note": "Nghỉ bão"}
    )
    assert response.status_code == 302
    with session_factory() as s:
        task = s.get(HumanTask, world.task.id)
        assert task is not None
        assert task.due_at is not None
        assert CAL.local_date(task.due_at) == date(2026, 3, 10)
        assert task.next_reminder_at is not None
    notices = _due_notices(session_factory)
    # The task's lane is unit A's head: head_a alone holds it.
    assert [n.user_id for n in notices] == [world.users["head_a"].id]
    assert notices[0].task_id == world.task.id
    assert "10/03/2026" in notices[0].body


def test_a_change_outside_the_limit_moves_nothing_and_tells_nobody(
    client: FlaskClient, world: World, session_factory: sessionmaker[Session]
) -> None:
    given = CAL.start_of_office_day(date(2026, 3, 2))
    due = _set_task(session_factory, world.task.id, given, 5)
    sign_in(client, world.users["secretariat"])
    assert post(client, "/admin/calendar", {"day": "2026-03-20", "kind": "off"}).status_code == 302
    with session_factory() as s:
        assert s.get(HumanTask, world.task.id).due_at == due  # type: ignore[union-attr]
    assert _due_notices(session_factory) == []


def test_undoing_the_change_moves_the_due_date_back(
    client: FlaskClient, world: World, session_factory: sessionmaker[Session]
) -> None:
    given = CAL.start_of_office_day(date(2026, 3, 2))
    due = _set_task(session_factory, world.task.id, given, 5)
    sign_in(client, world.users["secretariat"])
    post(client, "/admin/calendar", {"day": "2026-03-04", "kind": "off"})
    post(client, "/admin/calendar", {"day": "2026-03-04", "kind": "clear"})
    with session_factory() as s:
        assert s.get(HumanTask, world.task.id).due_at == due  # type: ignore[union-attr]
    assert len(_due_notices(session_factory)) == 2


def test_the_page_shows_holidays_and_overrides(
    client: FlaskClient, world: World, session_factory: sessionmaker[Session]
) -> None:
    sign_in(client, world.users["secretariat"])
    post(client, "/admin/calendar", {"day": "2026-03-07", "kind": "working", "note": "Làm bù"})
    page = client.get("/admin/calendar?year=2026").get_data(as_text=True)
    assert "Quốc khánh" in page
    assert 'data-day="2026-03-07"' in page
    assert "Làm bù" in page


def test_an_english_reader_sees_the_holidays_english_names(
    client: FlaskClient, world: World
) -> None:
    """The holidays package names Vietnam's holidays in English too; an English reader sees
    those names, a Vietnamese reader the Vietnamese ones."""
    sign_in(client, world.users["secretariat"])
    english = client.get("/admin/calendar?year=2026", headers={"Accept-Language": "en"})
    page = english.get_data(as_text=True)
    assert "National Day" in page
    assert "Hung Kings&#39; Commemoration Day" in page or "Hung Kings' Commemoration" in page
    assert "Quốc khánh" not in page
    assert "Giỗ Tổ" not in page
    vietnamese = client.get("/admin/calendar?year=2026", headers={"Accept-Language": "vi"})
    assert "Quốc khánh" in vietnamese.get_data(as_text=True)


def test_a_bad_date_is_shown_next_to_its_field(client: FlaskClient, world: World) -> None:
    sign_in(client, world.users["secretariat"])
    response = post(client, "/admin/calendar", {"day": "31/02/2026", "kind": "off"})
    assert response.status_code == 422
    assert 'id="f-day-error"' in response.get_data(as_text=True)


def test_tasks_from_a_real_deploy_and_from_before_the_migration_are_recounted(
    client: FlaskClient, world: World, session_factory: sessionmaker[Session]
) -> None:
    with session_factory() as s:
        operations.deploy(s, [DATA / "review.bpmn", DATA / "route.dmn"])
        instance = operations.start(
            s,
            "review",
            data={"unit_id": world.unit_a.id, "title_code": "LDTT", "review_days": 3},
            dossier_id=world.dossier.id,
        )
        task = s.scalars(
            select(HumanTask).where(
                HumanTask.instance_id == instance.id, HumanTask.status == "ready"
            )
        ).one()
        s.commit()
    assert task.due_working_days == 5
    assert task.due_at is not None
    next_day = CAL.shift_working_days(CAL.local_date(datetime.now(UTC)), 1)
    sign_in(client, world.users["secretariat"])
    post(client, "/admin/calendar", {"day": next_day.isoformat(), "kind": "off"})
    with session_factory() as s:
        moved = s.get(HumanTask, task.id)
        assert moved is not None
        assert moved.due_at is not None
        assert moved.due_at > task.due_at
        assert moved.due_at - task.due_at >= timedelta(days=1)
    # The world's own task (projected before due_working_days existed) moves too: its limit is
    # recounted from the old due date. Each holder is told once.
    holders = sorted(n.user_id for n in _due_notices(session_factory))
    assert holders == sorted([world.users["clerk_a"].id, world.users["head_a"].id])

"""Saved filters per user, the "due this week" view and reassigning from the group inbox
(issue 15, "Beyond the anchors"), on the real engine and pages."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from flask.testing import FlaskClient
from sqlalchemy import select

from engine.calendar import WorkingCalendar
from engine.models import HumanTask, SavedFilter
from engine.read import queries
from tests.common.worlds import World
from tests.web.conftest import NOMINEE, csrf_token, sign_in


def test_a_saved_filter_is_named_picked_and_deleted_by_its_owner_only(
    client: FlaskClient, world: World
) -> None:
    sign_in(client, world.users["head_a"])
    token = csrf_token(client)
    saved = client.post(
        "/filters",
        data={"csrf_token": token, "list": "group", "name": "Quá hạn", "due": "overdue", "q": "ha"},
    )
    assert saved.status_code == 302
    assert saved.headers["Location"].startswith("/tasks/group?")
    page = client.get("/tasks/group").get_data(as_text=True)
    link = re.search(r'<a class="btn btn--link" href="([^"]+)">Quá hạn</a>', page)
    assert link, "the saved filter is offered on the list"
    assert "due=overdue" in link.group(1).replace("&amp;", "&")
    # A bad value is refused as the filter bar refuses it; nothing is stored.
    bad = client.post(
        "/filters", data={"csrf_token": token, "list": "group", "name": "x", "due": "soonish"}
    )
    assert bad.status_code == 422
    unnamed = client.post("/filters", data={"csrf_token": token, "list": "dossiers", "name": " "})
    assert unnamed.status_code == 302
    factory = world.procedure.factory
    with factory() as s:
        rows = s.scalars(select(SavedFilter)).all()
        assert [(r.list_name, r.name, r.args.get("due")) for r in rows] == [
            ("group", "Quá hạn", "overdue")
        ]
        filter_id = rows[0].id
    # Another user neither sees nor deletes it.
    other = client.application.test_client()
    sign_in(other, world.users["clerk_a"])
    assert "Quá hạn</a>" not in other.get("/tasks/group").get_data(as_text=True)
    assert (
        other.post(
            f"/filters/{filter_id}/delete", data={"csrf_token": csrf_token(other)}
        ).status_code
        == 404
    )
    assert (
        client.post(f"/filters/{filter_id}/delete", data={"csrf_token": token}).status_code == 302
    )
    with factory() as s:
        assert s.scalars(select(SavedFilter)).all() == []


def test_due_this_week_counts_working_days(world: World) -> None:
    calendar = WorkingCalendar()
    monday = datetime(2026, 11, 23, 2, tzinfo=UTC)  # 09:00 in Hà Nội
    assert queries.week_limit(calendar, monday) == calendar.end_of_day(
        monday.date() + timedelta(days=4)
    )
    saturday = monday + timedelta(days=5)
    assert queries.week_limit(calendar, saturday) == calendar.end_of_day(saturday.date())
    filters = queries.ListFilters.from_args({"due": "week"}, ("due",))
    assert filters.due == "week"


def test_a_unit_head_sees_who_holds_a_task_and_hands_it_on(
    client: FlaskClient, world: World
) -> None:
    """The unit review of unit A, claimed by its head, shows its assignee in the group inbox;
    the secretariat hands it to... no one outside the lane: refused; the head gives it back."""
    procedure = world.procedure
    task_id = world.task.id
    head = world.users["head_a"]
    sign_in(client, head)
    client.post(f"/tasks/{task_id}/claim", data={"csrf_token": csrf_token(client)})
    secretariat = client.application.test_client()
    sign_in(secretariat, world.users["secretariat"])
    page = secretariat.get("/tasks/group").get_data(as_text=True)
    assert "Người xử lý" in page
    row = re.search(rf"<tr[^>]*>(?:(?!</tr>).)*#{world.dossier.id}(?:(?!</tr>).)*</tr>", page, re.S)
    assert row, "the claimed task is listed for the secretariat"
    assert head.full_name in row.group(0)
    assert f'id="reassign-{task_id}"' in row.group(0)
    # Someone outside the task's lane is refused with a message; the task stays with the head.
    outsider = world.users["clerk_b"]
    refused = secretariat.post(
        f"/tasks/{task_id}/reassign",
        data={"csrf_token": csrf_token(secretariat), "assignee_id": str(outsider.id)},
        follow_redirects=True,
    )
    assert "không thuộc nhóm xử lý" in refused.get_data(as_text=True)
    with procedure.factory() as s:
        task = s.get(HumanTask, task_id)
        assert task is not None
        assert task.assignee_id == head.id
    # A clerk (no reassign right) sees no assignee column.
    clerk = client.application.test_client()
    sign_in(clerk, world.users["clerk_a"])
    assert "Người xử lý" not in clerk.get("/tasks/group").get_data(as_text=True)
    assert NOMINEE

"""Inbox lists, the task form round trip, ballots, escaping and the language switch."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from engine.demo import DEMO_PASSWORD
from engine.models import Comment, HumanTask, SealedBallot
from engine.read.queries import PER_PAGE
from engine.unit_of_work import unit_of_work
from tests.common import dossiers, workflow
from tests.common.worlds import World
from tests.web.conftest import NOMINEE, csrf_token, sign_in


def _rows(page: str) -> list[str]:
    """Return the task ids of an inbox page, in order."""
    return re.findall(r'href="/tasks/(\d+)"', page)


@pytest.fixture
def busy(world: World, session_factory: sessionmaker[Session]) -> dict[str, int]:
    """Give unit A's head three more open tasks with different names and deadlines."""
    ids = {}
    with unit_of_work(session_factory) as s:
        for name, due, ago in (
            ("Trần Thị Lan", timedelta(days=-1), timedelta(days=9)),
            ("Nguyễn Văn Long", timedelta(hours=20), timedelta(days=3)),
            ("Lê Đức Thắng", timedelta(days=30), timedelta(days=2)),
        ):
            d = dossiers.dossier(s, world.unit_a, nominee_name=name, with_instance=True)
            ids[name] = workflow.task(s, d, due=due, created=ago).id
    ids[NOMINEE] = world.task.id
    return ids


def test_search_ignores_diacritics_and_case(
    client: FlaskClient, world: World, busy: dict[str, int]
) -> None:
    sign_in(client, world.users["head_a"])
    page = client.get("/tasks/group?q=nguyen van").get_data(as_text=True)
    assert _rows(page) == [str(busy["Nguyễn Văn Long"])]
    assert "Nguyễn Văn Long" in page
    assert _rows(client.get("/tasks/group?q=luc thu").get_data(as_text=True)) == [
        str(busy[NOMINEE])
    ]
    page = client.get("/tasks/group?q=THANG").get_data(as_text=True)
    assert _rows(page) == [str(busy["Lê Đức Thắng"])]


def test_due_filter_and_row_marks(client: FlaskClient, world: World, busy: dict[str, int]) -> None:
    sign_in(client, world.users["head_a"])
    assert _rows(client.get("/tasks/group?due=overdue").get_data(as_text=True)) == [
        str(busy["Trần Thị Lan"])
    ]
    assert _rows(client.get("/tasks/group?due=soon").get_data(as_text=True)) == [
        str(busy["Nguyễn Văn Long"])
    ]
    page = client.get("/tasks/group").get_data(as_text=True)
    assert 'class="is-overdue"' in page
    assert 'class="is-soon"' in page


def test_sort_by_due_waiting_and_nominee(
    client: FlaskClient, world: World, busy: dict[str, int]
) -> None:
    sign_in(client, world.users["head_a"])
    by_due = _rows(client.get("/tasks/group?sort=due").get_data(as_text=True))
    assert by_due == [
        str(busy[n]) for n in ("Trần Thị Lan", "Nguyễn Văn Long", NOMINEE, "Lê Đức Thắng")
    ]
    by_due_desc = _rows(client.get("/tasks/group?sort=-due").get_data(as_text=True))
    assert by_due_desc == by_due[::-1]
    by_wait = _rows(client.get("/tasks/group?sort=waiting").get_data(as_text=True))
    assert by_wait[0] == str(busy["Trần Thị Lan"])
    by_name = _rows(client.get("/tasks/group?sort=nominee").get_data(as_text=True))
    assert by_name[0] == str(busy["Lê Đức Thắng"])
    assert 'aria-sort="ascending"' in client.get("/tasks/group?sort=nominee").get_data(as_text=True)


def test_pagination_and_nav_counts(
    client: FlaskClient, world: World, session_factory: sessionmaker[Session]
) -> None:
    with unit_of_work(session_factory) as s:
        for i in range(PER_PAGE + 2):
            workflow.task(
                s,
                dossiers.dossier(
                    s, world.unit_a, nominee_name=f"Người {i:02d}", with_instance=True
                ),
            )
    sign_in(client, world.users["head_a"])
    first = client.get("/tasks/group").get_data(as_text=True)
    second = client.get("/tasks/group?page=2").get_data(as_text=True)
    assert len(_rows(first)) == PER_PAGE
    assert len(_rows(second)) == 3
    assert not set(_rows(first)) & set(_rows(second))
    assert f"Tổng: {PER_PAGE + 3}" in first
    assert re.search(r'Việc của nhóm <span class="nav-badge">28<', first)


def test_bulk_claim_moves_tasks_to_my_inbox(
    client: FlaskClient, world: World, busy: dict[str, int]
) -> None:
    sign_in(client, world.users["head_a"])
    chosen = [busy["Trần Thị Lan"], busy["Lê Đức Thắng"]]
    response = client.post(
        "/tasks/claim", data={"csrf_token": csrf_token(client), "task_id": chosen}
    )
    assert response.status_code == 302
    mine = client.get("/tasks/mine").get_data(as_text=True)
    assert sorted(_rows(mine)) == sorted(str(i) for i in chosen)
    assert "Đã nhận 2 việc." in mine


def test_task_form_shows_field_errors_then_completes(client: FlaskClient, world: World) -> None:
    sign_in(client, world.users["head_a"])
    url = f"/tasks/{world.task.id}"
    page = client.get(url).get_data(as_text=True)
    assert 'name="unit_decision"' in page
    assert "Bắt buộc khi trả lại hoặc không đồng ý." in page  # the field's help text
    bad = client.post(url, data={"csrf_token": csrf_token(client), "unit_decision": "return"})
    assert bad.status_code == 422
    html = bad.get_data(as_text=True)
    assert re.search(r'id="f-unit_reason-error">Vui lòng nhập «Lý do»\.<', html)
    assert 'value="return" selected' in html  # what was typed is kept
    done = client.post(
        url,
        data={
            "csrf_token": csrf_token(client),
            "unit_decision": "approve",
            "unit_minutes_no": "12/BB",
            "unit_meeting_date": "2026-11-24",
        },
    )
    assert done.status_code == 302
    assert done.headers["Location"].startswith("/tasks/mine?done=")
    assert "Đã hoàn thành: Bình xét tại đơn vị." in client.get("/tasks/mine").get_data(as_text=True)
    assert world.procedure.ready(world.dossier.id) == ["completeness_check"]


def test_completing_a_task_someone_finished_shows_a_clear_409_page(
    client: FlaskClient, world: World, session_factory: sessionmaker[Session]
) -> None:
    sign_in(client, world.users["head_a"])
    token = csrf_token(client)
    with unit_of_work(session_factory) as s:
        s.get(HumanTask, world.task.id).status = "completed"  # type: ignore[union-attr]
    response = client.post(
        f"/tasks/{world.task.id}",
        data={"csrf_token": token, "unit_decision": "approve"},
    )
    assert response.status_code == 409
    assert "Việc này đã được người khác xử lý" in response.get_data(as_text=True)
    api = client.post(
        f"/api/v1/tasks/{world.task.id}/complete",
        json={"data": {}},
        headers={"X-CSRFToken": token},
    )
    assert api.status_code == 409
    assert api.get_json()["code"] == "conflict"


def test_form_without_csrf_token_is_refused(client: FlaskClient, world: World) -> None:
    sign_in(client, world.users["head_a"])
    response = client.post(f"/dossiers/{world.dossier.id}/comments", data={"body": "x"})
    assert response.status_code == 400
    session_api = client.post(f"/api/v1/tasks/{world.task.id}/claim")
    assert session_api.status_code == 400  # cookie-authenticated API calls need CSRF too


def test_nominee_name_and_comment_with_script_are_shown_as_text(
    client: FlaskClient, world: World, session_factory: sessionmaker[Session]
) -> None:
    evil = "<script>alert(1)</script>"
    with session_factory() as s, s.begin():
        d = dossiers.dossier(s, world.unit_a, nominee_name=f"Hùng {evil}", with_instance=True)
        task = workflow.task(s, d)
        s.add(Comment(dossier_id=d.id, author_id=world.users["head_a"].id, body=f"Ý kiến {evil}"))
    sign_in(client, world.users["head_a"])
    for url in (f"/dossiers/{d.id}", f"/tasks/{task.id}", "/tasks/group", "/dossiers"):
        html = client.get(url).get_data(as_text=True)
        assert "<script>alert(1)</script>" not in html, url
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, url


def test_security_headers_and_cookie_flags(client: FlaskClient, world: World) -> None:
    response = client.get("/login")
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    cookie = response.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


@pytest.fixture
def sitting(world: World) -> list[int]:
    """Put unit A's dossier and a second one on a council session's sheet; return their ids."""
    proc = world.procedure
    second = proc.file("vanthu.qlkh", "cb011", "LDTT")
    proc.unit_review(world.dossier.id)
    proc.completeness(world.dossier.id)
    proc.to_council(second)
    proc.end_posting()
    return [world.dossier.id, second]


def test_ballot_sheet_lists_every_dossier_and_is_sent_once(
    client: FlaskClient,
    world: World,
    sitting: list[int],
    session_factory: sessionmaker[Session],
) -> None:
    world.procedure.open_sitting(sitting)
    task_id = world.procedure.ballot_of("phogiamdoc")
    sign_in(client, world.users["council"])
    assert client.get(f"/tasks/{task_id}").headers["Location"].endswith(f"/ballots/{task_id}")
    sheet = client.get(f"/ballots/{task_id}").get_data(as_text=True)
    assert re.findall(r'data-dossier-id="(\d+)"', sheet) == [str(i) for i in sitting]
    assert NOMINEE in sheet
    assert "Phạm Xuân Tuấn" in sheet
    assert 'id="ballot-subject"' not in sheet  # the member's own ballot, not a written one
    for label in ("Đồng ý", "Không đồng ý", "Không tham gia biểu quyết"):
        assert label in sheet
    bad = client.post(
        f"/ballots/{task_id}",
        data={"csrf_token": csrf_token(client), f"vote_{sitting[0]}": "maybe"},
    )
    assert bad.status_code == 422
    assert "Không tham gia biểu quyết" in bad.get_data(as_text=True)
    votes = {f"vote_{sitting[0]}": "agree", f"vote_{sitting[1]}": "recuse"}
    sent = client.post(f"/ballots/{task_id}", data={"csrf_token": csrf_token(client), **votes})
    assert sent.status_code == 302
    after = client.get(f"/ballots/{task_id}").get_data(as_text=True)
    assert "Phiếu bầu này đã được gửi." in after
    assert 'type="radio"' not in after
    assert "recuse" not in after  # not even the member's own votes are shown back
    again = client.post(f"/ballots/{task_id}", data={"csrf_token": csrf_token(client), **votes})
    assert again.status_code == 302
    with session_factory() as s:
        sealed = s.scalars(select(SealedBallot)).all()
        assert sorted((b.dossier_id, b.vote) for b in sealed) == [
            (sitting[0], "agree"),
            (sitting[1], "recuse"),
        ]


def test_secretariat_enters_an_absent_members_written_ballot(
    client: FlaskClient,
    world: World,
    sitting: list[int],
    session_factory: sessionmaker[Session],
) -> None:
    world.procedure.open_sitting(sitting, absent=("phogiamdoc",))
    task_id = world.procedure.ballot_of("phogiamdoc", written=True)
    sign_in(client, world.users["secretariat"])
    sheet = client.get(f"/tasks/{task_id}", follow_redirects=True).get_data(as_text=True)
    assert re.search(r'id="ballot-subject">[^<]*Hoàng Thị Thu Hà<', sheet)
    sent = client.post(
        f"/ballots/{task_id}",
        data={"csrf_token": csrf_token(client), f"vote_{sitting[0]}": "disagree"},
    )
    assert sent.status_code == 302
    with session_factory() as s:
        sealed = s.scalars(select(SealedBallot)).one()
        assert (sealed.dossier_id, sealed.vote, sealed.written) == (sitting[0], "disagree", True)


def test_other_members_cannot_open_someone_elses_ballot(
    client: FlaskClient, world: World, sitting: list[int]
) -> None:
    world.procedure.open_sitting(sitting)
    task_id = world.procedure.ballot_of("phogiamdoc")
    for role in ("director", "secretariat", "head_a", "outsider", "clerk_a"):
        sign_in(client, world.users[role])
        assert client.get(f"/ballots/{task_id}").status_code == 404, role
        assert client.get(f"/tasks/{task_id}").status_code == 404, role


def test_english_page_shows_english_strings(client: FlaskClient, world: World) -> None:
    sign_in(client, world.users["head_a"])
    response = client.get("/lang/en?next=/tasks/mine")
    assert response.headers["Location"] == "/tasks/mine"
    page = client.get("/tasks/group").get_data(as_text=True)
    assert '<html lang="en">' in page
    assert "My tasks" in page
    assert "Group tasks" in page
    assert "Việc của tôi" not in page
    client.get("/lang/vi")
    assert "Việc của tôi" in client.get("/tasks/group").get_data(as_text=True)


def test_dates_are_shown_in_vietnam_time(client: FlaskClient, world: World) -> None:
    from datetime import UTC, datetime

    from web.i18n import local_date, local_datetime

    late_evening_utc = datetime(2025, 4, 29, 18, 30, tzinfo=UTC)
    assert local_date(late_evening_utc) == "30/04/2025"
    assert local_datetime(late_evening_utc) == "30/04/2025 01:30"


def test_failed_logins_are_rate_limited(client: FlaskClient, world: World) -> None:
    token = csrf_token(client)
    statuses = [
        client.post(
            "/login",
            data={"username": "truongphong.qlkh", "password": "wrong", "csrf_token": token},
        ).status_code
        for _ in range(11)
    ]
    assert statuses[:10] == [200] * 10
    assert statuses[10] == 429


def test_committed_mo_matches_the_po() -> None:
    from pathlib import Path

    from babel.messages.mofile import read_mo
    from babel.messages.pofile import read_po

    folder = Path(__file__).resolve().parents[2] / "web/translations/en/LC_MESSAGES"
    with (folder / "messages.po").open("rb") as po, (folder / "messages.mo").open("rb") as mo:
        source, compiled = read_po(po), read_mo(mo)

    def pairs(catalog: Any) -> dict[Any, Any]:
        return {
            tuple(m.id) if isinstance(m.id, list | tuple) else m.id: tuple(m.string)
            if isinstance(m.string, list | tuple)
            else m.string
            for m in catalog
            if m.id and m.string
        }

    assert pairs(compiled) == pairs(source)


def test_login_still_works_when_the_rate_limit_redis_is_down(settings: Any, world: World) -> None:
    from web.app import create_app

    app = create_app(
        {"TESTING": True, "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:1/0"}, settings=settings
    )
    client = app.test_client()
    token = csrf_token(client)
    response = client.post(
        "/login",
        data={"username": "truongphong.qlkh", "password": DEMO_PASSWORD, "csrf_token": token},
    )
    app.extensions["tdkt"].dispose()
    assert response.status_code == 302

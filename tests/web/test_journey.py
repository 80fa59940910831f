"""Issue 15, part A: the clerk's, reviewer's and secretariat's journey through the real
procedure (workflows/*.bpmn), on the pages, without dead ends."""

from __future__ import annotations

from flask.testing import FlaskClient

from tests.common.worlds import World
from tests.web.conftest import csrf_token, sign_in


def _open_session_task(client: FlaskClient, world: World) -> int:
    proc = world.procedure
    proc.unit_review(world.dossier.id)
    proc.completeness(world.dossier.id)
    proc.end_posting()
    from datetime import date

    from engine.domain import council

    with proc.factory() as session:
        council.open_session(session, proc.user("thuky"), proc.campaign_id, date(2026, 12, 28))
    sign_in(client, world.users["secretariat"])
    return proc.open_task("open_session").id


def test_absent_members_are_picked_by_name_and_a_typed_name_is_a_422_not_a_500(
    client: FlaskClient, world: World
) -> None:
    """Defect 2: «Thành viên vắng mặt» took internal ids as text; a name crashed the script."""
    task_id = _open_session_task(client, world)
    page = client.get(f"/tasks/{task_id}").get_data(as_text=True)
    members = world.procedure.members()
    absent = members[-1]
    assert f'name="absent_member_ids" value="{absent.id}"' in page
    assert absent.full_name in page
    fields = {"meeting_place": "Phòng họp Sở", "chair_name": "Nông Văn Thắng"}

    typed = client.post(
        f"/tasks/{task_id}",
        data={"csrf_token": csrf_token(client), **fields, "absent_member_ids": absent.full_name},
    )
    assert typed.status_code == 422
    html = typed.get_data(as_text=True)
    assert 'id="f-absent_member_ids-error"' in html
    assert "không thuộc danh sách" in html
    assert 'value="Phòng họp Sở"' in html, "what was typed is kept"

    foreign = world.procedure.user("cb002")  # staff, not a council member
    outsider = client.post(
        f"/tasks/{task_id}",
        data={"csrf_token": csrf_token(client), **fields, "absent_member_ids": str(foreign.id)},
    )
    assert outsider.status_code == 422
    assert world.procedure.open_task("open_session").id == task_id

    done = client.post(
        f"/tasks/{task_id}",
        data={"csrf_token": csrf_token(client), **fields, "absent_member_ids": str(absent.id)},
    )
    assert done.status_code == 302
    written = world.procedure.open_task("enter_written_ballot")
    assert written.subject_user_id == absent.id


def test_a_returned_dossier_tells_the_clerk_who_returned_it_when_and_why(
    client: FlaskClient, world: World
) -> None:
    """Defect 3: the returned task came back empty; the history and the notices said nothing."""
    from sqlalchemy import select

    from engine.models import Notification

    proc = world.procedure
    dossier_id = world.dossier.id
    reason = "Thiếu biên bản họp bình xét của đơn vị"
    proc.unit_review(dossier_id, decision="return", reason=reason)
    assert proc.ready(dossier_id) == ["prepare_dossier"]
    task = proc.open_task("prepare_dossier", dossier_id)

    sign_in(client, world.users["clerk_a"])
    page = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert 'id="returned-notice"' in page
    head = proc.user("truongphong.qlkh")
    assert head.full_name in page
    assert "Bình xét tại đơn vị" in page
    assert f'<span id="returned-reason">{reason}</span>' in page
    # Prefilled with what the clerk submitted the first time (tests/common/procedure.prepare).
    assert "Báo cáo thành tích năm 2026</textarea>" in page

    history = client.get(f"/dossiers/{dossier_id}").get_data(as_text=True)
    assert "Trả lại để bổ sung, chỉnh sửa" in history
    assert reason in history

    clerk = proc.user("vanthu.qlkh")
    with proc.factory() as session:
        notes = session.scalars(
            select(Notification).where(
                Notification.user_id == clerk.id, Notification.kind == "dossier_returned"
            )
        ).all()
    assert len(notes) == 1
    assert f"#{dossier_id}" in notes[0].subject
    assert reason in notes[0].body
    assert head.full_name in notes[0].body
    assert notes[0].link.endswith(f"/tasks/{task.id}"), "the notice opens the returned step"


def test_posting_is_a_period_with_its_end_date_and_its_length_is_an_admin_setting(
    client: FlaskClient, world: World
) -> None:
    """Defect 4: the posting opened as a form to complete; its length could not be changed."""
    from engine import wiring
    from engine.models import RuleSetting

    proc = world.procedure
    sign_in(client, proc.user("admin"))
    citation = "Quy chế Hội đồng TĐKT của Sở, Điều 9 (công khai 7 ngày làm việc)"
    setting = {
        "csrf_token": csrf_token(client),
        "legal_basis": world.dossier.legal_basis,
        "title_code": "*",
        "key": "posting_days",
        "citation": citation,
    }
    rules = client.get("/admin/rules").get_data(as_text=True)
    assert '<option value="posting_days">' in rules
    assert client.post("/admin/rules/settings", data=setting | {"value": "0"}).status_code == 422
    assert client.post("/admin/rules/settings", data=setting | {"value": "7"}).status_code == 302
    assert citation in client.get("/admin/rules").get_data(as_text=True)

    # A dossier filed now is posted for the new length (filing reads the setting).
    dossier_id = proc.file("vanthu.qlkh", "cb011", "LDTT")
    proc.prepare(dossier_id)
    proc.unit_review(dossier_id)
    proc.completeness(dossier_id)
    task = proc.open_task("posting", dossier_id)
    with proc.factory() as session:
        # The value is JSON: compared in Python (PostgreSQL has no json = integer).
        values = [r.value for r in session.query(RuleSetting).filter_by(key="posting_days")]
        assert values.count(7) == 1
        calendar = wiring.of(session).calendar.current()
    assert task.due_at is not None
    assert task.due_at == calendar.add_working_days(task.created_at, 7)

    sign_in(client, world.users["secretariat"])
    page = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert 'id="period"' in page
    with client.application.test_request_context():
        from web.i18n import local_date

        day = local_date(task.due_at)
    assert f"Đang công khai đến hết ngày {day}" in page
    assert ">Ghi nhận ý kiến<" in page
    assert ">Hoàn thành<" not in page


def test_the_council_result_is_the_systems_and_dated_by_the_meeting(
    client: FlaskClient, world: World
) -> None:
    """Defects 8 and 9: the result was dated by the last ballot and credited to its voter."""
    import re

    from engine.models import CouncilSession

    proc = world.procedure
    dossier_id = world.dossier.id
    proc.unit_review(dossier_id)
    proc.completeness(dossier_id)
    proc.end_posting()
    session_id = proc.hold_session({dossier_id: ["agree"] * 7})
    with proc.factory() as s:
        sitting = s.get(CouncilSession, session_id)
        assert sitting is not None
        met = sitting.meeting_date
    last_voter = proc.members()[-1]
    sign_in(client, world.users["clerk_a"])
    page = client.get(f"/dossiers/{dossier_id}").get_data(as_text=True)
    result = re.search(r'<dd id="council-result">(.*?)</dd>', page, re.S)
    assert result
    assert f"({met:%d/%m/%Y})" in result.group(1)
    delivered = re.search(r"Nhận kết quả / thông báo([^<]*)</li>", page)
    assert delivered
    assert "Hệ thống" in delivered.group(1)
    assert last_voter.full_name not in delivered.group(1)


def test_council_tasks_carry_their_session_and_the_opening_asks_only_what_it_must(
    client: FlaskClient, world: World
) -> None:
    """Defect 10: inbox rows showed '—'; the opening page listed nothing and asked the date."""
    import re

    task_id = _open_session_task(client, world)
    inbox = client.get("/tasks/group").get_data(as_text=True)
    assert "Phiên họp Hội đồng ngày 28/12/2026" in inbox
    assert "1 hồ sơ" in inbox
    rows = [r for r in inbox.split("<tr") if f'data-claim-open="{task_id}"' in r]
    assert len(rows) == 1
    assert re.search(r'<td class="due[^"]*"[^>]*>.*?28/12/2026', rows[0], re.S), "due on the day"

    page = client.get(f"/tasks/{task_id}").get_data(as_text=True)
    assert 'id="council-dossiers"' in page
    assert f"#{world.dossier.id}</a> {world.dossier.nominee_name}" in page
    for member in world.procedure.members():
        assert member.full_name in page
    assert 'id="f-meeting_date"' not in page
    assert 'id="f-all_present"' not in page


def test_a_task_done_by_oneself_says_so_and_offers_the_next_step(
    client: FlaskClient, world: World
) -> None:
    """Defect 14 and the next step: a task one completed said 'someone else handled it'."""
    proc = world.procedure
    dossier_id = world.dossier.id
    proc.unit_review(dossier_id)
    task = proc.open_task("completeness_check", dossier_id)
    sign_in(client, world.users["secretariat"])
    form = {
        "csrf_token": csrf_token(client),
        "completeness_decision": "accept",
        "completeness_reason": "",
    }
    done = client.post(f"/tasks/{task.id}", data=form)
    assert done.status_code == 302
    assert done.headers["Location"] == f"/tasks/mine?done={task.id}"
    posting = proc.open_task("posting", dossier_id)
    inbox = client.get(done.headers["Location"]).get_data(as_text=True)
    assert f'data-next-task="{posting.id}"' in inbox
    assert f"Tiếp tục: {posting.name} — #{dossier_id}" in inbox

    again = client.get(f"/tasks/{task.id}")
    assert again.status_code == 200
    text = again.get_data(as_text=True)
    assert "Bạn đã hoàn thành việc này" in text
    assert "đã được người khác xử lý" not in text
    twice = client.post(f"/tasks/{task.id}", data=form)
    assert "Bạn đã hoàn thành việc này" in twice.get_data(as_text=True)

    # Someone else's completion names who did it.
    sign_in(client, world.users["director"])
    other = client.get(f"/tasks/{task.id}")
    assert other.status_code == 409
    assert proc.user("thuky").full_name in other.get_data(as_text=True)


def test_a_group_task_is_claimed_and_opened_in_one_click(client: FlaskClient, world: World) -> None:
    task = world.task
    sign_in(client, world.users["head_a"])
    inbox = client.get("/tasks/group").get_data(as_text=True)
    assert f'formaction="/tasks/{task.id}/claim" data-claim-open="{task.id}"' in inbox
    opened = client.post(f"/tasks/{task.id}/claim", data={"csrf_token": csrf_token(client)})
    assert opened.headers["Location"] == f"/tasks/{task.id}"
    assert world.procedure.open_task("unit_review", world.dossier.id).assignee_id == (
        world.users["head_a"].id
    )


def test_an_objection_is_recorded_and_the_posting_keeps_its_end_date(
    client: FlaskClient, world: World
) -> None:
    proc = world.procedure
    dossier_id = world.dossier.id
    proc.unit_review(dossier_id)
    proc.completeness(dossier_id)
    first = proc.open_task("posting", dossier_id)
    sign_in(client, world.users["secretariat"])
    recorded = client.post(
        f"/tasks/{first.id}",
        data={
            "csrf_token": csrf_token(client),
            "objection_summary": "Đơn phản ánh về thời gian công tác",
            "objection_source": "Một cán bộ của đơn vị",
            "objection_resolution": "dismissed",
            "resolution_note": "Đã xác minh: không có cơ sở",
        },
    )
    assert recorded.status_code == 302
    again = proc.open_task("posting", dossier_id)
    assert again.id != first.id
    assert again.due_at == first.due_at, "an objection does not move the end of the posting"
    page = client.get(f"/tasks/{again.id}").get_data(as_text=True)
    assert "Đơn phản ánh về thời gian công tác" in page, "the story lists the objection"
    assert 'value="Một cán bộ của đơn vị"' not in page, "a new objection starts empty"


def test_with_no_next_step_of_mine_the_inbox_highlights_my_next_task(
    client: FlaskClient, world: World
) -> None:
    proc = world.procedure
    other = proc.file("vanthu.qlkh", "cb011", "LDTT")
    proc.prepare(other)
    head = world.users["head_a"]
    sign_in(client, head)
    for task_id in (world.task.id, proc.open_task("unit_review", other).id):
        client.post(f"/tasks/{task_id}/claim", data={"csrf_token": csrf_token(client)})
    done = client.post(
        f"/tasks/{world.task.id}",
        data={
            "csrf_token": csrf_token(client),
            "unit_decision": "approve",
            "unit_minutes_no": "05/BB",
            "unit_meeting_date": "2026-11-24",
        },
    )
    inbox = client.get(done.headers["Location"]).get_data(as_text=True)
    assert 'id="following"' not in inbox, "the completeness check is the secretariat's"
    next_row = [r for r in inbox.split("<tr") if 'id="next-task"' in r]
    assert len(next_row) == 1
    assert f'href="/tasks/{proc.open_task("unit_review", other).id}"' in next_row[0]

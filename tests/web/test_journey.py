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
        assert session.query(RuleSetting).filter_by(key="posting_days", value=7).count() == 1
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

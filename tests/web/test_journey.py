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

"""Every text has a declared maximum, checked on the server: a too-long value is refused with 422
and the field's message in Vietnamese, and nothing is stored (no task data, no audit row, no
change to the workflow state)."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from engine.errors import DeployError, ValidationFailed
from engine.models import AuditEvent, Campaign, Comment, Dossier, HumanTask, ProcessInstance
from engine.workflow import forms
from engine.workflow.specs import check_properties
from tests.common.procedure import Procedure
from tests.common.worlds import World
from tests.web.conftest import csrf_token, sign_in

MILLION = "x" * 1_000_000
REPORT_MESSAGE = "«Tóm tắt báo cáo thành tích» dài quá 20.000 ký tự"


def _snapshot(factory: sessionmaker[Session], dossier_id: int) -> tuple[Any, ...]:
    with factory() as s:
        dossier = s.get(Dossier, dossier_id)
        assert dossier is not None
        states = tuple(
            s.scalars(
                select(ProcessInstance.state)
                .where(ProcessInstance.dossier_id == dossier_id)
                .order_by(ProcessInstance.id)
            )
        )
        tasks = s.execute(
            select(HumanTask.id, HumanTask.status)
            .where(HumanTask.dossier_id == dossier_id)
            .order_by(HumanTask.id)
        ).all()
        audit = s.scalar(select(func.count()).select_from(AuditEvent))
        return states, dossier.stage, dossier.status, tuple(tasks), audit


def _prepare_form(report: str) -> dict[str, Any]:
    return {"achievement_report": report, "initiative": None, "attachments_note": None}


def test_a_million_character_report_is_refused_by_the_procedure(
    procedure: Procedure, session_factory: sessionmaker[Session]
) -> None:
    dossier_id = procedure.file("vanthu.qlkh", "cb004", "LDTT")
    before = _snapshot(session_factory, dossier_id)
    with pytest.raises(ValidationFailed) as info:
        procedure.complete("vanthu.qlkh", "prepare_dossier", dossier_id, **_prepare_form(MILLION))
    assert info.value.http_status == 422
    assert info.value.field_errors["achievement_report"].startswith(REPORT_MESSAGE)
    assert _snapshot(session_factory, dossier_id) == before
    assert procedure.ready(dossier_id) == ["prepare_dossier"]


def test_a_million_character_report_is_refused_on_the_task_page(
    client: FlaskClient, procedure: Procedure, session_factory: sessionmaker[Session]
) -> None:
    dossier_id = procedure.file("vanthu.qlkh", "cb004", "LDTT")
    task = procedure.open_task("prepare_dossier", dossier_id)
    before = _snapshot(session_factory, dossier_id)
    sign_in(client, procedure.user("vanthu.qlkh"))
    response = client.post(
        f"/tasks/{task.id}",
        data={"csrf_token": csrf_token(client), "achievement_report": MILLION},
    )
    assert response.status_code == 422
    assert REPORT_MESSAGE in response.get_data(as_text=True)
    assert _snapshot(session_factory, dossier_id) == before


def test_a_too_long_report_is_refused_by_the_api_and_a_huge_body_is_not_read(
    client: FlaskClient, procedure: Procedure, session_factory: sessionmaker[Session]
) -> None:
    dossier_id = procedure.file("vanthu.qlkh", "cb004", "LDTT")
    task = procedure.open_task("prepare_dossier", dossier_id)
    before = _snapshot(session_factory, dossier_id)
    sign_in(client, procedure.user("vanthu.qlkh"))
    headers = {"X-CSRFToken": csrf_token(client)}
    url = f"/api/v1/tasks/{task.id}/complete"
    long = client.post(url, json={"data": _prepare_form("y" * 20_001)}, headers=headers)
    assert long.status_code == 422
    error = long.get_json()
    assert error["code"] == "validation_failed"
    assert error["fields"]["achievement_report"].startswith(REPORT_MESSAGE)
    huge = client.post(url, json={"data": _prepare_form(MILLION)}, headers=headers)
    assert huge.status_code == 413
    assert _snapshot(session_factory, dossier_id) == before
    # At the limit the report is taken.
    ok = client.post(url, json={"data": _prepare_form("z" * 20_000)}, headers=headers)
    assert ok.status_code == 200, ok.get_json()


def test_a_too_long_comment_is_refused_with_422(
    client: FlaskClient, world: World, session_factory: sessionmaker[Session]
) -> None:
    sign_in(client, world.users["head_a"])
    response = client.post(
        f"/dossiers/{world.dossier.id}/comments",
        data={"csrf_token": csrf_token(client), "body": "ý" * 5001},
    )
    assert response.status_code == 422
    assert "Ý kiến dài quá 5000 ký tự" in response.get_data(as_text=True)
    with session_factory() as s:
        assert s.scalar(select(func.count()).select_from(Comment)) == 0


def test_a_too_long_achievement_summary_is_refused_at_filing(
    client: FlaskClient, world: World, session_factory: sessionmaker[Session]
) -> None:
    sign_in(client, world.users["clerk_a"])
    with session_factory() as s:
        campaign_id = s.scalars(select(Campaign.id)).one()
        dossiers_before = s.scalar(select(func.count()).select_from(Dossier))
    nominee = world.procedure.user("cb011")
    response = client.post(
        "/dossiers/new",
        data={
            "csrf_token": csrf_token(client),
            "campaign_id": campaign_id,
            "title_code": "LDTT",
            "nominee": f"user:{nominee.id}",
            "achievements": MILLION,
        },
    )
    assert response.status_code == 422
    assert "Tối đa 20000 ký tự" in response.get_data(as_text=True)
    with session_factory() as s:
        assert s.scalar(select(func.count()).select_from(Dossier)) == dossiers_before


def test_a_declared_max_length_is_enforced_and_checked_at_deploy() -> None:
    form = [{"name": "note", "type": "text", "label": "Ghi chú", "maxLength": 10}]
    assert forms.validate(form, {"note": "  0123456789  "}) == {"note": "0123456789"}
    with pytest.raises(ValidationFailed) as info:
        forms.validate(form, {"note": "01234567890"})
    assert info.value.field_errors == {"note": "«Ghi chú» dài quá 10 ký tự (đã nhập 11)."}
    with pytest.raises(ValidationFailed):
        forms.validate([{"name": "t", "type": "text"}], {"t": "a" * 501})
    for bad in (0, "500", True, 10**9):
        fields = f'[{{"name": "t", "type": "text", "maxLength": {bad!r}}}]'.replace("'", '"')
        with pytest.raises(DeployError, match="maxLength"):
            check_properties("x.bpmn", "task", {"formFields": fields.replace("True", "true")})
    with pytest.raises(DeployError, match="maxLength"):
        check_properties(
            "x.bpmn", "task", {"formFields": '[{"name": "n", "type": "integer", "maxLength": 5}]'}
        )


def test_a_too_long_withdrawal_reason_is_refused_and_the_dossier_stays(
    procedure: Procedure, session_factory: sessionmaker[Session]
) -> None:
    from engine.domain import dossiers

    dossier_id = procedure.file("vanthu.qlkh", "cb004", "LDTT")
    before = _snapshot(session_factory, dossier_id)
    with session_factory() as s, pytest.raises(ValidationFailed) as info:
        dossiers.withdraw_dossier(s, procedure.user("vanthu.qlkh"), dossier_id, "r" * 2001)
    assert info.value.field_errors == {"reason": "Tối đa 2000 ký tự (đã nhập 2001)."}
    assert _snapshot(session_factory, dossier_id) == before

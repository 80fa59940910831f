"""Start, complete, claim, reassign and cancel through the engine's operations."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine import permissions
from engine.calendar import WorkingCalendar
from engine.errors import Conflict, Forbidden, NotFound, RevisionLimitExceeded, ValidationFailed
from engine.models import AuditEvent, Dossier, HumanTask, ProcessInstance
from engine.unit_of_work import unit_of_work
from engine.wiring import Wiring
from engine.workflow import operations
from tests.common.worlds import World
from tests.engine.conftest import review_data

pytestmark = pytest.mark.usefixtures("review_spec")


def _start(session: Session, world: World, **extra: object) -> ProcessInstance:
    return operations.start(
        session, "review", data=review_data(world, **extra), dossier_id=world.dossier.id
    )


def _open(session: Session, instance_id: int) -> list[HumanTask]:
    rows = session.scalars(
        select(HumanTask)
        .where(HumanTask.instance_id == instance_id, HumanTask.status == "ready")
        .execution_options(populate_existing=True)
    ).all()
    session.commit()  # keeps the objects loaded (expire_on_commit=False)
    return list(rows)


def _only(session: Session, instance_id: int) -> int:
    rows = _open(session, instance_id)
    assert len(rows) == 1, rows
    return rows[0].id


def _row(session: Session, task_id: int) -> HumanTask:
    task = session.get(HumanTask, task_id, populate_existing=True)
    assert task is not None
    session.commit()
    return task


def _acts(session: Session, user: object, task_id: int) -> bool:
    answer = permissions.may_act(user, _row(session, task_id))  # type: ignore[arg-type]
    session.commit()  # may_act may have loaded the user's roles
    return answer


def _snapshot(session: Session, instance_id: int) -> tuple[object, ...]:
    instance = session.get(ProcessInstance, instance_id, populate_existing=True)
    assert instance is not None
    tasks = session.execute(
        select(HumanTask.id, HumanTask.status, HumanTask.assignee_id).order_by(HumanTask.id)
    ).all()
    audits = session.scalar(select(func.count(AuditEvent.id)))
    dossier = session.execute(select(Dossier.stage, Dossier.status)).all()
    session.commit()
    return (instance.state, instance.revision, instance.next_timer_at, tasks, audits, dossier)


def test_start_projects_the_first_task_scoped_to_the_unit(
    db_session: Session, world: World
) -> None:
    instance = _start(db_session, world)
    task = _row(db_session, _only(db_session, instance.id))
    assert (task.element_id, task.name, task.lane) == ("prepare", "Chuẩn bị hồ sơ", "unit_clerk")
    assert (task.candidate_role, task.candidate_unit_id) == ("unit_clerk", world.unit_a.id)
    assert task.stage == "prepare"
    assert [f["name"] for f in task.form] == ["title", "pages", "signed_on", "urgent"]
    assert task.due_at is not None
    assert task.due_at > task.created_at
    assert db_session.get_one(Dossier, world.dossier.id, populate_existing=True).stage == "prepare"
    db_session.rollback()
    # The state holds no spec: the spec lives once in workflow_spec.
    state = json.loads(instance.state)
    assert "spec" not in state["wf"]
    assert "subprocess_specs" not in state["wf"]


def test_complete_walks_the_process_to_its_outcome(db_session: Session, world: World) -> None:
    instance = _start(db_session, world)
    prepare = _only(db_session, instance.id)
    operations.complete(db_session, prepare, world.clerk_a, {"title": "Báo cáo", "pages": "12"})
    approve = _only(db_session, instance.id)
    row = _row(db_session, approve)
    assert (row.element_id, row.candidate_role) == ("approve", "unit_head")
    # dueWorkingDays names a data variable (review_days = 3).
    assert row.due_at == WorkingCalendar().add_working_days(row.created_at, 3)
    operations.complete(db_session, approve, world.head_a, {"decision": "approve"})
    finished = db_session.get_one(ProcessInstance, instance.id, populate_existing=True)
    assert finished is not None
    assert finished.status == "completed"
    assert finished.next_timer_at is None
    dossier = db_session.get_one(Dossier, world.dossier.id, populate_existing=True)
    assert dossier is not None
    assert (dossier.stage, dossier.status) == ("archived", "awarded")
    actions = db_session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["spec_deployed", "instance_started", "task_completed", "task_completed"]
    summary = db_session.scalars(select(AuditEvent.summary).order_by(AuditEvent.id)).all()[2]
    assert summary["data"]["pages"] == 12
    assert summary["next"] == ["approve"]


def test_only_the_unit_head_of_the_dossiers_unit_may_review(
    db_session: Session, world: World
) -> None:
    instance = _start(db_session, world)
    operations.complete(db_session, _only(db_session, instance.id), world.clerk_a, {"title": "x"})
    approve = _only(db_session, instance.id)
    # Who sees the dossier but may not act is refused; who may not even see it finds nothing
    # (the step answers from the rows it locks, so a caller needs no visibility read first).
    for intruder, refusal in (
        (world.head_b, NotFound),
        (world.admin, Forbidden),
        (world.outsider, NotFound),
        (world.clerk_a, Forbidden),
    ):
        assert not _acts(db_session, intruder, approve)
        with pytest.raises(refusal):
            operations.complete(db_session, approve, intruder, {"decision": "approve"})
    assert _acts(db_session, world.head_a, approve)


def test_completing_a_finished_task_is_a_conflict(db_session: Session, world: World) -> None:
    instance = _start(db_session, world)
    prepare = _only(db_session, instance.id)
    operations.complete(db_session, prepare, world.clerk_a, {"title": "x"})
    with pytest.raises(Conflict):
        operations.complete(db_session, prepare, world.clerk_a, {"title": "x"})
    with pytest.raises(NotFound):
        operations.complete(db_session, 999_999, world.clerk_a, {"title": "x"})


def test_form_errors_are_reported_per_field_in_vietnamese(
    db_session: Session, world: World
) -> None:
    instance = _start(db_session, world)
    prepare = _only(db_session, instance.id)
    with pytest.raises(ValidationFailed) as caught:
        operations.complete(
            db_session,
            prepare,
            world.clerk_a,
            {"title": "", "pages": "mười", "signed_on": "31/12/2025", "urgent": "maybe", "x": 1},
        )
    errors = caught.value.field_errors
    assert errors == {
        "title": "Vui lòng nhập «Tiêu đề».",
        "pages": "«Số trang» phải là số nguyên.",
        "signed_on": "«Ngày ký» phải là ngày theo dạng YYYY-MM-DD.",
        "urgent": "«Khẩn» phải là Có hoặc Không.",
        "x": "Trường này không có trong biểu mẫu của bước.",
    }
    operations.complete(db_session, prepare, world.clerk_a, {"title": "x"})
    approve = _only(db_session, instance.id)
    with pytest.raises(ValidationFailed) as caught:
        operations.complete(db_session, approve, world.head_a, {"decision": "maybe"})
    assert "decision" in caught.value.field_errors
    with pytest.raises(ValidationFailed) as caught:  # requiredIf: a return needs a reason
        operations.complete(db_session, approve, world.head_a, {"decision": "return"})
    assert caught.value.field_errors == {"reason": "Vui lòng nhập «Lý do»."}


def test_claim_unclaim_and_reassign(db_session: Session, world: World) -> None:
    instance = _start(db_session, world)
    operations.complete(db_session, _only(db_session, instance.id), world.clerk_a, {"title": "x"})
    approve = _only(db_session, instance.id)
    head_a_id, outsider_id = world.head_a.id, world.outsider.id
    with pytest.raises(Forbidden):
        operations.claim(db_session, approve, world.head_b)
    assert operations.claim(db_session, approve, world.head_a).assignee_id == head_a_id
    with pytest.raises(Forbidden):
        operations.unclaim(db_session, approve, world.clerk_a)
    assert operations.unclaim(db_session, approve, world.head_a).assignee_id is None
    for refused in (world.clerk_a, world.head_b, world.member):
        with pytest.raises(Forbidden):
            operations.reassign(db_session, approve, refused, head_a_id)
    with pytest.raises(ValidationFailed):
        operations.reassign(db_session, approve, world.secretary, outsider_id)
    task = operations.reassign(db_session, approve, world.secretary, head_a_id)
    assert task.assignee_id == head_a_id
    task = operations.reassign(db_session, approve, world.head_a, head_a_id)
    with pytest.raises(NotFound):
        operations.reassign(db_session, approve, world.admin, 999_999)
    actions = db_session.scalars(
        select(AuditEvent.action).where(AuditEvent.task_id == approve).order_by(AuditEvent.id)
    ).all()
    assert actions == ["task_claimed", "task_unclaimed", "task_reassigned", "task_reassigned"]


def test_a_claimed_task_belongs_to_its_assignee(db_session: Session, world: World) -> None:
    head_a2 = world.head_a
    instance = _start(db_session, world)
    prepare = _only(db_session, instance.id)
    clerk_id = world.clerk_a.id
    operations.reassign(db_session, prepare, world.secretary, clerk_id)
    assert not _acts(db_session, head_a2, prepare)
    with pytest.raises(Conflict):
        operations.claim(db_session, prepare, world.head_a)


def test_cancel_needs_a_reason_and_a_right(db_session: Session, world: World) -> None:
    instance_id = _start(db_session, world).id
    with pytest.raises(ValidationFailed):
        operations.cancel(db_session, instance_id, world.clerk_a, "  ")
    with pytest.raises(Forbidden):
        operations.cancel(db_session, instance_id, world.head_b, "không phải đơn vị mình")
    cancelled = operations.cancel(db_session, instance_id, world.clerk_a, "Đơn vị rút hồ sơ")
    assert (cancelled.status, cancelled.cancel_reason) == ("cancelled", "Đơn vị rút hồ sơ")
    assert _open(db_session, instance_id) == []
    assert (
        db_session.get_one(Dossier, world.dossier.id, populate_existing=True).status == "cancelled"
    )
    db_session.rollback()
    with pytest.raises(Conflict):
        operations.cancel(db_session, instance_id, world.admin, "lần nữa")
    with pytest.raises(NotFound):
        operations.cancel(db_session, 999_999, world.admin, "không có")


def test_revision_loop_is_bounded(db_session: Session, world: World) -> None:
    # max_returns = 3 (conftest): prepare may be reached 4 times; the 4th return is refused.
    instance = _start(db_session, world)
    for _ in range(3):
        operations.complete(
            db_session, _only(db_session, instance.id), world.clerk_a, {"title": "x"}
        )
        approve = _only(db_session, instance.id)
        operations.complete(
            db_session, approve, world.head_a, {"decision": "return", "reason": "bổ sung"}
        )
    operations.complete(db_session, _only(db_session, instance.id), world.clerk_a, {"title": "x"})
    approve = _only(db_session, instance.id)
    before = _snapshot(db_session, instance.id)
    with pytest.raises(RevisionLimitExceeded, match="vượt quá giới hạn 3 lần"):
        operations.complete(
            db_session, approve, world.head_a, {"decision": "return", "reason": "lần 4"}
        )
    assert _snapshot(db_session, instance.id) == before
    # The way forward still works.
    operations.complete(db_session, approve, world.head_a, {"decision": "approve"})


def test_an_exception_mid_step_leaves_everything_as_saved(
    db_session: Session, world: World, wiring: Wiring, monkeypatch: pytest.MonkeyPatch
) -> None:
    instance = _start(db_session, world)
    operations.complete(db_session, _only(db_session, instance.id), world.clerk_a, {"title": "x"})
    approve = _only(db_session, instance.id)
    before = _snapshot(db_session, instance.id)

    def broken() -> str:
        raise RuntimeError("injected")

    # The script after approve calls now_iso(): break it half-way through the step.
    monkeypatch.setitem(wiring.script_engine.environment.globals, "now_iso", broken)
    with pytest.raises(Exception, match="injected"):
        operations.complete(db_session, approve, world.head_a, {"decision": "approve"})
    assert _snapshot(db_session, instance.id) == before
    monkeypatch.undo()
    operations.complete(db_session, approve, world.head_a, {"decision": "approve"})
    assert (
        db_session.get_one(ProcessInstance, instance.id, populate_existing=True).status
        == "completed"
    )


def test_an_operation_adopts_the_read_transaction_and_commits_it(
    db_session: Session, world: World
) -> None:
    db_session.execute(select(1))  # reads before the operation (a view's checks) began one
    instance = _start(db_session, world)
    assert not db_session.in_transaction()
    assert _only(db_session, instance.id)


def test_operations_inside_a_caller_unit_are_one_commit_or_none(
    db_session: Session, world: World
) -> None:
    before = db_session.scalar(select(func.count(ProcessInstance.id)))
    with pytest.raises(NotFound), unit_of_work(db_session):  # noqa: PT012
        _start(db_session, world)
        assert db_session.in_transaction()  # the start joined the caller's unit: no commit yet
        operations.start(db_session, "nope", data={})
    assert db_session.scalar(select(func.count(ProcessInstance.id))) == before
    with unit_of_work(db_session):
        first, second = _start(db_session, world), _start(db_session, world)
    assert len(_open(db_session, first.id)) == len(_open(db_session, second.id)) == 1


def test_start_of_an_unknown_process_is_not_found(db_session: Session, world: World) -> None:
    with pytest.raises(NotFound):
        operations.start(db_session, "nope", data={})

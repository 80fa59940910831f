"""Engine operations: the only code that changes workflow state (STYLE.md, "one place").

Each operation is one unit of work (engine.unit_of_work): called on its own it commits when it
ends; called inside a caller's unit of work (filing a dossier starts its workflow) it joins it,
and the caller's unit commits once. On any exception everything rolls back to the last saved
state and the exception propagates; the in-memory workflow is thrown away with it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, or_, select
from sqlalchemy.orm import Session, aliased

from engine import audit, events, permissions, wiring
from engine.errors import Conflict, DeployError, Forbidden, NotFound, ValidationFailed
from engine.models import Dossier, HumanTask, ProcessInstance, User, WorkflowSpec
from engine.models.base import utcnow
from engine.models.org import UNIT_SCOPED_ROLES
from engine.text import MAX_REASON_CHARS, N_, bounded
from engine.unit_of_work import unit_of_work
from engine.workflow import forms, projection, specs, spiff, step_context, stepping
from engine.workflow.timers import fire_due_timers

__all__ = [
    "DeployCheck",
    "MigrationCheck",
    "Precondition",
    "cancel",
    "check_migration",
    "check_texts",
    "claim",
    "complete",
    "deliver_message",
    "deploy",
    "deploy_texts",
    "fire_due_timers",
    "lock_dossier",
    "migrate",
    "reassign",
    "start",
    "start_with_form",
    "startable",
    "unclaim",
]


# --- deploy and start ---------------------------------------------------------------------------


def deploy(
    session: Session, paths: Sequence[Path], actor_id: int | None = None
) -> list[WorkflowSpec]:
    """Deploy the .bpmn/.dmn files (folders: every file in them); unchanged files are a no-op."""
    bpmn, dmn = specs.read_sources(paths)
    return _deploy(session, bpmn, dmn, actor_id)


def deploy_texts(
    session: Session, files: dict[str, bytes], actor_id: int | None = None
) -> list[WorkflowSpec]:
    """Deploy files given as {name: content} (a browser upload), validated exactly as ``deploy``."""
    bpmn, dmn = specs.split_sources(files)
    return _deploy(session, bpmn, dmn, actor_id)


@dataclass(frozen=True)
class DeployCheck:
    """What a deploy of some files would say, without deploying: the refusal or the warnings."""

    error: DeployError | None
    warnings: list[dict[str, Any]]


def check_texts(session: Session, files: dict[str, bytes]) -> DeployCheck:
    """Run the deploy check on {name: content} and write nothing (the in-browser modeler)."""
    try:
        bpmn, beside = specs.split_sources(files)
        processes, design = specs.check(bpmn, beside)
        for process in processes:
            specs.check_people(session, process.process_id, design)
    except DeployError as exc:
        return DeployCheck(exc, [])
    warnings = [
        {"file": n.file, "element": n.element_id, "message": n.message} for n in design.warnings
    ]
    return DeployCheck(None, warnings)


def _deploy(
    session: Session, bpmn: dict[str, bytes], dmn: dict[str, bytes], actor_id: int | None
) -> list[WorkflowSpec]:
    with unit_of_work(session):
        existing = set(session.scalars(select(WorkflowSpec.id)))
        result = specs.deploy_sources(session, bpmn, dmn, actor_id)
        for row in result:
            if row.id not in existing:
                audit.record(
                    session,
                    "spec_deployed",
                    actor_id=actor_id,
                    summary={
                        "process_id": row.process_id,
                        "version": row.version,
                        "hash": row.content_hash,
                        "files": sorted(row.sources),
                    },
                )
    return result


def start(
    session: Session,
    process_id: str,
    *,
    data: dict[str, Any],
    dossier_id: int | None = None,
    council_session_id: int | None = None,
    actor_id: int | None = None,
) -> ProcessInstance:
    """Start ``process_id`` on its current version with ``data``; return the saved instance.

    A domain operation that also writes its own rows (filing a dossier) calls it inside its own
    unit of work, so the rows and the workflow are one commit.
    """
    with unit_of_work(session):
        try:
            start_data = json.loads(json.dumps(data))
        except (TypeError, ValueError) as exc:
            raise ValidationFailed(
                N_("Dữ liệu khởi tạo không chuyển được sang JSON: %(exc)s", exc=exc)
            ) from None
        row = specs.current_spec(session, process_id)
        spec_set = specs.spec_set_for_id(session, row.id)
        workflow = spiff.new_workflow(spec_set, wiring.of(session).script_engine)
        spiff.set_start_data(workflow, start_data)
        now = utcnow()
        instance = ProcessInstance(
            spec_id=row.id,
            process_id=process_id,
            dossier_id=dossier_id,
            council_session_id=council_session_id,
            status="running",
            state="{}",
            revision=0,
            created_at=now,
            updated_at=now,
        )
        session.add(instance)
        session.flush()
        step_context.bind(session, instance)
        step = stepping.Step(instance, workflow, {}, [], now=now)
        spiff.do_engine_steps(workflow)
        changes = stepping.save(session, step, actor_id)
        audit.record(
            session,
            "instance_started",
            actor_id=actor_id,
            instance=instance,
            summary={
                "process_id": process_id,
                "version": row.version,
                "ready": [r.element_id for r, _t in changes.created],
            },
        )
        return instance


@dataclass(frozen=True)
class Startable:
    """A deployed process a user may start, with its start form (the current version's)."""

    process_id: str
    name: str
    version: int
    form: list[dict[str, Any]]


def _start_of(session: Session, row: WorkflowSpec) -> tuple[dict[str, Any] | None, list[str]]:
    """Return the version's start (design["start"]) and its starter groups resolved to roles."""
    start = (row.design or {}).get("start")
    if not start:
        return None, []
    mapped = specs.group_roles(session, row.process_id)
    roles = [r for g in start.get("groups", []) if (r := specs.resolve_group(g, mapped))]
    return start, roles


def startable(session: Session, user: User) -> list[Startable]:
    """Return the processes ``user`` may start from the start page: the current version of
    every deployed process whose start event was designed to be started by people (a start
    form, starter groups or users, or a start event in a lane)."""
    found = []
    for process_id in sorted(set(session.scalars(select(WorkflowSpec.process_id)))):
        row = specs.current_spec(session, process_id)
        start, roles = _start_of(session, row)
        if start is None or not (start.get("form") or start.get("groups") or start.get("users")):
            continue
        if permissions.may_start(user, roles, start.get("users", [])):
            found.append(Startable(process_id, row.name, row.version, list(start.get("form", []))))
    return found


def start_with_form(
    session: Session, process_id: str, actor: User, data: dict[str, Any]
) -> ProcessInstance:
    """Start ``process_id`` as ``actor`` with the start form's ``data`` (page, API and CLI).

    The data are checked against the start form; the instance's data also get ``unit_id`` (the
    actor's unit, which scopes unit roles), ``started_by`` (the actor's id) and, when the start
    event names one (``camunda:initiator``), the initiator variable holding the user name.
    """
    with unit_of_work(session):
        row = specs.current_spec(session, process_id)
        design, roles = _start_of(session, row)
        if design is None or not (
            design.get("form") or design.get("groups") or design.get("users")
        ):
            raise NotFound(f"Quy trình «{process_id}» không được khởi tạo từ trang này.")
        if not permissions.may_start(user=actor, roles=roles, usernames=design.get("users", [])):
            raise Forbidden("Bạn không có quyền khởi tạo quy trình này.")
        form = list(design.get("form", []))
        cleaned = forms.validate(form, data)
        start_data: dict[str, Any] = {
            "unit_id": actor.unit_id,
            "started_by": actor.id,
            **cleaned,
        }
        for field_def in form:
            if field_def.get("readonly") and "default" in field_def:
                start_data[field_def["name"]] = field_def["default"]
        initiator = design.get("initiator")
        if initiator:
            start_data[initiator] = actor.username
        return start(session, process_id, data=start_data, actor_id=actor.id)


# --- human tasks --------------------------------------------------------------------------------


# Built once: building it cost more than running it (bench/engine.py). The dossier comes in the
# same statement (not locked): the eligibility check on submission and the notifications read it,
# and each would otherwise SELECT it again.
_TASK_ROWS = (
    select(HumanTask, ProcessInstance, Dossier)
    .join(ProcessInstance, HumanTask.instance_id == ProcessInstance.id)
    .outerjoin(Dossier, Dossier.id == ProcessInstance.dossier_id)
)
_LOCK_TASK = (
    _TASK_ROWS.where(HumanTask.id == bindparam("task_id"))
    .with_for_update(of=(HumanTask, ProcessInstance))
    .execution_options(populate_existing=True)
)


def _lock_task(session: Session, task_id: int) -> tuple[HumanTask, ProcessInstance, Dossier | None]:
    """Return the task and its instance, both locked, with the instance's dossier.

    Hold on to the dossier while it is needed: the session keeps unmodified objects only weakly.
    """
    row = session.execute(_LOCK_TASK, {"task_id": task_id}).first()
    if row is None:
        raise NotFound(f"Không tìm thấy công việc #{task_id}.")
    return row[0], row[1], row[2]


_SIBLING = aliased(HumanTask)
_INSTANCE_OF_TASK = (
    select(_SIBLING.instance_id).where(_SIBLING.id == bindparam("task_id")).scalar_subquery()
)
# SQLite's BEGIN IMMEDIATE takes the write lock before the first read, so the task, its instance
# and dossier and the instance's open rows can come in one statement. Not on PostgreSQL: rows
# another step inserted while this one waited for the lock would be missing from the snapshot.
_TASK_WITH_OPEN_ROWS = (
    _TASK_ROWS.where(
        HumanTask.instance_id == _INSTANCE_OF_TASK,
        or_(HumanTask.status == "ready", HumanTask.id == bindparam("task_id")),
    )
    .order_by(HumanTask.id)
    .execution_options(populate_existing=True)
)


def _lock_task_and_open_rows(
    session: Session, task_id: int
) -> tuple[HumanTask, ProcessInstance, Dossier | None, list[HumanTask]]:
    """Return what :func:`_lock_task` returns and the instance's ready rows (see above)."""
    if session.get_bind().dialect.name != "sqlite":
        task, instance, dossier = _lock_task(session, task_id)
        return task, instance, dossier, stepping.open_rows(session, instance.id)
    rows = session.execute(_TASK_WITH_OPEN_ROWS, {"task_id": task_id}).all()
    found = [row for row in rows if row[0].id == task_id]
    if not found:
        raise NotFound(f"Không tìm thấy công việc #{task_id}.")
    task, instance, dossier = found[0]
    return task, instance, dossier, [row[0] for row in rows if row[0].status == "ready"]


def _require_ready(task: HumanTask) -> None:
    if task.status != "ready":
        raise Conflict(
            N_(
                "Công việc «%(name)s» không còn chờ xử lý (%(status)s); có thể người khác vừa "
                "xử lý. Vui lòng tải lại trang.",
                name=task.name,
                status=task.status,
            )
        )


#: A caller's check on a row just locked, inside the operation's transaction (the API's
#: If-Match: it raises when the row is no longer the version the caller read). Run after the
#: lock, so a change between the caller's read and the lock is seen, never overwritten.
Precondition = Callable[[Any], None]


def lock_dossier(
    session: Session, dossier_id: int, precondition: Precondition | None = None
) -> Dossier:
    """Return the dossier locked for the caller's unit of work, freshly read, after checking
    ``precondition`` on it (NotFound if there is none).

    The dossier's running instance is locked first, in the order an engine step takes them
    (instance, then the dossier it updates), so a withdrawal and a step cannot deadlock.
    """
    session.execute(
        select(ProcessInstance.id)
        .where(ProcessInstance.dossier_id == dossier_id, ProcessInstance.status == "running")
        .with_for_update()
    ).all()
    dossier = session.scalars(
        select(Dossier)
        .where(Dossier.id == dossier_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one_or_none()
    if dossier is None:
        raise NotFound(f"Không tìm thấy hồ sơ #{dossier_id}.")
    if precondition is not None:
        precondition(dossier)
    return dossier


def _submitted(instance: ProcessInstance, task: HumanTask, created: Sequence[HumanTask]) -> bool:
    """Whether completing ``task`` sent the dossier up from its unit: a step of a unit-scoped
    lane (clerk, unit head) opened work outside the unit only (the agency's next step)."""
    return (
        instance.dossier_id is not None
        and instance.status == "running"
        and task.candidate_role in UNIT_SCOPED_ROLES
        and bool(created)
        and all(row.candidate_role not in UNIT_SCOPED_ROLES for row in created)
    )


def complete(
    session: Session,
    task_id: int,
    actor: User,
    data: dict[str, Any],
    precondition: Precondition | None = None,
) -> HumanTask:
    """Complete a ready task with form ``data``, run the engine to the next wait, save.

    ``precondition`` is called with the locked task before anything else is checked.
    """
    with unit_of_work(session):
        # The dossier is held for the step (the session holds unmodified objects weakly).
        task, instance, held, rows = _lock_task_and_open_rows(session, task_id)
        # The locked rows answer the visibility question too: a caller needs no read before.
        if not permissions.may_see_task(actor, task, held):
            raise NotFound(f"Không tìm thấy công việc #{task_id}.")
        if precondition is not None:
            precondition(task)
        _require_ready(task)
        if not permissions.may_act(actor, task):
            raise Forbidden(N_("Bạn không có quyền xử lý công việc «%(name)s».", name=task.name))
        guard = wiring.of(session).act_guard
        if guard is not None:
            guard(session, task, actor)
        cleaned = forms.validate(task.form, data)
        task_data = forms.take_secrets(session, task, cleaned)
        # E.g. eligibility checked again from the award history when the clerk submits.
        provider = wiring.of(session).completion_data.get(task.element_id)
        if provider is not None:
            task_data.update(provider(session, instance, task))
        step = stepping.load(session, instance, rows)
        spiff_task = spiff.get_task(step.workflow, task.task_uuid)
        if spiff_task is None or not spiff.is_ready(spiff_task):
            raise Conflict(N_("Công việc «%(name)s» không còn chờ xử lý.", name=task.name))
        spiff.run_task(spiff_task, task_data)
        spiff.do_engine_steps(step.workflow)
        projection.close_row(session, task, "completed", step.now, actor.id)
        step.published.append(events.TaskCompleted(task.id, actor.id))
        decided = forms.decision(task.form, cleaned)
        if instance.dossier_id is not None and decided is not None and decided.returned:
            step.published.append(
                events.DossierReturned(instance.dossier_id, task.id, decided.reason or "", actor.id)
            )
        changes = stepping.save(session, step, actor.id)
        created = [r for r, _t in changes.created]
        if instance.dossier_id is not None and _submitted(instance, task, created):
            events.publish(
                session, [events.DossierSubmitted(instance.dossier_id, task.id, actor.id)]
            )
        summary = forms.audit_summary(task.form, cleaned)
        summary["next"] = [r.element_id for r, _t in changes.created]
        audit.record(
            session,
            "task_completed",
            actor_id=actor.id,
            instance=instance,
            task=task,
            summary=summary,
        )
    return task


def _assign(
    session: Session,
    task: HumanTask,
    instance: ProcessInstance,
    assignee_id: int | None,
    actor: User,
    action: str,
) -> HumanTask:
    previous = task.assignee_id
    task.assignee_id = assignee_id
    audit.record(
        session,
        action,
        actor_id=actor.id,
        instance=instance,
        task=task,
        summary={"assignee_id": assignee_id, "previous_id": previous},
    )
    events.publish(session, [events.TaskAssigned(task.id, assignee_id, previous, actor.id)])
    return task


def claim(
    session: Session, task_id: int, actor: User, precondition: Precondition | None = None
) -> HumanTask:
    """Take a ready task for oneself so that others in the group see it is being handled."""
    with unit_of_work(session):
        task, instance, _dossier = _lock_task(session, task_id)
        if precondition is not None:
            precondition(task)
        _require_ready(task)
        if task.assignee_id == actor.id:
            return task
        if task.assignee_id is not None:
            raise Conflict(N_("Công việc «%(name)s» đã có người nhận xử lý.", name=task.name))
        if not permissions.may_claim(actor, task):
            raise Forbidden(N_("Bạn không có quyền nhận công việc «%(name)s».", name=task.name))
        return _assign(session, task, instance, actor.id, actor, "task_claimed")


def unclaim(
    session: Session, task_id: int, actor: User, precondition: Precondition | None = None
) -> HumanTask:
    """Give a claimed task back to its group (its assignee, or whoever may reassign it)."""
    with unit_of_work(session):
        task, instance, _dossier = _lock_task(session, task_id)
        if precondition is not None:
            precondition(task)
        _require_ready(task)
        if task.assignee_id is None:
            return task
        if not permissions.may_unclaim(actor, task):
            raise Forbidden(
                N_("Bạn không thể trả lại công việc «%(name)s» của người khác.", name=task.name)
            )
        return _assign(session, task, instance, None, actor, "task_unclaimed")


def reassign(session: Session, task_id: int, actor: User, assignee_id: int) -> HumanTask:
    """Hand a ready task to ``assignee_id``, who must be able to act on it.

    An operation that hands over several tasks at once (deactivating a user) calls it inside its
    own unit of work, so the hand-overs succeed or fail as a whole.
    """
    with unit_of_work(session):
        task, instance, _dossier = _lock_task(session, task_id)
        _require_ready(task)
        if not permissions.may_reassign(actor, task):
            raise Forbidden(
                N_("Chỉ trưởng đơn vị, Thường trực Hội đồng hoặc quản trị được giao lại việc.")
            )
        if forms.has_secret_field(task.form) and task.candidate_role == "council_member":
            # A member's secret ballot is theirs alone: nobody may vote in their place.
            raise Conflict(
                N_(
                    "Phiếu bầu kín «%(name)s» không thể giao cho người khác; thành viên vắng "
                    "mặt gửi phiếu bằng văn bản qua Thường trực Hội đồng.",
                    name=task.name,
                )
            )
        assignee = session.get(User, assignee_id)
        if assignee is None:
            raise NotFound(f"Không tìm thấy người dùng #{assignee_id}.")
        if not permissions.may_be_given(assignee, task):
            raise ValidationFailed(
                N_(
                    "%(full_name)s không thuộc nhóm xử lý công việc «%(name)s».",
                    full_name=assignee.full_name,
                    name=task.name,
                ),
                {"assignee_id": N_("Người được giao không có vai trò phù hợp.")},
            )
        return _assign(session, task, instance, assignee_id, actor, "task_reassigned")


# --- instances ----------------------------------------------------------------------------------


def cancel(session: Session, instance_id: int, actor: User, reason: str) -> ProcessInstance:
    """Stop a running instance (withdraw a dossier, cancel a session) with a reason."""
    if not reason or not reason.strip():
        raise ValidationFailed(
            N_("Vui lòng nêu lý do hủy."), {"reason": N_("Vui lòng nêu lý do hủy.")}
        )
    reason = bounded(reason, "reason", N_("Lý do hủy"), MAX_REASON_CHARS)
    with unit_of_work(session):
        instance = stepping.require_instance(session, instance_id)
        stepping.require_running(instance)
        unit_id = (
            None
            if instance.dossier_id is None
            else session.scalar(select(Dossier.unit_id).where(Dossier.id == instance.dossier_id))
        )
        if not permissions.may_cancel(actor, unit_id):
            raise Forbidden(N_("Bạn không có quyền hủy hồ sơ/quy trình này."))
        step = stepping.load(session, instance)
        spiff.cancel_workflow(step.workflow)
        instance.cancel_reason = reason
        stepping.write_instance(
            session,
            instance,
            state=stepping.dump_state(step.workflow, step.reached),
            revision=instance.revision + 1,
            updated_at=step.now,
            next_timer_at=None,
            status="cancelled",
            completed_at=step.now,
        )
        for row in step.open_rows:
            row.status = "cancelled"
            row.completed_at = step.now
        if instance.dossier_id is not None:
            step.dossier = projection.update_dossier(
                session, instance.dossier_id, {"status": "cancelled"}, step.now
            )
            events.publish(session, [events.DossierDecided(instance.dossier_id, "cancelled")])
        audit.record(
            session,
            "instance_cancelled",
            actor_id=actor.id,
            instance=instance,
            summary={"reason": reason},
        )
    return instance


def deliver_message(
    session: Session,
    instance_id: int,
    name: str,
    payload: dict[str, Any],
    actor_id: int | None = None,
) -> ProcessInstance:
    """Deliver message ``name`` to a waiting instance; Conflict if it does not wait for it."""
    with unit_of_work(session):
        return stepping.deliver(session, instance_id, name, payload, actor_id)


# --- migration ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MigrationCheck:
    ok: bool
    reasons: list[str] = field(default_factory=list)


def _migration_plan(
    session: Session, instance: ProcessInstance, spec_id: int
) -> tuple[MigrationCheck, Any]:
    target = session.get(WorkflowSpec, spec_id)
    if target is None:
        raise NotFound(N_("Phiên bản quy trình #%(spec_id)s không tồn tại.", spec_id=spec_id))
    reasons = []
    if instance.status != "running":
        reasons.append(N_("Quy trình đã kết thúc (%(status)s).", status=instance.status))
    if target.process_id != instance.process_id:
        reasons.append(
            N_(
                "Phiên bản #%(spec_id)s thuộc quy trình khác (%(process_id)s).",
                spec_id=spec_id,
                process_id=target.process_id,
            )
        )
    if target.id == instance.spec_id:
        reasons.append(N_("Quy trình đã ở phiên bản này."))
    if reasons:
        return MigrationCheck(False, reasons), None
    step = stepping.load(session, instance)
    new = specs.spec_set_for_id(session, spec_id)
    diff, sub_diffs = spiff.diff_against(step.workflow, new)
    changed, removed = spiff.changed_elements(diff)
    reasons += [
        N_("Bước «%(e)s» đã chạy và đã thay đổi trong phiên bản mới.", e=e) for e in sorted(changed)
    ]
    reasons += [
        N_("Bước «%(e)s» đã chạy hoặc đang chờ nhưng không còn trong phiên bản mới.", e=e)
        for e in sorted(removed)
    ]
    return MigrationCheck(not reasons, reasons), (step, diff, sub_diffs, new)


def check_migration(session: Session, instance_id: int, spec_id: int) -> MigrationCheck:
    """Say whether the instance can move to version ``spec_id``, and if not, why."""
    with unit_of_work(session):
        instance = stepping.require_instance(session, instance_id)
        check, _plan = _migration_plan(session, instance, spec_id)
    return check


def migrate(session: Session, instance_id: int, spec_id: int, actor: User) -> ProcessInstance:
    """Move a live instance to version ``spec_id`` (admin only); Conflict with reasons if unsafe."""
    with unit_of_work(session):
        if not permissions.may_administer(actor, "versions"):
            raise Forbidden(N_("Chỉ quản trị hệ thống được chuyển phiên bản quy trình."))
        instance = stepping.require_instance(session, instance_id)
        check, plan = _migration_plan(session, instance, spec_id)
        if not check.ok:
            raise Conflict(N_("Không thể chuyển phiên bản: ") + " ".join(check.reasons))
        step, diff, sub_diffs, new = plan
        previous = instance.spec_id
        spiff.migrate(step.workflow, diff, sub_diffs, new)
        spiff.do_engine_steps(step.workflow)
        instance.spec_id = spec_id
        stepping.save(session, step, actor.id)
        audit.record(
            session,
            "instance_migrated",
            actor_id=actor.id,
            instance=instance,
            summary={"from_spec_id": previous, "to_spec_id": spec_id},
        )
    return instance

"""Load a locked instance, advance it, save it with its projection: the inside of every operation.

Nothing here commits: operations own the transaction (one per step, DESIGN.md rule 2), so an
exception anywhere leaves the last saved state, projection and audit untouched.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from engine import audit, events, wiring
from engine.errors import Conflict, NotFound
from engine.models import Dossier, HumanTask, ProcessInstance
from engine.models.base import utcnow
from engine.text import N_
from engine.workflow import cache as workflow_cache
from engine.workflow import projection, specs, spiff, step_context

#: How deep thrown messages may fan out (council → dossiers → …) before we call it a cycle.
MAX_MESSAGE_DEPTH = 4


@dataclass
class Step:
    """A loaded instance during one operation."""

    instance: ProcessInstance
    workflow: Any
    reached: dict[str, list[Any]]
    open_rows: list[HumanTask]
    now: datetime = field(default_factory=utcnow)
    published: list[events.Event] = field(default_factory=list)
    #: The dossier as this step left it, held so that subscribers find it in the session.
    dossier: Dossier | None = None


# The statements of every step are built once: building one cost more than running it on SQLite
# (~80-150 us against ~20-50 us, bench/engine.py --profile). populate_existing because sessions
# keep objects past commit (expire_on_commit=False): a locked row must be read afresh.
_LOCK_INSTANCE = {
    skip: select(ProcessInstance)
    .where(ProcessInstance.id == bindparam("instance_id"))
    .with_for_update(skip_locked=skip)
    .execution_options(populate_existing=True)
    for skip in (False, True)
}
_OPEN_ROWS = (
    select(HumanTask)
    .where(HumanTask.instance_id == bindparam("instance_id"), HumanTask.status == "ready")
    .execution_options(populate_existing=True)
)
_INSTANCE = ProcessInstance.metadata.tables[ProcessInstance.__tablename__]
#: The columns a step writes; the same set every time, so one statement serves every save.
_SAVED_COLUMNS = ("state", "revision", "updated_at", "next_timer_at", "status", "completed_at")
_SAVE_INSTANCE = (
    update(_INSTANCE)
    .where(_INSTANCE.c.id == bindparam("b_id"))
    .values({name: bindparam(f"b_{name}") for name in _SAVED_COLUMNS})
)


def lock_instance(
    session: Session, instance_id: int, *, skip_locked: bool = False
) -> ProcessInstance | None:
    """Return the instance row locked for this transaction (SQLite: BEGIN IMMEDIATE holds it)."""
    return session.scalar(_LOCK_INSTANCE[skip_locked], {"instance_id": instance_id})


def require_instance(session: Session, instance_id: int) -> ProcessInstance:
    instance = lock_instance(session, instance_id)
    if instance is None:
        raise NotFound(f"Không tìm thấy quy trình #{instance_id}.")
    return instance


def require_running(instance: ProcessInstance) -> None:
    if instance.status != "running":
        raise Conflict(
            N_(
                "Quy trình #%(id)s đã kết thúc (%(status)s).",
                id=instance.id,
                status=instance.status,
            )
        )


def open_rows(session: Session, instance_id: int) -> list[HumanTask]:
    return list(session.scalars(_OPEN_ROWS, {"instance_id": instance_id}))


def load(session: Session, instance: ProcessInstance, rows: list[HumanTask] | None = None) -> Step:
    """Return the instance's workflow and its open task rows.

    The workflow this process saved last time is used when the row still holds exactly what was
    saved (engine.workflow.cache); otherwise the row is deserialized, the spec from the cache.
    """
    plugs = wiring.of(session)
    kept = plugs.workflows.take(instance.id, instance.spec_id, instance.state)
    if kept is not None:
        workflow, reached = kept.workflow, kept.reached
    else:
        spec_set = specs.spec_set_for_id(session, instance.spec_id)
        envelope = json.loads(instance.state)
        workflow = spiff.load_workflow(envelope["wf"], spec_set, plugs.script_engine)
        reached = envelope.get("reached", {})
    rows = open_rows(session, instance.id) if rows is None else rows
    step_context.bind(session, instance)
    return Step(instance, workflow, reached, rows)


def dump_state(workflow: Any, reached: dict[str, list[Any]]) -> str:
    """Return the instance's stored state: the workflow without spec, plus arrival counts."""
    return '{"reached":' + json.dumps(reached) + ',"wf":' + spiff.dump_workflow(workflow) + "}"


def save(session: Session, step: Step, actor_id: int | None, depth: int = 0) -> projection.Changes:
    """Route thrown messages, project tasks, store state and timers, publish events."""
    # The new tasks' router and the notifications ask who holds the same lanes: read once.
    with step_context.keeping_reads(session):
        return _save(session, step, actor_id, depth)


def _save(session: Session, step: Step, actor_id: int | None, depth: int) -> projection.Changes:
    instance, workflow = step.instance, step.workflow
    plugs = wiring.of(session)
    for name, payload in spiff.thrown_messages(workflow):
        route_thrown(session, instance, name, payload, actor_id, depth)
    changes = projection.sync(
        session, instance, workflow, step.open_rows, step.reached, plugs.max_returns, step.now
    )
    completed = spiff.is_completed(workflow)
    finished = completed and instance.status == "running"
    state = dump_state(workflow, step.reached)
    write_instance(
        session,
        instance,
        state=state,
        revision=instance.revision + 1,
        updated_at=step.now,
        next_timer_at=None if completed else spiff.next_timer_at(workflow),
        status="completed" if finished else instance.status,
        completed_at=step.now if finished else instance.completed_at,
    )
    values = projection.dossier_values(workflow, changes, completed)
    step.dossier = projection.update_dossier(session, instance.dossier_id, values, step.now)
    step.published.extend(events.TaskReady(row.id, new=True) for row, _t in changes.created)
    if completed and instance.dossier_id is not None and "status" in values:
        step.published.append(events.DossierDecided(instance.dossier_id, values["status"]))
    events.publish(session, step.published)
    if not completed:
        # Kept before the commit: if it rolls back, the row keeps its old text and the entry
        # is never used (engine.workflow.cache). Nothing touches the workflow after this.
        entry = workflow_cache.Entry(state, instance.spec_id, workflow, step.reached)
        plugs.workflows.keep(instance.id, entry)
    return changes


def write_instance(session: Session, instance: ProcessInstance, **values: Any) -> None:
    """UPDATE the instance row with ``values`` (every saved column) and keep the object in step.

    One prebuilt statement instead of the unit of work's flush, which cost more than the
    UPDATE itself; the loaded object gets the values as committed state, so nothing is flushed
    twice. A rollback expires the object like any other, so it is read again from the row.
    """
    session.execute(
        _SAVE_INSTANCE, {"b_id": instance.id, **{f"b_{k}": values[k] for k in _SAVED_COLUMNS}}
    )
    for name in _SAVED_COLUMNS:
        set_committed_value(instance, name, values[name])


# --- messages between instances ------------------------------------------------------------------


def route_thrown(
    session: Session,
    sender: ProcessInstance,
    name: str,
    payload: Any,
    actor_id: int | None,
    depth: int,
) -> None:
    """Deliver a message a workflow threw to the instances its route names (same transaction)."""
    route = wiring.of(session).message_routes.get(name)
    if route is None:
        audit.record(
            session,
            "message_unrouted",
            actor_id=actor_id,
            instance=sender,
            summary={"message": name},
        )
        return
    if depth >= MAX_MESSAGE_DEPTH:
        raise Conflict(
            N_(
                "Thông điệp «%(name)s» lan truyền quá %(MAX_MESSAGE_DEPTH)s cấp; nghi vòng lặp.",
                name=name,
                MAX_MESSAGE_DEPTH=MAX_MESSAGE_DEPTH,
            )
        )
    # A routed message is the system's step (the council's result, not its last voter's): the
    # receiving instances record it without an actor.
    for target_id, target_payload in route(session, sender, payload):
        deliver(session, target_id, name, target_payload, None, depth=depth + 1, strict=False)


def deliver(
    session: Session,
    instance_id: int,
    name: str,
    payload: Any,
    actor_id: int | None,
    *,
    depth: int = 0,
    strict: bool = True,
) -> ProcessInstance:
    """Send message ``name`` to one instance and advance it.

    ``strict``: an instance that does not wait for the message is a Conflict; otherwise (fan-out
    from another instance) the miss is recorded in the audit trail and the sender goes on.
    """
    instance = require_instance(session, instance_id)
    if instance.status != "running" and not strict:
        audit.record(
            session,
            "message_not_delivered",
            actor_id=actor_id,
            instance=instance,
            summary={"message": name, "reason": instance.status},
        )
        return instance
    require_running(instance)
    step = load(session, instance)
    try:
        spiff.send_message(step.workflow, name, payload)
    except spiff.NotWaiting:
        if strict:
            raise Conflict(
                N_(
                    "Quy trình #%(instance_id)s không chờ thông điệp «%(name)s» lúc này.",
                    instance_id=instance_id,
                    name=name,
                )
            ) from None
        audit.record(
            session,
            "message_not_delivered",
            actor_id=actor_id,
            instance=instance,
            summary={"message": name, "reason": "not waiting"},
        )
        return instance
    spiff.do_engine_steps(step.workflow)
    save(session, step, actor_id, depth)
    # Message payloads are results and reasons (a council tally, a withdrawal), never votes.
    audit.record(
        session,
        "message_delivered",
        actor_id=actor_id,
        instance=instance,
        summary={"message": name, "payload": payload},
    )
    return instance

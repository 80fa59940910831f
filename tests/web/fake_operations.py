"""A stand-in for ``engine.operations`` (written on the engine branch) for web tests.

It keeps the real module's signatures and error types and its one-transaction-per-call
contract, with the simplest rules that let pages be exercised. Tests that need the real
workflow semantics run after the engine branch merges (see the report of issue 5).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from engine import queries
from engine.errors import Conflict, Forbidden, NotFound, ValidationFailed
from engine.models import HumanTask, SealedBallot, User
from engine.models.base import utcnow

calls: list[tuple[str, int]] = []


def can_act(user: User, task: HumanTask) -> bool:
    return queries.may_act(user, task)


def _ready(session: Session, task_id: int) -> HumanTask:
    task = session.get(HumanTask, task_id)
    if task is None:
        raise NotFound("Không tìm thấy việc.")
    if task.status != "ready":
        raise Conflict("Việc này không còn chờ xử lý.")
    return task


def claim(session: Session, task_id: int, actor: User) -> HumanTask:
    with session.begin():
        task = _ready(session, task_id)
        if task.assignee_id is not None or not queries.is_candidate(actor, task):
            raise Forbidden("Bạn không thể nhận việc này.")
        task.assignee_id = actor.id
    calls.append(("claim", task_id))
    return task


def unclaim(session: Session, task_id: int, actor: User) -> HumanTask:
    with session.begin():
        task = _ready(session, task_id)
        if task.assignee_id != actor.id:
            raise Forbidden("Việc này không do bạn giữ.")
        task.assignee_id = None
    calls.append(("unclaim", task_id))
    return task


def complete(session: Session, task_id: int, actor: User, data: dict[str, Any]) -> HumanTask:
    with session.begin():
        task = _ready(session, task_id)
        if not queries.may_act(actor, task):
            raise Forbidden("Bạn không xử lý việc này.")
        errors = {
            f["name"]: "Trường này là bắt buộc."
            for f in task.form
            if f.get("required") and data.get(f["name"]) in (None, "")
        }
        if errors:
            raise ValidationFailed("Dữ liệu chưa hợp lệ.", errors)
        for f in task.form:
            if f.get("type") == "ballot":
                session.add(
                    SealedBallot(
                        session_id=1,
                        member_id=actor.id,
                        dossier_id=f["dossier_id"],
                        vote=data[f["name"]],
                    )
                )
        task.status = "completed"
        task.completed_at = utcnow()
        task.completed_by = actor.id
    calls.append(("complete", task_id))
    return task

"""Tasks: my inbox and my groups', one task with its form, claim, unclaim, complete; ballots."""

from __future__ import annotations

from typing import Any

from flask import Response

from engine import permissions
from engine.errors import NotFound, ValidationFailed
from engine.models import HumanTask
from engine.read import queries
from engine.workflow import operations
from web.api import schemas
from web.api.base import (
    Param,
    api_user,
    body,
    dump,
    etag_of,
    if_match,
    list_filters,
    operation,
    paged,
    with_etag,
)
from web.api.params import list_params
from web.context import db

TAG = "tasks"
TASK_PARAMS = (
    *list_params(schemas.TASK_SORTS),
    Param("due", {"type": "string", "enum": list(queries.DUE_STATES)}, "Due state"),
)
_ACT_ERRORS = (403, 404, 409, 412)


def task_etag(task: HumanTask) -> str:
    """The task's entity tag: changes when it is claimed, given back or completed."""
    return etag_of("task", task.id, task.status, task.assignee_id, task.completed_at)


def task_answer(task_id: int) -> Response:
    user = api_user()
    row = queries.task_view(db(), user, task_id)  # one statement, fresh after a step
    detail = schemas.TaskDetail.detail(row, permissions.may_act(user, row.task))
    return with_etag(dump(detail), task_etag(row.task))


def _inbox(box: queries.Box) -> Response:
    filters = list_filters(schemas.TASK_SORTS)
    page = queries.inbox(db(), api_user(), box, filters)
    return paged(
        [dump(schemas.Task.of(r)) for r in page.items], page.total, page.number, page.per_page, page
    )


@operation(
    "GET",
    "/tasks/mine",
    "list_my_tasks",
    TAG,
    "Open tasks assigned to me",
    response=schemas.page_of(schemas.Task),
    query=TASK_PARAMS,
    paged=True,
)
def my_tasks() -> Response:
    return _inbox("mine")


@operation(
    "GET",
    "/tasks/group",
    "list_group_tasks",
    TAG,
    "Open tasks my groups may claim",
    response=schemas.page_of(schemas.Task),
    query=TASK_PARAMS,
    paged=True,
)
def group_tasks() -> Response:
    return _inbox("group")


@operation(
    "GET",
    "/tasks/<int:task_id>",
    "get_task",
    TAG,
    "A task with its form (ETag)",
    response=schemas.TaskDetail,
    errors=(404,),
    etag=True,
)
def task_detail(task_id: int) -> Response:
    return task_answer(task_id)


def _assignment(task_id: int, run: Any) -> Response:
    """Claim or unclaim (``run``) a task the caller may see, If-Match checked on the locked row."""
    permissions.visible_task(db(), api_user(), task_id)  # 404 before anything is told
    run(db(), task_id, api_user(), if_match(task_etag))
    return task_answer(task_id)


@operation(
    "POST",
    "/tasks/<int:task_id>/claim",
    "claim_task",
    TAG,
    "Claim a group task",
    response=schemas.TaskDetail,
    errors=_ACT_ERRORS,
    etag=True,
    if_match=True,
)
def claim(task_id: int) -> Response:
    return _assignment(task_id, operations.claim)


@operation(
    "POST",
    "/tasks/<int:task_id>/unclaim",
    "unclaim_task",
    TAG,
    "Give a claimed task back to its group",
    response=schemas.TaskDetail,
    errors=_ACT_ERRORS,
    etag=True,
    if_match=True,
)
def unclaim(task_id: int) -> Response:
    return _assignment(task_id, operations.unclaim)


@operation(
    "POST",
    "/tasks/<int:task_id>/complete",
    "complete_task",
    TAG,
    "Complete a task with its form data",
    response=schemas.TaskDetail,
    errors=(400, *_ACT_ERRORS, 422),
    body=schemas.CompleteRequest,
    etag=True,
    if_match=True,
)
def complete(task_id: int) -> Response:
    data = body(schemas.CompleteRequest)
    # Nothing is read first: complete() answers NotFound for a task the user may not see, from
    # the rows it locks, then checks If-Match on them.
    operations.complete(db(), task_id, api_user(), data.data, if_match(task_etag))
    return task_answer(task_id)


@operation(
    "POST",
    "/ballots/<int:task_id>",
    "cast_ballot",
    "council",
    "Cast my ballot sheet, or enter an absent member's written ballot (once)",
    response=schemas.BallotReceipt,
    errors=(400, 403, 404, 409, 422),
    body=schemas.BallotRequest,
)
def cast_ballot(task_id: int) -> dict[str, Any]:
    """Cast a ballot sheet (or enter a written one): votes by dossier id, sent once."""
    data = body(schemas.BallotRequest)
    task = permissions.visible_task(db(), api_user(), task_id)
    if not queries.is_ballot(task):
        raise NotFound("Không tìm thấy phiếu bầu.")
    sheet = queries.ballot_sheet(db(), task)
    unknown = sorted(set(data.votes) - {str(d.id) for d in sheet.dossiers})
    if unknown:
        raise ValidationFailed(
            "Phiếu có hồ sơ không thuộc phiên họp.",
            {f"votes.{k}": "Hồ sơ không có trong phiếu." for k in unknown},
        )
    operations.complete(db(), task_id, api_user(), {sheet.field_name: dict(data.votes)})
    return dump(schemas.BallotReceipt(task_id=task_id, submitted=True))

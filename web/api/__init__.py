"""JSON API under /api/v1: the inbox, task actions, dossiers and ballots, by bearer token.

A request with ``Authorization: Bearer <token>`` is the token's user and needs no CSRF token;
without one, the browser session's user is used and CSRF is checked like any form.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, g, request
from flask_login import current_user
from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError

from engine import permissions
from engine.domain import tokens
from engine.errors import NotFound, ValidationFailed
from engine.models import User
from engine.read import queries
from engine.workflow import operations
from web.api import schemas
from web.api.openapi import build_document
from web.context import db
from web.errors import json_error
from web.security import is_token_request

bp = Blueprint("api", __name__, url_prefix="/api/v1")

TASK_SORTS = schemas.TASK_SORTS
DOSSIER_SORTS = schemas.DOSSIER_SORTS
#: The largest JSON body the API reads: room for every field of a form at its maximum
#: (engine.workflow.forms.DEFAULT_MAX_LENGTH, even as \uXXXX escapes); a larger one is a 413.
MAX_JSON_BYTES = 512 * 1024


@bp.before_request
def _authenticate() -> Any:
    if request.endpoint == "api.openapi":
        return None
    user: User | None = None
    if is_token_request():
        user = tokens.authenticate(db(), request.headers["Authorization"].removeprefix("Bearer "))
    elif current_user.is_authenticated:
        user = current_user.user
    if user is None:
        return json_error(401, "unauthorized", "Cần mã truy cập (token) hợp lệ.")
    g.api_user = user
    return None


def _user() -> User:
    user: User = g.api_user
    return user


def _json(model: BaseModel) -> dict[str, Any]:
    return model.model_dump(mode="json")


def _body(model: type[schemas.Model]) -> Any:
    if (request.content_length or 0) > MAX_JSON_BYTES:
        abort(413)
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        abort(400)
    try:
        return model.model_validate(payload)
    except PydanticValidationError as exc:
        fields = {".".join(str(p) for p in e["loc"]): e["msg"] for e in exc.errors()}
        raise ValidationFailed("Dữ liệu gửi lên không hợp lệ.", fields) from None


def _task_detail(task_id: int) -> dict[str, Any]:
    session = db()
    user = _user()
    task = permissions.visible_task(session, user, task_id)
    session.refresh(task)
    return _json(
        schemas.TaskDetail.detail(queries.task_row(session, task), permissions.may_act(user, task))
    )


def _page_info(page: queries.Page[Any]) -> schemas.PageInfo:
    return schemas.PageInfo(
        total=page.total, page=page.number, pages=page.pages, per_page=page.per_page
    )


@bp.get("/openapi.json")
def openapi() -> dict[str, Any]:
    return build_document()


@bp.get("/tasks/<any(mine, group):box>")
def task_list(box: queries.Box) -> dict[str, Any]:
    filters = queries.ListFilters.from_args(request.args, TASK_SORTS)
    page = queries.inbox(db(), _user(), box, filters)
    return _json(
        schemas.TaskList(items=[schemas.Task.of(r) for r in page.items], meta=_page_info(page))
    )


@bp.get("/tasks/<int:task_id>")
def task_detail(task_id: int) -> dict[str, Any]:
    return _task_detail(task_id)


@bp.post("/tasks/<int:task_id>/claim")
def claim(task_id: int) -> dict[str, Any]:
    permissions.visible_task(db(), _user(), task_id)
    operations.claim(db(), task_id, _user())
    return _task_detail(task_id)


@bp.post("/tasks/<int:task_id>/unclaim")
def unclaim(task_id: int) -> dict[str, Any]:
    permissions.visible_task(db(), _user(), task_id)
    operations.unclaim(db(), task_id, _user())
    return _task_detail(task_id)


@bp.post("/tasks/<int:task_id>/complete")
def complete(task_id: int) -> dict[str, Any]:
    body = _body(schemas.CompleteRequest)
    permissions.visible_task(db(), _user(), task_id)
    operations.complete(db(), task_id, _user(), body.data)
    return _task_detail(task_id)


@bp.get("/dossiers")
def dossier_list() -> dict[str, Any]:
    filters = queries.ListFilters.from_args(request.args, DOSSIER_SORTS)
    page = queries.dossier_list(db(), _user(), filters)
    return _json(
        schemas.DossierList(
            items=[schemas.DossierSummary.of(d) for d in page.items], meta=_page_info(page)
        )
    )


@bp.get("/dossiers/<int:dossier_id>")
def dossier_detail(dossier_id: int) -> dict[str, Any]:
    session = db()
    d = permissions.visible_dossier(session, _user(), dossier_id)
    summary = schemas.DossierSummary.of(d).model_dump()
    detail = schemas.DossierDetail(
        **summary,
        unit_name=d.unit.name,
        campaign_name=d.campaign.name,
        legal_basis=d.legal_basis,
        nominee_position=d.nominee_position,
        achievements=d.achievements,
        eligibility=d.eligibility,
        decision_no=d.decision_no,
        decision_date=d.decision_date,
        open_steps=[
            schemas.Step(
                task_id=s.task.id,
                name=s.task.name,
                element_id=s.task.element_id,
                candidate_role=s.task.candidate_role,
                candidate_unit_id=s.task.candidate_unit_id,
                assignee_id=s.task.assignee_id,
                due_at=s.task.due_at,
            )
            for s in queries.open_steps(session, d.id)
        ],
        timeline=[
            schemas.TimelineItem(
                at=e.event.at,
                action=e.event.action,
                actor_id=e.event.actor_id,
                actor_name=e.actor_name,
                element_id=e.event.element_id,
            )
            for e in queries.timeline(session, d.id)
        ],
        attachments=[schemas.AttachmentInfo.of(a) for a in queries.attachments(session, d.id)],
        comments=[schemas.CommentInfo.of(c) for c in queries.comments(session, d.id)],
    )
    return _json(detail)


@bp.post("/ballots/<int:task_id>")
def cast_ballot(task_id: int) -> dict[str, Any]:
    """Cast a ballot sheet (or enter a written one): votes by dossier id, sent once."""
    body = _body(schemas.BallotRequest)
    task = permissions.visible_task(db(), _user(), task_id)
    if not queries.is_ballot(task):
        raise NotFound("Không tìm thấy phiếu bầu.")
    sheet = queries.ballot_sheet(db(), task)
    unknown = sorted(set(body.votes) - {str(d.id) for d in sheet.dossiers})
    if unknown:
        raise ValidationFailed(
            "Phiếu có hồ sơ không thuộc phiên họp.",
            {f"votes.{k}": "Hồ sơ không có trong phiếu." for k in unknown},
        )
    operations.complete(db(), task_id, _user(), {sheet.field_name: dict(body.votes)})
    return _json(schemas.BallotReceipt(task_id=task_id, submitted=True))


from web.api import processes  # noqa: E402, F401 - the start endpoints, on bp

"""Council sessions: open one over the dossiers waiting for it, list them, read one with its
open steps (attendance, written ballots, closing) and its results — counts, never votes.

Members present, written ballots and closing are steps of the session's workflow: they are
completed with ``complete_task`` and ``cast_ballot`` like every other step.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Response, url_for
from pydantic import AwareDatetime, Field
from sqlalchemy import func, select

from engine import permissions
from engine.domain import council, dossier_facts
from engine.errors import Forbidden, NotFound
from engine.models import CouncilSession, Dossier, HumanTask, ProcessInstance
from web.api import schemas
from web.api.base import api_user, body, dump, json_response, operation, page_and_size, paged
from web.api.params import ID
from web.context import db

TAG = "council"


class OpenSessionRequest(schemas.Model):
    campaign_id: int = Field(ge=1, le=ID["maximum"])
    meeting_date: date = Field(description="The meeting's date (ISO 8601)")
    dossier_ids: list[int] | None = Field(
        default=None,
        max_length=1000,
        description="The dossiers on the sheet (default: every dossier waiting for the council)",
    )


class SessionSummary(schemas.Model):
    id: int
    campaign_id: int
    meeting_date: date
    status: str = Field(description="open, voting or closed")
    dossier_ids: list[int]
    created_at: AwareDatetime


class DossierResult(schemas.Model):
    """The council's tally for one dossier of the session: counts only."""

    dossier_id: int
    nominee_name: str
    title_code: str
    selected: bool | None = Field(description="None until the session is closed")
    agree: int | None
    disagree: int | None
    members: int | None


class SessionDetail(SessionSummary):
    open_steps: list[schemas.Step]
    results: list[DossierResult]


def _may_see(user: Any) -> bool:
    return permissions.may_open_council_session(user) or permissions.may_see_reports(user)


def _summary(s: CouncilSession) -> dict[str, Any]:
    return {
        "id": s.id,
        "campaign_id": s.campaign_id,
        "meeting_date": s.meeting_date,
        "status": s.status,
        "dossier_ids": list(s.dossier_ids),
        "created_at": s.created_at,
    }


def session_answer(session_id: int, status: int = 200) -> Response:
    dbs = db()
    user = api_user()
    sitting = dbs.get(CouncilSession, session_id)
    if sitting is None or not (_may_see(user) or council.is_member(dbs, sitting, user.id)):
        raise NotFound("Không tìm thấy phiên họp.")
    steps = dbs.scalars(
        select(HumanTask)
        .join(ProcessInstance, ProcessInstance.id == HumanTask.instance_id)
        .where(ProcessInstance.council_session_id == sitting.id, HumanTask.status == "ready")
        .order_by(HumanTask.id)
    )
    results = []
    for dossier in dbs.scalars(select(Dossier).where(Dossier.id.in_(sitting.dossier_ids))):
        result = dossier_facts.council_result(dbs, dossier.id)
        results.append(
            DossierResult(
                dossier_id=dossier.id,
                nominee_name=dossier.nominee_name,
                title_code=dossier.title_code,
                selected=result.selected if result else None,
                agree=result.agree if result else None,
                disagree=result.disagree if result else None,
                members=result.members if result else None,
            )
        )
    detail = SessionDetail(
        **_summary(sitting),
        open_steps=[
            schemas.Step(
                task_id=t.id,
                name=t.name,
                element_id=t.element_id,
                candidate_role=t.candidate_role,
                candidate_unit_id=t.candidate_unit_id,
                assignee_id=t.assignee_id,
                due_at=t.due_at,
            )
            for t in steps
        ],
        results=results,
    )
    response = json_response(dump(detail), status)
    if status == 201:
        response.headers["Location"] = url_for("api.get_council_session", session_id=sitting.id)
    return response


@operation(
    "GET",
    "/council-sessions",
    "list_council_sessions",
    TAG,
    "Council sessions, newest meeting first (secretariat, managers)",
    response=schemas.page_of(SessionSummary),
    errors=(403,),
    paged=True,
)
def list_sessions() -> Response:
    user = api_user()
    if not _may_see(user):
        raise Forbidden("Chỉ Thường trực Hội đồng và lãnh đạo xem danh sách phiên họp.")
    number, per_page = page_and_size()
    dbs = db()
    total = dbs.scalar(select(func.count(CouncilSession.id))) or 0
    rows = dbs.scalars(
        select(CouncilSession)
        .order_by(CouncilSession.meeting_date.desc(), CouncilSession.id.desc())
        .limit(per_page)
        .offset((number - 1) * per_page)
    )
    return paged([dump(SessionSummary(**_summary(s))) for s in rows], total, number, per_page)


@operation(
    "POST",
    "/council-sessions",
    "open_council_session",
    TAG,
    "Open a council session over dossiers waiting for the council (secretariat)",
    response=SessionDetail,
    status=201,
    errors=(400, 403, 404, 409, 422),
    body=OpenSessionRequest,
)
def open_session() -> Response:
    data = body(OpenSessionRequest)
    if not permissions.may_open_council_session(api_user()):
        raise Forbidden("Chỉ Thường trực Hội đồng được mở phiên họp.")
    sitting = council.open_session(
        db(), api_user(), data.campaign_id, data.meeting_date, data.dossier_ids
    )
    return session_answer(sitting.id, 201)


@operation(
    "GET",
    "/council-sessions/<int:session_id>",
    "get_council_session",
    TAG,
    "A council session: its open steps and each dossier's result (counts, never votes)",
    response=SessionDetail,
    errors=(404,),
)
def get_session(session_id: int) -> Response:
    return session_answer(session_id)

"""Dossiers: the list, one dossier (ETag), filing, withdrawing, letting an ineligible one on,
its history and its diagram with the steps done and open."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Response, url_for
from pydantic import AwareDatetime, Field

from engine import permissions
from engine.domain import dossier_facts, dossiers, initiatives
from engine.domain.dossiers import MAX_ACHIEVEMENTS_CHARS
from engine.models import Dossier
from engine.read import queries
from web.api import schemas
from web.api.base import (
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
from web.api.params import ID, list_params
from web.context import db
from web.i18n import eligibility_view, translate

TAG = "dossiers"


class FileRequest(schemas.Model):
    campaign_id: int = Field(ge=1, le=ID["maximum"], description="The campaign (đợt thi đua)")
    title_code: str = Field(max_length=20, description="A title the campaign opens, e.g. LDTT")
    nominee_user_id: int | None = Field(
        default=None, ge=1, le=ID["maximum"], description="An individual nominee (staff member)"
    )
    nominee_unit_id: int | None = Field(
        default=None, ge=1, le=ID["maximum"], description="A collective nominee (unit)"
    )
    achievements: str | None = Field(
        default=None, max_length=MAX_ACHIEVEMENTS_CHARS, description="Achievement summary"
    )


class CouncilResultInfo(schemas.Model):
    """The council's tally for the dossier: counts only, never who voted how."""

    at: AwareDatetime
    meeting_date: date | None
    selected: bool
    agree: int
    disagree: int
    members: int
    reason: str


class AttachedInitiative(schemas.InitiativeFields):
    """An initiative or research the dossier rests on (read-only: chosen on the dossier page)."""

    authors: list[str]


class DossierFull(schemas.DossierDetail):
    initiatives: list[AttachedInitiative] = Field(
        description="The nominee's initiatives and research attached to the dossier"
    )
    council_result: CouncilResultInfo | None
    may_withdraw: bool
    may_override: bool


class History(schemas.Model):
    items: list[schemas.TimelineItem]


class DiagramState(schemas.Model):
    completed: list[str] = Field(description="Element ids of the steps done")
    current: list[str] = Field(description="Element ids of the steps open now")
    bpmn: str = Field(description="The BPMN XML the dossier's instance runs")


def dossier_etag(d: Dossier) -> str:
    """The dossier's entity tag: changes with every step, withdrawal or override."""
    return etag_of("dossier", d.id, d.updated_at.isoformat(), d.stage, d.status, d.eligibility)


def _timeline(dossier_id: int) -> list[schemas.TimelineItem]:
    return [
        schemas.TimelineItem(
            at=e.event.at,
            action=e.event.action,
            actor_id=e.event.actor_id,
            actor_name=e.actor_name,
            element_id=e.event.element_id,
        )
        for e in queries.timeline(db(), dossier_id)
    ]


def dossier_answer(dossier_id: int, status: int = 200) -> Response:
    session = db()
    user = api_user()
    d = permissions.visible_dossier(session, user, dossier_id)
    session.refresh(d)
    result = dossier_facts.council_result(session, d.id)
    detail = DossierFull(
        **schemas.DossierSummary.of(d).model_dump(),
        unit_name=d.unit.name,
        campaign_name=d.campaign.name,
        legal_basis=d.legal_basis,
        nominee_position=d.nominee_position,
        achievements=d.achievements,
        eligibility=eligibility_view(d.eligibility),
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
        timeline=_timeline(d.id),
        attachments=[schemas.AttachmentInfo.of(a) for a in queries.attachments(session, d.id)],
        comments=[schemas.CommentInfo.of(c) for c in queries.comments(session, d.id)],
        initiatives=[
            AttachedInitiative(**schemas.InitiativeFields.fields_of(i), authors=list(i.authors))
            for i in initiatives.attached(session, d.id)
        ],
        council_result=(
            CouncilResultInfo(**(result.__dict__ | {"reason": translate(result.reason)}))
            if result
            else None
        ),
        may_withdraw=permissions.may_withdraw(user, d) and dossier_facts.withdrawable(d),
        may_override=permissions.may_override_eligibility(user) and dossier_facts.overridable(d),
    )
    response = with_etag(dump(detail), dossier_etag(d), status)
    # Eligibility and council reasons are in the request's language.
    response.vary.add("Accept-Language")
    if status == 201:
        response.headers["Location"] = url_for("api.get_dossier", dossier_id=d.id)
    return response


@operation(
    "GET",
    "/dossiers",
    "list_dossiers",
    TAG,
    "Dossiers I may see",
    response=schemas.page_of(schemas.DossierSummary),
    query=list_params(schemas.DOSSIER_SORTS),
    paged=True,
)
def dossier_list() -> Response:
    filters = list_filters(schemas.DOSSIER_SORTS)
    page = queries.dossier_list(db(), api_user(), filters)
    return paged(
        [dump(schemas.DossierSummary.of(d)) for d in page.items],
        page.total,
        page.number,
        page.per_page,
        page,
    )


@operation(
    "POST",
    "/dossiers",
    "file_dossier",
    TAG,
    "File a nomination dossier (its procedure starts at once)",
    response=DossierFull,
    status=201,
    errors=(400, 403, 404, 409, 422),
    body=FileRequest,
    etag=True,
)
def file_dossier() -> Response:
    data = body(FileRequest)
    dossier = dossiers.file_dossier(
        db(),
        api_user(),
        campaign_id=data.campaign_id,
        title_code=data.title_code,
        nominee_user_id=data.nominee_user_id,
        nominee_unit_id=data.nominee_unit_id,
        achievements=(data.achievements or "").strip() or None,
    )
    return dossier_answer(dossier.id, 201)


@operation(
    "GET",
    "/dossiers/<int:dossier_id>",
    "get_dossier",
    TAG,
    "A dossier with its steps, timeline, attachments, comments and council result (ETag)",
    response=DossierFull,
    errors=(404,),
    etag=True,
)
def dossier_detail(dossier_id: int) -> Response:
    return dossier_answer(dossier_id)


def _act(dossier_id: int, run: Any, reason: str) -> Response:
    """Withdraw or override (``run``); If-Match is checked on the dossier once it is locked."""
    permissions.visible_dossier(db(), api_user(), dossier_id)  # 404 before anything is told
    run(db(), api_user(), dossier_id, reason, if_match(dossier_etag))
    return dossier_answer(dossier_id)


@operation(
    "POST",
    "/dossiers/<int:dossier_id>/withdraw",
    "withdraw_dossier",
    TAG,
    "Withdraw a dossier before the council's result, with a reason",
    response=DossierFull,
    errors=(400, 403, 404, 409, 412, 422),
    body=schemas.Reason,
    etag=True,
    if_match=True,
)
def withdraw(dossier_id: int) -> Response:
    return _act(dossier_id, dossiers.withdraw_dossier, body(schemas.Reason).reason)


@operation(
    "POST",
    "/dossiers/<int:dossier_id>/override",
    "override_eligibility",
    TAG,
    "Let an ineligible dossier go on (administrators), with a reason",
    response=DossierFull,
    errors=(400, 403, 404, 409, 412, 422),
    body=schemas.Reason,
    etag=True,
    if_match=True,
)
def override(dossier_id: int) -> Response:
    return _act(dossier_id, dossiers.override_eligibility, body(schemas.Reason).reason)


@operation(
    "GET",
    "/dossiers/<int:dossier_id>/history",
    "get_dossier_history",
    TAG,
    "The dossier's audit trail, oldest first",
    response=History,
    errors=(404,),
)
def history(dossier_id: int) -> dict[str, Any]:
    permissions.visible_dossier(db(), api_user(), dossier_id)
    return dump(History(items=_timeline(dossier_id)))


@operation(
    "GET",
    "/dossiers/<int:dossier_id>/diagram",
    "get_dossier_diagram",
    TAG,
    "The dossier's BPMN diagram with the steps done and open",
    response=DiagramState,
    errors=(404,),
)
def diagram(dossier_id: int) -> dict[str, Any]:
    session = db()
    permissions.visible_dossier(session, api_user(), dossier_id)
    xml = queries.diagram_source(session, dossier_id)
    state = queries.diagram_state(session, dossier_id)
    return dump(DiagramState(bpmn=xml or "", **state))

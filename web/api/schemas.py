"""The API's request and response bodies; the OpenAPI document is generated from these."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, create_model

from engine.models import Attachment, Comment, Dossier, HumanTask
from engine.read import queries

#: The sort keys the API's lists take, the first the default (the OpenAPI document lists them).
TASK_SORTS = ("due", "-due", "waiting", "-waiting", "nominee", "-nominee", "dossier", "-dossier")
DOSSIER_SORTS = ("-updated", "updated", "nominee", "-nominee", "id", "-id")


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class InitiativeFields(Model):
    """What every answer says of an initiative (sáng kiến) or research (đề tài): the list's
    items and a dossier's attached ones add their authors, each in its own shape."""

    id: int
    kind: Literal["initiative", "research"] | str = Field(
        description="initiative (sáng kiến) | research (đề tài)"
    )
    title: str
    year: int
    level: Literal["co_so", "bo_tinh", "toan_quoc"] | str = Field(
        description="The recognising level: co_so | bo_tinh | toan_quoc"
    )
    scope: Literal["unit", "province", "national"] | str = Field(
        description="Its scope of effect: unit | province | national"
    )
    decision_no: str | None
    decision_date: date | None
    issued_by: str | None

    @staticmethod
    def fields_of(initiative: object) -> dict[str, Any]:
        """The shared fields' values of ``initiative`` (a row or a view with those names)."""
        return {name: getattr(initiative, name) for name in InitiativeFields.model_fields}


class Problem(Model):
    """An RFC 9457 problem: every error the API answers (application/problem+json)."""

    type: str = Field(description="urn:tdkt:problem:<code>, one per code")
    title: str = Field(description="What kind of problem, in the request's language")
    status: int = Field(description="The HTTP status")
    detail: str = Field(description="What went wrong this time, in the request's language")
    code: str = Field(description="Stable machine-readable code, e.g. not_found, conflict")
    fields: dict[str, str] | None = Field(
        default=None, description="Per-field or per-parameter messages"
    )


class DossierSummary(Model):
    id: int
    nominee_name: str
    nominee_kind: Literal["individual", "collective"]
    title_code: str
    unit_id: int
    campaign_id: int
    year: int
    stage: str
    status: str

    @classmethod
    def of(cls, d: Dossier) -> DossierSummary:
        return cls(
            id=d.id,
            nominee_name=d.nominee_name,
            nominee_kind=d.nominee_kind,
            title_code=d.title_code,
            unit_id=d.unit_id,
            campaign_id=d.campaign_id,
            year=d.year,
            stage=d.stage,
            status=d.status,
        )


class Choice(Model):
    #: A person or unit picker's choices are ids; a select's are text.
    value: str | int
    label: str


class FormField(Model):
    model_config = ConfigDict(extra="allow")

    name: str
    type: str = "text"
    label: str = ""
    required: bool = False
    choices: list[Choice] | None = None
    help: str | None = None


class Task(Model):
    id: int
    name: str
    element_id: str
    stage: str | None
    status: str
    candidate_role: str | None
    candidate_unit_id: int | None
    assignee_id: int | None
    created_at: AwareDatetime
    due_at: AwareDatetime | None
    due_state: Literal["overdue", "soon", "ok"] | None
    dossier: DossierSummary | None

    @classmethod
    def of(cls, row: queries.TaskRow) -> Task:
        t: HumanTask = row.task
        return cls(
            id=t.id,
            name=t.name,
            element_id=t.element_id,
            stage=t.stage,
            status=t.status,
            candidate_role=t.candidate_role,
            candidate_unit_id=t.candidate_unit_id,
            assignee_id=t.assignee_id,
            created_at=t.created_at,
            due_at=t.due_at,
            due_state=row.due_state,
            dossier=DossierSummary.of(row.dossier) if row.dossier else None,
        )


class TaskDetail(Task):
    form: list[FormField]
    can_act: bool

    @classmethod
    def detail(cls, row: queries.TaskRow, can_act: bool) -> TaskDetail:
        base = Task.of(row).model_dump()
        return cls(**base, form=[FormField(**f) for f in row.task.form], can_act=can_act)


class PageInfo(Model):
    total: int
    page: int
    pages: int
    per_page: int


class TaskList(Model):
    items: list[Task]
    meta: PageInfo


class DossierList(Model):
    items: list[DossierSummary]
    meta: PageInfo


class Step(Model):
    task_id: int
    name: str
    element_id: str
    candidate_role: str | None
    candidate_unit_id: int | None
    assignee_id: int | None
    due_at: AwareDatetime | None


class TimelineItem(Model):
    at: AwareDatetime
    action: str
    actor_id: int | None
    actor_name: str | None
    element_id: str | None


class AttachmentInfo(Model):
    id: int
    filename: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: AwareDatetime

    @classmethod
    def of(cls, a: Attachment) -> AttachmentInfo:
        return cls(
            id=a.id,
            filename=a.filename,
            content_type=a.content_type,
            size=a.size,
            sha256=a.sha256,
            uploaded_at=a.uploaded_at,
        )


class CommentInfo(Model):
    id: int
    author_id: int
    author_name: str
    body: str
    created_at: AwareDatetime

    @classmethod
    def of(cls, c: Comment) -> CommentInfo:
        return cls(
            id=c.id,
            author_id=c.author_id,
            author_name=c.author.full_name,
            body=c.body,
            created_at=c.created_at,
        )


class DossierDetail(DossierSummary):
    unit_name: str
    campaign_name: str
    legal_basis: str
    nominee_position: str | None
    achievements: str | None
    eligibility: dict[str, Any]
    decision_no: str | None
    decision_date: date | None
    open_steps: list[Step]
    timeline: list[TimelineItem]
    attachments: list[AttachmentInfo]
    comments: list[CommentInfo]


class CompleteRequest(Model):
    data: dict[str, Any] = Field(
        max_length=100, description="Values of the task's declared form fields"
    )


class BallotRequest(Model):
    votes: dict[str, Literal["agree", "disagree", "recuse"]] = Field(
        max_length=1000,
        description="Dossier id (as a string) → vote for the dossiers of the session's sheet; "
        "recuse = does not take part (conflict of interest); a dossier left out is a blank vote",
    )


class BallotReceipt(Model):
    task_id: int
    submitted: Literal[True]


def page_of(model: type[BaseModel]) -> type[BaseModel]:
    """Return the ``{"items": [model], "meta": PageInfo}`` model of a list of ``model``."""
    return create_model(
        f"{model.__name__}Page",
        __base__=Model,
        items=(list[model], ...),  # type: ignore[valid-type]
        meta=(PageInfo, ...),
    )


class Reason(Model):
    reason: str = Field(min_length=1, max_length=2000, description="Why, for the audit trail")

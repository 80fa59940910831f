"""Deployed specs, running instances, the human-task projection and the audit trail.

Lists (inboxes, dashboards, sweeps) read only these indexed tables; nothing that answers a list
deserializes a workflow (DESIGN.md, engine rule 3).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.models.base import Base, utcnow

OPEN = text("completed_at IS NULL")
UNCLAIMED = text("completed_at IS NULL AND assignee_id IS NULL")
REMINDER_PENDING = text("completed_at IS NULL AND next_reminder_at IS NOT NULL")


class WorkflowSpec(Base):
    """A deployed version of one process: its parsed, serialized spec stored once by hash."""

    __tablename__ = "workflow_spec"
    __table_args__ = (
        UniqueConstraint("process_id", "version", name="uq_workflow_spec_process_version"),
        UniqueConstraint("process_id", "content_hash", name="uq_workflow_spec_process_hash"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[str] = mapped_column(String(120), index=True)
    name: Mapped[str] = mapped_column(String(255), default="")
    version: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))
    #: SpiffWorkflow's serialized spec and subprocess specs (JSON text), parsed once at deploy.
    serialized: Mapped[str] = mapped_column(Text)
    #: The source files as deployed, {file name: XML}, for diagrams and audits.
    sources: Mapped[dict[str, str]] = mapped_column(JSON)
    deployed_at: Mapped[datetime] = mapped_column(default=utcnow)
    deployed_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    #: What the deploy check learnt besides the spec (engine.workflow.notations.Design.to_json):
    #: warnings per element, the start form and its starters, the designer group names.
    design: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class ProcessGroupRole(Base):
    """A designer's lane or candidate-group name of one process mapped to a procedure role."""

    __tablename__ = "process_group_role"
    __table_args__ = (
        UniqueConstraint("process_id", "group_name", name="uq_process_group_role_process_group"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[str] = mapped_column(String(120))
    group_name: Mapped[str] = mapped_column(String(255))
    role_code: Mapped[str] = mapped_column(ForeignKey("role.code"))


class ProcessInstance(Base):
    """One running (or finished) workflow; ``state`` is the serialized workflow without its spec."""

    __tablename__ = "process_instance"
    __table_args__ = (
        # The timer sweep: "instances whose next timer is due" (tasks/timers).
        Index(
            "ix_process_instance_next_timer_at",
            "next_timer_at",
            postgresql_where=text("next_timer_at IS NOT NULL"),
            sqlite_where=text("next_timer_at IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    spec_id: Mapped[int] = mapped_column(ForeignKey("workflow_spec.id"), index=True)
    process_id: Mapped[str] = mapped_column(String(120))
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossier.id"), index=True)
    council_session_id: Mapped[int | None] = mapped_column(
        ForeignKey("council_session.id"), index=True
    )
    #: running | completed | cancelled
    status: Mapped[str] = mapped_column(String(20), default="running", index=True)
    state: Mapped[str] = mapped_column(Text)
    next_timer_at: Mapped[datetime | None]
    #: Incremented on every save; a cheap check that nobody saved in between.
    revision: Mapped[int] = mapped_column(Integer, default=0)
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[datetime | None]

    spec: Mapped[WorkflowSpec] = relationship()


class HumanTask(Base):
    """The projection of a ready (or done) user task, so inboxes never load a workflow."""

    __tablename__ = "human_task"
    __table_args__ = (
        # "My tasks": open tasks assigned to a user, in the inbox's order (due, id), so a page
        # is read off the index (web inbox, API, nav counts).
        # The included columns let PostgreSQL count a box from the index alone (an index-only
        # scan): "mine", and the claimed tasks a supervisor may hand on (migration 0020).
        Index(
            "ix_human_task_open_assignee_due",
            "assignee_id",
            "due_at",
            "id",
            postgresql_where=OPEN,
            sqlite_where=OPEN,
            postgresql_include=["candidate_role", "candidate_unit_id", "status"],
        ),
        # "My groups' tasks": open, unclaimed tasks of a role in the inbox's order (the
        # secretariat's 50,000 at 100k dossiers: a page no longer sorts them all).
        Index(
            "ix_human_task_unclaimed_role_due",
            "candidate_role",
            "due_at",
            "id",
            postgresql_where=UNCLAIMED,
            sqlite_where=UNCLAIMED,
            # A lane's count from the index alone: 60,000 open tasks of the secretariat at
            # 100k dossiers were a heap scan of 33,000 blocks (340 ms); index-only, 21 ms.
            postgresql_include=["candidate_unit_id", "status"],
        ),
        # "My groups' tasks": open tasks a role (scoped to a unit) may claim (inbox, nav counts).
        Index(
            "ix_human_task_open_candidate",
            "candidate_role",
            "candidate_unit_id",
            postgresql_where=OPEN,
            sqlite_where=OPEN,
            postgresql_include=["assignee_id", "status"],
        ),
        # "Overdue" and the reminder sweep: open tasks by due date (dashboard, tasks/reminders);
        # with the id, also a supervisor's group list (their lanes' tasks or the claimed ones
        # they may hand on: an OR no lane index serves), read in its order off this index.
        Index("ix_human_task_open_due", "due_at", "id", postgresql_where=OPEN, sqlite_where=OPEN),
        # The reminder sweep: open tasks whose next rung has come (engine.notify).
        Index(
            "ix_human_task_open_next_reminder",
            "next_reminder_at",
            postgresql_where=REMINDER_PENDING,
            sqlite_where=REMINDER_PENDING,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: SpiffWorkflow's task id (UUID text) within the instance.
    task_uuid: Mapped[str] = mapped_column(String(36), unique=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"), index=True)
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossier.id"), index=True)
    element_id: Mapped[str] = mapped_column(String(120))
    name: Mapped[str] = mapped_column(String(255))
    lane: Mapped[str | None] = mapped_column(String(120))
    stage: Mapped[str | None] = mapped_column(String(40))
    candidate_role: Mapped[str | None] = mapped_column(ForeignKey("role.code"))
    candidate_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    #: The person a multi-instance task is about (the member whose ballot it is).
    subject_user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    #: The declared form: [{name, type, label, required, choices, help}], copied from the spec.
    form: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    due_at: Mapped[datetime | None]
    #: The limit ``due_at`` was counted from (working days after ``created_at``), kept so that a
    #: calendar change can recount it without loading the workflow.
    due_working_days: Mapped[int | None]
    #: When the reminder ladder's next rung fires (None: no rung left); kept by engine.notify.
    next_reminder_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]
    completed_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    #: ready | completed | cancelled (cancelled: the instance moved on without it)
    status: Mapped[str] = mapped_column(String(20), default="ready")


class AuditEvent(Base):
    """Append-only trail of who did what; on PostgreSQL a trigger refuses UPDATE and DELETE."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    action: Mapped[str] = mapped_column(String(60))
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"), index=True)
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossier.id"), index=True)
    task_id: Mapped[int | None] = mapped_column(ForeignKey("human_task.id"))
    element_id: Mapped[str | None] = mapped_column(String(120))
    #: What changed, never a secret ballot's content.
    summary: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

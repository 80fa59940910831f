"""Deployed specs, process instances and human tasks, inserted directly."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.models import (
    Dossier,
    HumanTask,
    OrgUnit,
    ProcessInstance,
    User,
    WorkflowSpec,
)
from tests.common.base import add, serial
from tests.common.people import UNIT_ROLES

#: A minimal but valid diagram for the dossier page's viewer.
BPMN_XML = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI"
  xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"
  xmlns:di="http://www.omg.org/spec/DD/20100524/DI" id="defs" targetNamespace="tdkt">
  <bpmn:process id="dossier" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:userTask id="prepare" name="Chuẩn bị hồ sơ"/>
    <bpmn:userTask id="unit_review" name="Bình xét tại đơn vị"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="prepare"/>
    <bpmn:sequenceFlow id="f2" sourceRef="prepare" targetRef="unit_review"/>
  </bpmn:process>
  <bpmndi:BPMNDiagram id="d1">
    <bpmndi:BPMNPlane id="p1" bpmnElement="dossier">
      <bpmndi:BPMNShape id="start_di" bpmnElement="start">
        <dc:Bounds x="100" y="100" width="36" height="36"/></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="prepare_di" bpmnElement="prepare">
        <dc:Bounds x="180" y="78" width="100" height="80"/></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="unit_review_di" bpmnElement="unit_review">
        <dc:Bounds x="330" y="78" width="100" height="80"/></bpmndi:BPMNShape>
      <bpmndi:BPMNEdge id="f1_di" bpmnElement="f1">
        <di:waypoint x="136" y="118"/><di:waypoint x="180" y="118"/></bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="f2_di" bpmnElement="f2">
        <di:waypoint x="280" y="118"/><di:waypoint x="330" y="118"/></bpmndi:BPMNEdge>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>
"""

REVIEW_FORM: list[dict[str, Any]] = [
    {
        "name": "decision",
        "type": "choice",
        "label": "Kết quả bình xét",
        "required": True,
        "choices": [
            {"value": "approve", "label": "Đồng ý đề nghị"},
            {"value": "return", "label": "Trả lại để bổ sung"},
            {"value": "reject", "label": "Không đề nghị"},
        ],
    },
    {"name": "minutes_no", "type": "text", "label": "Số biên bản", "required": True},
    {"name": "note", "type": "textarea", "label": "Ý kiến", "help": "Tối đa 2 trang."},
]


class _FromDossier:
    """The default that takes a task's value from its dossier."""


#: A task's candidate unit (for unit roles) and stage default to its dossier's.
FROM_DOSSIER = _FromDossier()


def spec(session: Session, process_id: str = "dossier", xml: str = BPMN_XML) -> WorkflowSpec:
    """A deployed version of ``process_id`` (its serialized spec is empty: nothing runs it)."""
    n = serial()
    return add(
        session,
        WorkflowSpec(
            process_id=process_id,
            name="Hồ sơ đề nghị khen thưởng",
            version=n,
            content_hash=f"{n:064x}",
            serialized="{}",
            sources={f"{process_id}.bpmn": xml},
        ),
    )


def instance(
    session: Session,
    dossier: Dossier | int | None,
    spec_row: WorkflowSpec | None = None,
    *,
    process_id: str | None = None,
    council_session_id: int | None = None,
) -> ProcessInstance:
    """An instance of ``spec_row`` (a new spec of ``process_id`` if none) for the dossier."""
    spec_row = spec_row or spec(session, process_id or "dossier")
    return add(
        session,
        ProcessInstance(
            spec_id=spec_row.id,
            process_id=process_id or spec_row.process_id,
            dossier_id=dossier.id if isinstance(dossier, Dossier) else dossier,
            council_session_id=council_session_id,
            state="{}",
        ),
    )


def instance_of(session: Session, dossier: Dossier, process_id: str = "dossier") -> ProcessInstance:
    """The dossier's instance, created (with a spec of its own) the first time it is asked for."""
    found = session.scalar(
        select(ProcessInstance)
        .where(ProcessInstance.dossier_id == dossier.id)
        .order_by(ProcessInstance.id)
    )
    return found or instance(session, dossier, process_id=process_id)


def task(
    session: Session,
    dossier: Dossier | None,
    *,
    element_id: str = "unit_review",
    name: str = "Bình xét tại đơn vị",
    role: str | None = "unit_head",
    candidate_unit: OrgUnit | int | _FromDossier | None = FROM_DOSSIER,
    assignee: User | int | None = None,
    created: timedelta | datetime = timedelta(days=1),
    due: timedelta | datetime | None = timedelta(days=5),
    completed_at: datetime | None = None,
    form: list[dict[str, Any]] | None = None,
    status: str = "ready",
    stage: str | _FromDossier | None = FROM_DOSSIER,
    on: ProcessInstance | None = None,
) -> HumanTask:
    """A human task ``on`` an instance (the dossier's, made if missing).

    ``created`` and ``due`` are instants or, as timedeltas, that long ago and from now. A task
    with ``completed_at`` is completed; one created ``status="completed"`` completes now.
    """
    now = datetime.now(UTC)
    if on is None:
        assert dossier is not None, "a task without a dossier needs its instance"
        on = instance_of(session, dossier)
    if isinstance(candidate_unit, _FromDossier):
        unit_id = dossier.unit_id if dossier is not None and role in UNIT_ROLES else None
    else:
        unit_id = candidate_unit.id if isinstance(candidate_unit, OrgUnit) else candidate_unit
    if completed_at is not None:
        status = "completed"
    elif status == "completed":
        completed_at = now
    return add(
        session,
        HumanTask(
            task_uuid=str(uuid.uuid4()),
            instance_id=on.id,
            dossier_id=dossier.id if dossier is not None else on.dossier_id,
            element_id=element_id,
            name=name,
            lane=role,
            stage=(dossier.stage if dossier else None)
            if isinstance(stage, _FromDossier)
            else stage,
            candidate_role=role,
            candidate_unit_id=unit_id,
            assignee_id=assignee.id if isinstance(assignee, User) else assignee,
            form=REVIEW_FORM if form is None else form,
            created_at=now - created if isinstance(created, timedelta) else created,
            due_at=now + due if isinstance(due, timedelta) else due,
            status=status,
            completed_at=completed_at,
        ),
    )


def at(day: int, month: int = 12, year: int = 2025) -> datetime:
    """10:00 in Hà Nội (03:00 UTC) on the given day; December 2025 has no public holiday."""
    return datetime(year, month, day, 3, tzinfo=UTC)


def stage_task(
    session: Session,
    dossier: Dossier,
    stage: str,
    created_at: datetime,
    completed_at: datetime | None = None,
    due_at: datetime | None = None,
    assignee: User | None = None,
    candidate_role: str | None = None,
    element_id: str | None = None,
) -> HumanTask:
    """The task of one step of the dossier's course (``element_id`` defaults to ``stage``), as
    the statistics read it: completed when ``completed_at`` is given."""
    return task(
        session,
        dossier,
        element_id=element_id or stage,
        name=f"Bước {stage}",
        role=candidate_role,
        assignee=assignee,
        created=created_at,
        due=due_at,
        completed_at=completed_at,
        form=[],
        stage=stage,
        on=instance_of(session, dossier, "tdkt_nomination"),
    )

"""Rows for web and query tests, inserted directly (no engine operation runs).

Every factory flushes and returns the row, so ids are usable at once.
"""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from engine.models import (
    AuditEvent,
    Campaign,
    CouncilSession,
    CouncilTerm,
    Dossier,
    HumanTask,
    OrgUnit,
    ProcessInstance,
    RoleMembership,
    User,
    WorkflowSpec,
)
from engine.text import search_key

PASSWORD = "secret-pass"
_seq = itertools.count(1)
_password_hash = generate_password_hash(PASSWORD)

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


def unit(session: Session, code: str | None = None, name: str | None = None) -> OrgUnit:
    n = next(_seq)
    row = OrgUnit(code=code or f"U{n}", name=name or f"Đơn vị {n}")
    session.add(row)
    session.flush()
    return row


def user(
    session: Session,
    username: str | None = None,
    *,
    unit: OrgUnit | None = None,
    roles: tuple[tuple[str, OrgUnit | None], ...] = (),
    full_name: str | None = None,
) -> User:
    """Create a user who can log in with PASSWORD; ``roles`` are (role, scoped unit or None)."""
    n = next(_seq)
    username = username or f"user{n}"
    row = User(
        username=username,
        full_name=full_name or f"Người dùng {n}",
        email=f"{username}@example.test",
        unit_id=unit.id if unit else None,
        password_hash=_password_hash,
    )
    for role, scope in roles:
        row.memberships.append(RoleMembership(role_code=role, unit_id=scope.id if scope else None))
    session.add(row)
    session.flush()
    return row


def campaign(session: Session, year: int = 2025) -> Campaign:
    n = next(_seq)
    row = Campaign(
        code=f"TDKT-{year}-{n}",
        name=f"Phong trào thi đua năm {year} ({n})",
        kind="annual",
        year=year,
        starts_on=date(year, 1, 1),
        ends_on=date(year, 12, 31),
        registration_deadline=date(year, 3, 31),
        nomination_deadline=date(year, 12, 15),
        legal_basis="ND98_2023",
        title_codes=["LDTT", "CSTDCS"],
    )
    session.add(row)
    session.flush()
    return row


def spec(session: Session, xml: str = BPMN_XML) -> WorkflowSpec:
    n = next(_seq)
    row = WorkflowSpec(
        process_id="dossier",
        name="Hồ sơ đề nghị khen thưởng",
        version=n,
        content_hash=f"{n:064x}",
        serialized="{}",
        sources={"dossier.bpmn": xml},
    )
    session.add(row)
    session.flush()
    return row


def dossier(
    session: Session,
    unit: OrgUnit,
    *,
    nominee_name: str = "Nguyễn Văn Hùng",
    title_code: str = "CSTDCS",
    stage: str = "unit_review",
    campaign_row: Campaign | None = None,
    spec_row: WorkflowSpec | None = None,
    with_instance: bool = True,
) -> Dossier:
    """Create a dossier of ``unit`` and, unless told otherwise, its running instance."""
    campaign_row = campaign_row or campaign(session)
    row = Dossier(
        campaign_id=campaign_row.id,
        unit_id=unit.id,
        nominee_kind="individual",
        nominee_name=nominee_name,
        nominee_search=search_key(nominee_name),
        title_code=title_code,
        legal_basis="ND98_2023",
        year=campaign_row.year,
        stage=stage,
        achievements="Hoàn thành xuất sắc nhiệm vụ; 1 sáng kiến cấp cơ sở.",
        eligibility={"eligible": True, "reasons": ["Đủ điều kiện theo Điều 23"]},
    )
    session.add(row)
    session.flush()
    if with_instance:
        instance(session, row, spec_row)
    return row


def instance(
    session: Session, dossier_row: Dossier | None, spec_row: WorkflowSpec | None = None
) -> ProcessInstance:
    spec_row = spec_row or spec(session)
    row = ProcessInstance(
        spec_id=spec_row.id,
        process_id=spec_row.process_id,
        dossier_id=dossier_row.id if dossier_row else None,
        state="{}",
    )
    session.add(row)
    session.flush()
    return row


def task(
    session: Session,
    dossier_row: Dossier,
    *,
    element_id: str = "unit_review",
    name: str = "Bình xét tại đơn vị",
    role: str | None = "unit_head",
    candidate_unit: OrgUnit | None = None,
    assignee: User | None = None,
    due_in: timedelta | None = timedelta(days=5),
    created_ago: timedelta = timedelta(days=1),
    form: list[dict[str, Any]] | None = None,
    status: str = "ready",
    stage: str | None = None,
) -> HumanTask:
    """Create a human task on the dossier's instance; the unit lane defaults to the dossier's."""
    inst = session.query(ProcessInstance).filter_by(dossier_id=dossier_row.id).first()
    if inst is None:
        inst = instance(session, dossier_row)
    now = datetime.now(UTC)
    unit_id = candidate_unit.id if candidate_unit else None
    if candidate_unit is None and role in ("unit_head", "unit_clerk"):
        unit_id = dossier_row.unit_id
    row = HumanTask(
        task_uuid=f"00000000-0000-4000-8000-{next(_seq):012d}",
        instance_id=inst.id,
        dossier_id=dossier_row.id,
        element_id=element_id,
        name=name,
        lane=role,
        stage=stage or dossier_row.stage,
        candidate_role=role,
        candidate_unit_id=unit_id,
        assignee_id=assignee.id if assignee else None,
        form=REVIEW_FORM if form is None else form,
        created_at=now - created_ago,
        due_at=now + due_in if due_in is not None else None,
        status=status,
        completed_at=now if status == "completed" else None,
    )
    session.add(row)
    session.flush()
    return row


def audit(
    session: Session,
    dossier_row: Dossier,
    action: str,
    *,
    actor: User | None = None,
    element_id: str | None = None,
    summary: dict[str, Any] | None = None,
    ago: timedelta = timedelta(0),
) -> AuditEvent:
    inst = session.query(ProcessInstance).filter_by(dossier_id=dossier_row.id).first()
    row = AuditEvent(
        at=datetime.now(UTC) - ago,
        actor_id=actor.id if actor else None,
        action=action,
        instance_id=inst.id if inst else None,
        dossier_id=dossier_row.id,
        element_id=element_id,
        summary=summary or {},
    )
    session.add(row)
    session.flush()
    return row


def council_session(session: Session, campaign_row: Campaign) -> CouncilSession:
    term = CouncilTerm(name=f"Nhiệm kỳ {next(_seq)}", starts_on=date(2025, 1, 1))
    session.add(term)
    session.flush()
    row = CouncilSession(
        campaign_id=campaign_row.id, term_id=term.id, meeting_date=date(2025, 12, 1)
    )
    session.add(row)
    session.flush()
    return row


def ballot_form(dossiers: list[Dossier]) -> list[dict[str, Any]]:
    """The declared form of a ballot task: one ``ballot`` field per dossier of the session."""
    return [
        {
            "name": f"vote_{d.id}",
            "type": "ballot",
            "label": f"{d.nominee_name} — {d.title_code}",
            "required": True,
            "dossier_id": d.id,
            "choices": [
                {"value": "agree", "label": "Đồng ý"},
                {"value": "disagree", "label": "Không đồng ý"},
            ],
        }
        for d in dossiers
    ]


def ballot_task(
    session: Session, council: CouncilSession, member: User, dossiers: list[Dossier]
) -> HumanTask:
    """Create one member's ballot task on the session's own instance."""
    spec_row = spec(session)
    inst = ProcessInstance(
        spec_id=spec_row.id,
        process_id="council_session",
        council_session_id=council.id,
        state="{}",
    )
    session.add(inst)
    session.flush()
    now = datetime.now(UTC)
    row = HumanTask(
        task_uuid=f"00000000-0000-4000-8000-{next(_seq):012d}",
        instance_id=inst.id,
        dossier_id=None,
        element_id="cast_ballot",
        name="Bỏ phiếu",
        lane="council_member",
        stage="council",
        candidate_role="council_member",
        assignee_id=member.id,
        form=ballot_form(dossiers),
        created_at=now,
        due_at=now + timedelta(days=2),
    )
    session.add(row)
    session.flush()
    return row

"""Factories for the documents, statistics and dashboard tests: a small agency with known data."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from engine.models import (
    Campaign,
    CouncilMember,
    CouncilSession,
    CouncilTerm,
    Dossier,
    HumanTask,
    OrgUnit,
    ProcessInstance,
    RoleMembership,
    SealedBallot,
    User,
    WorkflowSpec,
)
from engine.text import search_key

PASSWORD = "pw-reporting"


@dataclass
class Agency:
    units: dict[str, OrgUnit] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    campaign: Campaign | None = None

    def unit_of(self, user: User) -> OrgUnit:
        return next(u for u in self.units.values() if u.id == user.unit_id)


def make_agency(session: Session) -> Agency:
    """Two units, a director, a secretary, a clerk, three staff and the 2025 campaign."""
    agency = Agency()
    for code, name in (("QLKH", "Phòng Quản lý Khoa học"), ("KHTC", "Phòng Kế hoạch – Tài chính")):
        agency.units[code] = OrgUnit(code=code, name=name)
        session.add(agency.units[code])
    session.flush()
    password = generate_password_hash(PASSWORD)
    people = (
        ("giamdoc", "Nông Văn Thắng", "QLKH", "Giám đốc Sở", [("director", None)]),
        ("thuky", "Đàm Thị Lan", "QLKH", "Chuyên viên TĐKT", [("secretariat", None)]),
        ("vanthu", "Nguyễn Thị Mai", "QLKH", "Chuyên viên", [("unit_clerk", "QLKH")]),
        ("cb1", "Hoàng Thị Thu Hà", "QLKH", "Phó Trưởng phòng", []),
        ("cb2", "Lương Đức Cường", "KHTC", "Chuyên viên", []),
        ("cb3", "Triệu Quang Hải", "KHTC", "Kế toán viên", []),
    )
    for username, full_name, unit, position, roles in people:
        user = User(
            username=username,
            full_name=full_name,
            email=f"{username}@example.test",
            position=position,
            unit_id=agency.units[unit].id,
            password_hash=password,
        )
        for role, scope in roles:
            unit_id = agency.units[scope].id if scope else None
            user.memberships.append(RoleMembership(role_code=role, unit_id=unit_id))
        session.add(user)
        agency.users[username] = user
    agency.campaign = Campaign(
        code="TDKT-2025",
        name="Phong trào thi đua năm 2025",
        kind="annual",
        year=2025,
        starts_on=date(2025, 1, 1),
        ends_on=date(2025, 12, 31),
        registration_deadline=date(2025, 3, 31),
        nomination_deadline=date(2025, 12, 15),
        legal_basis="ND98_2023",
        title_codes=["LDTT", "CSTDCS", "TTLDTT"],
    )
    session.add(agency.campaign)
    session.flush()
    return agency


def make_staff(session: Session, agency: Agency, count: int, unit: str = "QLKH") -> list[str]:
    """Add ``count`` more staff to ``unit`` and return their usernames (one dossier each)."""
    names = []
    for index in range(count):
        username = f"nv{index + 1:03d}"
        user = User(
            username=username,
            full_name=f"Nông Văn Thứ {index + 1}",
            email=f"{username}@example.test",
            position="Chuyên viên",
            unit_id=agency.units[unit].id,
        )
        session.add(user)
        agency.users[username] = user
        names.append(username)
    session.flush()
    return names


def make_dossier(
    session: Session,
    agency: Agency,
    nominee: str,
    title_code: str,
    stage: str = "council",
    status: str = "active",
    achievements: str = "Hoàn thành xuất sắc nhiệm vụ năm 2025.",
) -> Dossier:
    """A dossier for a user (by username) or a collective (by unit code)."""
    user = agency.users.get(nominee)
    unit = agency.units.get(nominee)
    if user is not None:
        nominating_unit, name = agency.unit_of(user), user.full_name
    else:
        assert unit is not None
        nominating_unit, name = unit, unit.name
    dossier = Dossier(
        campaign_id=agency.campaign.id,  # type: ignore[union-attr]
        unit_id=nominating_unit.id,
        nominee_kind="individual" if user else "collective",
        nominee_user_id=user.id if user else None,
        nominee_unit_id=unit.id if unit else None,
        nominee_name=name,
        nominee_search=search_key(name),
        nominee_position=user.position if user else None,
        title_code=title_code,
        legal_basis="ND98_2023",
        year=2025,
        stage=stage,
        status=status,
        achievements=achievements,
    )
    session.add(dossier)
    session.flush()
    return dossier


def make_council_session(
    session: Session,
    agency: Agency,
    votes: dict[int, dict[str, str]],
    written: frozenset[str] = frozenset(),
    members: tuple[str, ...] = ("giamdoc", "thuky", "cb1", "cb2"),
) -> CouncilSession:
    """A council of ``members`` (chair, secretary, members); ``votes``: dossier → member → vote."""
    term = CouncilTerm(name="Hội đồng TĐKT 2025–2030", starts_on=date(2025, 1, 1))
    positions = ["chair", "secretary"] + ["member"] * (len(members) - 2)
    for username, position in zip(members, positions, strict=True):
        term.members.append(CouncilMember(user_id=agency.users[username].id, position=position))
    session.add(term)
    session.flush()
    council = CouncilSession(
        campaign_id=agency.campaign.id,  # type: ignore[union-attr]
        term_id=term.id,
        meeting_date=date(2025, 12, 10),
        status="closed",
        seal_hash="ab" * 32,
    )
    session.add(council)
    session.flush()
    for dossier_id, by_member in votes.items():
        for username, vote in by_member.items():
            session.add(
                SealedBallot(
                    session_id=council.id,
                    member_id=agency.users[username].id,
                    dossier_id=dossier_id,
                    vote=vote,
                    written=username in written,
                    cast_at=datetime(2025, 12, 10, 3, tzinfo=UTC),
                )
            )
    session.flush()
    return council


def at(day: int, month: int = 12, year: int = 2025) -> datetime:
    """10:00 in Hà Nội (03:00 UTC) on the given day; December 2025 has no public holiday."""
    return datetime(year, month, day, 3, tzinfo=UTC)


def make_task(
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
    """A human task of ``dossier``'s instance (created with a spec the first time)."""
    instance = session.scalar(
        select(ProcessInstance).where(ProcessInstance.dossier_id == dossier.id)
    )
    if instance is None:
        spec = session.scalar(select(WorkflowSpec))
        if spec is None:
            spec = WorkflowSpec(
                process_id="tdkt_nomination", version=1, content_hash="0" * 64,
                serialized="{}", sources={"tdkt_nomination.bpmn": "<definitions/>"},
            )  # fmt: skip
            session.add(spec)
            session.flush()
        instance = ProcessInstance(
            spec_id=spec.id, process_id="tdkt_nomination", dossier_id=dossier.id, state="{}"
        )
        session.add(instance)
        session.flush()
    task = HumanTask(
        task_uuid=str(uuid.uuid4()),
        instance_id=instance.id,
        dossier_id=dossier.id,
        element_id=element_id or stage,
        name=f"Bước {stage}",
        stage=stage,
        candidate_role=candidate_role,
        candidate_unit_id=dossier.unit_id
        if candidate_role in ("unit_clerk", "unit_head")
        else None,
        assignee_id=assignee.id if assignee else None,
        created_at=created_at,
        due_at=due_at,
        completed_at=completed_at,
        status="completed" if completed_at else "ready",
    )
    session.add(task)
    session.flush()
    return task

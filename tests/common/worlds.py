"""The one ``World`` a test starts from, and the worlds the test folders build from factories.

A world names what a test acts on: units and people by the key the test uses, and the
campaign, the dossier and its open task when the test starts from one. The role keys are the
same everywhere (``clerk_a``, ``head_a``, ``head_b``, ``secretariat``, ``council``, ``admin``,
``outsider``, …) and so are the unit keys ``A`` and ``B``; the reporting agency keys its units by
code and its people by username.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from engine.models import Campaign, Dossier, HumanTask, OrgUnit, User
from tests.common import campaigns, dossiers, notify, people, workflow
from tests.common.procedure import Procedure


@dataclass
class World:
    units: dict[str, OrgUnit] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    campaign_row: Campaign | None = None
    dossier_row: Dossier | None = None
    task_row: HumanTask | None = None
    #: The demo agency's procedure, when the world is built on it (tests/web).
    driver: Procedure | None = None

    @property
    def campaign(self) -> Campaign:
        assert self.campaign_row is not None, "this world has no campaign"
        return self.campaign_row

    @property
    def dossier(self) -> Dossier:
        assert self.dossier_row is not None, "this world has no dossier"
        return self.dossier_row

    @property
    def task(self) -> HumanTask:
        assert self.task_row is not None, "this world has no open task"
        return self.task_row

    @property
    def procedure(self) -> Procedure:
        assert self.driver is not None, "this world is not built on the procedure"
        return self.driver

    @property
    def unit_a(self) -> OrgUnit:
        return self.units["A"]

    @property
    def unit_b(self) -> OrgUnit:
        return self.units["B"]

    @property
    def clerk_a(self) -> User:
        return self.users["clerk_a"]

    @property
    def head_a(self) -> User:
        return self.users["head_a"]

    @property
    def head_b(self) -> User:
        return self.users["head_b"]

    @property
    def secretary(self) -> User:
        return self.users["secretariat"]

    @property
    def member(self) -> User:
        return self.users["council"]

    @property
    def admin(self) -> User:
        return self.users["admin"]

    @property
    def outsider(self) -> User:
        return self.users["outsider"]

    def unit_of(self, user: User) -> OrgUnit:
        return next(u for u in self.units.values() if u.id == user.unit_id)


def engine_world(session: Session) -> World:
    """Units A and B, one person per role, and a dossier of unit A being prepared for LĐTT."""
    a = people.unit(session, "A", "Phòng A")
    b = people.unit(session, "B", "Phòng B")
    campaign = campaigns.campaign(
        session,
        code="2025",
        name="Thi đua 2025",
        title_codes=("LDTT",),
        registration_deadline=date(2025, 3, 1),
        nomination_deadline=date(2025, 11, 30),
    )

    def person(username: str, unit: OrgUnit | None, *roles: people.Role) -> User:
        return people.user(
            session, username, unit=unit, roles=roles, email=f"{username}@example.vn"
        )

    users = {
        "clerk_a": person("clerk_a", a, "unit_clerk"),
        "head_a": person("head_a", a, "unit_head"),
        "head_b": person("head_b", b, "unit_head"),
        "secretariat": person("secretary", None, "secretariat"),
        "council": person("member", None, "council_member"),
        "admin": person("admin", None, "admin"),
        "outsider": person("outsider", b),
    }
    dossier = dossiers.dossier(
        session,
        a,
        campaign=campaign,
        nominee_name="Nguyễn Văn A",
        title_code="LDTT",
        stage="prepare",
        achievements=None,
        eligibility=None,
    )
    return World({"A": a, "B": b}, users, campaign_row=campaign, dossier_row=dossier)


def admin_world(session: Session) -> World:
    """Units A, B, C, one person per role, and a dossier of unit A with an open task."""
    a = people.unit(session, "A", "Phòng A")
    b = people.unit(session, "B", "Phòng B")
    c = people.unit(session, "C", "Phòng C")

    def person(username: str, unit: OrgUnit, *roles: people.Role) -> User:
        return people.user(session, username, unit=unit, roles=roles)

    users = {
        "clerk_a": person("clerk_a", a, "unit_clerk"),
        "clerk_b": person("clerk_b", b, "unit_clerk"),
        "head_a": person("head_a", a, "unit_head"),
        "head_b": person("head_b", b, "unit_head"),
        "secretariat": person("secretariat", c, "secretariat"),
        "council": person("council", c, "council_member"),
        "director": person("director", c, "director"),
        "outsider": person("outsider", c),
    }
    dossier = dossiers.dossier(session, a, nominee_name="Nguyễn Văn Hùng", with_instance=True)
    task = workflow.task(session, dossier)
    return World({"A": a, "B": b, "C": c}, users, dossier_row=dossier, task_row=task)


def notify_world(session: Session) -> World:
    """Two units and their people, with addresses at the agency (tests/notify_helpers.py)."""
    a = people.unit(session, name="Phòng Quản lý khoa học")
    b = people.unit(session, name="Thanh tra Sở")
    users = {
        "clerk_a": notify.user(session, "Nông Thị Hoa", ("unit_clerk",), a.id),
        "head_a": notify.user(session, "Lương Văn Minh", ("unit_head",), a.id),
        "head_b": notify.user(session, "Bế Văn Tùng", ("unit_head",), b.id),
        "secretariat": notify.user(session, "Hoàng Thị Mai", ("secretariat",)),
        "admin": notify.user(session, "Đàm Quang Huy", ("admin",)),
        "outsider": notify.user(session, "Triệu Văn Nam", (), b.id),
    }
    return World({"A": a, "B": b}, users)


#: The reporting agency's people: username, name, unit, position, roles (scoped to a unit code).
REPORTING_PEOPLE: tuple[tuple[str, str, str, str, tuple[tuple[str, str | None], ...]], ...] = (
    ("giamdoc", "Nông Văn Thắng", "QLKH", "Giám đốc Sở", (("director", None),)),
    ("thuky", "Đàm Thị Lan", "QLKH", "Chuyên viên TĐKT", (("secretariat", None),)),
    ("vanthu", "Nguyễn Thị Mai", "QLKH", "Chuyên viên", (("unit_clerk", "QLKH"),)),
    ("cb1", "Hoàng Thị Thu Hà", "QLKH", "Phó Trưởng phòng", ()),
    ("cb2", "Lương Đức Cường", "KHTC", "Chuyên viên", ()),
    ("cb3", "Triệu Quang Hải", "KHTC", "Kế toán viên", ()),
)


def reporting_world(session: Session) -> World:
    """For documents, statistics and the dashboard: two units (by code), a director, a
    secretary, a clerk, three staff (by username) and the 2025 campaign."""
    units = {
        "QLKH": people.unit(session, "QLKH", "Phòng Quản lý Khoa học"),
        "KHTC": people.unit(session, "KHTC", "Phòng Kế hoạch – Tài chính"),
    }
    world = World(units)
    for username, full_name, unit, position, roles in REPORTING_PEOPLE:
        world.users[username] = people.user(
            session,
            username,
            unit=units[unit],
            roles=[(role, units[scope] if scope else None) for role, scope in roles],
            full_name=full_name,
            position=position,
        )
    world.campaign_row = campaigns.campaign(
        session,
        code="TDKT-2025",
        name="Phong trào thi đua năm 2025",
        title_codes=("LDTT", "CSTDCS", "TTLDTT"),
    )
    return world


def add_staff(session: Session, world: World, count: int, unit: str = "QLKH") -> list[str]:
    """Add ``count`` more staff to ``unit`` and return their usernames (nv001, nv002, …)."""
    names = []
    for index in range(count):
        username = f"nv{index + 1:03d}"
        world.users[username] = people.user(
            session,
            username,
            unit=world.units[unit],
            full_name=f"Nông Văn Thứ {index + 1}",
            position="Chuyên viên",
            can_log_in=False,
        )
        names.append(username)
    return names

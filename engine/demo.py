"""The demo organisation: an illustrative Sở Khoa học và Công nghệ tỉnh Cao Bằng.

The names are invented. Loading is idempotent: every row is found by its natural key (unit code,
username, campaign code) and only created when missing, so loading twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from werkzeug.security import generate_password_hash

from engine.domain import council, dossiers
from engine.models import (
    AwardRecord,
    Campaign,
    CouncilMember,
    CouncilTerm,
    Dossier,
    HumanTask,
    OrgUnit,
    PerformanceRecord,
    ProcessInstance,
    RoleMembership,
    RuleSetting,
    User,
)
from engine.models.base import pinned_clock, utcnow
from engine.text import search_key
from engine.unit_of_work import unit_of_work
from engine.workflow import operations

DEMO_PASSWORD = "demo1234"  # noqa: S105 - printed on purpose: demo accounts only

UNITS: tuple[tuple[str, str], ...] = (
    ("VP", "Văn phòng Sở"),
    ("TTRA", "Thanh tra Sở"),
    ("KHTC", "Phòng Kế hoạch – Tài chính"),
    ("QLKH", "Phòng Quản lý Khoa học"),
    ("QLCN", "Phòng Quản lý Công nghệ và Chuyên ngành"),
    ("TDC", "Chi cục Tiêu chuẩn Đo lường Chất lượng"),
    ("UDTB", "Trung tâm Ứng dụng tiến bộ KH&CN"),
)

# Family names common in Cao Bằng (Tày, Nùng and Kinh), middle and given names.
_FAMILY = (
    "Nông",
    "Hoàng",
    "Bế",
    "Đàm",
    "Lương",
    "Nguyễn",
    "Lục",
    "Triệu",
    "Hà",
    "Lâm",
    "Phạm",
    "Trần",
    "Lý",
    "Mạc",
    "Vi",
)
_MIDDLE_M = ("Văn", "Đức", "Minh", "Quang", "Thanh", "Hữu", "Xuân", "Trọng")
_MIDDLE_F = ("Thị", "Thu", "Thanh", "Ngọc", "Hồng", "Minh", "Bích", "Phương")
_GIVEN_M = (
    "Hùng",
    "Dũng",
    "Tuấn",
    "Cường",
    "Thắng",
    "Hải",
    "Long",
    "Bình",
    "Quyết",
    "Tiến",
    "Khánh",
    "Sơn",
)
_GIVEN_F = (
    "Lan",
    "Hương",
    "Thảo",
    "Hà",
    "Nga",
    "Mai",
    "Huyền",
    "Dung",
    "Yến",
    "Trang",
    "Loan",
    "Vân",
)


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    unit: str
    position: str
    roles: tuple[tuple[str, bool], ...]  # (role code, scoped to own unit)

    @property
    def role_label(self) -> str:
        """The position and, for a council member, the seat the demo's council term gives them
        (read from ``COUNCIL``, which also seeds the term, so the log-in list and the minutes'
        "Thư ký" name the same person)."""
        seat = dict(COUNCIL).get(self.username)
        return f"{self.position} – {COUNCIL_SEATS[seat]}" if seat else self.position


DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount(
        "giamdoc",
        "Nông Văn Thắng",
        "VP",
        "Giám đốc Sở",
        (("director", False), ("council_member", False)),
    ),
    DemoAccount(
        "phogiamdoc", "Hoàng Thị Thu Hà", "VP", "Phó Giám đốc Sở", (("council_member", False),)
    ),
    DemoAccount(
        "chanhvanphong",
        "Bế Minh Tuấn",
        "VP",
        "Chánh Văn phòng Sở",
        (("secretariat", False), ("council_member", False), ("unit_head", True)),
    ),
    DemoAccount(
        "thuky",
        "Đàm Thị Lan",
        "VP",
        "Chuyên viên TĐKT – Thường trực Hội đồng",
        (("secretariat", False),),
    ),
    DemoAccount(
        "chanhthanhtra",
        "Lương Đức Cường",
        "TTRA",
        "Chánh Thanh tra",
        (("unit_head", True), ("council_member", False)),
    ),
    DemoAccount(
        "truongphong.khtc",
        "Lục Thị Hương",
        "KHTC",
        "Trưởng phòng Kế hoạch – Tài chính",
        (("unit_head", True), ("council_member", False)),
    ),
    DemoAccount(
        "truongphong.qlkh",
        "Triệu Quang Hải",
        "QLKH",
        "Trưởng phòng Quản lý Khoa học",
        (("unit_head", True), ("council_member", False)),
    ),
    DemoAccount(
        "truongphong.qlcn",
        "Hà Văn Long",
        "QLCN",
        "Trưởng phòng QL Công nghệ và Chuyên ngành",
        (("unit_head", True),),
    ),
    DemoAccount(
        "chicuctruong",
        "Lâm Thị Nga",
        "TDC",
        "Chi cục trưởng",
        (("unit_head", True), ("council_member", False)),
    ),
    DemoAccount(
        "giamdoc.ttud", "Phạm Xuân Bình", "UDTB", "Giám đốc Trung tâm", (("unit_head", True),)
    ),
    DemoAccount(
        "vanthu.qlkh",
        "Nguyễn Thị Mai",
        "QLKH",
        "Chuyên viên – phụ trách TĐKT",
        (("unit_clerk", True),),
    ),
    DemoAccount(
        "vanthu.khtc",
        "Trần Văn Sơn",
        "KHTC",
        "Chuyên viên – phụ trách TĐKT",
        (("unit_clerk", True),),
    ),
    DemoAccount(
        "vanthu.vp", "Lý Thị Huyền", "VP", "Văn thư – phụ trách TĐKT", (("unit_clerk", True),)
    ),
    DemoAccount(
        "vanthu.ttra",
        "Mạc Văn Khánh",
        "TTRA",
        "Thanh tra viên – phụ trách TĐKT",
        (("unit_clerk", True),),
    ),
    DemoAccount(
        "vanthu.qlcn", "Vi Thị Yến", "QLCN", "Chuyên viên – phụ trách TĐKT", (("unit_clerk", True),)
    ),
    DemoAccount(
        "vanthu.tdc",
        "Nông Thị Dung",
        "TDC",
        "Chuyên viên – phụ trách TĐKT",
        (("unit_clerk", True),),
    ),
    DemoAccount(
        "vanthu.udtb",
        "Hoàng Văn Tiến",
        "UDTB",
        "Viên chức – phụ trách TĐKT",
        (("unit_clerk", True),),
    ),
    DemoAccount("admin", "Quản trị hệ thống", "VP", "Quản trị hệ thống", (("admin", False),)),
)

#: How the log-in list names a council seat (the minutes print the secretary's name from the term).
COUNCIL_SEATS = {
    "chair": "Chủ tịch Hội đồng",
    "vice_chair": "Phó Chủ tịch Hội đồng",
    "secretary": "Thư ký Hội đồng",
    "member": "Ủy viên Hội đồng",
}
#: Council members in order: chair, vice chair, secretary, then members (7 in all).
COUNCIL = (
    ("giamdoc", "chair"),
    ("phogiamdoc", "vice_chair"),
    ("chanhvanphong", "secretary"),
    ("chanhthanhtra", "member"),
    ("truongphong.khtc", "member"),
    ("truongphong.qlkh", "member"),
    ("chicuctruong", "member"),
)

STAFF_PER_UNIT = 6  # plus the accounts above: about 60 people in all


def _staff_names() -> list[tuple[str, str]]:
    """Return (username, full name) for the other staff, deterministic and without repeats."""
    taken = {a.full_name for a in DEMO_ACCOUNTS}
    names: list[tuple[str, str]] = []
    i = 0
    while len(names) < STAFF_PER_UNIT * len(UNITS):
        female = i % 2 == 1
        family = _FAMILY[(i * 7) % len(_FAMILY)]
        middle = (_MIDDLE_F if female else _MIDDLE_M)[(i * 3) % 8]
        given = (_GIVEN_F if female else _GIVEN_M)[(i * 5) % 12]
        full = f"{family} {middle} {given}"
        i += 1
        if full in taken:
            continue
        taken.add(full)
        names.append((f"cb{len(names) + 1:03d}", full))
    return names


def load_demo(session: Session, today: date | None = None) -> dict[str, int]:
    """Create whatever of the demo organisation is missing; return how many rows were added."""
    today = today or date.today()
    added = {
        "units": 0,
        "users": 0,
        "memberships": 0,
        "council_members": 0,
        "campaigns": 0,
        "ratings": 0,
        "awards": 0,
        "rule_settings": 0,
    }
    password_hash = generate_password_hash(DEMO_PASSWORD)

    units: dict[str, OrgUnit] = {u.code: u for u in session.scalars(select(OrgUnit))}
    for code, name in UNITS:
        if code not in units:
            units[code] = OrgUnit(code=code, name=name)
            session.add(units[code])
            added["units"] += 1
    session.flush()

    users: dict[str, User] = {u.username: u for u in session.scalars(select(User))}

    def ensure_user(
        username: str, full_name: str, unit: str, position: str, pw: str | None
    ) -> User:
        user = users.get(username)
        if user is None:
            user = User(
                username=username,
                full_name=full_name,
                email=f"{username}@sokhcn.caobang.example",
                unit_id=units[unit].id,
                position=position,
                password_hash=pw,
            )
            session.add(user)
            users[username] = user
            added["users"] += 1
        return user

    for account in DEMO_ACCOUNTS:
        user = ensure_user(
            account.username, account.full_name, account.unit, account.position, password_hash
        )
        session.flush()
        for role, scoped in account.roles:
            unit_id = units[account.unit].id if scoped else None
            if not any(m.role_code == role and m.unit_id == unit_id for m in user.memberships):
                user.memberships.append(RoleMembership(role_code=role, unit_id=unit_id))
                added["memberships"] += 1

    staff = _staff_names()
    for index, (username, full_name) in enumerate(staff):
        unit_code = UNITS[index % len(UNITS)][0]
        # Staff do not log in in the demo: they are nominees, so they get no password.
        ensure_user(username, full_name, unit_code, "Chuyên viên", None)

    term = session.scalar(
        select(CouncilTerm).where(CouncilTerm.name == "Hội đồng TĐKT Sở 2025–2030")
    )
    if term is None:
        term = CouncilTerm(
            name="Hội đồng TĐKT Sở 2025–2030", starts_on=date(2025, 1, 1), decision_no="15/QĐ-SKHCN"
        )
        session.add(term)
    session.flush()
    present = {m.user_id for m in term.members}
    for username, position in COUNCIL:
        if users[username].id not in present:
            term.members.append(CouncilMember(user_id=users[username].id, position=position))
            added["council_members"] += 1

    code = f"TDKT-{today.year}"
    if session.scalar(select(Campaign).where(Campaign.code == code)) is None:
        session.add(
            Campaign(
                code=code,
                name=f"Phong trào thi đua thực hiện nhiệm vụ chính trị năm {today.year}",
                kind="annual",
                year=today.year,
                starts_on=date(today.year, 1, 1),
                ends_on=date(today.year, 12, 31),
                registration_deadline=date(today.year, 3, 31),
                nomination_deadline=date(today.year, 12, 15),
                legal_basis="ND152_2025" if today >= date(2025, 7, 1) else "ND98_2023",
                title_codes=["LDTT", "CSTDCS", "TTLDTT", "GK", "CSTDT", "TTLDXS", "BKT"],
                # The demo's dossiers are under way, so its campaign was launched long ago.
                opened_at=datetime.combine(date(today.year, 1, 2), time(8), UTC),
            )
        )
        added["campaigns"] += 1
    session.flush()
    _load_history(session, list(users.values()), today.year, added)
    _load_rule_settings(session, users["admin"].id, added)
    session.flush()
    return added


HISTORY_YEARS = 5


def _load_history(session: Session, users: list[User], year: int, added: dict[str, int]) -> None:
    """Give every person five past years of ratings and the awards those ratings earned.

    The pattern is deterministic and varied, so that the demo shows both eligible nominees and
    ones blocked with reasons (e.g. no initiative for Chiến sĩ thi đua cơ sở).
    """
    rated = {(p.user_id, p.year) for p in session.scalars(select(PerformanceRecord))}
    awarded = {a.import_key for a in session.scalars(select(AwardRecord))}
    # The "Đơn vị" of each award: the person's unit (issue 15 found it empty everywhere).
    unit_names = {u.id: u.name for u in session.scalars(select(OrgUnit))}
    for index, user in enumerate(sorted(users, key=lambda u: u.username)):
        if user.username == "admin":
            continue
        # Ratings include the campaign year itself (rated at year end, before nominations);
        # awards only the years before it.
        for past in range(year - HISTORY_YEARS, year + 1):
            excellent = (index + past) % 3 != 0
            initiatives = 1 if (index + past) % 2 == 0 else 0
            if (user.id, past) not in rated:
                session.add(
                    PerformanceRecord(
                        user_id=user.id,
                        year=past,
                        rating="excellent" if excellent else "good",
                        initiatives=initiatives,
                        initiative_scope="unit" if initiatives else None,
                    )
                )
                added["ratings"] += 1
            if past == year:
                continue
            titles = ["LDTT"] + (["CSTDCS"] if excellent and initiatives else [])
            for title in titles:
                key = f"demo:{user.username}:{past}:{title}"
                if key in awarded:
                    continue
                session.add(
                    AwardRecord(
                        nominee_kind="individual",
                        user_id=user.id,
                        nominee_name=user.full_name,
                        nominee_search=search_key(user.full_name),
                        unit_name=unit_names.get(user.unit_id or 0),
                        unit_search=search_key(unit_names.get(user.unit_id or 0) or "") or None,
                        title_code=title,
                        year=past,
                        decision_no=f"{10 + past % 90}/QĐ-SKHCN",
                        decision_date=date(past + 1, 1, 15),
                        issued_by="Giám đốc Sở Khoa học và Công nghệ",
                        source="import",
                        import_key=key,
                    )
                )
                added["awards"] += 1


#: The demo agency's council regulation: the figures NĐ 98/2023 and NĐ 152/2025 leave to it,
#: and its posting period (công khai) for every basis.
_AGENCY_FIGURES: tuple[tuple[str, str, object], ...] = (
    ("*", "posting_days", 5),
    ("*", "threshold_percent", 50),
    ("*", "threshold_base", "all_members"),
    ("*", "threshold_strict", True),
    ("*", "quorum_percent", "200/3"),
    ("CSTDT", "threshold_percent", 90),
    ("CSTDT", "threshold_strict", False),
    ("CSTDCS", "cstdcs_quota_percent", 15),
)
DEMO_RULE_SETTINGS: tuple[tuple[str, str, str, object], ...] = (
    ("ND91_2017", "*", "posting_days", 5),
    *(
        (basis, title, key, value)
        for basis in ("ND98_2023", "ND152_2025")
        for title, key, value in _AGENCY_FIGURES
    ),
)


def _load_rule_settings(session: Session, admin_id: int, added: dict[str, int]) -> None:
    existing = {(r.legal_basis, r.title_code, r.key) for r in session.scalars(select(RuleSetting))}
    for basis, title, key, value in DEMO_RULE_SETTINGS:
        if (basis, title, key) in existing:
            continue
        session.add(
            RuleSetting(
                legal_basis=basis,
                title_code=title,
                key=key,
                value=value,
                citation="Quy chế hoạt động Hội đồng TĐKT Sở (dữ liệu minh hoạ)",
                set_by=admin_id,
            )
        )
        added["rule_settings"] += 1


# --- campaigns under way and finished: driven through the real operations -----------------------
#
# The demo's dossiers are filed and moved along by the operations a person's clicks call, each
# at an instant of a replayed past (``pinned_clock``): so every task's created, due and
# completed times, the history, the ballots and the awards are what real use writes. A step may
# take longer than its limit (a late one), as in a real office.

_VN = ZoneInfo("Asia/Ho_Chi_Minh")
_ACHIEVEMENTS = "Hoàn thành xuất sắc nhiệm vụ; tích cực tham gia phong trào."
_PREPARED = {
    "achievement_report": "Hoàn thành 100% kế hoạch năm; chủ trì 02 nhiệm vụ KH&CN.",
    "initiative": None,
    "attachments_note": "Báo cáo thành tích; biên bản họp đơn vị.",
}


@dataclass(frozen=True)
class DemoDossier:
    """One demo dossier: who files it, for whom, which title, and where it is left.

    ``nominee`` is a username (a person) or a unit code (the unit itself, a collective);
    ``until`` is one of ``_UNTIL``; ``late`` makes its unit review take longer than its limit.
    """

    clerk: str
    nominee: str
    title: str
    until: str
    late: bool = False


_UNTIL = (
    "prepare",  # waits for the clerk
    "returned",  # the unit head sent it back with a reason; waits for the clerk again
    "unit_review",  # waits for the unit head
    "completeness",  # waits for the secretariat's check
    "posting",  # posted; the period ends by itself
    "council",  # posting ended: waits for a council session
    "not_selected",  # the council did not select it
    "decision",  # selected, the director decides: waits for his signature
    "awarded",  # selected and signed by the director
    "submission",  # selected for the province: the Tờ trình is being prepared
    "province",  # sent to the province: waits for its answer
    "province_awarded",  # the province awarded it
)
_AFTER_SESSION = {
    "not_selected",
    "decision",
    "awarded",
    "submission",
    "province",
    "province_awarded",
}

#: The current campaign: at least one dossier at every step, four of them (across three units)
#: ready for a council session on the first day, and one of each for the director and the
#: province left over from this year's first session.
CURRENT_DOSSIERS: tuple[DemoDossier, ...] = (
    DemoDossier("vanthu.qlkh", "cb039", "LDTT", "prepare"),
    DemoDossier("vanthu.khtc", "cb010", "LDTT", "returned"),
    DemoDossier("vanthu.khtc", "cb017", "LDTT", "unit_review"),
    DemoDossier("vanthu.vp", "cb008", "LDTT", "completeness"),
    DemoDossier("vanthu.qlkh", "cb025", "LDTT", "posting"),
    DemoDossier("vanthu.qlkh", "cb004", "LDTT", "council"),
    DemoDossier("vanthu.qlkh", "cb011", "LDTT", "council", late=True),
    DemoDossier("vanthu.khtc", "cb003", "LDTT", "council"),
    DemoDossier("vanthu.vp", "cb001", "LDTT", "council"),
    DemoDossier("vanthu.qlkh", "cb018", "LDTT", "decision"),
    DemoDossier("vanthu.udtb", "cb007", "LDTT", "awarded", late=True),
    DemoDossier("vanthu.ttra", "cb002", "LDTT", "not_selected"),
    DemoDossier("vanthu.tdc", "TDC", "BKT", "submission"),
    DemoDossier("vanthu.qlcn", "QLCN", "BKT", "province"),
)
#: Last year's campaign, finished: Giấy khen of the director, Tập thể lao động tiên tiến, a
#: Bằng khen the province awarded and one the council did not select.
PAST_DOSSIERS: tuple[DemoDossier, ...] = (
    DemoDossier("vanthu.qlkh", "cb004", "GK", "awarded"),
    DemoDossier("vanthu.qlkh", "cb011", "GK", "awarded", late=True),
    DemoDossier("vanthu.khtc", "cb003", "GK", "awarded"),
    DemoDossier("vanthu.vp", "cb001", "GK", "awarded", late=True),
    DemoDossier("vanthu.udtb", "cb007", "GK", "awarded"),
    DemoDossier("vanthu.ttra", "cb002", "GK", "not_selected"),
    DemoDossier("vanthu.khtc", "KHTC", "TTLDTT", "awarded"),
    DemoDossier("vanthu.tdc", "TDC", "BKT", "province_awarded"),
)
# Kept for callers of the earlier name: the demo's dossiers of the current campaign.
DEMO_DOSSIERS = CURRENT_DOSSIERS


#: Who of the demo takes a step routed to another lane (engine.domain.conflicts).
_NEXT_IN_LINE = {"secretariat": "thuky", "director": "giamdoc"}


def _local(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour), _VN).astimezone(UTC)


def _workday(day: date) -> date:
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


class _Replay:
    """Drives the demo's dossiers through the operations at pinned instants.

    Steps are planned first (``plan``) and then run in time order (``run``), so the clock only
    moves forward: the history, the timers and the council's waiting list see what they would
    have seen on each day.
    """

    def __init__(self, factory: sessionmaker[Session], move: Callable[[datetime], None]) -> None:
        self.factory, self.move = factory, move
        self.ids: dict[DemoDossier, int] = {}
        self._last: dict[DemoDossier, datetime] = {}
        self._plan: list[tuple[datetime, int, Callable[[], None]]] = []
        with factory() as session:
            self.users = {u.username: u for u in session.scalars(select(User))}
            for user in self.users.values():
                _ = user.memberships  # loaded now: the operations below read roles
            self.units = {u.code: u.id for u in session.scalars(select(OrgUnit))}

    def plan(
        self, day: date, hour: int, step: Callable[[], None], item: DemoDossier | None = None
    ) -> None:
        """Plan ``step`` on the working day ``day`` (a weekend day counts as the Friday before)
        at ``hour``; a dossier's steps stay in the order planned even when two fall on one day."""
        at = _local(_workday(day), hour)
        if item is not None:
            last = self._last.get(item)
            if last is not None and at <= last:
                at = last + timedelta(minutes=30)
            self._last[item] = at
        self._plan.append((at, len(self._plan), step))

    def run(self) -> None:
        for at, _order, step in sorted(self._plan, key=lambda p: (p[0], p[1])):
            self.move(at)
            step()
        self._plan.clear()

    def file(self, campaign_id: int, item: DemoDossier) -> None:
        person = self.users.get(item.nominee)
        with self.factory() as session:
            dossier = dossiers.file_dossier(
                session,
                self.users[item.clerk],
                campaign_id=campaign_id,
                title_code=item.title,
                nominee_user_id=person.id if person else None,
                nominee_unit_id=None if person else self.units[item.nominee],
                achievements=_ACHIEVEMENTS,
            )
            self.ids[item] = dossier.id

    def complete(
        self,
        element: str,
        actor: str,
        data: dict[str, object],
        item: DemoDossier | None = None,
        instance_id: int | None = None,
        assignee: str | None = None,
    ) -> None:
        """Complete the one ready ``element`` task, sending every declared field."""
        with self.factory() as session:
            query = select(HumanTask).where(
                HumanTask.element_id == element, HumanTask.status == "ready"
            )
            if item is not None:
                query = query.where(HumanTask.dossier_id == self.ids[item])
            if instance_id is not None:
                query = query.where(HumanTask.instance_id == instance_id)
            if assignee is not None:
                query = query.where(HumanTask.assignee_id == self.users[assignee].id)
            task = session.scalars(query).first()
            if task is None:
                dossier = session.get(Dossier, self.ids[item]) if item else None
                where = f"{dossier.stage}/{dossier.status}" if dossier else "-"
                raise RuntimeError(f"demo: no ready {element} for {item} ({where})")
            values = {f["name"]: data.get(f["name"]) for f in task.form}
            task_id = task.id
            person = self.users[actor]
            # A step routed past a conflict of interest (a unit head reviewing his own unit's
            # collective dossier) is taken by the next in line: whoever holds its lane now.
            role = task.candidate_role
            if role and not any(m.role_code == role for m in person.memberships):
                person = self.users[_NEXT_IN_LINE.get(role, actor)]
        with self.factory() as session:
            operations.complete(session, task_id, person, values)

    def step(
        self, day: date, hour: int, element: str, actor: str, item: DemoDossier, **data: object
    ) -> None:
        self.plan(day, hour, lambda: self.complete(element, actor, data, item), item)

    def to_posting(self, campaign_id: int, item: DemoDossier, start: date, upto: str) -> None:
        """Plan filing on ``start`` and the steps a few working days apart, up to ``upto``; a
        late dossier's unit review takes longer than its 5 working days."""
        clerk, head = item.clerk, _unit_head(self.users, self.users[item.clerk]).username
        self.plan(start, 8, lambda: self.file(campaign_id, item), item)
        if upto == "prepare":
            return
        self.step(start + timedelta(days=2), 10, "prepare_dossier", clerk, item, **_PREPARED)
        if upto == "returned":
            self.step(
                start + timedelta(days=4),
                15,
                "unit_review",
                head,
                item,
                unit_decision="return",
                unit_reason="Bổ sung biên bản họp bình xét của đơn vị và số liệu năm.",
            )
            return
        if upto == "unit_review":
            return
        review = start + timedelta(days=12 if item.late else 5)
        self.step(
            review,
            14,
            "unit_review",
            head,
            item,
            unit_decision="approve",
            unit_minutes_no="01/BB-ĐV",
            unit_meeting_date=_workday(review - timedelta(days=1)).isoformat(),
        )
        if upto == "completeness":
            return
        self.step(
            review + timedelta(days=3),
            10,
            "completeness_check",
            "thuky",
            item,
            completeness_decision="accept",
        )

    def end_posting(self, day: date) -> None:
        """Plan the timer sweep of ``day``: the posting periods due by then end."""

        def sweep() -> None:
            operations.fire_due_timers(self.factory, utcnow())

        self.plan(day, 7, sweep)

    def hold_session(
        self, campaign_id: int, day: date, items: list[DemoDossier], absent: str | None = None
    ) -> None:
        """Plan a session on ``day`` over ``items``: every member agrees, except that four of
        seven disagree on a dossier meant to be ``not_selected``; ``absent`` sends a written
        ballot through the secretariat."""
        box: dict[str, int] = {}

        def open_it() -> None:
            with self.factory() as session:
                sitting = council.open_session(
                    session,
                    self.users["thuky"],
                    campaign_id,
                    _workday(day),
                    [self.ids[i] for i in items],
                )
                box["instance"] = session.scalars(
                    select(ProcessInstance.id).where(
                        ProcessInstance.council_session_id == sitting.id
                    )
                ).one()

        def start_it() -> None:
            absent_id = self.users[absent].id if absent else None
            data = {
                "meeting_date": _workday(day).isoformat(),
                "meeting_place": "Phòng họp tầng 2, Sở Khoa học và Công nghệ",
                "chair_name": self.users[COUNCIL[0][0]].full_name,
                "all_present": absent_id is None,
                "absent_member_ids": str(absent_id) if absent_id else None,
            }
            self.complete("open_session", "thuky", data, instance_id=box["instance"])

        def vote(index: int, username: str) -> None:
            ballot = {
                str(self.ids[i]): (
                    "disagree" if i.until == "not_selected" and index < 4 else "agree"
                )
                for i in items
            }
            # A member of a nominated collective is recused on its dossier (a conflict).
            with self.factory() as session:
                own = council.recused_dossiers(
                    session, {self.ids[i] for i in items}, self.users[username].id
                )
            ballot.update({str(d): "recuse" for d in own})
            if username == absent:
                self.complete(
                    "enter_written_ballot",
                    "thuky",
                    {"written_ballot": ballot},
                    instance_id=box["instance"],
                )
            else:
                self.complete(
                    "cast_ballot",
                    username,
                    {"ballot": ballot},
                    instance_id=box["instance"],
                    assignee=username,
                )

        self.plan(day - timedelta(days=3), 9, open_it)
        self.plan(day, 8, start_it)
        for index, (username, _seat) in enumerate(COUNCIL):
            self.plan(day, 9 + index // 3, lambda i=index, u=username: vote(i, u))  # type: ignore[misc]

    def after_session(self, item: DemoDossier, day: date) -> None:
        """Plan the director's signature, or the Tờ trình to the province and its answer."""
        if item.until == "awarded":
            signed = day + timedelta(days=12 if item.late else 2)
            self.plan(
                signed,
                16,
                lambda: self.complete(
                    "director_decision",
                    "giamdoc",
                    {
                        "decision_no": f"{120 + self.ids[item] % 50}/QĐ-SKHCN",
                        "decision_date": _workday(signed).isoformat(),
                    },
                    item,
                ),
                item,
            )
            return
        if item.until not in ("province", "province_awarded"):
            return
        self.plan(
            day + timedelta(days=3),
            10,
            lambda: self.complete(
                "prepare_submission",
                "thuky",
                {
                    "submission_no": f"{40 + self.ids[item] % 50}/TTr-SKHCN",
                    "submission_date": _workday(day + timedelta(days=3)).isoformat(),
                    "submission_summary": "Đề nghị tặng Bằng khen của Chủ tịch UBND tỉnh",
                },
                item,
            ),
            item,
        )
        self.step(
            day + timedelta(days=4),
            15,
            "approve_submission",
            "giamdoc",
            item,
            submission_decision="approve",
        )
        self.plan(
            day + timedelta(days=5),
            9,
            lambda: self.complete(
                "record_sent",
                "thuky",
                {
                    "sent_date": _workday(day + timedelta(days=5)).isoformat(),
                    "sent_dispatch_no": f"{1200 + self.ids[item]}/SKHCN-VP",
                    "sent_to": "Sở Nội vụ tỉnh Cao Bằng",
                },
                item,
            ),
            item,
        )
        if item.until == "province":
            return
        answered = day + timedelta(days=26)
        self.plan(
            answered,
            10,
            lambda: self.complete(
                "record_province_outcome",
                "thuky",
                {
                    "province_outcome": "approved",
                    "province_decision_no": f"{2100 + self.ids[item]}/QĐ-UBND",
                    "province_decision_date": _workday(answered - timedelta(days=2)).isoformat(),
                },
                item,
            ),
            item,
        )


def _past_campaign(session: Session, year: int) -> Campaign:
    """Return last year's campaign, creating it (finished, its dossiers all decided)."""
    code = f"TDKT-{year}"
    campaign = session.scalar(select(Campaign).where(Campaign.code == code))
    if campaign is None:
        campaign = Campaign(
            code=code,
            name=f"Phong trào thi đua thực hiện nhiệm vụ chính trị năm {year}",
            kind="annual",
            year=year,
            starts_on=date(year, 1, 1),
            ends_on=date(year, 12, 31),
            registration_deadline=date(year, 3, 31),
            nomination_deadline=date(year, 12, 15),
            legal_basis="ND152_2025" if date(year, 12, 1) >= date(2025, 7, 1) else "ND98_2023",
            title_codes=["LDTT", "CSTDCS", "TTLDTT", "GK", "CSTDT", "TTLDXS", "BKT"],
            opened_at=datetime.combine(date(year, 1, 2), time(8), UTC),
        )
        session.add(campaign)
        session.flush()
    return campaign


def _unit_ratings(session: Session, years: range) -> None:
    """Give every unit (as a collective) its yearly rating: what TTLĐTT and BKT are judged on."""
    rated = {(p.unit_id, p.year) for p in session.scalars(select(PerformanceRecord))}
    for unit in session.scalars(select(OrgUnit).order_by(OrgUnit.id)):
        for year in years:
            if (unit.id, year) not in rated:
                session.add(
                    PerformanceRecord(unit_id=unit.id, year=year, rating="excellent", initiatives=1)
                )


def _replay_campaign(
    replay: _Replay, campaign_id: int, items: tuple[DemoDossier, ...], end: date
) -> None:
    """Plan ``items``: those a council session decides are filed about 48 days before ``end``,
    posted and voted on 16 days before it; those waiting for the next session are posted in
    time for their periods to end the day before ``end``; the others are filed in the last
    fortnight and left at their step. Only the province's answer comes after ``end`` (26 days
    after the session)."""
    session_day = _workday(end - timedelta(days=16))
    voted = [i for i in items if i.until in _AFTER_SESSION]
    for offset, item in enumerate(voted):
        replay.to_posting(campaign_id, item, end - timedelta(days=48 - offset % 3), "posting")
    if voted:
        replay.end_posting(session_day - timedelta(days=4))
        replay.hold_session(campaign_id, session_day, voted, absent="chicuctruong")
        for item in voted:
            replay.after_session(item, session_day)
    waiting = [i for i in items if i.until == "council"]
    for offset, item in enumerate(waiting):
        replay.to_posting(campaign_id, item, end - timedelta(days=36 - offset), "posting")
    if waiting:
        replay.end_posting(end - timedelta(days=1))
    recent = [i for i in items if i.until not in _AFTER_SESSION and i.until != "council"]
    for offset, item in enumerate(recent):
        replay.to_posting(campaign_id, item, end - timedelta(days=12 - offset), item.until)


def load_demo_dossiers(factory: sessionmaker[Session], today: date | None = None) -> int:
    """File last year's and this year's demo dossiers through the real operations and drive
    them; return how many. Only when the current campaign has no dossier yet, so loading twice
    changes nothing."""
    today = today or date.today()
    with factory() as session:
        campaign = session.scalar(select(Campaign).where(Campaign.code == f"TDKT-{today.year}"))
        if campaign is None or session.scalar(
            select(Dossier.id).where(Dossier.campaign_id == campaign.id)
        ):
            return 0
        current_id = campaign.id
    with unit_of_work(factory) as session:
        past_id = _past_campaign(session, today.year - 1).id
        _unit_ratings(session, range(today.year - HISTORY_YEARS, today.year + 1))
    # Every replayed instant is before today's (SpiffWorkflow's timers and the beat see the
    # wall clock once the replay ends): last year's campaign ends at least 60 days ago.
    past_end = min(date(today.year, 1, 28), today - timedelta(days=60))
    with pinned_clock(_local(past_end - timedelta(days=60))) as move:
        replay = _Replay(factory, move)
        _replay_campaign(replay, past_id, PAST_DOSSIERS, past_end)
        replay.run()
        _replay_campaign(replay, current_id, CURRENT_DOSSIERS, today - timedelta(days=1))
        replay.run()
    return len(replay.ids)


def _unit_head(users: dict[str, User], clerk: User) -> User:
    return next(
        u
        for u in users.values()
        if u.has_role("unit_head", clerk.unit_id) and u.unit_id == clerk.unit_id
    )

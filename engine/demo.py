"""The demo organisation: an illustrative Sở Khoa học và Công nghệ tỉnh Cao Bằng.

The names are invented. Loading is idempotent: every row is found by its natural key (unit code,
username, campaign code) and only created when missing, so loading twice changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from werkzeug.security import generate_password_hash

from engine.domain import dossiers
from engine.models import (
    AwardRecord,
    Campaign,
    CouncilMember,
    CouncilTerm,
    Dossier,
    HumanTask,
    OrgUnit,
    PerformanceRecord,
    RoleMembership,
    RuleSetting,
    User,
)
from engine.text import search_key
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
                        unit_name=unit_names.get(user.unit_id),
                        unit_search=search_key(unit_names.get(user.unit_id) or "") or None,
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


#: Dossiers the demo files and moves along, so that every inbox has work in it:
#: (clerk, nominee, title, how far: prepare | unit_review | completeness | posting).
DEMO_DOSSIERS: tuple[tuple[str, str, str, str], ...] = (
    ("vanthu.qlkh", "cb004", "LDTT", "prepare"),
    ("vanthu.qlkh", "cb011", "LDTT", "unit_review"),
    ("vanthu.qlkh", "cb018", "LDTT", "completeness"),
    ("vanthu.qlkh", "cb025", "LDTT", "posting"),
    ("vanthu.khtc", "cb003", "LDTT", "unit_review"),
    ("vanthu.khtc", "cb010", "LDTT", "prepare"),
    ("vanthu.vp", "cb001", "LDTT", "completeness"),
    ("vanthu.tdc", "cb006", "CSTDT", "prepare"),
)


def load_demo_dossiers(factory: sessionmaker[Session]) -> int:
    """File the demo dossiers through the real operations and advance them; return how many.

    Only when the demo campaign has no dossier yet, so loading twice changes nothing.
    """
    with factory() as session:
        campaign = session.scalars(select(Campaign).order_by(Campaign.year.desc())).first()
        if campaign is None or session.scalar(
            select(Dossier.id).where(Dossier.campaign_id == campaign.id)
        ):
            return 0
        campaign_id = campaign.id
        users = {u.username: u for u in session.scalars(select(User))}
        for user in users.values():
            _ = user.memberships  # loaded now: the operations below read roles
    filed = 0
    for clerk, nominee, title, until in DEMO_DOSSIERS:
        with factory() as session:
            dossier = dossiers.file_dossier(
                session,
                users[clerk],
                campaign_id=campaign_id,
                title_code=title,
                nominee_user_id=users[nominee].id,
                achievements="Hoàn thành xuất sắc nhiệm vụ; tích cực tham gia phong trào.",
            )
        filed += 1
        steps = _DEMO_STEPS[: _DEMO_STEPS_UNTIL[until]]
        for element, username, data in steps:
            actor = {
                "clerk": users[clerk],
                "unit_head": _unit_head(users, users[clerk]),
            }.get(username) or users[username]
            with factory() as session:
                task_id = session.scalar(
                    select(HumanTask.id).where(
                        HumanTask.dossier_id == dossier.id,
                        HumanTask.element_id == element,
                        HumanTask.status == "ready",
                    )
                )
            if task_id is None:
                break
            with factory() as session:
                operations.complete(session, task_id, actor, dict(data))
    return filed


def _unit_head(users: dict[str, User], clerk: User) -> User:
    return next(
        u
        for u in users.values()
        if u.has_role("unit_head", clerk.unit_id) and u.unit_id == clerk.unit_id
    )


_DEMO_STEPS: tuple[tuple[str, str, dict[str, object]], ...] = (
    (
        "prepare_dossier",
        "clerk",
        {
            "achievement_report": "Hoàn thành 100% kế hoạch năm; chủ trì 02 nhiệm vụ KH&CN.",
            "initiative": None,
            "attachments_note": "Báo cáo thành tích; biên bản họp đơn vị.",
        },
    ),
    (
        "unit_review",
        "unit_head",
        {
            "unit_decision": "approve",
            "unit_reason": None,
            "unit_minutes_no": "01/BB-ĐV",
            "unit_meeting_date": None,
        },
    ),
    (
        "completeness_check",
        "thuky",
        {"completeness_decision": "accept", "completeness_reason": None},
    ),
)
_DEMO_STEPS_UNTIL = {"prepare": 0, "unit_review": 1, "completeness": 2, "posting": 3}

"""The demo organisation: an illustrative Sở Khoa học và Công nghệ tỉnh Cao Bằng.

The names are invented. Loading is idempotent: every row is found by its natural key (unit code,
username, campaign code) and only created when missing, so loading twice changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from engine.models import Campaign, CouncilMember, CouncilTerm, OrgUnit, RoleMembership, User

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
        return self.position


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
        "Chánh Văn phòng – Thường trực Hội đồng",
        (("secretariat", False), ("council_member", False), ("unit_head", True)),
    ),
    DemoAccount(
        "thuky",
        "Đàm Thị Lan",
        "VP",
        "Chuyên viên TĐKT – Thư ký Hội đồng",
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
    added = {"units": 0, "users": 0, "memberships": 0, "council_members": 0, "campaigns": 0}
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
            )
        )
        added["campaigns"] += 1
    session.flush()
    return added

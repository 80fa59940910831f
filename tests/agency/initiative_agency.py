"""A small agency brought in through the public imports, with initiatives to attach to dossiers:
used by the initiative tests (domain, pages, API, documents, browser)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import admin
from engine.admin.imports import apply_import
from engine.domain import rule_settings
from engine.models import Campaign, Initiative, OrgUnit, RoleMembership, User
from engine.workflow import operations
from tests.common import people

WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"
YEAR = 2022  # judged under NĐ 91/2017: the CSTĐCS initiative is mandatory

UNITS = "Mã đơn vị,Tên đơn vị,Đơn vị cấp trên\nSO,Sở Khoa học và Công nghệ,\n" + (
    "QLKH,Phòng Quản lý khoa học,SO\nTTR,Thanh tra Sở,SO\n"
)
STAFF = (
    "Họ và tên,E-mail,Đơn vị,Chức vụ,Ngày vào\n"
    "Nguyễn Thị Ánh,anh@so.test,QLKH,Chuyên viên,01/01/2015\n"
    "Trần Văn Bình,binh@so.test,QLKH,Chuyên viên,01/01/2016\n"
    "Lê Minh Chi,chi@so.test,TTR,Thanh tra viên,01/01/2017\n"
)
RATINGS = (
    "Loại,Họ tên / Tên tập thể,E-mail,Năm,Xếp loại\n"
    "cá nhân,Nguyễn Thị Ánh,anh@so.test,2021,Hoàn thành tốt nhiệm vụ\n"
    "cá nhân,Nguyễn Thị Ánh,anh@so.test,2022,Hoàn thành tốt nhiệm vụ\n"
    "cá nhân,Trần Văn Bình,binh@so.test,2022,Hoàn thành tốt nhiệm vụ\n"
    "cá nhân,Lê Minh Chi,chi@so.test,2022,Hoàn thành tốt nhiệm vụ\n"
    "tập thể,QLKH,,2022,Hoàn thành tốt nhiệm vụ\n"
)
SO_HOA = "Số hoá hồ sơ khen thưởng"
THAM_DINH = "Quy trình thẩm định đề tài cấp cơ sở"
LUU_TRU = "Lưu trữ điện tử kết quả nghiên cứu"
THANH_TRA = "Sổ tay thanh tra khoa học"
INITIATIVES = (
    "Tên sáng kiến / đề tài,Loại,Năm,Tác giả,Cấp công nhận,Số quyết định,Ngày quyết định,"
    "Cơ quan công nhận\n"
    f"{SO_HOA},Sáng kiến,2022,anh@so.test,Cơ sở,12/QĐ-SKHCN,15/12/2022,Sở Khoa học và Công nghệ\n"
    f"{THAM_DINH},Sáng kiến,2021,anh@so.test,Cơ sở,7/QĐ-SKHCN,10/12/2021,Sở Khoa học và Công nghệ\n"
    f"{LUU_TRU},Đề tài,2022,anh@so.test; binh@so.test,Cấp tỉnh,88/QĐ-UBND,20/12/2022,UBND tỉnh\n"
    f"{THANH_TRA},Sáng kiến,2022,chi@so.test,Cơ sở,13/QĐ-SKHCN,15/12/2022,"
    "Sở Khoa học và Công nghệ\n"
)
AWARDS = (
    "Họ tên / Tên tập thể,Loại,Đơn vị,Hình thức khen thưởng,Năm\n"
    "Nguyễn Thị Ánh,cá nhân,Phòng Quản lý khoa học,Lao động tiên tiến,2022\n"
    "Trần Văn Bình,cá nhân,Phòng Quản lý khoa học,Danh hiệu Lao động tiên tiến,2022\n"
)
FILES = {
    "units": UNITS,
    "staff": STAFF,
    "ratings": RATINGS,
    "initiatives": INITIATIVES,
    "awards": AWARDS,
}


@dataclass
class World:
    clerk: User
    other_clerk: User
    admin: User
    campaign: Campaign
    anh: User
    binh: User
    chi: User
    qlkh: OrgUnit
    initiatives: dict[str, int]


def import_kind(session: Session, kind: str, content: str) -> None:
    result = apply_import(session, None, kind, content.encode(), f"{kind}.csv")
    assert result.applied, [r.reasons for r in result.invalid]


def campaign_data(code: str, year: int = YEAR, basis: str = "ND91_2017") -> dict[str, object]:
    return {
        "code": code,
        "name": f"Phong trào thi đua {code}",
        "kind": "annual",
        "starts_on": date(year, 1, 1).isoformat(),
        "ends_on": date(year, 12, 31).isoformat(),
        "registration_deadline": date(year, 1, 1).isoformat(),
        "nomination_deadline": date(year, 12, 31).isoformat(),
        "legal_basis": basis,
        "title_codes": ["LDTT", "CSTDCS", "TTLDTT"],
    }


def build(session: Session, *, initiatives: bool = True) -> World:
    """Import the agency (the initiatives unless told not to), deploy workflows/ and open a
    2022 campaign under NĐ 91/2017; the clerk of Phòng QLKH files."""
    for kind, content in FILES.items():
        if kind != "initiatives" or initiatives:
            import_kind(session, kind, content)
    operations.deploy(session, [WORKFLOWS])
    session.commit()
    units = {u.code: u for u in session.scalars(select(OrgUnit))}
    clerk = people.user(session, "vanthu.qlkh", unit=units["SO"], full_name="Văn thư QLKH")
    clerk.memberships.append(RoleMembership(role_code="unit_clerk", unit_id=units["QLKH"].id))
    other = people.user(session, "vanthu.ttr", unit=units["SO"], full_name="Văn thư Thanh tra")
    other.memberships.append(RoleMembership(role_code="unit_clerk", unit_id=units["TTR"].id))
    manager = people.user(session, "quantri.so", unit=units["SO"], roles=("admin", "secretariat"))
    session.commit()
    rule_settings.save_setting(
        session, "ND91_2017", "*", "posting_days", 5, "Quy chế TĐKT của Sở (thử)", manager.id
    )
    session.commit()
    campaign = admin.create_campaign(session, manager, campaign_data("TD-2022"))
    by_email = {u.email: u for u in session.scalars(select(User))}
    return World(
        clerk=clerk,
        other_clerk=other,
        admin=manager,
        campaign=campaign,
        anh=by_email["anh@so.test"],
        binh=by_email["binh@so.test"],
        chi=by_email["chi@so.test"],
        qlkh=units["QLKH"],
        initiatives=ids(session),
    )


def ids(session: Session) -> dict[str, int]:
    return {i.title: i.id for i in session.scalars(select(Initiative))}

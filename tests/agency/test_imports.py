"""Importing an agency's spreadsheets: the diff before applying, idempotence, the audit, the
limits (bytes, rows, a zip bomb) and the background job that runs it."""

from __future__ import annotations

import io
import zipfile

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from engine.admin.imports import (
    ImportLimitError,
    Limits,
    apply_import,
    confirm_import,
    preview_import,
    request_import,
    run_import_job,
)
from engine.domain import nominees
from engine.models import (
    AuditEvent,
    DisciplineRecord,
    ImportJob,
    Initiative,
    OrgUnit,
    PerformanceRecord,
    StaffPeriod,
    User,
)
from tests.common import agency, people

AGENCY = agency.build()


def _apply(session: Session, kind: str) -> None:
    name, content = AGENCY.files[kind]
    result = apply_import(session, None, kind, content, name)
    assert result.applied, [r.reasons for r in result.invalid][:3]


def test_units_and_staff_show_a_diff_then_apply_once(db_session: Session) -> None:
    name, content = AGENCY.files["units"]
    preview = preview_import(db_session, "units", content, name)
    assert preview.to_json()["counts"] == {"new": 6, "changed": 0, "unchanged": 0, "invalid": 0}
    assert db_session.scalar(select(func.count(OrgUnit.id))) == 0  # a preview writes nothing
    _apply(db_session, "units")
    units = {u.code: u for u in db_session.scalars(select(OrgUnit))}
    assert units["QLKH"].parent_id == units["SO"].id
    again = preview_import(db_session, "units", content, name)
    assert again.count("unchanged") == 6
    renamed = content.replace("Thanh tra Sở".encode(), "Thanh tra Sở KH&CN".encode())
    diff = preview_import(db_session, "units", renamed, name)
    changed = [r for r in diff.rows if r.status == "changed"]
    assert [(r.name, r.changes) for r in changed] == [
        ("Thanh tra Sở KH&CN", {"name": ["Thanh tra Sở", "Thanh tra Sở KH&CN"]})
    ]
    _apply(db_session, "staff")
    assert db_session.scalar(select(func.count(User.id))) == 120
    assert db_session.scalar(select(func.count(StaffPeriod.id))) == 120
    person = db_session.scalars(select(User).where(User.email == "cb001@so.example")).one()
    assert person.full_name == AGENCY.people[0].name  # diacritics kept
    assert (
        preview_import(db_session, "staff", *AGENCY.files["staff"][::-1]).count("unchanged") == 120
    )
    audited = db_session.scalars(
        select(AuditEvent).where(AuditEvent.action == "import_applied")
    ).all()
    assert [e.summary["kind"] for e in audited] == ["units", "staff"]


def test_ratings_discipline_and_initiatives_are_what_the_rules_read(db_session: Session) -> None:
    for kind in ("units", "staff", "ratings", "discipline", "initiatives"):
        _apply(db_session, kind)
    assert db_session.scalar(select(func.count(PerformanceRecord.id))) == 120 * 5 + 5 * 5
    assert db_session.scalar(select(func.count(DisciplineRecord.id))) == 2
    assert db_session.scalar(select(func.count(Initiative.id))) == 300
    levels = set(db_session.scalars(select(Initiative.level)))
    assert levels == {"co_so", "bo_tinh", "toan_quoc"}
    warned = db_session.scalars(select(User).where(User.email == "cb119@so.example")).one()
    assert nominees.disciplined_years(db_session, warned.id) == {2025}
    first = db_session.scalars(select(User).where(User.email == "cb001@so.example")).one()
    by_year = nominees.initiatives_by_year(db_session, first.id)
    assert sorted(by_year) == list(agency.YEARS)
    assert warned.unit_id is not None
    stats = nominees.unit_stats_for(db_session, warned.unit_id, 2025)
    assert stats.members == 24
    assert stats.disciplined == 1  # the warning (cảnh cáo), not the reprimand of cb120
    # Importing everything again changes nothing.
    for kind in ("ratings", "discipline", "initiatives"):
        name, content = AGENCY.files[kind]
        result = preview_import(db_session, kind, content, name)
        assert result.count("new") == result.count("changed") == 0


def test_a_person_who_left_is_not_a_member_of_the_collective_that_year(
    db_session: Session,
) -> None:
    _apply(db_session, "units")
    content = (
        "Họ và tên,E-mail,Đơn vị,Chức vụ,Ngày vào,Ngày nghỉ\n"
        "Lê Thị Hoa,hoa@so.example,VP,Chuyên viên,01/01/2015,30/06/2023\n"
        "Lê Văn Tâm,tam@so.example,VP,Chuyên viên,01/02/2024,\n"
    ).encode()
    assert apply_import(db_session, None, "staff", content, "nv.csv").applied
    vp = db_session.scalars(select(OrgUnit).where(OrgUnit.code == "VP")).one()
    names = {
        year: sorted(
            db_session.get(User, u).full_name  # type: ignore[union-attr]
            for u in nominees.members_in_year(db_session, vp.id, year)
        )
        for year in (2023, 2024)
    }
    assert names == {2023: ["Lê Thị Hoa"], 2024: ["Lê Văn Tâm"]}


def test_a_bad_row_is_reported_and_nothing_is_written(db_session: Session) -> None:
    _apply(db_session, "units")
    content = (
        "Họ và tên,E-mail,Đơn vị,Chức vụ,Ngày vào,Ngày nghỉ\n"
        "Lê Thị Hoa,hoa@so.example,VP,Chuyên viên,01/01/2015,\n"
        "Lê Văn Tâm,khong-phai-email,PHONG-X,Chuyên viên,32/01/2024,\n"
    ).encode()
    result = apply_import(db_session, None, "staff", content, "nv.csv")
    assert not result.applied
    assert [(r.row, r.reasons) for r in result.invalid] == [
        (
            3,
            [
                "e-mail “khong-phai-email” không hợp lệ",
                "không có đơn vị “PHONG-X”",
                "ngày “32/01/2024” không đúng dạng ngày/tháng/năm",
            ],
        )
    ]
    assert db_session.scalar(select(func.count(User.id))) == 0
    partial = apply_import(db_session, None, "staff", content, "nv.csv", partial=True)
    assert partial.applied
    assert db_session.scalar(select(func.count(User.id))) == 1


def _zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (50 * 1024 * 1024))
    return out.getvalue()


def test_limits_refuse_a_zip_bomb_too_many_rows_and_too_many_bytes(db_session: Session) -> None:
    bomb = _zip_bomb()
    assert len(bomb) < 100_000
    with pytest.raises(ImportLimitError, match="giải ra 52,428,800 byte"):
        preview_import(db_session, "staff", bomb, "bom.xlsx")
    with pytest.raises(ImportLimitError, match="giải ra"):
        preview_import(db_session, "awards", bomb, "bom.xlsx")
    rows = "Mã đơn vị,Tên đơn vị\n" + "".join(f"U{i},Đơn vị {i}\n" for i in range(1001))
    with pytest.raises(ImportLimitError, match="quá 1,000 dòng dữ liệu"):
        preview_import(db_session, "units", rows.encode(), "u.csv", Limits(max_rows=1000))
    with pytest.raises(ImportLimitError, match="vượt giới hạn 100 byte"):
        preview_import(db_session, "units", rows.encode(), "u.csv", Limits(max_bytes=100))


def test_an_upload_runs_as_a_job_preview_then_apply(
    db_session: Session, session_factory: sessionmaker[Session]
) -> None:
    admin = people.user(db_session, "quantri", roles=("admin",))
    db_session.commit()
    name, content = AGENCY.files["units"]
    job_id = request_import(db_session, admin, "units", name, content).id
    run_import_job(session_factory, job_id)
    db_session.expire_all()
    job = db_session.get(ImportJob, job_id)
    assert job is not None
    assert job.status == "previewed"
    assert job.report["counts"]["new"] == 6
    before = db_session.scalar(select(func.count(OrgUnit.id))) or 0
    confirm_import(db_session, admin, job_id)
    run_import_job(session_factory, job_id)
    run_import_job(session_factory, job_id)  # a repeated task does nothing
    db_session.expire_all()
    job = db_session.get(ImportJob, job_id)
    assert job is not None
    assert job.status == "applied"
    assert job.content is None
    assert db_session.scalar(select(func.count(OrgUnit.id))) == before + 6
    bomb = request_import(db_session, admin, "staff", "bom.xlsx", _zip_bomb())
    run_import_job(session_factory, bomb.id)
    db_session.expire_all()
    failed = db_session.get(ImportJob, bomb.id)
    assert failed is not None
    assert failed.status == "failed"
    assert failed.error is not None
    assert "giải ra" in failed.error

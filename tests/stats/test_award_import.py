from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.domain.awards import AwardQuery, ImportFileError, import_awards, search_awards
from engine.models import AwardRecord
from tests.common.worlds import reporting_world

HEADER = [
    "Họ tên / Tên tập thể",
    "Loại",
    "Đơn vị",
    "Danh hiệu",
    "Năm",
    "Số quyết định",
    "Ngày quyết định",
    "Cơ quan ban hành",
]
GOOD = [
    ["Nguyễn Thị Mai", "cá nhân", "Phòng Quản lý Khoa học", "CSTDCS", "2023", "125/QĐ-SKHCN",
     "15/12/2023", "Sở Khoa học và Công nghệ"],
    ["Phòng Quản lý Khoa học", "tập thể", "Sở Khoa học và Công nghệ",
     "Tập thể lao động tiên tiến", "2023", "125/QĐ-SKHCN", "15/12/2023",
     "Sở Khoa học và Công nghệ"],
    ["Bế Văn Đức", "Cá nhân", "Phòng Quản lý Công nghệ (cũ)", "bang khen cua chu tich ubnd tinh",
     "2019", "2010/QĐ-UBND", "2020-01-20", "UBND tỉnh Cao Bằng"],
]  # fmt: skip


def _csv(rows: list[list[str]], header: list[str] = HEADER) -> bytes:
    lines = [",".join(f'"{cell}"' for cell in row) for row in [header, *rows]]
    return ("\n".join(lines) + "\n").encode("utf-8-sig")


def _xlsx(rows: Sequence[Sequence[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _count(session: Session) -> int:
    return session.scalar(select(func.count(AwardRecord.id))) or 0


def test_a_good_csv_imports_every_row_with_diacritics(db_session: Session) -> None:
    agency = reporting_world(db_session)
    report = import_awards(db_session, _csv(GOOD), "lich-su.csv")
    db_session.commit()
    assert report.committed
    assert report.imported == 3
    assert not report.invalid
    mai = db_session.scalar(select(AwardRecord).where(AwardRecord.nominee_name == "Nguyễn Thị Mai"))
    assert mai is not None
    assert (mai.title_code, mai.year, mai.source) == ("CSTDCS", 2023, "import")
    assert mai.decision_date == date(2023, 12, 15)
    assert mai.user_id == agency.users["vanthu"].id, "linked to the only Nguyễn Thị Mai"
    team = db_session.scalar(select(AwardRecord).where(AwardRecord.nominee_kind == "collective"))
    assert team is not None
    assert team.unit_id == agency.units["QLKH"].id
    assert team.title_code == "TTLDTT"
    duc = db_session.scalar(select(AwardRecord).where(AwardRecord.nominee_name == "Bế Văn Đức"))
    assert duc is not None
    assert duc.title_code == "BKT"
    assert duc.user_id is None


def test_importing_the_same_file_again_adds_nothing(db_session: Session) -> None:
    reporting_world(db_session)
    import_awards(db_session, _csv(GOOD), "lich-su.csv")
    db_session.commit()
    again = import_awards(db_session, _csv(GOOD), "lich-su.csv")
    db_session.commit()
    assert again.imported == 0
    assert again.existing == 3
    assert _count(db_session) == 3


def test_the_same_rows_as_xlsx_are_recognised_as_already_imported(db_session: Session) -> None:
    reporting_world(db_session)
    import_awards(db_session, _csv(GOOD), "lich-su.csv")
    db_session.commit()
    as_excel = [[*row[:4], int(row[4]), row[5], date(2023, 12, 15) if i < 2 else row[6], row[7]]
                for i, row in enumerate(GOOD)]  # fmt: skip
    report = import_awards(db_session, _xlsx(as_excel), "lich-su.xlsx")
    assert report.imported == 0
    assert report.existing == 3


def test_a_file_with_bad_rows_reports_each_row_and_imports_nothing(db_session: Session) -> None:
    reporting_world(db_session)
    bad = [
        GOOD[0],
        ["", "cá nhân", "", "LDTT", "2022", "", "", ""],
        ["Phòng Kế hoạch – Tài chính", "tập thể", "", "Lao động tiên tiến", "2022", "", "", ""],
        ["Lục Thị Hương", "nhân viên", "", "Huy chương vàng", "20x2", "", "31/02/2022", ""],
        GOOD[0],
    ]
    report = import_awards(db_session, _csv(bad), "loi.csv")
    assert not report.committed
    assert report.imported == 0
    assert _count(db_session) == 0
    reasons = {r.row: r.reasons for r in report.invalid}
    assert set(reasons) == {3, 4, 5, 6}
    assert reasons[3] == ["thiếu họ tên / tên tập thể"]
    assert reasons[4] == ["“Lao động tiên tiến” không dành cho tập thể"]
    assert len(reasons[5]) == 4
    assert any("nhân viên" in r for r in reasons[5])
    assert any("Huy chương vàng" in r for r in reasons[5])
    assert any("20x2" in r for r in reasons[5])
    assert any("31/02/2022" in r for r in reasons[5])
    assert reasons[6] == ["trùng với dòng 2"]


def test_partial_import_keeps_the_valid_rows(db_session: Session) -> None:
    reporting_world(db_session)
    rows = [GOOD[0], ["", "cá nhân", "", "LDTT", "2022", "", "", ""], GOOD[1]]
    report = import_awards(db_session, _csv(rows), "loi.csv", partial=True)
    db_session.commit()
    assert report.imported == 2
    assert [r.row for r in report.invalid] == [3]
    assert _count(db_session) == 2


def test_xlsx_with_a_bad_row_imports_nothing(db_session: Session) -> None:
    reporting_world(db_session)
    report = import_awards(
        db_session, _xlsx([GOOD[0], ["Hà Văn Long", "cá nhân", "", "LDTT", 1900]]), "x.xlsx"
    )
    assert [r.row for r in report.invalid] == [3]
    assert _count(db_session) == 0


def test_a_file_missing_a_required_column_is_refused_whole(db_session: Session) -> None:
    with pytest.raises(ImportFileError, match=r"[Dd]anh hiệu"):
        import_awards(db_session, _csv([["A", "cá nhân"]], header=["Họ tên", "Loại"]), "a.csv")
    with pytest.raises(ImportFileError, match=r"\.xlsx hoặc \.csv"):
        import_awards(db_session, b"x", "a.pdf")


def test_headers_without_diacritics_and_semicolons_are_read(db_session: Session) -> None:
    content = "Ho ten;Loai;Danh hieu;Nam\nNông Văn Thắng;ca nhan;LDTT;2024\n".encode()
    report = import_awards(db_session, content, "khong-dau.csv")
    assert report.imported == 1


def test_look_up_ignores_diacritics_and_filters(db_session: Session) -> None:
    reporting_world(db_session)
    import_awards(db_session, _csv(GOOD), "lich-su.csv")
    db_session.commit()
    rows, total = search_awards(db_session, AwardQuery(name="nguyen thi mai"))
    assert total == 1
    assert rows[0].nominee_name == "Nguyễn Thị Mai"
    rows, total = search_awards(db_session, AwardQuery(unit="quan ly khoa hoc", kind="individual"))
    assert [r.nominee_name for r in rows] == ["Nguyễn Thị Mai"]
    rows, total = search_awards(db_session, AwardQuery(year=2019, title_code="BKT"))
    assert [r.nominee_name for r in rows] == ["Bế Văn Đức"]
    _rows, total = search_awards(db_session, AwardQuery(kind="collective"))
    assert total == 1


def test_every_catalogue_form_imports_under_its_usual_spellings_with_issuer_and_level(
    db_session: Session,
) -> None:
    from engine.domain.rules.titles import TITLES

    rows = []
    for i, title in enumerate(TITLES):
        kind = "cá nhân" if "individual" in title.nominee_kinds else "tập thể"
        for j, written in enumerate((title.name, *title.aliases)):
            rows.append([f"Người {i}-{j}", kind, "", written, "2019", "", "", "Bộ KH&CN"])
    report = import_awards(db_session, _csv(rows), "lich-su.csv")
    assert report.invalid == []
    assert report.imported == len(rows)
    stored = db_session.scalars(select(AwardRecord)).all()
    assert {r.title_code for r in stored} == {t.code for t in TITLES}
    knc = next(r for r in stored if r.title_code == "KNC_KHCN")
    assert (knc.issued_by, knc.level) == ("Bộ KH&CN", "cấp bộ, ban, ngành")


def test_an_unknown_form_is_reported_with_the_closest_match(db_session: Session) -> None:
    rows = [["Hà Văn Long", "cá nhân", "", "Bằng khen Thủ tướng Chánh phủ", "2023", "", "", ""]]
    report = import_awards(db_session, _csv(rows), "loi.csv")
    assert report.invalid[0].reasons == [
        "danh hiệu / hình thức “Bằng khen Thủ tướng Chánh phủ” không có trong danh mục; "
        "gần nhất: “Bằng khen của Thủ tướng Chính phủ” (BKTTG)"
    ]

from __future__ import annotations

import io
from datetime import date

import pytest
from docx import Document
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from engine.documents.context import DocumentInputError, date_text
from engine.documents.render import render_document
from tests.common.council import sealed_session
from tests.common.dossiers import nominate
from tests.common.worlds import World, reporting_world


def docx_text(content: bytes) -> str:
    """Every paragraph and table cell of a DOCX, one per line."""
    document = Document(io.BytesIO(content))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(lines)


def docx_table_rows(content: bytes, header_start: str) -> list[list[str]]:
    document = Document(io.BytesIO(content))
    for table in document.tables:
        if table.rows[0].cells[0].text == header_start and len(table.rows[0].cells) > 3:
            return [[c.text for c in row.cells] for row in table.rows[1:]]
    raise AssertionError("table not found")


@pytest.fixture
def agency(db_session: Session) -> World:
    return reporting_world(db_session)


def _three(db_session: Session, agency: World) -> list[int]:
    agency.units["KHTC"].name = "Phòng Kế hoạch – Tài chính & KH&CN"
    return [
        nominate(db_session, agency, "cb1", "CSTDCS", achievements="Sáng kiến “Số hóa hồ sơ”.").id,
        nominate(db_session, agency, "cb2", "LDTT").id,
        nominate(db_session, agency, "KHTC", "TTLDTT").id,
    ]


def test_nominee_list_docx_has_every_nominee_with_diacritics(
    db_session: Session, agency: World
) -> None:
    ids = _three(db_session, agency)
    doc = render_document(db_session, "nominee_list", {"dossier_ids": ids, "on": "2025-12-12"})
    assert doc.filename == "danh-sach-2025-12-12.docx"
    rows = docx_table_rows(doc.content, "STT")
    assert rows == [
        ["1", "Lương Đức Cường", "Chuyên viên", "Phòng Kế hoạch – Tài chính & KH&CN",
         "Lao động tiên tiến", "Hoàn thành xuất sắc nhiệm vụ năm 2025."],
        ["2", "Hoàng Thị Thu Hà", "Phó Trưởng phòng", "Phòng Quản lý Khoa học",
         "Chiến sĩ thi đua cơ sở", "Sáng kiến “Số hóa hồ sơ”."],
        ["3", "Phòng Kế hoạch – Tài chính & KH&CN", "", "Phòng Kế hoạch – Tài chính & KH&CN",
         "Tập thể lao động tiên tiến", "Hoàn thành xuất sắc nhiệm vụ năm 2025."],
    ]  # fmt: skip
    text = docx_text(doc.content)
    assert "DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG" in text
    assert "Tổng cộng: 1 tập thể, 2 cá nhân." in text
    assert "{{" not in text
    assert "{%" not in text


def test_nominee_list_xlsx_has_rows_and_total(db_session: Session, agency: World) -> None:
    ids = _three(db_session, agency)
    doc = render_document(db_session, "nominee_list_xlsx", {"dossier_ids": ids})
    sheet = load_workbook(io.BytesIO(doc.content)).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0][0] == "DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG"
    assert values[2] == ["STT", "Họ và tên / Tên tập thể", "Chức vụ", "Đơn vị",
                         "Danh hiệu / hình thức", "Tóm tắt thành tích"]  # fmt: skip
    assert [v[1] for v in values[3:6]] == [
        "Lương Đức Cường",
        "Hoàng Thị Thu Hà",
        "Phòng Kế hoạch – Tài chính & KH&CN",
    ]
    assert values[6][1] == "Tổng cộng: 1 tập thể, 2 cá nhân"


def test_submission_letter_counts_nominees_by_title(db_session: Session, agency: World) -> None:
    ids = _three(db_session, agency)
    doc = render_document(
        db_session, "submission", {"dossier_ids": ids, "number": "45", "on": "2026-01-05"}
    )
    text = docx_text(doc.content)
    assert "TỜ TRÌNH" in text
    assert "Số: 45/TTr-SKHCN" in text
    assert "Cao Bằng, ngày 05 tháng 01 năm 2026" in text
    assert "Kính gửi: Chủ tịch Ủy ban nhân dân tỉnh Cao Bằng" in text
    assert "khen thưởng cho 1 tập thể và 2 cá nhân" in text
    assert "- Danh hiệu “Lao động tiên tiến”: 1 cá nhân;" in text
    assert "- Danh hiệu “Tập thể lao động tiên tiến”: 1 tập thể;" in text
    assert "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;" in text


def test_decision_draft_carries_its_list(db_session: Session, agency: World) -> None:
    ids = _three(db_session, agency)
    doc = render_document(db_session, "decision", {"dossier_ids": ids, "number": "120"})
    text = docx_text(doc.content)
    assert "QUYẾT ĐỊNH" in text
    assert "GIÁM ĐỐC SỞ KHOA HỌC VÀ CÔNG NGHỆ" in text
    assert "Điều 1. Công nhận / tặng thưởng cho 1 tập thể và 2 cá nhân" in text
    assert "(Kèm theo Quyết định số 120/QĐ-SKHCN" in text
    assert [r[1] for r in docx_table_rows(doc.content, "STT")] == [
        "Lương Đức Cường",
        "Hoàng Thị Thu Hà",
        "Phòng Kế hoạch – Tài chính & KH&CN",
    ]


def test_minutes_give_attendance_quorum_and_tally_never_a_vote(
    db_session: Session, agency: World
) -> None:
    yes = nominate(db_session, agency, "cb3", "CSTDCS", stage="decision")
    no = nominate(db_session, agency, "QLKH", "TTLDTT", stage="archived", status="not_selected")
    # A council of five: four vote, cb2 sends a written ballot, vanthu is absent and silent.
    members = ("giamdoc", "thuky", "cb1", "cb2", "vanthu")
    council = sealed_session(
        db_session,
        agency,
        {
            yes.id: {"giamdoc": "agree", "thuky": "agree", "cb1": "agree", "cb2": "agree"},
            no.id: {"giamdoc": "disagree", "thuky": "agree", "cb1": "disagree", "cb2": "recused"},
        },
        written=frozenset({"cb2"}),
        members=members,
    )
    doc = render_document(db_session, "minutes", {"session_id": council.id})
    text = docx_text(doc.content)
    assert "BIÊN BẢN" in text
    assert "Thời gian: ngày 10 tháng 12 năm 2025." in text
    assert "Chủ trì: Nông Văn Thắng. Thư ký: Đàm Thị Lan." in text
    assert "Tổng số thành viên Hội đồng: 5. Có mặt: 3; gửi phiếu bằng văn bản: 1" in text
    assert "Số thành viên tham gia biểu quyết: 4/5 (80,0%)" in text
    assert "Thành viên vắng mặt có phiếu bằng văn bản: Lương Đức Cường." in text
    assert "Thành viên vắng mặt: Nguyễn Thị Mai." in text
    tally = docx_table_rows(doc.content, "STT")
    assert tally == [
        ["1", "Triệu Quang Hải", "Phòng Kế hoạch – Tài chính", "Chiến sĩ thi đua cơ sở",
         "4", "0", "0", "80,0%", "Đạt"],
        ["2", "Phòng Quản lý Khoa học", "Phòng Quản lý Khoa học", "Tập thể lao động tiên tiến",
         "1", "2", "1", "25,0%", "Không đạt"],
    ]  # fmt: skip
    assert "Hội đồng thống nhất đề nghị khen thưởng 1 trên tổng số 2 hồ sơ" in text
    # No line (paragraph or table row) puts a member's name next to a vote or a count.
    names = [agency.users[m].full_name for m in members]
    for line in text.splitlines():
        if any(word in line.lower() for word in ("đồng ý", "biểu quyết", "agree", "recuse")):
            assert not any(name in line for name in names), line
    for row in tally:
        assert not any(name in cell for name in names for cell in row)
    assert "agree" not in text


def test_date_text_pads_like_administrative_documents() -> None:
    assert date_text(date(2026, 1, 5)) == "ngày 05 tháng 01 năm 2026"
    assert date_text(date(2025, 12, 10)) == "ngày 10 tháng 12 năm 2025"
    assert date_text(date(2025, 3, 1)) == "ngày 01 tháng 3 năm 2025"


def test_a_document_without_dossiers_is_refused(db_session: Session) -> None:
    with pytest.raises(DocumentInputError):
        render_document(db_session, "submission", {"dossier_ids": []})


def test_a_number_typed_with_its_suffix_is_printed_once(db_session: Session, agency: World) -> None:
    """Issue 15, defect 6: "1/TTr-SKHCN" printed "Số: 1/TTr-SKHCN/TTr-SKHCN"."""
    ids = _three(db_session, agency)
    for kind, typed, printed in (
        ("submission", "1/TTr-SKHCN", "Số: 1/TTr-SKHCN"),
        ("decision", "120/QĐ-SKHCN", "Số: 120/QĐ-SKHCN"),
    ):
        text = docx_text(
            render_document(db_session, kind, {"dossier_ids": ids, "number": typed}).content
        )
        assert printed in text
        assert f"{typed}/" not in text, text

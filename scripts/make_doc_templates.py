"""Write the first version of the DOCX templates in workflows/templates/.

Run once (``.venv/bin/python scripts/make_doc_templates.py``); after that the agency edits the
.docx files in Word and this script is only a record of how they started. It refuses to
overwrite an existing template unless given ``--force``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

OUT = Path(__file__).resolve().parent.parent / "workflows" / "templates"
CENTER = WD_ALIGN_PARAGRAPH.CENTER


def _document(landscape: bool = False) -> object:
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(13)
    section = doc.sections[0]
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width
    section.left_margin = Cm(3)
    section.right_margin = Cm(2)
    section.top_margin = Cm(2)
    section.bottom_margin = Cm(2)
    return doc


def _para(doc, text: str = "", bold: bool = False, align=None, italic: bool = False, size=None):
    paragraph = doc.add_paragraph()
    run = paragraph.add_run(text)
    run.bold = bold
    run.italic = italic
    if size:
        run.font.size = Pt(size)
    if align is not None:
        paragraph.alignment = align
    return paragraph


def _letterhead(doc, number_kind: str) -> None:
    """The two-column heading of an administrative document (Nghị định 30/2020/NĐ-CP)."""
    table = doc.add_table(rows=2, cols=2)
    left, right = table.rows[0].cells
    left.paragraphs[0].add_run("{{ agency.parent }}")
    left.paragraphs[0].alignment = CENTER
    p = left.add_paragraph()
    p.add_run("{{ agency.name }}").bold = True
    p.alignment = CENTER
    right.paragraphs[0].add_run("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM").bold = True
    right.paragraphs[0].alignment = CENTER
    p = right.add_paragraph()
    p.add_run("Độc lập - Tự do - Hạnh phúc").bold = True
    p.alignment = CENTER
    left, right = table.rows[1].cells
    left.paragraphs[0].add_run("Số: {{ number }}/" + number_kind + "-{{ agency.symbol }}")
    left.paragraphs[0].alignment = CENTER
    right.paragraphs[0].add_run("{{ agency.place }}, {{ date_text }}").italic = True
    right.paragraphs[0].alignment = CENTER


def _nominee_table(doc, loop: str = "rows") -> None:
    headers = ["STT", "Họ và tên / Tên tập thể", "Chức vụ", "Đơn vị", "Danh hiệu / hình thức",
               "Tóm tắt thành tích"]  # fmt: skip
    fields = ["stt", "name", "position", "unit", "title", "achievements"]
    table = doc.add_table(rows=4, cols=len(headers))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.paragraphs[0].add_run(text).bold = True
        cell.paragraphs[0].alignment = CENTER
    table.rows[1].cells[0].paragraphs[0].add_run("{%tr for r in " + loop + " %}")
    for cell, name in zip(table.rows[2].cells, fields, strict=True):
        cell.paragraphs[0].add_run("{{ r." + name + " }}")
    table.rows[3].cells[0].paragraphs[0].add_run("{%tr endfor %}")


def _signature(doc, title: str, name: str) -> None:
    table = doc.add_table(rows=1, cols=2)
    left, right = table.rows[0].cells
    left.paragraphs[0].add_run("Nơi nhận:").bold = True
    left.add_paragraph("- Như trên;")
    left.add_paragraph("- Lưu: VT, TĐKT.")
    right.paragraphs[0].add_run(title).bold = True
    right.paragraphs[0].alignment = CENTER
    for _ in range(3):
        right.add_paragraph()
    p = right.add_paragraph()
    p.add_run(name).bold = True
    p.alignment = CENTER


def submission() -> object:
    doc = _document()
    _letterhead(doc, "TTr")
    _para(doc, "TỜ TRÌNH", bold=True, align=CENTER, size=14)
    _para(doc, "Về việc đề nghị khen thưởng {{ subject }}", bold=True, align=CENTER)
    _para(doc, "Kính gửi: {{ recipient }}", align=CENTER)
    for basis in ("{%p for line in agency.legal_bases %}", "{{ line }}", "{%p endfor %}"):
        _para(doc, basis, italic=basis == "{{ line }}")
    _para(doc, "{{ agency.name_sentence }} kính trình {{ recipient }} xem xét, khen thưởng cho "
          "{{ totals.collective }} tập thể và {{ totals.individual }} cá nhân đã có thành tích "
          "xuất sắc {{ campaign_phrase }}, cụ thể:")  # fmt: skip
    _para(doc, "{%p for t in by_title %}")
    _para(doc, "- {{ t.name }}: {{ t.text }};")
    _para(doc, "{%p endfor %}")
    _para(doc, "(Có danh sách và hồ sơ kèm theo)", italic=True)
    _para(doc, "{{ agency.name_sentence }} kính trình {{ recipient }} xem xét, quyết định./.")
    _signature(doc, "{{ agency.signer_title }}", "{{ agency.signer_name }}")
    return doc


def nominee_list() -> object:
    doc = _document(landscape=True)
    _para(doc, "{{ agency.parent }}", align=CENTER)
    _para(doc, "{{ agency.name }}", bold=True, align=CENTER)
    _para(doc, "DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG", bold=True, align=CENTER, size=14)
    _para(doc, "{{ subtitle }}", italic=True, align=CENTER)
    _nominee_table(doc)
    _para(doc, "Tổng cộng: {{ totals.collective }} tập thể, {{ totals.individual }} cá nhân.",
          bold=True)  # fmt: skip
    return doc


def decision() -> object:
    doc = _document()
    _letterhead(doc, "QĐ")
    _para(doc, "QUYẾT ĐỊNH", bold=True, align=CENTER, size=14)
    _para(doc, "Về việc khen thưởng {{ subject }}", bold=True, align=CENTER)
    _para(doc, "GIÁM ĐỐC {{ agency.name }}", bold=True, align=CENTER)
    for basis in ("{%p for line in agency.legal_bases %}", "{{ line }}", "{%p endfor %}"):
        _para(doc, basis, italic=basis == "{{ line }}")
    _para(doc, "Căn cứ kết quả họp Hội đồng Thi đua – Khen thưởng {{ agency.name_sentence }};",
          italic=True)  # fmt: skip
    _para(doc, "Theo đề nghị của Thường trực Hội đồng Thi đua – Khen thưởng.", italic=True)
    _para(doc, "QUYẾT ĐỊNH:", bold=True, align=CENTER)
    _para(
        doc,
        "Điều 1. Công nhận / tặng thưởng cho {{ totals.collective }} tập thể và "
        "{{ totals.individual }} cá nhân đã có thành tích {{ campaign_phrase }}, cụ thể:",
    )
    _para(doc, "{%p for t in by_title %}")
    _para(doc, "- {{ t.name }}: {{ t.text }};")
    _para(doc, "{%p endfor %}")
    _para(doc, "(Có danh sách kèm theo)", italic=True)
    _para(doc, "Điều 2. Khen thưởng kèm theo chế độ theo quy định hiện hành.")
    _para(doc, "Điều 3. Chánh Văn phòng, Thủ trưởng các đơn vị có liên quan và các tập thể, cá "
          "nhân có tên tại Điều 1 chịu trách nhiệm thi hành Quyết định này./.")  # fmt: skip
    _signature(doc, "{{ agency.signer_title }}", "{{ agency.signer_name }}")
    doc.add_page_break()
    _para(doc, "DANH SÁCH KHEN THƯỞNG", bold=True, align=CENTER, size=14)
    _para(doc, "(Kèm theo Quyết định số {{ number }}/QĐ-{{ agency.symbol }} {{ date_text }} "
          "của Giám đốc {{ agency.name_sentence }})", italic=True, align=CENTER)  # fmt: skip
    _nominee_table(doc)
    return doc


def minutes() -> object:
    doc = _document(landscape=True)
    _letterhead(doc, "BB")
    _para(doc, "BIÊN BẢN", bold=True, align=CENTER, size=14)
    _para(doc, "Họp Hội đồng Thi đua – Khen thưởng {{ agency.name_sentence }}", bold=True,
          align=CENTER)  # fmt: skip
    _para(doc, "Thời gian: {{ meeting_date_text }}. Hội đồng: {{ term_name }}.")
    _para(doc, "Chủ trì: {{ chair }}. Thư ký: {{ secretary }}.")
    _para(doc, "I. THÀNH PHẦN", bold=True)
    _para(doc, "Tổng số thành viên Hội đồng: {{ quorum.members }}. Có mặt: {{ quorum.present }}; "
          "gửi phiếu bằng văn bản: {{ quorum.written }}; vắng không có phiếu: "
          "{{ quorum.absent }}. Số thành viên tham gia biểu quyết: {{ quorum.participants }}/"
          "{{ quorum.members }} ({{ quorum.percent }}).")  # fmt: skip
    table = doc.add_table(rows=4, cols=3)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ["STT", "Họ và tên", "Chức vụ trong Hội đồng"],
                          strict=True):  # fmt: skip
        cell.paragraphs[0].add_run(text).bold = True
    table.rows[1].cells[0].paragraphs[0].add_run("{%tr for p in present %}")
    for cell, name in zip(table.rows[2].cells, ["stt", "name", "position"], strict=True):
        cell.paragraphs[0].add_run("{{ p." + name + " }}")
    table.rows[3].cells[0].paragraphs[0].add_run("{%tr endfor %}")
    _para(doc, "{%p if written_names %}")
    _para(doc, "Thành viên vắng mặt có phiếu bằng văn bản: {{ written_names }}.")
    _para(doc, "{%p endif %}")
    _para(doc, "{%p if absent_names %}")
    _para(doc, "Thành viên vắng mặt: {{ absent_names }}.")
    _para(doc, "{%p endif %}")
    _para(doc, "II. KẾT QUẢ BỎ PHIẾU KÍN", bold=True)
    _para(doc, "Hội đồng bỏ phiếu kín. Kết quả kiểm phiếu đối với từng hồ sơ như sau:")
    headers = ["STT", "Tập thể / cá nhân", "Đơn vị", "Danh hiệu / hình thức", "Đồng ý",
               "Không đồng ý", "Không biểu quyết", "Tỷ lệ đồng ý", "Kết quả"]  # fmt: skip
    fields = ["stt", "name", "unit", "title", "agree", "disagree", "recused", "percent", "result"]
    table = doc.add_table(rows=4, cols=len(headers))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.paragraphs[0].add_run(text).bold = True
    table.rows[1].cells[0].paragraphs[0].add_run("{%tr for t in tally %}")
    for cell, name in zip(table.rows[2].cells, fields, strict=True):
        cell.paragraphs[0].add_run("{{ t." + name + " }}")
    table.rows[3].cells[0].paragraphs[0].add_run("{%tr endfor %}")
    _para(doc, "Tỷ lệ đồng ý tính trên tổng số thành viên Hội đồng, không kể thành viên không "
          "biểu quyết đối với hồ sơ đó.", italic=True)  # fmt: skip
    _para(doc, "III. KẾT LUẬN", bold=True)
    _para(doc, "Hội đồng thống nhất đề nghị khen thưởng {{ selected_count }} trên tổng số "
          "{{ tally | length }} hồ sơ được xem xét.")  # fmt: skip
    _para(doc, "Phiếu bầu được niêm phong; mã niêm phong: {{ seal_hash }}.", italic=True, size=10)
    table = doc.add_table(rows=1, cols=2)
    left, right = table.rows[0].cells
    left.paragraphs[0].add_run("THƯ KÝ").bold = True
    left.paragraphs[0].alignment = CENTER
    left.add_paragraph("\n\n{{ secretary }}").alignment = CENTER
    right.paragraphs[0].add_run("CHỦ TỊCH HỘI ĐỒNG").bold = True
    right.paragraphs[0].alignment = CENTER
    right.add_paragraph("\n\n{{ chair }}").alignment = CENTER
    return doc


TEMPLATES = {
    "to_trinh.docx": submission,
    "danh_sach_de_nghi.docx": nominee_list,
    "quyet_dinh.docx": decision,
    "bien_ban_hoi_dong.docx": minutes,
}


def main(argv: list[str]) -> int:
    force = "--force" in argv
    OUT.mkdir(parents=True, exist_ok=True)
    for name, build in TEMPLATES.items():
        path = OUT / name
        if path.exists() and not force:
            print(f"kept {path} (exists; --force overwrites the agency's edits)")
            continue
        build().save(path)
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

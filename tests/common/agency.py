"""A synthetic agency's spreadsheets, as its HR office and secretariat would export them.

Five units under the Sở, 120 staff, five years of ratings (2021–2025), initiatives recognised at
three levels, discipline records and 500+ historical awards across every catalogue form, written
under their usual alias spellings. Deterministic: the same files every run.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook

from engine.domain.rules.titles import TITLES

YEARS = tuple(range(2021, 2026))
UNITS = (
    ("SO", "Sở Khoa học và Công nghệ", ""),
    ("VP", "Văn phòng Sở", "SO"),
    ("QLKH", "Phòng Quản lý Khoa học", "SO"),
    ("TTR", "Thanh tra Sở", "SO"),
    ("TTUD", "Trung tâm Ứng dụng tiến bộ KH&CN", "SO"),
    ("CCTDC", "Chi cục Tiêu chuẩn Đo lường Chất lượng", "SO"),
)
STAFF_UNITS = tuple(code for code, _name, parent in UNITS if parent)
_FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ")
_MIDDLE = ("Văn", "Thị", "Đức", "Minh", "Thu", "Quang", "Ngọc", "Hữu")
_GIVEN = ("An", "Bình", "Cường", "Dũng", "Giang", "Hà", "Hùng", "Lan", "Long", "Mai", "Nam", "Phúc")
RATING_WORDS = {
    "excellent": "Hoàn thành xuất sắc nhiệm vụ",
    "good": "Hoàn thành tốt nhiệm vụ",
    "complete": "Hoàn thành nhiệm vụ",
}


@dataclass
class Person:
    email: str
    name: str
    unit: str
    ratings: dict[int, str] = field(default_factory=dict)


def _alias(index: int, code: str) -> str:
    """The title written one of the ways award histories write it (cycles through aliases)."""
    title = next(t for t in TITLES if t.code == code)
    spellings = (title.name, *title.aliases)
    return spellings[index % len(spellings)]


@dataclass
class Agency:
    """The files and what they hold, for the assertions."""

    people: list[Person]
    files: dict[str, tuple[str, bytes]]
    #: (name, kind, title as written, year) of every historical award row.
    awards: list[tuple[str, str, str, int]]
    #: (author e-mail, year, scope) of every initiative.
    initiatives: list[tuple[str, int, str]]
    #: e-mail → years a warning (cảnh cáo) or a reprimand was in effect.
    warned: dict[str, set[int]]
    reprimanded: dict[str, set[int]]


def people() -> list[Person]:
    result = []
    for i in range(120):
        name = f"{_FAMILY[i % 10]} {_MIDDLE[(i // 10) % 8]} {_GIVEN[(i * 7) % 12]} {i + 1:03d}"
        person = Person(f"cb{i + 1:03d}@so.example", name, STAFF_UNITS[i % len(STAFF_UNITS)])
        for year in YEARS:
            person.ratings[year] = ("excellent", "good", "good", "complete")[(i + year) % 4]
        result.append(person)
    return result


def _csv(header: list[str], rows: list[list[object]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def _xlsx(header: list[str], rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def build() -> Agency:
    staff = people()
    files: dict[str, tuple[str, bytes]] = {}
    files["units"] = (
        "don-vi.csv",
        _csv(["Mã đơn vị", "Tên đơn vị", "Đơn vị cấp trên"], [list(u) for u in UNITS]),
    )
    files["staff"] = (
        "can-bo.xlsx",
        _xlsx(
            ["Họ và tên", "E-mail", "Đơn vị", "Chức vụ", "Ngày vào", "Ngày nghỉ"],
            [
                [p.name, p.email, p.unit, "Chuyên viên", f"01/0{1 + i % 9}/2015", ""]
                for i, p in enumerate(staff)
            ],
        ),
    )
    rating_rows: list[list[object]] = []
    for p in staff:
        for year, rating in p.ratings.items():
            rating_rows.append(["cá nhân", p.name, p.email, p.unit, year, RATING_WORDS[rating]])
    for code in STAFF_UNITS:
        for year in YEARS:
            rating_rows.append(["tập thể", code, "", "", year, "Hoàn thành xuất sắc nhiệm vụ"])
    files["ratings"] = (
        "xep-loai.csv",
        _csv(["Loại", "Họ tên / Tên tập thể", "E-mail", "Đơn vị", "Năm", "Xếp loại"], rating_rows),
    )
    levels = ("Cơ sở", "Cấp tỉnh", "Toàn quốc")
    scopes = ("Đơn vị", "Toàn tỉnh", "Toàn quốc")
    initiative_rows: list[list[object]] = []
    for i, p in enumerate(staff[:60]):
        for year in YEARS:
            level = 0 if (i + year) % 5 else (1 if i % 2 else 2)
            initiative_rows.append(
                [
                    f"Sáng kiến {i + 1}-{year} về quản lý khoa học",
                    "Sáng kiến" if i % 3 else "Đề tài",
                    year,
                    p.email,
                    levels[level],
                    scopes[level],
                    f"{i + 1}/QĐ-SKHCN",
                    f"15/12/{year}",
                    "Sở Khoa học và Công nghệ" if level == 0 else "UBND tỉnh",
                ]
            )
    files["initiatives"] = (
        "sang-kien.csv",
        _csv(
            [
                "Tên sáng kiến / đề tài",
                "Loại",
                "Năm",
                "Tác giả",
                "Cấp công nhận",
                "Phạm vi ảnh hưởng",
                "Số quyết định",
                "Ngày quyết định",
                "Cơ quan công nhận",
            ],
            initiative_rows,
        ),
    )
    files["discipline"] = (
        "ky-luat.csv",
        _csv(
            ["Họ tên", "E-mail", "Hình thức kỷ luật", "Số quyết định", "Từ ngày", "Đến ngày"],
            [
                [staff[118].name, staff[118].email, "Cảnh cáo", "5/QĐ-SKHCN", "01/03/2025", ""],
                [
                    staff[119].name,
                    staff[119].email,
                    "Khiển trách",
                    "6/QĐ-SKHCN",
                    "01/03/2024",
                    "28/02/2025",
                ],
            ],
        ),
    )
    award_rows: list[list[object]] = []
    for i, p in enumerate(staff):
        for year in YEARS:
            if p.ratings[year] in ("excellent", "good"):
                award_rows.append([p.name, "cá nhân", p.unit, _alias(i + year, "LDTT"), year])
    individual_codes = [t.code for t in TITLES if "individual" in t.nominee_kinds]
    collective_codes = [t.code for t in TITLES if "collective" in t.nominee_kinds]
    for n, code in enumerate(individual_codes):
        for k in range(12):
            p = staff[(n * 13 + k * 7) % len(staff)]
            award_rows.append([p.name, "cá nhân", p.unit, _alias(k, code), YEARS[k % 5] - 5])
    for n, code in enumerate(collective_codes):
        for k in range(4):
            unit = UNITS[1 + (n + k) % 5]
            award_rows.append(
                [unit[1], "tập thể", "Sở Khoa học và Công nghệ", _alias(k, code), 2010 + k]
            )
    files["awards"] = (
        "khen-thuong.xlsx",
        _xlsx(
            ["Họ tên / Tên tập thể", "Loại", "Đơn vị", "Hình thức khen thưởng", "Năm"], award_rows
        ),
    )
    scope_code = {"Đơn vị": "unit", "Toàn tỉnh": "province", "Toàn quốc": "national"}
    return Agency(
        staff,
        files,
        [(str(r[0]), str(r[1]), str(r[3]), int(str(r[4]))) for r in award_rows],
        [(str(r[3]), int(str(r[2])), scope_code[str(r[5])]) for r in initiative_rows],
        {staff[118].email: {2025}},
        {staff[119].email: {2024, 2025}},
    )


def write(agency: Agency, folder: Path) -> dict[str, Path]:
    """Write the agency's files into ``folder``; return kind → path."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for kind, (name, content) in agency.files.items():
        path = folder / name
        path.write_bytes(content)
        paths[kind] = path
    return paths

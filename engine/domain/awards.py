"""Award history: import from XLSX/CSV with a per-row report, and the look-up (tra cứu).

The columns are documented in ``docs/award-import.md``. An import is all or nothing unless
``partial`` is asked for; each row's identity is a hash of its normalized content, so importing
the same file again adds nothing.
"""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.domain.rules.titles import (
    BY_CODE,
    KIND_NAMES,
    closest_title,
    title_code_for,
    title_kinds,
    title_name,
)
from engine.models import AwardRecord, OrgUnit, User
from engine.text import search_key
from engine.unit_of_work import unit_of_work

#: Field → the headers accepted for it (compared without diacritics, case or spacing).
COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("họ tên / tên tập thể", "họ tên", "họ và tên", "tên tập thể", "tên"),
    "kind": ("loại", "cá nhân / tập thể", "loại (cá nhân/tập thể)"),
    "unit": ("đơn vị", "đơn vị công tác"),
    "title": ("danh hiệu", "hình thức", "danh hiệu / hình thức", "hình thức khen thưởng"),
    "year": ("năm",),
    "decision_no": ("số quyết định", "số qđ"),
    "decision_date": ("ngày quyết định", "ngày qđ"),
    "issued_by": ("cơ quan ban hành", "cấp ban hành", "người ký", "cơ quan quyết định"),
    "level": ("cấp", "cấp khen thưởng", "cấp khen"),
}
REQUIRED_COLUMNS = ("name", "kind", "title", "year")
_HEADER_KEYS = {
    search_key(alias).replace(" ", ""): name
    for name, aliases in COLUMNS.items()
    for alias in aliases
}
_KINDS = {"ca nhan": "individual", "canhan": "individual", "tap the": "collective"}
_KINDS |= {"tapthe": "collective", "individual": "individual", "collective": "collective"}
FIRST_YEAR = 1945  # the oldest award a Vietnamese agency can hold


class ImportFileError(ValueError):
    """The file cannot be read as an award list at all (format, sheet, missing columns)."""


@dataclass
class RowResult:
    """What happened to one data row: ``new``, ``exists`` (imported before) or ``invalid``."""

    row: int
    status: str
    name: str = ""
    reasons: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    """The row-by-row report of an import and what was written."""

    rows: list[RowResult]
    imported: int = 0
    committed: bool = False

    @property
    def invalid(self) -> list[RowResult]:
        """Return the rows that were refused, with their reasons."""
        return [r for r in self.rows if r.status == "invalid"]

    @property
    def existing(self) -> int:
        """Return how many rows were already in the history."""
        return sum(1 for r in self.rows if r.status == "exists")

    @property
    def new(self) -> int:
        """Return how many valid rows were not in the history yet."""
        return sum(1 for r in self.rows if r.status == "new")


@dataclass(frozen=True)
class _Award:
    """A validated row, ready to store."""

    row: int
    name: str
    kind: str
    unit: str | None
    title_code: str
    year: int
    decision_no: str | None
    decision_date: date | None
    issued_by: str | None
    level: str | None = None

    def import_key(self) -> str:
        """Return the row's identity: a hash of its normalized content."""
        parts = (
            search_key(self.name),
            self.kind,
            search_key(self.unit or ""),
            self.title_code,
            str(self.year),
            search_key(self.decision_no or "").replace(" ", ""),
            self.decision_date.isoformat() if self.decision_date else "",
            search_key(self.issued_by or ""),
        )
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


#: More data rows than this are refused at once (engine.admin.imports.Limits says the same).
MAX_ROWS = 50_000
#: An XLSX expanding more than this many times its size, or past MAX_UNPACKED, is refused.
MAX_RATIO = 100
MAX_UNPACKED = 200 * 1024 * 1024


def read_table(
    content: bytes, filename: str, max_rows: int = MAX_ROWS
) -> list[tuple[int, dict[str, Any]]]:
    """Return (row number, {field: value}) for every non-empty data row of an XLSX or CSV file.

    Row numbers are the spreadsheet's (the header is row 1). Raise ImportFileError when the file
    is not XLSX/CSV, lacks a required column, would expand too far (a zip bomb) or holds more
    than ``max_rows`` data rows (reading stops there).
    """
    suffix = Path(filename).suffix.lower()
    if suffix == ".xlsx":
        raw: Iterator[Sequence[Any]] = _xlsx_rows(content, filename)
    elif suffix == ".csv":
        raw = iter(_csv_rows(content))
    else:
        raise ImportFileError(f"{filename}: chỉ nhận tệp .xlsx hoặc .csv")
    header = next(raw, None)
    if header is None:
        raise ImportFileError(f"{filename}: tệp không có dòng tiêu đề")
    fields: dict[int, str] = {}
    for index, cell in enumerate(header):
        key = search_key(str(cell or "")).replace(" ", "")
        if key in _HEADER_KEYS:
            fields.setdefault(index, _HEADER_KEYS[key])
    missing = [c for c in REQUIRED_COLUMNS if c not in fields.values()]
    if missing:
        names = ", ".join(f"“{COLUMNS[c][0]}”" for c in missing)
        raise ImportFileError(f"{filename}: thiếu cột {names}")
    rows: list[tuple[int, dict[str, Any]]] = []
    for number, values in enumerate(raw, start=2):
        record = {name: values[i] if i < len(values) else None for i, name in fields.items()}
        if any(_text(v) for v in record.values()):
            if len(rows) >= max_rows:
                raise ImportFileError(
                    f"{filename}: quá {max_rows:,} dòng dữ liệu; chia tệp thành nhiều phần"
                )
            rows.append((number, record))
    return rows


def _xlsx_rows(content: bytes, filename: str = "") -> Iterator[Sequence[Any]]:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise ImportFileError(f"{filename}: không phải tệp Excel (.xlsx)") from None
    if unpacked > MAX_UNPACKED or unpacked > MAX_RATIO * max(1, len(content)):
        raise ImportFileError(
            f"{filename}: tệp nén giải ra {unpacked:,} byte, vượt giới hạn {MAX_RATIO} lần "
            f"kích thước tệp hoặc {MAX_UNPACKED:,} byte"
        )
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not XLSX
        raise ImportFileError(f"không đọc được tệp Excel: {exc}") from None
    try:
        yield from workbook.worksheets[0].iter_rows(values_only=True)
    finally:
        workbook.close()


def _csv_rows(content: bytes) -> list[Sequence[Any]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError("tệp CSV phải dùng bảng mã UTF-8") from None
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def existing_keys(session: Session, keys: Sequence[str]) -> set[str]:
    """Return which of the import keys are already in the history."""
    existing: set[str] = set()
    for start in range(0, len(keys), 500):
        chunk = list(keys[start : start + 500])
        existing.update(
            session.scalars(select(AwardRecord.import_key).where(AwardRecord.import_key.in_(chunk)))
        )
    return existing


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _parse_year(value: Any) -> int | None:
    text = _text(value)
    if not text.isdigit():
        return None
    year = int(text)
    return year if FIRST_YEAR <= year <= date.today().year + 1 else None


def _parse_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    for fmt in ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def validate(rows: Iterable[tuple[int, dict[str, Any]]]) -> tuple[list[_Award], list[RowResult]]:
    """Return the valid awards and a report row for every row (invalid ones with reasons)."""
    awards: list[_Award] = []
    results: list[RowResult] = []
    seen: dict[str, int] = {}
    for number, record in rows:
        reasons: list[str] = []
        name = _text(record.get("name"))
        if not name:
            reasons.append("thiếu họ tên / tên tập thể")
        kind_text = _text(record.get("kind"))
        kind = _KINDS.get(search_key(kind_text))
        if kind is None:
            reasons.append(f"loại “{kind_text}” phải là “cá nhân” hoặc “tập thể”")
        title_text = _text(record.get("title"))
        code = title_code_for(title_text) if title_text else None
        if code is None:
            near = closest_title(title_text) if title_text else None
            hint = f"; gần nhất: “{near.name}” ({near.code})" if near else ""
            reasons.append(f"danh hiệu / hình thức “{title_text}” không có trong danh mục{hint}")
        elif kind is not None and kind not in title_kinds(code):
            reasons.append(f"“{title_name(code)}” không dành cho {KIND_NAMES[kind]}")
        year = _parse_year(record.get("year"))
        if year is None:
            reasons.append(f"năm “{_text(record.get('year'))}” không hợp lệ")
        decision_date: date | None = None
        if _text(record.get("decision_date")):
            try:
                decision_date = _parse_date(record.get("decision_date"))
            except ValueError:
                reasons.append(
                    f"ngày quyết định “{_text(record.get('decision_date'))}” không đúng dạng "
                    "ngày/tháng/năm"
                )
        if decision_date and decision_date > date.today():
            reasons.append("ngày quyết định ở tương lai")
        if reasons or code is None or kind is None or year is None:
            results.append(RowResult(number, "invalid", name, reasons))
            continue
        award = _Award(
            row=number,
            name=name,
            kind=kind,
            unit=_text(record.get("unit")) or None,
            title_code=code,
            year=year,
            decision_no=_text(record.get("decision_no")) or None,
            decision_date=decision_date,
            issued_by=_text(record.get("issued_by")) or None,
            level=_text(record.get("level")) or BY_CODE[code].level,
        )
        key = award.import_key()
        if key in seen:
            results.append(RowResult(number, "invalid", name, [f"trùng với dòng {seen[key]}"]))
            continue
        seen[key] = number
        awards.append(award)
        results.append(RowResult(number, "new", name))
    return awards, results


def import_awards(
    session: Session, content: bytes, filename: str, partial: bool = False
) -> ImportReport:
    """Import an award list; write nothing when a row is invalid unless ``partial``.

    Rows already imported (same normalized content) are reported as ``exists`` and skipped; the
    import is one unit of work. Raise ImportFileError when the file itself cannot be read.
    """
    awards, results = validate(read_table(content, filename))
    with unit_of_work(session):
        report = ImportReport(rows=results)
        by_row = {r.row: r for r in results}
        keys = [a.import_key() for a in awards]
        existing = existing_keys(session, keys)
        for award, key in zip(awards, keys, strict=True):
            if key in existing:
                by_row[award.row].status = "exists"
        if report.invalid and not partial:
            return report
        people, units = _directory(session)
        for award, key in zip(awards, keys, strict=True):
            if key in existing:
                continue
            user_id, unit_id = _link(award, people, units)
            session.add(
                AwardRecord(
                    nominee_kind=award.kind,
                    user_id=user_id,
                    unit_id=unit_id,
                    nominee_name=award.name,
                    nominee_search=search_key(award.name),
                    unit_name=award.unit,
                    unit_search=search_key(award.unit) if award.unit else None,
                    title_code=award.title_code,
                    year=award.year,
                    decision_no=award.decision_no,
                    decision_date=award.decision_date,
                    issued_by=award.issued_by,
                    level=award.level,
                    source="import",
                    import_key=key,
                )
            )
            report.imported += 1
        session.flush()
        report.committed = True
        return report


def _directory(session: Session) -> tuple[dict[str, list[User]], dict[str, OrgUnit]]:
    people: dict[str, list[User]] = {}
    for user in session.scalars(select(User)):
        people.setdefault(search_key(user.full_name), []).append(user)
    units: dict[str, OrgUnit] = {}
    for unit in session.scalars(select(OrgUnit)):
        units[search_key(unit.name)] = unit
        units[search_key(unit.code)] = unit
    return people, units


def _link(
    award: _Award, people: dict[str, list[User]], units: dict[str, OrgUnit]
) -> tuple[int | None, int | None]:
    """Return (user_id, unit_id) of the nominee when the directory names them unambiguously."""
    if award.kind == "collective":
        unit = units.get(search_key(award.name))
        return None, unit.id if unit else None
    candidates = people.get(search_key(award.name), [])
    unit = units.get(search_key(award.unit)) if award.unit else None
    if unit is not None:
        candidates = [u for u in candidates if u.unit_id == unit.id]
    return (candidates[0].id if len(candidates) == 1 else None), None


@dataclass(frozen=True)
class AwardQuery:
    """The look-up's filters; every text filter ignores diacritics and case."""

    name: str = ""
    kind: str = ""
    unit: str = ""
    year: int | None = None
    title_code: str = ""


def search_awards(
    session: Session, query: AwardQuery, limit: int = 50, offset: int = 0
) -> tuple[list[AwardRecord], int]:
    """Return one page of awards matching ``query`` (newest year first) and the total count."""
    conditions = []
    if query.name.strip():
        conditions.append(AwardRecord.nominee_search.contains(search_key(query.name)))
    if query.kind in KIND_NAMES:
        conditions.append(AwardRecord.nominee_kind == query.kind)
    if query.unit.strip():
        conditions.append(AwardRecord.unit_search.contains(search_key(query.unit)))
    if query.year is not None:
        conditions.append(AwardRecord.year == query.year)
    if query.title_code:
        conditions.append(AwardRecord.title_code == query.title_code)
    total = session.scalar(select(func.count(AwardRecord.id)).where(*conditions)) or 0
    rows = session.scalars(
        select(AwardRecord)
        .where(*conditions)
        .order_by(AwardRecord.year.desc(), AwardRecord.nominee_search, AwardRecord.id)
        .limit(limit)
        .offset(offset)
    )
    return list(rows), total

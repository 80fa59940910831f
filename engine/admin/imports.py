"""An agency's spreadsheets in: units, staff, yearly ratings, discipline, initiatives, awards.

Every kind is read the same way (``docs/agency-import.md`` lists the columns): an XLSX or CSV
file within the limits of :class:`Limits` (bytes, rows, the decompression ratio of an XLSX), a
row-by-row report, and a diff (``new`` / ``changed`` / ``unchanged`` / ``invalid``) computed
before anything is written. :func:`apply_import` writes the diff in one unit of work and audits
it; importing the same file again changes nothing. Uploads from the admin pages run as
background jobs (:func:`request_import`, :func:`run_import_job`), the CLI runs the same
functions inline. Administrators import every kind; the managers (director, secretariat) import
the award history from its own page and follow only their own award jobs
(``engine.permissions.may_import``, ``may_follow_import``).
"""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Select, select, update
from sqlalchemy.orm import Session, sessionmaker

from engine import audit, permissions
from engine.domain import awards as award_import
from engine.errors import Conflict, Forbidden, NotFound, ValidationFailed
from engine.models import (
    DisciplineRecord,
    ImportJob,
    Initiative,
    InitiativeAuthor,
    OrgUnit,
    PerformanceRecord,
    StaffPeriod,
    User,
)
from engine.models.agency import IMPORT_KINDS
from engine.models.base import utcnow
from engine.text import N_, search_key
from engine.unit_of_work import unit_of_work

Progress = Callable[[int, int], None]

KIND_NAMES = {
    "units": N_("Đơn vị"),
    "staff": N_("Cán bộ, công chức"),
    "ratings": N_("Đánh giá, xếp loại hằng năm"),
    "discipline": N_("Kỷ luật"),
    "initiatives": N_("Sáng kiến, đề tài"),
    "awards": N_("Khen thưởng đã có"),
}


class ImportLimitError(ValueError):
    """The file passes a limit (bytes, rows, decompression): refused with a clear message."""


@dataclass(frozen=True)
class Limits:
    """What an import accepts; the defaults fit a Sở's files many times over."""

    max_bytes: int = 10 * 1024 * 1024
    max_rows: int = 50_000
    #: An XLSX (a zip) expanding more than this many times its size is refused (a zip bomb).
    max_ratio: int = 100
    max_unpacked_bytes: int = 200 * 1024 * 1024


def check_limits(content: bytes, filename: str, limits: Limits) -> None:
    """Raise ImportLimitError when the file is too large or an XLSX would expand too much."""
    if len(content) > limits.max_bytes:
        raise ImportLimitError(
            f"{filename}: tệp {len(content):,} byte vượt giới hạn {limits.max_bytes:,} byte"
        )
    if Path(filename).suffix.lower() != ".xlsx":
        return
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise award_import.ImportFileError(f"{filename}: không phải tệp Excel (.xlsx)") from None
    if unpacked > limits.max_unpacked_bytes or unpacked > limits.max_ratio * max(1, len(content)):
        raise ImportLimitError(
            f"{filename}: tệp nén giải ra {unpacked:,} byte (gấp {unpacked // max(1, len(content))}"
            f" lần), vượt giới hạn {limits.max_ratio} lần hoặc {limits.max_unpacked_bytes:,} byte"
        )


def read_rows(
    content: bytes,
    filename: str,
    columns: dict[str, tuple[str, ...]],
    required: Sequence[str],
    limits: Limits,
) -> list[tuple[int, dict[str, Any]]]:
    """Return (spreadsheet row number, {field: value}) of every non-empty data row.

    The header (row 1) is matched without case, diacritics or spaces; more data rows than
    ``limits.max_rows`` stop the reading at once (the rest of the file is never loaded).
    """
    check_limits(content, filename, limits)
    suffix = Path(filename).suffix.lower()
    if suffix == ".xlsx":
        raw: Iterator[Sequence[Any]] = _xlsx(content)
    elif suffix == ".csv":
        raw = _csv(content)
    else:
        raise award_import.ImportFileError(f"{filename}: chỉ nhận tệp .xlsx hoặc .csv")
    keys = {
        search_key(alias).replace(" ", ""): name
        for name, aliases in columns.items()
        for alias in aliases
    }
    header = next(raw, None)
    if header is None:
        raise award_import.ImportFileError(f"{filename}: tệp không có dòng tiêu đề")
    fields: dict[int, str] = {}
    for index, cell in enumerate(header):
        key = search_key(str(cell or "")).replace(" ", "")
        if key in keys and keys[key] not in fields.values():
            fields[index] = keys[key]
    missing = [c for c in required if c not in fields.values()]
    if missing:
        names = ", ".join(f"“{columns[c][0]}”" for c in missing)
        raise award_import.ImportFileError(f"{filename}: thiếu cột {names}")
    rows: list[tuple[int, dict[str, Any]]] = []
    for number, values in enumerate(raw, start=2):
        record = {name: values[i] if i < len(values) else None for i, name in fields.items()}
        if not any(text(v) for v in record.values()):
            continue
        if len(rows) >= limits.max_rows:
            raise ImportLimitError(
                f"{filename}: quá {limits.max_rows:,} dòng dữ liệu; chia tệp thành nhiều phần"
            )
        rows.append((number, record))
    return rows


def _xlsx(content: bytes) -> Iterator[Sequence[Any]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not XLSX
        raise award_import.ImportFileError(f"không đọc được tệp Excel: {exc}") from None
    try:
        yield from workbook.worksheets[0].iter_rows(values_only=True)
    finally:
        workbook.close()


def _csv(content: bytes) -> Iterator[Sequence[Any]]:
    try:
        decoded = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise award_import.ImportFileError("tệp CSV phải dùng bảng mã UTF-8") from None
    first_line = decoded.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    yield from csv.reader(io.StringIO(decoded), delimiter=delimiter)


def text(value: Any) -> str:
    """Return a cell as one line of text ("" for empty; 2023.0 reads "2023")."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    return " ".join(str(value).split())


def parse_date(value: Any) -> date | None:
    """Return a date cell or dd/mm/yyyy (also yyyy-mm-dd) text; None when empty."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raw = text(value)
    if not raw:
        return None
    for fmt in ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    raise ValueError(raw)


# --- the report -------------------------------------------------------------------------------


@dataclass
class RowChange:
    """One data row: ``new``, ``changed``, ``unchanged`` or ``invalid``, with what changes."""

    row: int
    status: str
    name: str = ""
    changes: dict[str, list[str]] = field(default_factory=dict)
    reasons: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """Return the row as the job's report keeps it."""
        return {
            "row": self.row,
            "status": self.status,
            "name": self.name,
            "changes": self.changes,
            "reasons": self.reasons,
        }


@dataclass
class ImportResult:
    """The diff of an import and, once applied, what was written."""

    kind: str
    rows: list[RowChange]
    applied: bool = False

    def count(self, status: str) -> int:
        """Return how many rows have ``status``."""
        return sum(1 for r in self.rows if r.status == status)

    @property
    def invalid(self) -> list[RowChange]:
        """Return the refused rows."""
        return [r for r in self.rows if r.status == "invalid"]

    def to_json(self) -> dict[str, Any]:
        """Return the report an import job keeps and its page shows."""
        return {
            "kind": self.kind,
            "applied": self.applied,
            "counts": {s: self.count(s) for s in ("new", "changed", "unchanged", "invalid")},
            "rows": [r.to_json() for r in self.rows],
        }


# A planned write: applied in order by apply_import, in one unit of work.
Write = Callable[[Session], None]


@dataclass
class _Plan:
    rows: list[RowChange] = field(default_factory=list)
    writes: list[Write] = field(default_factory=list)

    def invalid(self, row: int, name: str, *reasons: str) -> None:
        self.rows.append(RowChange(row, "invalid", name, reasons=list(reasons)))

    def diff(
        self,
        row: int,
        name: str,
        before: dict[str, Any] | None,
        after: dict[str, Any],
        write: Write,
    ) -> None:
        if before is None:
            self.rows.append(RowChange(row, "new", name))
            self.writes.append(write)
            return
        changes = {
            k: [text(before.get(k)), text(v)] for k, v in after.items() if before.get(k) != v
        }
        if changes:
            self.rows.append(RowChange(row, "changed", name, changes))
            self.writes.append(write)
        else:
            self.rows.append(RowChange(row, "unchanged", name))


def _key(*parts: Any) -> str:
    return hashlib.sha256("\x1f".join(search_key(text(p)) for p in parts).encode()).hexdigest()


# --- who is who ---------------------------------------------------------------------------------


class _Directory:
    """Units by code and name, people by e-mail and name, read once per import."""

    def __init__(self, session: Session) -> None:
        self.units: dict[str, OrgUnit] = {}
        for unit in session.scalars(select(OrgUnit)):
            self.units[search_key(unit.code)] = unit
            self.units.setdefault(search_key(unit.name), unit)
        self.by_email: dict[str, User] = {}
        self.by_name: dict[str, list[User]] = {}
        for user in session.scalars(select(User)):
            self.by_email[user.email.lower()] = user
            self.by_name.setdefault(search_key(user.full_name), []).append(user)

    def unit(self, value: Any) -> OrgUnit | None:
        return self.units.get(search_key(text(value))) if text(value) else None

    def person(self, email: Any, name: Any, unit: Any = None) -> tuple[User | None, str]:
        """Return the person an e-mail (or else a name, within a unit if given) names."""
        mail = text(email).lower()
        if mail:
            found = self.by_email.get(mail)
            return found, "" if found else f"không có cán bộ có e-mail “{mail}”"
        candidates = self.by_name.get(search_key(text(name)), [])
        in_unit = self.unit(unit)
        if in_unit is not None:
            candidates = [u for u in candidates if u.unit_id == in_unit.id]
        if len(candidates) == 1:
            return candidates[0], ""
        if not candidates:
            return None, f"không có cán bộ tên “{text(name)}”"
        return None, f"có {len(candidates)} cán bộ tên “{text(name)}”: ghi e-mail để phân biệt"


# --- the kinds ----------------------------------------------------------------------------------

UNIT_COLUMNS = {
    "code": ("mã đơn vị", "mã"),
    "name": ("tên đơn vị", "đơn vị", "tên"),
    "parent": ("đơn vị cấp trên", "cấp trên", "trực thuộc"),
}
STAFF_COLUMNS = {
    "full_name": ("họ tên", "họ và tên"),
    "email": ("e-mail", "email", "thư điện tử"),
    "unit": ("đơn vị", "mã đơn vị", "đơn vị công tác"),
    "position": ("chức vụ", "vị trí"),
    "joined_on": ("ngày vào", "ngày vào cơ quan", "ngày bắt đầu", "từ ngày"),
    "left_on": ("ngày nghỉ", "ngày thôi việc", "ngày chuyển đi", "đến ngày"),
    "username": ("tên đăng nhập",),
}
RATING_COLUMNS = {
    "kind": ("loại", "cá nhân / tập thể"),
    "name": ("họ tên / tên tập thể", "họ tên", "tên tập thể", "tên"),
    "email": ("e-mail", "email"),
    "unit": ("đơn vị", "mã đơn vị"),
    "year": ("năm",),
    "rating": ("xếp loại", "kết quả đánh giá", "mức xếp loại", "đánh giá"),
    "note": ("ghi chú",),
}
DISCIPLINE_COLUMNS = {
    "name": ("họ tên",),
    "email": ("e-mail", "email"),
    "unit": ("đơn vị",),
    "form": ("hình thức kỷ luật", "hình thức"),
    "decision_no": ("số quyết định", "số qđ"),
    "effective_from": ("từ ngày", "ngày quyết định", "ngày hiệu lực"),
    "effective_until": ("đến ngày", "ngày hết hiệu lực"),
}
INITIATIVE_COLUMNS = {
    "title": ("tên sáng kiến / đề tài", "tên sáng kiến", "tên đề tài", "tên"),
    "kind": ("loại",),
    "year": ("năm",),
    "authors": ("tác giả", "e-mail tác giả", "tác giả (e-mail)"),
    "level": ("cấp công nhận", "cấp"),
    "scope": ("phạm vi ảnh hưởng", "phạm vi"),
    "decision_no": ("số quyết định", "số qđ"),
    "decision_date": ("ngày quyết định", "ngày qđ"),
    "issued_by": ("cơ quan công nhận", "cơ quan ban hành"),
}

RATINGS = {
    "hoan thanh xuat sac nhiem vu": "excellent",
    "hoan thanh xuat sac": "excellent",
    "xuat sac": "excellent",
    "hoan thanh tot nhiem vu": "good",
    "hoan thanh tot": "good",
    "tot": "good",
    "hoan thanh nhiem vu": "complete",
    "hoan thanh": "complete",
    "khong hoan thanh nhiem vu": "incomplete",
    "khong hoan thanh": "incomplete",
}
RATINGS |= {code: code for code in ("excellent", "good", "complete", "incomplete")}
KINDS = {"ca nhan": "individual", "tap the": "collective"}
KINDS |= {"individual": "individual", "collective": "collective"}
LEVELS = {
    "co so": "co_so",
    "cap co so": "co_so",
    "bo": "bo_tinh",
    "nganh": "bo_tinh",
    "tinh": "bo_tinh",
    "cap tinh": "bo_tinh",
    "cap bo": "bo_tinh",
    "bo nganh tinh": "bo_tinh",
    "bo, nganh, tinh": "bo_tinh",
    "toan quoc": "toan_quoc",
    "cap toan quoc": "toan_quoc",
    "quoc gia": "toan_quoc",
}
LEVEL_SCOPE = {"co_so": "unit", "bo_tinh": "province", "toan_quoc": "national"}
SCOPES = {"don vi": "unit", "co so": "unit", "toan tinh": "province", "tinh": "province"}
SCOPES |= {"toan quoc": "national", "unit": "unit", "province": "province"}
SCOPES |= {"national": "national"}
#: Discipline lighter than a warning (cảnh cáo), the collective titles' threshold.
LIGHT_DISCIPLINE = {"khien trach"}


def _plan_units(session: Session, rows: Iterable[tuple[int, dict[str, Any]]]) -> _Plan:
    plan = _Plan()
    existing = {search_key(u.code): u for u in session.scalars(select(OrgUnit))}
    in_file = {search_key(text(r.get("code"))) for _n, r in rows if text(r.get("code"))}
    names = {search_key(u.name): u.code for u in existing.values()}
    for number, record in rows:
        code, name, parent = text(record.get("code")), text(record.get("name")), ""
        reasons = []
        if not code or len(code) > 40:
            reasons.append("mã đơn vị trống hoặc dài quá 40 ký tự")
        if not name or len(name) > 255:
            reasons.append("tên đơn vị trống hoặc dài quá 255 ký tự")
        parent_text = text(record.get("parent"))
        if parent_text:
            key = search_key(parent_text)
            parent = key if key in existing or key in in_file else search_key(names.get(key, ""))
            if not parent:
                reasons.append(f"không có đơn vị cấp trên “{parent_text}”")
            elif parent == search_key(code):
                reasons.append("đơn vị không thể trực thuộc chính nó")
        if reasons:
            plan.invalid(number, name or code, *reasons)
            continue
        unit = existing.get(search_key(code))
        before = None
        if unit is not None:
            before = {
                "name": unit.name,
                "parent": search_key(unit.parent.code) if unit.parent else "",
            }

        def write(s: Session, code: str = code, name: str = name, parent: str = parent) -> None:
            units = {search_key(u.code): u for u in s.scalars(select(OrgUnit))}
            row = units.get(search_key(code))
            if row is None:
                row = OrgUnit(code=code, name=name, active=True)
                s.add(row)
                s.flush()
            row.name = name
            row.parent_id = units[parent].id if parent and parent in units else None

        plan.diff(number, name, before, {"name": name, "parent": parent}, write)
    return plan


def _plan_staff(session: Session, rows: Iterable[tuple[int, dict[str, Any]]]) -> _Plan:
    plan = _Plan()
    directory = _Directory(session)
    periods = {(p.user_id, p.unit_id, p.joined_on): p for p in session.scalars(select(StaffPeriod))}
    seen: dict[str, int] = {}
    for number, record in rows:
        name = text(record.get("full_name"))
        email = text(record.get("email")).lower()
        reasons = []
        if not name or len(name) > 255:
            reasons.append("họ tên trống hoặc dài quá 255 ký tự")
        if "@" not in email or len(email) > 255:
            reasons.append(f"e-mail “{email}” không hợp lệ")
        elif email in seen:
            reasons.append(f"trùng e-mail với dòng {seen[email]}")
        unit = directory.unit(record.get("unit"))
        if unit is None:
            reasons.append(f"không có đơn vị “{text(record.get('unit'))}”")
        try:
            joined = parse_date(record.get("joined_on"))
            left = parse_date(record.get("left_on"))
        except ValueError as exc:
            reasons.append(f"ngày “{exc}” không đúng dạng ngày/tháng/năm")
            joined = left = None
        if joined is None and not reasons:
            reasons.append("thiếu ngày vào đơn vị")
        if joined and left and left < joined:
            reasons.append("ngày nghỉ trước ngày vào")
        position = text(record.get("position"))[:255] or None
        if reasons or unit is None or joined is None:
            plan.invalid(number, name, *reasons)
            continue
        seen[email] = number
        user = directory.by_email.get(email)
        active = left is None or left >= date.today()
        after = {
            "full_name": name,
            "unit": unit.code,
            "position": position,
            "active": active,
            "joined_on": joined,
            "left_on": left,
        }
        before = None
        if user is not None:
            period = periods.get((user.id, unit.id, joined))
            before = {
                "full_name": user.full_name,
                "unit": user.unit.code if user.unit else None,
                "position": user.position,
                "active": user.active,
                "joined_on": period.joined_on if period else None,
                "left_on": period.left_on if period else None,
            }
        username = text(record.get("username")) or email.split("@", 1)[0]

        def write(
            s: Session,
            email: str = email,
            values: dict[str, Any] = after,
            unit_id: int = unit.id,
            username: str = username,
        ) -> None:
            row = s.scalar(select(User).where(User.email == email))
            if row is None:
                taken = set(
                    s.scalars(select(User.username).where(User.username.like(f"{username}%")))
                )
                candidate, n = username[:70], 1
                while candidate in taken:
                    n += 1
                    candidate = f"{username[:70]}{n}"
                row = User(username=candidate, email=email, full_name=values["full_name"])
                s.add(row)
            row.full_name, row.unit_id = values["full_name"], unit_id
            row.position, row.active = values["position"], values["active"]
            s.flush()
            period = s.scalar(
                select(StaffPeriod).where(
                    StaffPeriod.user_id == row.id,
                    StaffPeriod.unit_id == unit_id,
                    StaffPeriod.joined_on == values["joined_on"],
                )
            )
            if period is None:
                period = StaffPeriod(user_id=row.id, unit_id=unit_id, joined_on=values["joined_on"])
                s.add(period)
            period.left_on, period.position = values["left_on"], values["position"]

        plan.diff(number, name, before, after, write)
    return plan


def _plan_ratings(session: Session, rows: Iterable[tuple[int, dict[str, Any]]]) -> _Plan:
    plan = _Plan()
    directory = _Directory(session)
    existing = {
        (r.user_id, r.unit_id, r.year): r for r in session.scalars(select(PerformanceRecord))
    }
    seen: dict[tuple[Any, ...], int] = {}
    for number, record in rows:
        name = text(record.get("name")) or text(record.get("email"))
        reasons = []
        kind = KINDS.get(search_key(text(record.get("kind"))), "individual")
        raw_year = text(record.get("year"))
        year = int(raw_year) if raw_year.isdigit() and 1945 <= int(raw_year) <= 2100 else None
        if year is None:
            reasons.append(f"năm “{raw_year}” không hợp lệ")
        rating = RATINGS.get(search_key(text(record.get("rating"))))
        if rating is None:
            reasons.append(
                f"xếp loại “{text(record.get('rating'))}” phải là hoàn thành xuất sắc / tốt / "
                "hoàn thành / không hoàn thành nhiệm vụ"
            )
        user_id = unit_id = None
        if kind == "individual":
            user, problem = directory.person(
                record.get("email"), record.get("name"), record.get("unit")
            )
            if user is None:
                reasons.append(problem)
            else:
                user_id = user.id
        else:
            unit = directory.unit(record.get("name")) or directory.unit(record.get("unit"))
            if unit is None:
                reasons.append(f"không có đơn vị “{name}”")
            else:
                unit_id = unit.id
        identity = (user_id, unit_id, year)
        if not reasons and identity in seen:
            reasons.append(f"trùng với dòng {seen[identity]}")
        if reasons or year is None or rating is None:
            plan.invalid(number, name, *reasons)
            continue
        seen[identity] = number
        note = text(record.get("note")) or None
        found = existing.get((user_id, unit_id, year))
        before = {"rating": found.rating, "note": found.note} if found else None

        def write(
            s: Session,
            user_id: int | None = user_id,
            unit_id: int | None = unit_id,
            year: int = year,
            rating: str = rating,
            note: str | None = note,
        ) -> None:
            row = s.scalar(
                select(PerformanceRecord).where(
                    PerformanceRecord.user_id.is_(None)
                    if user_id is None
                    else PerformanceRecord.user_id == user_id,
                    PerformanceRecord.unit_id.is_(None)
                    if unit_id is None
                    else PerformanceRecord.unit_id == unit_id,
                    PerformanceRecord.year == year,
                )
            )
            if row is None:
                row = PerformanceRecord(user_id=user_id, unit_id=unit_id, year=year, initiatives=0)
                s.add(row)
            row.rating, row.note = rating, note

        plan.diff(number, name, before, {"rating": rating, "note": note}, write)
    return plan


def _plan_discipline(session: Session, rows: Iterable[tuple[int, dict[str, Any]]]) -> _Plan:
    plan = _Plan()
    directory = _Directory(session)
    existing = set(session.scalars(select(DisciplineRecord.import_key)))
    for number, record in rows:
        name = text(record.get("name")) or text(record.get("email"))
        reasons = []
        user, problem = directory.person(
            record.get("email"), record.get("name"), record.get("unit")
        )
        if user is None:
            reasons.append(problem)
        form = text(record.get("form"))
        if not form or len(form) > 80:
            reasons.append("hình thức kỷ luật trống hoặc dài quá 80 ký tự")
        try:
            start = parse_date(record.get("effective_from"))
            until = parse_date(record.get("effective_until"))
        except ValueError as exc:
            reasons.append(f"ngày “{exc}” không đúng dạng ngày/tháng/năm")
            start = until = None
        if start is None and not reasons:
            reasons.append("thiếu ngày bắt đầu có hiệu lực")
        if start and until and until < start:
            reasons.append("ngày hết hiệu lực trước ngày bắt đầu")
        if reasons or user is None or start is None:
            plan.invalid(number, name, *reasons)
            continue
        decision = text(record.get("decision_no"))[:80] or None
        key = _key(user.id, form, decision, start, until)
        if key in existing:
            plan.rows.append(RowChange(number, "unchanged", name))
            continue
        existing.add(key)

        def write(
            s: Session,
            user_id: int = user.id,
            form: str = form,
            decision: str | None = decision,
            start: date = start,
            until: date | None = until,
            key: str = key,
        ) -> None:
            s.add(
                DisciplineRecord(
                    user_id=user_id,
                    form=form,
                    warning_or_more=search_key(form) not in LIGHT_DISCIPLINE,
                    decision_no=decision,
                    effective_from=start,
                    effective_until=until,
                    import_key=key,
                )
            )

        plan.diff(number, name, None, {}, write)
    return plan


def _plan_initiatives(session: Session, rows: Iterable[tuple[int, dict[str, Any]]]) -> _Plan:
    plan = _Plan()
    directory = _Directory(session)
    existing = set(session.scalars(select(Initiative.import_key)))
    for number, record in rows:
        title = text(record.get("title"))
        reasons = []
        if not title or len(title) > 500:
            reasons.append("tên sáng kiến / đề tài trống hoặc dài quá 500 ký tự")
        raw_year = text(record.get("year"))
        year = int(raw_year) if raw_year.isdigit() and 1945 <= int(raw_year) <= 2100 else None
        if year is None:
            reasons.append(f"năm “{raw_year}” không hợp lệ")
        level = LEVELS.get(search_key(text(record.get("level"))))
        if level is None:
            reasons.append(
                f"cấp công nhận “{text(record.get('level'))}” phải là cơ sở / bộ, ngành, tỉnh / "
                "toàn quốc"
            )
        scope_text = text(record.get("scope"))
        scope = SCOPES.get(search_key(scope_text)) if scope_text else None
        if scope_text and scope is None:
            reasons.append(
                f"phạm vi ảnh hưởng “{scope_text}” phải là đơn vị / toàn tỉnh / toàn quốc"
            )
        authors: list[int] = []
        for part in text(record.get("authors")).replace(",", ";").split(";"):
            if not part.strip():
                continue
            is_mail = "@" in part
            user, problem = directory.person(part if is_mail else None, None if is_mail else part)
            if user is None:
                reasons.append(problem)
            else:
                authors.append(user.id)
        if not authors and not reasons:
            reasons.append("thiếu tác giả")
        try:
            decided = parse_date(record.get("decision_date"))
        except ValueError as exc:
            reasons.append(f"ngày quyết định “{exc}” không đúng dạng ngày/tháng/năm")
            decided = None
        if reasons or year is None or level is None:
            plan.invalid(number, title, *reasons)
            continue
        decision = text(record.get("decision_no"))[:80] or None
        kind = "research" if "de tai" in search_key(text(record.get("kind"))) else "initiative"
        key = _key(title, year, decision)
        if key in existing:
            plan.rows.append(RowChange(number, "unchanged", title))
            continue
        existing.add(key)
        values = {
            "kind": kind,
            "title": title,
            "year": year,
            "level": level,
            "scope": scope or LEVEL_SCOPE[level],
            "decision_no": decision,
            "decision_date": decided,
            "issued_by": text(record.get("issued_by"))[:255] or None,
            "import_key": key,
        }

        def write(
            s: Session, values: dict[str, Any] = values, authors: list[int] = authors
        ) -> None:
            row = Initiative(**values)
            s.add(row)
            s.flush()
            for user_id in dict.fromkeys(authors):
                s.add(InitiativeAuthor(initiative_id=row.id, user_id=user_id))

        plan.diff(number, title, None, {}, write)
    return plan


_PLANNERS: dict[str, tuple[dict[str, tuple[str, ...]], tuple[str, ...], Any]] = {
    "units": (UNIT_COLUMNS, ("code", "name"), _plan_units),
    "staff": (STAFF_COLUMNS, ("full_name", "email", "unit", "joined_on"), _plan_staff),
    "ratings": (RATING_COLUMNS, ("year", "rating"), _plan_ratings),
    "discipline": (DISCIPLINE_COLUMNS, ("form", "effective_from"), _plan_discipline),
    "initiatives": (INITIATIVE_COLUMNS, ("title", "year", "authors", "level"), _plan_initiatives),
}


def _check_kind(kind: str) -> None:
    if kind not in IMPORT_KINDS:
        raise ValidationFailed(
            f"Loại dữ liệu nhập không hợp lệ: {kind!r}.", {"kind": "Chọn loại dữ liệu."}
        )


def _require_import(actor: User, kind: str) -> None:
    """Raise Forbidden unless ``actor`` may import ``kind`` (engine.permissions.may_import)."""
    if not permissions.may_import(actor, kind):
        raise Forbidden(N_("Bạn không có quyền nhập loại dữ liệu này."))


def _awards_result(report: award_import.ImportReport, applied: bool) -> ImportResult:
    status = {"new": "new", "exists": "unchanged", "invalid": "invalid"}
    return ImportResult(
        "awards",
        [RowChange(r.row, status[r.status], r.name, reasons=r.reasons) for r in report.rows],
        applied=applied,
    )


def preview_import(
    session: Session, kind: str, content: bytes, filename: str, limits: Limits = Limits()
) -> ImportResult:
    """Return the diff the file would make, writing nothing (ImportFileError, ImportLimitError
    for a file that cannot be read)."""
    _check_kind(kind)
    if kind == "awards":
        check_limits(content, filename, limits)
        rows = award_import.read_table(content, filename, max_rows=limits.max_rows)
        awards, results = award_import.validate(rows)
        existing = award_import.existing_keys(session, [a.import_key() for a in awards])
        for award, result in zip(awards, [r for r in results if r.status == "new"], strict=True):
            if award.import_key() in existing:
                result.status = "exists"
        return _awards_result(award_import.ImportReport(rows=results), applied=False)
    columns, required, planner = _PLANNERS[kind]
    plan: _Plan = planner(session, read_rows(content, filename, columns, required, limits))
    return ImportResult(kind, plan.rows)


def apply_import(
    session: Session,
    actor: User | None,
    kind: str,
    content: bytes,
    filename: str,
    *,
    partial: bool = False,
    limits: Limits = Limits(),
) -> ImportResult:
    """Write the file's diff in one unit of work and audit it; nothing is written when a row is
    invalid unless ``partial``. ``actor`` None: the command line (an operator on the server)."""
    _check_kind(kind)
    if actor is not None:
        _require_import(actor, kind)
    with unit_of_work(session):
        if kind == "awards":
            check_limits(content, filename, limits)
            report = award_import.import_awards(session, content, filename, partial=partial)
            result = _awards_result(report, applied=report.committed)
        else:
            columns, required, planner = _PLANNERS[kind]
            plan: _Plan = planner(session, read_rows(content, filename, columns, required, limits))
            result = ImportResult(kind, plan.rows)
            if result.invalid and not partial:
                return result
            for write in plan.writes:
                write(session)
            session.flush()
            result.applied = True
        if result.applied:
            audit.record(
                session,
                "import_applied",
                actor_id=actor.id if actor else None,
                summary={
                    "kind": kind,
                    "filename": filename,
                    "counts": result.to_json()["counts"],
                },
            )
    return result


# --- background jobs ----------------------------------------------------------------------------


def request_import(
    session: Session,
    actor: User,
    kind: str,
    filename: str,
    content: bytes,
    *,
    partial: bool = False,
    limits: Limits = Limits(),
) -> ImportJob:
    """Record an upload to preview (status queued, committed); the caller enqueues its id.

    The byte limit is checked here, before the file is stored; the rest in the worker.
    Administrators import every kind, the managers the award history (``may_import``).
    """
    _check_kind(kind)
    _require_import(actor, kind)
    if len(content) > limits.max_bytes:
        message = f"Tệp {len(content):,} byte vượt giới hạn {limits.max_bytes:,} byte."
        raise ValidationFailed(message, {"file": message})
    with unit_of_work(session):
        job = ImportJob(
            kind=kind,
            filename=Path(filename).name[:255] or "upload",
            content=content,
            mode="preview",
            partial=partial,
            requested_by=actor.id,
        )
        session.add(job)
        session.flush()
        audit.record(
            session, "import_requested", actor_id=actor.id, summary={"job_id": job.id, "kind": kind}
        )
    return job


def confirm_import(session: Session, actor: User, job_id: int) -> ImportJob:
    """Ask for a previewed job to be applied (queued again in mode ``apply``); NotFound for a
    job ``actor`` may not follow (``may_follow_import``)."""
    with unit_of_work(session):
        job = visible_job(session, actor, job_id)
        if job.status != "previewed":
            raise Conflict("Chỉ áp dụng được lần nhập đã xem trước và chưa áp dụng.")
        job.mode, job.status, job.done_rows = "apply", "queued", 0
        job.requested_by = actor.id
    return job


def run_import_job(factory: sessionmaker[Session], job_id: int, limits: Limits = Limits()) -> None:
    """Preview or apply a queued import job; a limit or an unreadable file fails it with a
    clear message (never a dead worker). Idempotent: a finished job is left as it is."""
    with unit_of_work(factory) as session:
        claimed = session.execute(
            update(ImportJob)
            .where(ImportJob.id == job_id, ImportJob.status.in_(("queued", "running")))
            .values(status="running")
        )
        if not claimed.rowcount:  # type: ignore[attr-defined]
            return
    try:
        with factory() as session:
            job = session.get(ImportJob, job_id)
            assert job is not None
            assert job.content is not None
            kind, filename, content, mode = job.kind, job.filename, job.content, job.mode
            partial, actor_id = job.partial, job.requested_by
            actor = session.get(User, actor_id) if actor_id else None
            if mode == "apply":
                result = apply_import(
                    session, actor, kind, content, filename, partial=partial, limits=limits
                )
            else:
                result = preview_import(session, kind, content, filename, limits)
                session.rollback()
    except (award_import.ImportFileError, ImportLimitError, ValidationFailed) as exc:
        _finish(factory, job_id, status="failed", error=str(exc), content=None)
        return
    except Exception as exc:  # the job fails with a message; the worker lives on
        _finish(
            factory, job_id, status="failed", error=f"Lỗi khi nhập dữ liệu: {exc}", content=None
        )
        return
    total = len(result.rows)
    if mode == "apply":
        status = "applied" if result.applied else "failed"
        error = None if result.applied else "Có dòng lỗi: chưa ghi dòng nào."
        _finish(
            factory,
            job_id,
            status=status,
            error=error,
            report=result.to_json(),
            total_rows=total,
            done_rows=total,
            content=None if result.applied else content,
        )
    else:
        _finish(
            factory,
            job_id,
            status="previewed",
            report=result.to_json(),
            total_rows=total,
            done_rows=total,
        )


def _finish(factory: sessionmaker[Session], job_id: int, **values: Any) -> None:
    with unit_of_work(factory) as session:
        session.execute(
            update(ImportJob).where(ImportJob.id == job_id).values(finished_at=utcnow(), **values)
        )


def visible_job(session: Session, actor: User, job_id: int) -> ImportJob:
    """Return import job ``job_id``, or raise NotFound when it does not exist or ``actor`` may
    not follow it (another manager's job, a kind he does not import)."""
    job = session.get(ImportJob, job_id)
    if job is None or not permissions.may_follow_import(actor, job):
        raise NotFound(N_("Không tìm thấy lần nhập #%(job_id)s.", job_id=job_id))
    return job


def recent_jobs(
    session: Session,
    limit: int = 20,
    *,
    viewer: User | None = None,
    kind: str | None = None,
) -> list[ImportJob]:
    """Return the latest import jobs, newest first: all of them (the admin page), or those of
    ``kind`` and those ``viewer`` may follow (an administrator: all; a manager: his own)."""
    query: Select[tuple[ImportJob]] = select(ImportJob)
    if kind is not None:
        query = query.where(ImportJob.kind == kind)
    if viewer is not None and not permissions.may_administer(viewer, "org"):
        kinds = [k for k in IMPORT_KINDS if permissions.may_import(viewer, k)]
        query = query.where(ImportJob.requested_by == viewer.id, ImportJob.kind.in_(kinds))
    return list(session.scalars(query.order_by(ImportJob.id.desc()).limit(limit)))

"""XLSX output shared by every list, table and document: one sheet, a bold header, fitted widths."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Excel refuses sheet titles longer than 31 characters or containing these.
_SHEET_FORBIDDEN = str.maketrans(dict.fromkeys("[]:*?/\\", "-"))


def export_xlsx(
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    title: str,
    heading: str | None = None,
    footer: Sequence[Any] | None = None,
) -> bytes:
    """Return an XLSX file with ``headers`` then ``rows`` on one sheet named after ``title``.

    ``heading`` (e.g. "DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG") goes above the table; ``footer`` (e.g. a
    totals row) below it, in bold. Dates are written as dates in dd/mm/yyyy.
    """
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title.translate(_SHEET_FORBIDDEN)[:31] or "Sheet1"
    bold = Font(bold=True)
    if heading:
        sheet.append([heading])
        sheet.cell(row=1, column=1).font = Font(bold=True, size=13)
        sheet.append([])
    sheet.append(list(headers))
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    widths = [len(str(h)) for h in headers]
    for row in rows:
        values = [_cell_value(v) for v in row]
        sheet.append(values)
        _widen(widths, values)
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, date):
                cell.number_format = "DD/MM/YYYY"
    if footer is not None:
        sheet.append([_cell_value(v) for v in footer])
        for cell in sheet[sheet.max_row]:
            cell.font = bold
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(60, max(8, width + 2))
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _cell_value(value: Any) -> Any:
    if isinstance(value, datetime):
        # Excel has no time zones: write the wall-clock time the reader expects.
        return value.replace(tzinfo=None)
    return value


def _widen(widths: list[int], values: Sequence[Any]) -> None:
    for index, value in enumerate(values):
        length = 10 if isinstance(value, date) else len(str(value)) if value is not None else 0
        if index < len(widths):
            widths[index] = max(widths[index], length)
        else:
            widths.append(length)

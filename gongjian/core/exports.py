"""The one Excel writer and the one export response of every list.

Sheets open right in Excel, WPS and LibreOffice: column widths from the content, a frozen
header with a filter, dates written as dates, numbers and percentages as numbers with a
number format, ID numbers and phones as text (so Excel never turns them into 1.10199E+17), and
no cell that a spreadsheet would run as a formula.
"""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
import urllib.parse
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.utils import timezone

from gongjian.core.audit import audit_record

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_FORMULA_START = ("=", "+", "-", "@")

NUMBER_FORMATS = {
    "code": "@",
    "masked_phone": "@",
    "masked_id": "@",
    "text": "@",
    "number": "#,##0",
    "decimal": "#,##0.0#",
    "percent": "0.0%",
    "date": 'yyyy"年"m"月"d"日"',
    "datetime": "yyyy-mm-dd hh:mm",
}
_WIDTH_SAMPLE = 2000
_MIN_WIDTH, _MAX_WIDTH = 6, 60


def is_formula_like(value: Any) -> bool:
    """Text a spreadsheet would run as a formula if it were typed into a cell."""
    return isinstance(value, str) and value.startswith(_FORMULA_START)


def _text_cell(cell: Any) -> None:
    """Keep a formula-like text exactly as it is, stored as text (never as a formula) and
    marked with the quote prefix, so that editing it in Excel or WPS keeps it text."""
    if is_formula_like(cell.value):
        cell.data_type = "s"
        cell.quotePrefix = True


def display_width(value: Any) -> int:
    """Columns a value takes in a spreadsheet: wide (CJK) characters count two."""
    if value is None:
        return 0
    if isinstance(value, dt.datetime):
        return 16
    if isinstance(value, dt.date):
        return 12
    is_number = isinstance(value, int | float | Decimal) and not isinstance(value, bool)
    text = f"{value:,}" if is_number else str(value)
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _typed(value: Any, kind: str) -> Any:
    if value is None:
        return None
    if kind in ("code", "masked_phone", "masked_id"):
        return str(value)
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    if isinstance(value, Decimal):
        return float(value)
    return value


def write_xlsx(
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    title: str = "Sheet1",
    kinds: Sequence[str] | None = None,
) -> bytes:
    """An .xlsx of one sheet. `kinds` (one per column, see `core.lists`) picks each column's
    number format; without it values are written as they come (text columns as text)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    materialised = [list(r) for r in rows]
    column_kinds = list(kinds or [])
    column_kinds += [""] * (len(headers) - len(column_kinds))
    widths = [display_width(h) for h in headers]
    for row in materialised[:_WIDTH_SAMPLE]:
        for i, value in enumerate(row[: len(widths)]):
            widths[i] = max(widths[i], display_width(value))

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=(title[:31] or "Sheet1").replace("/", "-"))
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = max(
            _MIN_WIDTH, min(_MAX_WIDTH, width + 2)
        )
    sheet.freeze_panes = "A2"
    if headers:
        last = get_column_letter(len(headers))
        sheet.auto_filter.ref = f"A1:{last}{len(materialised) + 1}"

    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="F2F2F2")
    centre = Alignment(vertical="center")
    header_cells = []
    for h in headers:
        cell = WriteOnlyCell(sheet, value=str(h))
        cell.font, cell.fill, cell.alignment = bold, fill, centre
        _text_cell(cell)
        header_cells.append(cell)
    sheet.append(header_cells)
    formats = [NUMBER_FORMATS.get(k, "") for k in column_kinds]
    for row in materialised:
        out = []
        for i, value in enumerate(row):
            kind = column_kinds[i] if i < len(column_kinds) else ""
            cell = WriteOnlyCell(sheet, value=_typed(value, kind))
            _text_cell(cell)
            number_format = formats[i] if i < len(formats) else ""
            if number_format and not (number_format == "@" and not isinstance(cell.value, str)):
                cell.number_format = number_format
            out.append(cell)
        sheet.append(out)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def file_response(data: bytes, *, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    quoted = urllib.parse.quote(filename)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quoted}"
    return response


def xlsx_response(
    *,
    what: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    kinds: Sequence[str] | None = None,
    filters: dict[str, Any] | None = None,
    name: str = "",
    unmasked: bool = False,
) -> HttpResponse:
    """An .xlsx of a list, recorded in the audit log (which list, with which filters)."""
    materialised = [list(r) for r in rows]
    data = write_xlsx(headers, materialised, title=str(what), kinds=kinds)
    audit_record(
        action="export",
        object_type=name or str(what),
        object_repr=str(what),
        changes={"rows": len(materialised), "filters": filters or {}, "unmasked": unmasked},
    )
    stamp = timezone.localtime().strftime("%Y%m%d%H%M")
    return file_response(data, filename=f"{what}-{stamp}.xlsx", content_type=XLSX_TYPE)

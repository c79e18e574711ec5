"""Rows in from spreadsheets: reading .xlsx and CSV (UTF-8 or GBK) uploads. Writing is in
`core.exports`."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from gongjian.core.errors import UnsupportedFile
from gongjian.core.files import CSV, CheckedUpload


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[tuple[int, dict[str, str]]]  # (row number as the user sees it, values)


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM) first, then GB18030 (a superset of GBK)."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnsupportedFile(_("无法识别文件编码，请保存为UTF-8或GBK编码的CSV"))


# Excel keeps 15 significant digits of a number: an 18-digit ID number typed into a "General"
# cell is stored as 1.10101199003071E+17 and its last digits are gone. Such a number is read as
# Excel shows it, so the validators can say what happened (`validators.is_scientific`).
_EXACT_DIGITS = 10**15


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and abs(value) >= _EXACT_DIGITS:
        return f"{value:.6G}"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if hasattr(value, "isoformat") and not isinstance(value, str):
        text = value.isoformat()
        return str(text[:10] if text.endswith("T00:00:00") else text)
    return str(value).strip()


def _xlsx_rows(data: bytes) -> Iterator[list[Any]]:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet = workbook.get_sheet_by_index(0)
        yield from sheet.to_python(skip_empty_area=False)
    except Exception as exc:
        raise UnsupportedFile(_("无法读取该.xlsx文件：%(e)s") % {"e": type(exc).__name__}) from None


def _csv_rows(data: bytes) -> Iterator[list[str]]:
    """CSV rows; a carriage return alone (old Mac files, or inside a quoted field) is a line
    end or part of the field, as the csv module reads it with `newline=""`."""
    text = decode_text(data)
    if "\x00" in text:
        raise UnsupportedFile(_("文件含有空字符（NUL），不是有效的CSV表格"))
    try:
        yield from csv.reader(io.StringIO(text, newline=""))
    except csv.Error as exc:
        raise UnsupportedFile(_("无法读取该CSV文件：%(e)s") % {"e": exc}) from None


def _no_nul(values: list[str]) -> list[str]:
    if any("\x00" in v for v in values):
        raise UnsupportedFile(_("表格含有空字符（NUL），请检查文件"))
    return values


def read_table(upload: CheckedUpload, *, max_rows: int = 200_000) -> Table:
    """The header and the non-empty rows. A NUL anywhere refuses the whole file (no cell of
    a table holds one; PostgreSQL could not store it)."""
    if upload.kind == CSV:
        reader: Iterable[Sequence[Any]] = _csv_rows(upload.data)
    else:
        reader = _xlsx_rows(upload.data)
    iterator = iter(reader)
    header: list[str] = []
    for raw in iterator:
        header = _no_nul([_cell(c) for c in raw])
        if any(header):
            break
    if not any(header):
        raise UnsupportedFile(_("表格是空的：第一行应为表头"))
    while header and not header[-1]:
        header.pop()
    rows: list[tuple[int, dict[str, str]]] = []
    line = 1
    for raw in iterator:
        line += 1
        values = _no_nul([_cell(c) for c in raw])
        if not any(values):
            continue
        if len(rows) >= max_rows:
            raise UnsupportedFile(_("表格超过%(n)d行，请分批导入") % {"n": max_rows})
        values += [""] * (len(header) - len(values))
        rows.append((line, dict(zip(header, values, strict=False))))
    return Table(header=header, rows=rows)

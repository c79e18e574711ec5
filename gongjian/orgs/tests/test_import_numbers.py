"""ID numbers and phones that a spreadsheet turned into numbers: the templates keep those columns
as text, and an ID number shown in scientific notation is named as such, not as a bad check
digit."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from gongjian.core.errors import ValidationFailed
from gongjian.core.imports import importers, is_text_column
from gongjian.core.validators import normalize_mobile
from gongjian.orgs.tests.test_import import MEMBER_HEADERS, check, errors_of, logged_in, roster
from gongjian.testing.cast import Cast


def test_every_template_keeps_id_numbers_phones_and_codes_as_text(cast: Cast) -> None:
    client = logged_in(cast.district_admin)
    checked = 0
    for importer in importers():
        response = client.get(reverse("orgs:import_template", args=[importer.kind]))
        assert response.status_code == 200
        sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
        assert sheet.freeze_panes == "A2"
        for i, column in enumerate(importer.columns, start=1):
            cell = sheet.cell(row=2, column=i)
            if is_text_column(column):
                assert cell.number_format == "@", (importer.kind, column.label)
                assert sheet.cell(row=500, column=i).number_format == "@"
                checked += 1
            else:
                assert cell.number_format == "General", (importer.kind, column.label)
    # 身份证号 and 手机号 of the member roster at least, and the codes of the others
    assert checked >= 3


def _scientific_xlsx() -> bytes:
    rows = roster(2)
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(MEMBER_HEADERS)
    for row in rows:
        ws.append(row)
    # Typed into a "General" cell, Excel keeps the ID number as a number of 15 digits
    ws.cell(row=3, column=2).value = float(rows[1][1])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_an_id_number_turned_into_a_number_is_named_as_such(cast: Cast) -> None:
    client = logged_in(cast.district_admin)
    batch = check(client, "members", _scientific_xlsx())
    errors = errors_of(batch)
    assert len(errors) == 1
    row, column, message = errors[0]
    assert (row, column) == (3, "身份证号")
    assert "科学计数法" in message
    assert "文本" in message
    assert "校验位" not in message


def test_a_csv_saved_by_excel_with_1_10199e17_is_named_as_such(cast: Cast) -> None:
    rows = roster(1)
    rows[0][1] = "1.10199E+17"
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(MEMBER_HEADERS)
    writer.writerows(rows)
    batch = check(logged_in(cast.district_admin), "members", out.getvalue().encode(), "members.csv")
    messages = {column: message for _row, column, message in errors_of(batch)}
    assert "“1.10199E+17”被表格软件当成数字显示成了科学计数法" in messages["身份证号"]


def test_a_phone_in_scientific_notation_is_named_as_such() -> None:
    with pytest.raises(ValidationFailed) as caught:
        normalize_mobile("1.38001E+10")
    assert "手机号“1.38001E+10”被表格软件当成数字显示成了科学计数法" in str(caught.value)

"""The one Excel writer: a formula-like text stays the same text and never runs."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import load_workbook

from gongjian.core.exports import display_width, write_xlsx


def test_formula_like_text_is_kept_exactly_and_stored_as_text() -> None:
    data = write_xlsx(["名称"], [['=HYPERLINK("http://x")'], ["-5 度"], ["@home"], ["普通"]])
    sheet: Any = load_workbook(io.BytesIO(data)).active
    values = [sheet.cell(row=r, column=1) for r in range(2, 6)]
    assert [c.value for c in values] == ['=HYPERLINK("http://x")', "-5 度", "@home", "普通"]
    assert all(c.data_type == "s" for c in values)
    assert values[0].quotePrefix


def test_wide_characters_count_double_for_widths() -> None:
    assert display_width("区税务局") == 8
    assert display_width("abc") == 3
    assert display_width(1234567) == len("1,234,567")

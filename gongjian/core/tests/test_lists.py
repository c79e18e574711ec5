"""A list declared once gives the page, its pagination, its export and its API filters, all
parsing the same filters the same way."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.test import RequestFactory
from openpyxl import load_workbook

from gongjian.core.errors import ValidationFailed
from gongjian.core.lists import (
    CODE,
    DATE,
    MASKED_PHONE,
    NUMBER,
    PERCENT,
    Column,
    Filter,
    ListSpec,
)
from gongjian.core.models import AuditLog
from gongjian.testing.cast import Cast

ROWS: list[dict[str, Any]] = [
    {
        "name": f"党员{i}",
        "phone": f"1990000{i:04d}",
        "joined": dt.date(2020, 1, 1 + i),
        "hours": i * 2,
        "rate": i / 10,
        "id": "110199198001011234",
    }
    for i in range(1, 8)
]


def _rows(*, actor: Any, q: str, year: int | None, mine: bool, status: str) -> list[dict[str, Any]]:
    out = [r for r in ROWS if q in r["name"]]
    if year is not None:
        out = [r for r in out if r["joined"].year == year]
    return out if not mine else out[:1]


SPEC = ListSpec(
    name="test.people",
    title="测试名单",
    rows=_rows,
    per_page=3,
    filters=(
        Filter("q", "姓名"),
        Filter("year", "年份", kind="year"),
        Filter("mine", kind="bool"),
        Filter("status", "状态", kind="choice", choices=(("a", "甲"), ("b", "乙")), default="a"),
    ),
    columns=(
        Column("姓名", "name"),
        Column("手机号", "phone", kind=MASKED_PHONE),
        Column("身份证号", "id", kind=CODE),
        Column("入党日期", "joined", kind=DATE),
        Column("时长", "hours", kind=NUMBER),
        Column("比例", "rate", kind=PERCENT),
    ),
)


def test_the_page_paginates_and_keeps_the_filters_in_its_links(cast: Cast) -> None:
    request = RequestFactory().get("/x/", {"q": "党员", "page": "2"})
    request.user = cast.district_admin
    listing = SPEC.page(request)
    assert listing.page.number == 2
    assert listing.page.paginator.count == 7
    assert [r["name"] for r in listing.rows] == ["党员4", "党员5", "党员6"]
    assert listing.query == "q=%E5%85%9A%E5%91%98"
    assert listing.table()[0][1] == "199****0004"


def test_filters_parse_the_same_for_the_page_and_the_api() -> None:
    assert SPEC.parse({"q": " 党员 ", "year": "2020", "mine": "1", "status": "zzz"}) == {
        "q": "党员",
        "year": 2020,
        "mine": True,
        "status": "a",
    }
    api = SPEC.Filters(q="党员", year="2020", mine="true", status="b")  # type: ignore[call-arg]
    assert SPEC.parse(api.model_dump()) == {"q": "党员", "year": 2020, "mine": True, "status": "b"}


@pytest.mark.parametrize(
    ("data", "field"),
    [({"year": "20x0"}, "year"), ({"year": "1899"}, "year"), ({"q": "a\x00b"}, "q")],
)
def test_a_bad_filter_is_refused_naming_it(data: dict[str, str], field: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        SPEC.parse(data)
    assert field in caught.value.detail["fields"]


def test_the_export_is_typed_masked_and_audited(cast: Cast) -> None:
    request = RequestFactory().get("/x/export/", {"year": "2020"})
    request.user = cast.district_admin
    response = SPEC.export(request)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet: Any = load_workbook(io.BytesIO(response.content)).active
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:F8"
    header = [c.value for c in sheet[1]]
    assert header == ["姓名", "手机号", "身份证号", "入党日期", "时长", "比例"]
    row = sheet[2]
    assert row[1].value == "199****0001"
    assert row[2].value == "110199198001011234"
    assert row[2].number_format == "@"
    assert isinstance(row[3].value, dt.datetime)
    assert "yyyy" in row[3].number_format
    assert row[4].value == 2
    assert row[5].value == pytest.approx(0.1)
    assert row[5].number_format == "0.0%"
    assert sheet.column_dimensions["C"].width >= 18
    entry = AuditLog.objects.get(action="export")
    assert entry.object_type == "test.people"
    assert entry.changes["rows"] == 7
    assert entry.changes["filters"]["year"] == "2020"

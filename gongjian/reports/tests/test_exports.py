"""Every export of every app — each route whose name ends in `export` — answers the district
administrator with an .xlsx whose headers are Chinese and in which no planted formula-like
value (a unit named `=HYPERLINK(…)`, a member named `+cmd`, …) is left as a formula."""

from __future__ import annotations

import io
import re

import pytest
from django.test import Client
from openpyxl import load_workbook

from gongjian.orgs.models import Unit
from gongjian.reports.tests.world import build_world
from gongjian.testing.cast import Cast, make_member
from gongjian.testing.matrix import collect

PAGES, _APIS = collect()
# Every export route the district administrator downloads with a GET (the matrix says which);
# chosen here rather than skipped at run time, so no case is silently passed over.
EXPORTS = sorted(
    name
    for name, (method, _url, answers, *_rest) in PAGES.items()
    if name.split(":")[-1].endswith("export")
    and method == "get"
    and answers.get("district_admin") == 200
)
PLANTED = ('=HYPERLINK("http://evil.example","点我")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)")
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def planted(cast: Cast) -> Cast:
    build_world(cast)
    unit = Unit.objects.create(code="U-EVIL", name=PLANTED[0], area=cast.district)
    cast.tax.short_name = PLANTED[3]
    cast.tax.save()
    make_member(PLANTED[1], cast.tax_branch, home=cast.chenhui, grid=cast.chenhui_grid1)
    make_member(PLANTED[2], cast.justice_branch, unit=unit)
    return cast


def test_there_are_exports_to_walk() -> None:
    assert "reports:unit_ranking_export" in EXPORTS
    assert "orgs:member_export" in EXPORTS
    assert len(EXPORTS) >= 8


@pytest.mark.parametrize("route", EXPORTS)
def test_every_export_is_chinese_and_neutralised(planted: Cast, route: str) -> None:
    _method, url, _answers, *_rest = PAGES[route]
    client = Client()
    client.force_login(planted.district_admin)
    response = client.get(url(planted))
    assert response.status_code == 200, route
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    ), route
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows())
    headers = [cell.value for cell in rows[0]]
    assert headers, route
    for header in headers:
        assert isinstance(header, str), (route, header)
        assert CJK.search(header), f"{route}: header {header!r} is not Chinese"
    for row in rows:
        for cell in row:
            assert cell.data_type != "f", f"{route}: {cell.coordinate} is a formula"
            value = cell.value
            if isinstance(value, str) and value.startswith(("=", "+", "-", "@")):
                # Kept as typed, stored as text and quote-prefixed: editing it keeps it text.
                assert cell.data_type == "s", (route, cell.coordinate)
                assert cell.quotePrefix, (route, cell.coordinate)

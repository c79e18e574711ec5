"""Legacy spreadsheets of past reports: all rows or none, each error named by row and column."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from gongjian.core import imports
from gongjian.core.exports import write_xlsx
from gongjian.orgs.models import Member
from gongjian.reporting import selectors
from gongjian.reporting.models import MemberReport
from gongjian.testing.cast import Cast, make_member

pytestmark = pytest.mark.django_db

HEADERS = ["身份证号", "姓名", "报到社区编码", "网格编码", "报到日期"]


def _file(rows: list[list[str]]) -> bytes:
    return write_xlsx(HEADERS, rows)


def test_a_legacy_ledger_is_imported_whole(cast: Cast) -> None:
    a = cast.member_record
    b = cast.tax_colleague
    data = _file(
        [
            [a.id_number, a.name, "SF0101", "SF010101", "2024-03-01"],
            [b.id_number, "", "SF0201", "", "2024/05/20"],
        ]
    )
    batch = imports.import_run(
        actor=cast.district_admin, kind="member_reports", data=data, filename="台账.xlsx"
    )
    assert batch.status == "committed", batch.errors
    assert MemberReport.objects.filter(status="confirmed", source="import").count() == 2
    assert Member.objects.get(pk=b.pk).home_community == cast.xingguang
    # Reported from the ledger's date on
    rows = {
        r.id: r for r in selectors.unit_rates(actor=cast.district_admin, on=dt.date(2024, 4, 1))
    }
    assert rows[cast.tax.pk].done == 1
    assert selectors.unit_rate_for(unit=cast.tax, on=timezone.localdate()).done == 2


def test_one_bad_row_writes_nothing_and_names_row_and_column(cast: Cast) -> None:
    retired = make_member("钱退休", cast.tax_branch, in_service=False)
    a = cast.member_record
    data = _file(
        [
            [a.id_number, a.name, "SF0101", "SF020101", "2024-03-01"],  # grid of another community
            [retired.id_number, "", "SF0101", "", "2024-03-01"],  # not in service
            [cast.tax_colleague.id_number, "错名", "NOPE", "", "明天"],
            [a.id_number, "", "SF0101", "", "2024-03-01"],  # the same member twice
        ]
    )
    batch = imports.import_run(
        actor=cast.district_admin, kind="member_reports", data=data, filename="台账.xlsx"
    )
    assert batch.status == "invalid"
    errors = {(e["row"], e["column"]) for e in batch.errors}
    assert {
        (2, "网格编码"),
        (3, "身份证号"),
        (4, "姓名"),
        (4, "报到社区编码"),
        (4, "报到日期"),
        (5, "身份证号"),
    } <= errors
    assert not MemberReport.objects.exists()


def test_members_outside_the_scope_are_refused(cast: Cast) -> None:
    data = _file([[cast.justice_member.id_number, "", "SF0201", "", "2024-03-01"]])
    batch = imports.import_run(
        actor=cast.unit_admin, kind="member_reports", data=data, filename="台账.xlsx"
    )
    assert batch.status == "invalid"
    assert "不在您的管辖范围" in batch.errors[0]["message"]

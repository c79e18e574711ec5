"""放假调休: the shipped years from 2024, a year entered from a notice as ranges (the command and
the admin page, the same checks), and the dashboard's warning from 1 November."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gongjian.core.models import AuditLog
from gongjian.service import calendar
from gongjian.service.models import HolidayRange, HolidayYear
from gongjian.testing.cast import Cast

D = dt.date


@pytest.fixture(autouse=True)
def _fresh_calendar() -> Iterator[None]:
    calendar.reload()
    yield
    calendar.reload()


def test_2024_to_2026_are_the_published_notices() -> None:
    # 2024: 春节 2月10日至17日, 2月4日（星期日）、2月18日（星期日）上班 (国办发明电〔2023〕7号)
    assert calendar.is_holiday(D(2024, 2, 10))
    assert calendar.is_holiday(D(2024, 2, 17))
    assert calendar.is_workday(D(2024, 2, 4))
    assert calendar.is_workday(D(2024, 2, 18))
    assert calendar.is_workday(D(2024, 10, 12))
    assert not calendar.is_workday(D(2024, 10, 7))
    assert calendar.known(2024).notice == "国办发明电〔2023〕7号"  # type: ignore[union-attr]
    assert not calendar.is_provisional(2026)
    assert calendar.is_provisional(2027)
    assert calendar.is_provisional(2030)  # not in the table at all


def test_the_warning_from_1_november_when_next_year_is_missing_or_provisional(db: None) -> None:
    assert calendar.next_year_warning(D(2026, 10, 31)) == ""
    assert "2027年的放假调休安排是暂定的" in calendar.next_year_warning(D(2026, 11, 1))
    assert "尚未录入2028年的放假调休安排" in calendar.next_year_warning(D(2027, 11, 1))
    assert calendar.next_year_warning(D(2025, 11, 20)) == ""  # 2026 is published


ARGS_2027 = [
    "--holiday=2027-01-01:2027-01-03=元旦",
    "--holiday=2027-02-05:2027-02-11=春节",
    "--workday=2027-02-13",
    "--notice=国办发明电〔2026〕99号",
]


def test_a_year_entered_on_the_command_line_replaces_the_shipped_one(db: None) -> None:
    out = io.StringIO()
    call_command("service_holidays", "set", "2027", *ARGS_2027, stdout=out)
    assert "放假 10 天，调休上班 1 天" in out.getvalue()
    assert calendar.is_holiday(D(2027, 2, 9))
    assert calendar.is_workday(D(2027, 2, 13))  # a Saturday, made a working day
    assert not calendar.is_holiday(D(2027, 5, 1))  # the shipped provisional year is replaced
    assert not calendar.is_provisional(2027)
    assert calendar.next_year_warning(D(2026, 11, 1)) == ""
    assert AuditLog.objects.filter(object_repr="2027年", action="create").exists()
    # Entered again: the year's ranges replaced, not added to
    call_command("service_holidays", "set", "2027", "--holiday=2027-01-01", stdout=io.StringIO())
    assert HolidayRange.objects.count() == 1
    assert not calendar.is_holiday(D(2027, 2, 9))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--holiday=2027-01-01", "--workday=2027-02-10"], "调休上班日2027-02-10是星期三"),
        (["--holiday=2027-02-05:2027-02-01"], "截止日不能早于起始日"),
        (["--holiday=2027-02-01:2027-03-01"], "超过15天"),
        (["--holiday=2028-01-01"], "不在2027年内"),
        (["--holiday=2027-13-01"], "应写作"),
        (["--holiday=2027-01-02", "--workday=2027-01-02"], "既是放假日又是调休上班日"),
        (["--workday=2027-01-02"], "请至少填写一段放假日期"),
    ],
)
def test_bad_ranges_are_refused_and_nothing_is_written(
    db: None, args: list[str], message: str
) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("service_holidays", "set", "2027", *args, stdout=io.StringIO())
    assert not HolidayYear.objects.exists()


def _admin_form(year: int, rows: list[tuple[str, str, str, str]]) -> dict[str, str]:
    data = {
        "year": str(year),
        "notice": "国办发明电〔2026〕99号",
        "ranges-TOTAL_FORMS": str(len(rows)),
        "ranges-INITIAL_FORMS": "0",
        "ranges-MIN_NUM_FORMS": "0",
        "ranges-MAX_NUM_FORMS": "1000",
    }
    for i, (kind, name, start, end) in enumerate(rows):
        data |= {
            f"ranges-{i}-kind": kind,
            f"ranges-{i}-name": name,
            f"ranges-{i}-start": start,
            f"ranges-{i}-end": end,
        }
    return data


def test_the_admin_page_enters_a_year_with_the_same_checks(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.platform_admin)
    url = reverse("admin:service_holidayyear_add")
    assert client.get(url).status_code == 200
    bad = _admin_form(
        2027,
        [
            ("holiday", "春节", "2027-02-05", "2027-02-11"),
            ("workday", "", "2027-02-10", "2027-02-10"),
        ],
    )
    response = client.post(url, bad)
    assert response.status_code == 200
    assert "调休上班日2027-02-10是星期三" in response.content.decode()
    assert not HolidayYear.objects.exists()
    good = _admin_form(
        2027,
        [
            ("holiday", "春节", "2027-02-05", "2027-02-11"),
            ("workday", "", "2027-02-13", "2027-02-13"),
        ],
    )
    response = client.post(url, good)
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert HolidayYear.objects.get().ranges.count() == 2
    assert calendar.is_workday(D(2027, 2, 13))
    assert calendar.is_holiday(D(2027, 2, 8))


def test_the_dashboard_warns_when_next_years_holidays_are_missing(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.district_admin)
    html = client.get(reverse("reports:dashboard")).content.decode()
    expected = calendar.next_year_warning(timezone.localdate())
    if expected:
        assert 'id="holiday-warning"' in html
        assert expected in html
    else:
        assert 'id="holiday-warning"' not in html

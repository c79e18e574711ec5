"""Chinese public holidays and make-up working days, and the layout of recurring activities.

The table: the years shipped in `data/holidays.json` (2024–2026 as the State Council's notices
published them; 2027 provisional — the statutory days only), overlaid by the years an
administrator entered from a later notice (`HolidayYear`, through the admin page or
`gongjian service_holidays`; see docs/holidays.md). A year entered replaces the shipped one.
Outside the table a day is a working day when it is Monday to Friday. The layout functions
are pure; the table is read once and again after `TABLE_SECONDS` or a change (`reload`).

Layout rules (documented in the activity form too):
- weekly (a duty post): the same weekday each week; a week whose day is a public holiday is
  skipped (make-up working days do not add occurrences);
- monthly (主题党日): the same day of the month, moved to the next working day when it falls
  on a holiday or a weekend that is not a make-up working day; a day past the end of the month
  becomes the month's last day first.
"""

from __future__ import annotations

import calendar as _cal
import datetime as dt
import json
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

_DATA = Path(__file__).with_name("data") / "holidays.json"
TABLE_SECONDS = 300
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class YearTable:
    year: int
    holidays: frozenset[dt.date]
    workdays: frozenset[dt.date]
    provisional: bool = False
    notice: str = ""
    source: str = "shipped"  # shipped or entered


@dataclass(frozen=True)
class Table:
    years: dict[int, YearTable] = field(default_factory=dict)
    holidays: frozenset[dt.date] = frozenset()
    workdays: frozenset[dt.date] = frozenset()


def shipped() -> dict[int, YearTable]:
    raw = json.loads(_DATA.read_text(encoding="utf-8"))
    out = {}
    for year, entry in raw.items():
        if year.startswith("_"):
            continue
        out[int(year)] = YearTable(
            year=int(year),
            holidays=frozenset(dt.date.fromisoformat(d) for d in entry["holidays"]),
            workdays=frozenset(dt.date.fromisoformat(d) for d in entry["workdays"]),
            provisional=bool(entry.get("provisional", False)),
            notice=str(entry.get("notice", "")),
        )
    return out


def _days(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]


def entered() -> dict[int, YearTable]:
    """The years an administrator entered (the database); none where there is no database
    to read (a pure unit test, a database not migrated yet)."""
    try:
        from gongjian.service.models import HolidayRange, HolidayYear

        years = list(HolidayYear.objects.all())
        ranges = list(HolidayRange.objects.all())
    except Exception as exc:  # no database here: the shipped table alone
        log.debug("holidays: no entered years (%s)", type(exc).__name__)
        return {}
    out = {}
    for y in years:
        mine = [r for r in ranges if r.holiday_year_id == y.pk]
        out[y.year] = YearTable(
            year=y.year,
            holidays=frozenset(
                d for r in mine if r.kind == "holiday" for d in _days(r.start, r.end)
            ),
            workdays=frozenset(
                d for r in mine if r.kind == "workday" for d in _days(r.start, r.end)
            ),
            provisional=y.provisional,
            notice=y.notice,
            source="entered",
        )
    return out


_cache: tuple[float, Table] | None = None


def reload() -> None:
    """Read the table again on its next use (after a year is entered or changed)."""
    global _cache
    _cache = None


def table() -> Table:
    global _cache
    now = time.monotonic()
    if _cache is not None and now - _cache[0] < TABLE_SECONDS:
        return _cache[1]
    years = {**shipped(), **entered()}
    built = Table(
        years=years,
        holidays=frozenset(d for y in years.values() for d in y.holidays),
        workdays=frozenset(d for y in years.values() for d in y.workdays),
    )
    _cache = (now, built)
    return built


def known(year: int) -> YearTable | None:
    return table().years.get(year)


def is_provisional(year: int) -> bool:
    """A year with only the statutory days, the notice not out (or a year not in the table)."""
    entry = known(year)
    return entry is None or entry.provisional


WARN_FROM = (11, 1)


def next_year_warning(today: dt.date) -> str:
    """From 1 November: what is missing of next year's 放假调休 ('' when nothing is)."""
    if (today.month, today.day) < WARN_FROM:
        return ""
    year = today.year + 1
    entry = known(year)
    if entry is None:
        return (
            f"尚未录入{year}年的放假调休安排：请在国务院办公厅发布通知后，"
            f"在管理后台“放假调休安排”中录入，否则{year}年的活动、学习和整改期限"
            f"只按周一至周五排期。"
        )
    if entry.provisional:
        return (
            f"{year}年的放假调休安排是暂定的（仅含法定节日，不含调休）："
            f"国务院办公厅发布通知后，请在管理后台“放假调休安排”中录入。"
        )
    return ""


def is_holiday(day: dt.date) -> bool:
    return day in table().holidays


def is_workday(day: dt.date) -> bool:
    t = table()
    holidays, workdays = t.holidays, t.workdays
    if day in holidays:
        return False
    if day in workdays:
        return True
    return day.weekday() < 5


def next_workday(day: dt.date) -> dt.date:
    while not is_workday(day):
        day += dt.timedelta(days=1)
    return day


def weekly(first: dt.date, occurrences: int) -> list[dt.date]:
    """`occurrences` weekly dates from `first`, skipping weeks whose day is a holiday."""
    out: list[dt.date] = []
    day = first
    for _ in range(occurrences * 3):
        if len(out) == occurrences:
            break
        if not is_holiday(day):
            out.append(day)
        day += dt.timedelta(days=7)
    return out


def monthly(first: dt.date, occurrences: int) -> list[dt.date]:
    """`occurrences` monthly dates on `first`'s day of the month, each moved to the next
    working day when it is not one."""
    out: list[dt.date] = []
    year, month = first.year, first.month
    for _ in range(occurrences):
        last = _cal.monthrange(year, month)[1]
        out.append(next_workday(dt.date(year, month, min(first.day, last))))
        month += 1
        if month > 12:
            year, month = year + 1, 1
    return out

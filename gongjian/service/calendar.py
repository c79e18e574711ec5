"""Chinese public holidays and make-up working days, and the layout of recurring activities.

Pure: no Django. The table is `data/holidays.json` (2025–2027; 2027 holds only the statutory
days until the State Council publishes its notice — edit the file then). Outside the table a
day is a working day when it is Monday to Friday.

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
import functools
import json
from pathlib import Path

_DATA = Path(__file__).with_name("data") / "holidays.json"


@functools.cache
def _table() -> tuple[frozenset[dt.date], frozenset[dt.date], frozenset[int]]:
    raw = json.loads(_DATA.read_text(encoding="utf-8"))
    holidays: set[dt.date] = set()
    workdays: set[dt.date] = set()
    years: set[int] = set()
    for year, entry in raw.items():
        if year.startswith("_"):
            continue
        years.add(int(year))
        holidays.update(dt.date.fromisoformat(d) for d in entry["holidays"])
        workdays.update(dt.date.fromisoformat(d) for d in entry["workdays"])
    return frozenset(holidays), frozenset(workdays), frozenset(years)


def is_holiday(day: dt.date) -> bool:
    return day in _table()[0]


def is_workday(day: dt.date) -> bool:
    holidays, workdays, _years = _table()
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

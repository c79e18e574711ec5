"""Suggestion deadlines in working days on the Chinese calendar: the holiday data and the
working-day count of the service and inspection apps, reused (`gongjian.inspection.deadlines`
on `gongjian.service.calendar`). Pure."""

from __future__ import annotations

import datetime as dt

from gongjian.inspection.deadlines import add_workdays, next_workday_after

__all__ = ["add_workdays", "next_workday_after", "workdays_between"]


def workdays_between(start: dt.date, end: dt.date) -> int:
    """How many working days after `start` up to and including `end` (0 when end <= start)."""
    from gongjian.service import calendar

    n = 0
    day = start
    while day < end:
        day += dt.timedelta(days=1)
        if calendar.is_workday(day):
            n += 1
    return n

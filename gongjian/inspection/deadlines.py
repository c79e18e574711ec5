"""Deadlines in working days on the Chinese calendar (`gongjian.service.calendar`). Pure."""

from __future__ import annotations

import datetime as dt

from gongjian.service import calendar


def add_workdays(start: dt.date, n: int) -> dt.date:
    """The n-th working day after `start` (`start` itself not counted)."""
    day = start
    left = max(n, 0)
    while left:
        day += dt.timedelta(days=1)
        if calendar.is_workday(day):
            left -= 1
    return day


def next_workday_after(day: dt.date) -> dt.date:
    return add_workdays(day, 1)


def return_workdays(current: int) -> int:
    """The shorter deadline a returned finding restarts with: half the last one, at least
    one working day."""
    return max(1, current // 2)

"""The periods of a form (monthly, quarterly, half-yearly, yearly) as `core.periods.Period`,
and the day a return is due: the form's due day of the month after the period, moved to the
next working day on the Chinese calendar (`gongjian.service.calendar`). Pure: no Django."""

from __future__ import annotations

import datetime as dt

from gongjian.core.periods import Period, month_end, next_month
from gongjian.service import calendar

MONTHS = {"monthly": 1, "quarterly": 3, "half_yearly": 6, "yearly": 12}


def period_containing(frequency: str, day: dt.date) -> Period:
    """The period of a form's frequency that `day` falls in."""
    span = MONTHS[frequency]
    first_month = (day.month - 1) // span * span + 1
    start = dt.date(day.year, first_month, 1)
    end = month_end(dt.date(day.year, first_month + span - 1, 1))
    return Period(start, end, "custom")


def previous_period(frequency: str, day: dt.date) -> Period:
    """The last whole period before the one `day` falls in (the one being reported on)."""
    current = period_containing(frequency, day)
    return period_containing(frequency, current.start - dt.timedelta(days=1))


def label(frequency: str, period: Period) -> str:
    year, month = period.start.year, period.start.month
    if frequency == "monthly":
        return f"{year}年{month}月"
    if frequency == "quarterly":
        return f"{year}年第{(month - 1) // 3 + 1}季度"
    if frequency == "half_yearly":
        return f"{year}年{'上' if month <= 6 else '下'}半年"
    return f"{year}年"


def due_on(period: Period, due_day: int) -> dt.date:
    """Day `due_day` of the month after the period, or the next working day after it when
    that day is a holiday or a weekend that is not a make-up working day."""
    day = next_month(period.end.replace(day=1)).replace(day=due_day)
    return day if calendar.is_workday(day) else calendar.next_workday(day)

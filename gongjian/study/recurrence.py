"""Laying out a recurring study plan on the Chinese calendar. Pure: no Django.

The holidays and make-up working days are the service app's (`gongjian.service.calendar`);
this adds the quarterly layout and says which dates were moved, so the plan can tell the
organiser ("10月1日 is 国庆节: moved to 10月8日").

- weekly: the same weekday each week; a week whose day is a public holiday is skipped;
- monthly: the same day of the month, moved to the next working day when it is not one (a
  day past the end of the month becomes the month's last day first);
- quarterly: the same, every third month.
"""

from __future__ import annotations

import calendar as _cal
import datetime as dt
from dataclasses import dataclass

from gongjian.service import calendar

WEEKLY = "weekly"
MONTHLY = "monthly"
QUARTERLY = "quarterly"
MAX_OCCURRENCES = 53


@dataclass(frozen=True)
class Occurrence:
    day: dt.date
    planned: dt.date  # the day the rule gives before moving; equal to `day` when not moved

    @property
    def moved(self) -> bool:
        return self.day != self.planned


def _every_months(first: dt.date, occurrences: int, step: int) -> list[Occurrence]:
    out: list[Occurrence] = []
    year, month = first.year, first.month
    for _ in range(occurrences):
        last = _cal.monthrange(year, month)[1]
        planned = dt.date(year, month, min(first.day, last))
        out.append(Occurrence(day=calendar.next_workday(planned), planned=planned))
        month += step
        while month > 12:
            year, month = year + 1, month - 12
    return out


def layout(frequency: str, first: dt.date, occurrences: int) -> list[Occurrence]:
    """The dates of a plan, in order."""
    if frequency == WEEKLY:
        return [Occurrence(day=d, planned=d) for d in calendar.weekly(first, occurrences)]
    if frequency == MONTHLY:
        return _every_months(first, occurrences, 1)
    if frequency == QUARTERLY:
        return _every_months(first, occurrences, 3)
    raise ValueError(f"unknown frequency {frequency!r}")

"""Periods of days (a month, a year, any range) as plain data: every app's figures are for a
scope and a `Period`; no Django here."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Period:
    """Whole days, both ends included, in local time (Asia/Shanghai)."""

    start: dt.date
    end: dt.date
    kind: str = "custom"  # this_month, last_month, this_year, last_year, custom

    @property
    def label(self) -> str:
        if self.kind == "this_year" or (
            self.start == dt.date(self.start.year, 1, 1) and self.end.year == self.start.year
        ):
            if self.end == dt.date(self.start.year, 12, 31):
                return f"{self.start.year}年"
            return f"{self.start.year}年1月1日至{self.end.month}月{self.end.day}日"
        last = calendar.monthrange(self.start.year, self.start.month)[1]
        if (
            self.start.day == 1
            and self.end.year == self.start.year
            and self.end.month == self.start.month
        ):
            if self.end.day == last:
                return f"{self.start.year}年{self.start.month}月"
            return f"{self.start.year}年{self.start.month}月1日至{self.end.day}日"
        return (
            f"{self.start.year}年{self.start.month}月{self.start.day}日至"
            f"{self.end.year}年{self.end.month}月{self.end.day}日"
        )

    def months(self) -> list[dt.date]:
        """The first day of every month the period touches."""
        out = []
        m = self.start.replace(day=1)
        while m <= self.end:
            out.append(m)
            m = next_month(m)
        return out


def next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def month_end(first: dt.date) -> dt.date:
    return next_month(first) - dt.timedelta(days=1)


def period_of(
    kind: str, *, today: dt.date, start: dt.date | None = None, end: dt.date | None = None
) -> Period:
    """A named period as of `today`; `custom` takes `start` and `end`."""
    if kind == "this_month":
        return Period(today.replace(day=1), today, kind)
    if kind == "last_month":
        first = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
        return Period(first, month_end(first), kind)
    if kind == "last_year":
        return Period(dt.date(today.year - 1, 1, 1), dt.date(today.year - 1, 12, 31), kind)
    if kind == "custom" and start is not None and end is not None:
        if end < start:
            start, end = end, start
        return Period(start, end, kind)
    return Period(dt.date(today.year, 1, 1), today, "this_year")

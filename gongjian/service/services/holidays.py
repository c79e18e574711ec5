"""Entering a year's 放假调休 from the State Council's notice, as ranges: days off and make-up
working days. The whole year is replaced at once; nothing is written on bad input."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from gongjian.core.audit import audit_record
from gongjian.core.validation import invalid
from gongjian.service import calendar
from gongjian.service.models import HolidayRange, HolidayYear

MAX_RANGE_DAYS = 15
WEEKDAYS = "一二三四五六日"


@dataclass(frozen=True)
class DayRange:
    start: dt.date
    end: dt.date
    name: str = ""


def parse_range(text: str, *, field: str) -> DayRange:
    """`2027-02-05:2027-02-11[=春节]` or one day `2027-01-01[=元旦]`."""
    body, _sep, name = text.strip().partition("=")
    first, _sep, last = body.partition(":")
    try:
        start = dt.date.fromisoformat(first.strip())
        end = dt.date.fromisoformat((last or first).strip())
    except ValueError:
        raise invalid(
            field, _("日期范围“%(t)s”应写作 2027-02-05:2027-02-11 或 2027-01-01") % {"t": text}
        ) from None
    return DayRange(start, end, name.strip())


def _check(year: int, ranges: Sequence[DayRange], field: str) -> None:
    for r in ranges:
        if r.end < r.start:
            raise invalid(
                field, _("%(s)s 晚于 %(e)s：截止日不能早于起始日") % {"s": r.start, "e": r.end}
            )
        if (r.end - r.start).days + 1 > MAX_RANGE_DAYS:
            raise invalid(
                field,
                _("%(s)s至%(e)s超过%(n)d天，请核对")
                % {"s": r.start, "e": r.end, "n": MAX_RANGE_DAYS},
            )
        # A year's notice may begin in the December before (元旦 across the new year).
        if not (dt.date(year - 1, 12, 1) <= r.start and r.end <= dt.date(year, 12, 31)):
            raise invalid(
                field, _("%(s)s至%(e)s不在%(y)d年内") % {"s": r.start, "e": r.end, "y": year}
            )


def holidays_check(
    year: int, holidays: Sequence[DayRange], workdays: Sequence[DayRange] = ()
) -> None:
    """Raise ValidationFailed naming the field unless these ranges can be `year`'s: days off
    within the year (or the December before), make-up working days on Saturdays or Sundays and
    not days off, at least one range of days off."""
    if not 2000 <= year <= 2100:
        raise invalid("year", _("年份应在2000至2100之间"))
    if not holidays:
        raise invalid("holidays", _("请至少填写一段放假日期"))
    _check(year, holidays, "holidays")
    _check(year, workdays, "workdays")
    off = {d for r in holidays for d in calendar._days(r.start, r.end)}
    for r in workdays:
        for day in calendar._days(r.start, r.end):
            if day.weekday() < 5:
                raise invalid(
                    "workdays",
                    _("调休上班日%(d)s是星期%(w)s：调休上班日应为周六或周日")
                    % {"d": day, "w": WEEKDAYS[day.weekday()]},
                )
            if day in off:
                raise invalid("workdays", _("%(d)s既是放假日又是调休上班日") % {"d": day})


def holidays_save(
    *,
    actor: Any,
    year: int,
    holidays: Sequence[DayRange],
    workdays: Sequence[DayRange] = (),
    notice: str = "",
    provisional: bool = False,
) -> HolidayYear:
    """Replace `year`'s 放假调休 with these ranges (checked by `holidays_check`). Audited."""
    holidays_check(year, holidays, workdays)
    with transaction.atomic():
        entry, created = HolidayYear.objects.select_for_update().get_or_create(
            year=year, defaults={"notice": notice, "provisional": provisional}
        )
        entry.notice, entry.provisional = notice, provisional
        entry.save()
        entry.ranges.all().delete()
        HolidayRange.objects.bulk_create(
            [
                HolidayRange(holiday_year=entry, kind=kind, name=r.name, start=r.start, end=r.end)
                for kind, rows in (("holiday", holidays), ("workday", workdays))
                for r in rows
            ]
        )
        audit_record(
            action="create" if created else "update",
            obj=entry,
            actor=actor,
            changes={
                "notice": notice,
                "provisional": provisional,
                "holidays": [f"{r.start}:{r.end}" for r in holidays],
                "workdays": [f"{r.start}:{r.end}" for r in workdays],
            },
        )
        transaction.on_commit(calendar.reload)
    calendar.reload()
    return entry
